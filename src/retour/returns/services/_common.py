"""Helpers every returns service uses: who may act, version checks, status changes + events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction

from retour.core.actors import Actor
from retour.core.events import NewEvent, record_events
from retour.core.models import DomainEvent
from retour.core.rows import field_values, insert_statement, mark_saved, update_row
from retour.core.transitions import TransitionTable
from retour.returns.choices import Channel
from retour.returns.exceptions import (
    NotOwner,
    PersonOnly,
    ReasonRequired,
    StaffOnly,
    StaleVersion,
)
from retour.returns.numbers import generate_number
from retour.returns.services._statements import update_with_event
from retour.returns.transitions import CASE_TRANSITIONS

CASE = "returns.case"
CLAIM = "returns.claim"
EXCHANGE = "returns.exchange"


def require_staff(actor: Actor) -> None:
    """Staff or an automated process; never the buyer."""
    if actor.is_customer:
        raise StaffOnly()


def require_person(actor: Actor) -> None:
    """A named staff member (overrides, write-offs): an automation may not."""
    if not actor.is_staff:
        raise PersonOnly()


def require_access(actor: Actor, customer_id: int) -> None:
    """The buyer may act on their own records only; staff and the system on any."""
    if actor.is_customer and actor.id != customer_id:
        raise NotOwner()


def require_reason(reason: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ReasonRequired()
    return cleaned


def check_version(obj: Any, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise StaleVersion(extra={"expected": expected_version, "actual": obj.version})


def default_channel(actor: Actor) -> str:
    if actor.is_customer:
        return Channel.PORTAL
    return Channel.STAFF if actor.is_staff else Channel.API


def apply_change(
    obj: models.Model,
    *,
    aggregate_type: str,
    table: TransitionTable,
    command: str,
    event_type: str,
    actor: Actor,
    now: datetime,
    to_status: str | None = None,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
    fields: Iterable[str] = (),
) -> DomainEvent:
    """Move `obj` by `command` (checked against `table`), bump its version, save and record
    the event. `fields` names the other columns the caller changed on `obj`."""
    from_status = obj.status
    target = to_status or from_status
    table.check(command, from_status, target)
    return save_with_event(
        obj,
        aggregate_type=aggregate_type,
        event_type=event_type,
        actor=actor,
        now=now,
        from_status=from_status,
        to_status=target,
        reason=reason,
        payload=payload,
        fields=fields,
    )


def save_with_event(
    obj: models.Model,
    *,
    aggregate_type: str,
    event_type: str,
    actor: Actor,
    now: datetime,
    from_status: str,
    to_status: str,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
    fields: Iterable[str] = (),
) -> DomainEvent:
    update_fields = {"version", "updated_at", *fields}
    if to_status != obj.status:
        obj.status = to_status
        update_fields.add("status")
    # No lifecycle re-enters a status it left (only self-transitions repeat), so entering a
    # status is the first time: stamp it without reading the (deferred) column.
    stamp = obj.STATUS_TIMESTAMPS.get(to_status)
    if stamp and to_status != from_status:
        setattr(obj, stamp, now)
        update_fields.add(stamp)
    obj.version += 1
    obj.updated_at = now
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        # One round trip instead of two (see `_statements`).
        return update_with_event(
            obj,
            sorted(update_fields),
            NewEvent(
                aggregate_type=aggregate_type,
                aggregate_id=obj.pk,
                type=event_type,
                actor=actor,
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                payload=payload or {},
            ),
            occurred_at=now,
            connection=connection,
        )
    update_row(obj, sorted(update_fields), connection)
    return record_event(
        aggregate_type=aggregate_type,
        aggregate_id=obj.pk,
        event_type=event_type,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        payload=payload or {},
        now=now,
    )


def record_event(
    *,
    aggregate_type: str,
    aggregate_id: int,
    event_type: str,
    actor: Actor,
    from_status: str,
    to_status: str,
    now: datetime,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
) -> DomainEvent:
    return record_events(
        [
            NewEvent(
                aggregate_type=aggregate_type,
                aggregate_id=aggregate_id,
                type=event_type,
                actor=actor,
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                payload=payload or {},
            )
        ],
        occurred_at=now,
    )[0]


_numbered_sql: dict[tuple[str, type[models.Model]], str] = {}


def insert_numbered(obj: models.Model, *, prefix: str, attempts: int = 5) -> None:
    """Insert `obj` under a fresh random number, drawing again on the (rare) collision.

    `ON CONFLICT ("number") DO NOTHING`: a collision inserts nothing and returns no id, so no
    savepoint is needed for PostgreSQL to carry on (two statements fewer per insert); any other
    constraint still raises.
    """
    model = type(obj)
    connection = transaction.get_connection()
    obj._prepare_related_fields_for_save(operation_name="insert_numbered")
    sql, fields = insert_statement(model, connection)
    key = (connection.vendor, model)
    numbered = _numbered_sql.get(key)
    if numbered is None:
        head, returning = sql.rsplit(" RETURNING ", 1)
        column = connection.ops.quote_name(model._meta.get_field("number").column)
        numbered = _numbered_sql[key] = (
            f"{head} ON CONFLICT ({column}) DO NOTHING RETURNING {returning}"
        )
    for _attempt in range(attempts):
        obj.number = generate_number(prefix)
        with connection.cursor() as cursor:
            cursor.execute(numbered, field_values(obj, fields, connection))
            row = cursor.fetchone()
        if row is not None:
            mark_saved(obj, row[0], connection)
            return
    raise IntegrityError(f"no free {model._meta.db_table} number after {attempts} draws")


def case_change(command: str, event_type: str, actor: Actor, now: datetime) -> dict[str, Any]:
    """The keyword arguments of `apply_change` for a return case command."""
    return {
        "aggregate_type": CASE,
        "table": CASE_TRANSITIONS,
        "command": command,
        "event_type": event_type,
        "actor": actor,
        "now": now,
    }


def save_lines(lines: Sequence, fields: Sequence[str], now: datetime) -> None:
    """Save changed lines: one UPDATE for one line, a bulk update for several."""
    if not lines:
        return
    for line in lines:
        line.updated_at = now
    if len(lines) == 1:
        update_row(lines[0], [*fields, "updated_at"], transaction.get_connection())
    else:
        type(lines[0]).objects.bulk_update(lines, [*fields, "updated_at"])
