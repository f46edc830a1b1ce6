"""PostgreSQL: statements a command sends together, joined into one.

`update_with_event`: a command's aggregate UPDATE, its event and the event's outbox message.
`update_with_insert`: a ledger row's UPDATE and its movement.

Every returns command ends by updating its case (or claim) and recording one event with its
outbox message. On PostgreSQL each statement is a round trip to a server that shares the
machine's cores, so the three go as one `WITH … UPDATE … RETURNING, INSERT … SELECT` statement
(core's `insert_event_with_message` already joins the last two). Same rows, same values (through
each field's `pre_save` and `get_db_prep_save`), the same refusal when the UPDATE matches no row,
and the outbox drain queued after commit as `record_events` does.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from retour.core.events import NewEvent, enqueue_outbox_drain, outbox_payload
from retour.core.models import DomainEvent, OutboxMessage
from retour.core.rows import field_values, mark_saved

_sql: dict[tuple[type[Model], tuple[str, ...]], tuple[str, list, list, list]] = {}


def _statement(model: type[Model], update_fields: tuple[str, ...], connection) -> tuple:
    key = (model, update_fields)
    if key not in _sql:
        quote = connection.ops.quote_name
        meta = model._meta
        fields = [meta.get_field(name) for name in update_fields]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        event_fields = [f for f in DomainEvent._meta.concrete_fields if not f.primary_key]
        message_fields = [
            f
            for f in OutboxMessage._meta.concrete_fields
            if not f.primary_key and f.attname != "event_id"
        ]
        event_columns = ", ".join(quote(f.column) for f in event_fields)
        message_columns = ", ".join(quote(f.column) for f in message_fields)
        message_values = ", ".join(
            "jsonb_set(%s::jsonb, '{event_id}', to_jsonb(event.id))"
            if f.attname == "payload"
            else "%s"
            for f in message_fields
        )
        sql = (
            f"WITH changed AS (UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {quote(meta.pk.column)} = %s RETURNING {quote(meta.pk.column)}), "
            f"event AS (INSERT INTO {quote(DomainEvent._meta.db_table)} ({event_columns}) "
            f"SELECT {', '.join(['%s'] * len(event_fields))} FROM changed RETURNING id) "
            f"INSERT INTO {quote(OutboxMessage._meta.db_table)} (event_id, {message_columns}) "
            f"SELECT event.id, {message_values} FROM event RETURNING event_id, id"
        )
        _sql[key] = (sql, fields, event_fields, message_fields)
    return _sql[key]


def update_with_event(
    obj: Model,
    update_fields: Sequence[str],
    event: NewEvent,
    *,
    occurred_at,
    connection: BaseDatabaseWrapper,
) -> DomainEvent:
    """`update_row(obj, update_fields)` then `record_events([event])`, in one statement."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_events must run inside transaction.atomic()")
    sql, fields, event_fields, message_fields = _statement(
        type(obj), tuple(update_fields), connection
    )
    row = DomainEvent(
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
        occurred_at=occurred_at,
    )
    message = OutboxMessage(
        topic=row.type,
        payload=outbox_payload(row),
        available_at=occurred_at,
        created_at=occurred_at,
    )
    params = field_values(obj, fields, connection, add=False)
    params.append(type(obj)._meta.pk.get_db_prep_value(obj.pk, connection))
    params += field_values(row, event_fields, connection)
    params += field_values(message, message_fields, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:
        raise DatabaseError(f"{type(obj).__name__} {obj.pk}: the update matched no row.")
    event_id, message_id = found
    mark_saved(row, event_id, connection)
    mark_saved(message, message_id, connection)
    message.event_id = message.payload["event_id"] = event_id
    transaction.on_commit(enqueue_outbox_drain, using=connection.alias)
    return row


_pair_sql: dict[tuple[type[Model], tuple[str, ...], type[Model]], tuple[str, list, list]] = {}


def update_with_insert(
    obj: Model, update_fields: Sequence[str], new: Model, *, connection: BaseDatabaseWrapper
) -> None:
    """`update_row(obj, update_fields)` then `insert_row(new)`, in one statement: `new` is
    inserted only if the UPDATE matched its row, else DatabaseError as `update_row` raises."""
    new._prepare_related_fields_for_save(operation_name="update_with_insert")
    key = (type(obj), tuple(update_fields), type(new))
    if key not in _pair_sql:
        quote = connection.ops.quote_name
        meta = type(obj)._meta
        fields = [meta.get_field(name) for name in update_fields]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        new_meta = type(new)._meta
        new_fields = [f for f in new_meta.concrete_fields if not f.primary_key]
        _pair_sql[key] = (
            f"WITH changed AS (UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {quote(meta.pk.column)} = %s RETURNING 1) "
            f"INSERT INTO {quote(new_meta.db_table)} "
            f"({', '.join(quote(f.column) for f in new_fields)}) "
            f"SELECT {', '.join(['%s'] * len(new_fields))} FROM changed "
            f"RETURNING {quote(new_meta.pk.column)}",
            fields,
            new_fields,
        )
    sql, fields, new_fields = _pair_sql[key]
    params = field_values(obj, fields, connection, add=False)
    params.append(type(obj)._meta.pk.get_db_prep_value(obj.pk, connection))
    params += field_values(new, new_fields, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:
        raise DatabaseError(f"{type(obj).__name__} {obj.pk}: the update matched no row.")
    mark_saved(new, found[0], connection)
