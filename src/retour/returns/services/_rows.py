"""Several new rows of one model in one INSERT, the statement built once per row count.

`bulk_create` compiles its statement again on every call, which cost more than running it for
the two or three rows a returns command writes (the ledger's movements of a first return, the
lines of a case). Values go through each field's `pre_save` and `get_db_prep_save`, as in
`retour.core.rows.insert_row`; no signals are sent (the returns models have no receivers).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from retour.core.rows import field_values, insert_row, insert_statement, mark_saved

_many_sql: dict[tuple[str, type[Model], int], str] = {}


def insert_rows(objs: Sequence[Model], connection: BaseDatabaseWrapper) -> None:
    """INSERT `objs` (all of one model) and set their primary keys, in the order given."""
    if not objs:
        return
    if len(objs) == 1:
        insert_row(objs[0], connection)
        return
    model = type(objs[0])
    sql, fields = insert_statement(model, connection)
    key = (connection.vendor, model, len(objs))
    many = _many_sql.get(key)
    if many is None:
        head, returning = sql.rsplit(" RETURNING ", 1)
        columns, one = head.rsplit(" VALUES ", 1)
        many = _many_sql[key] = (
            f"{columns} VALUES {', '.join([one] * len(objs))} RETURNING {returning}"
        )
    params: list = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_rows")
        params += field_values(obj, fields, connection)
    with connection.cursor() as cursor:
        cursor.execute(many, params)
        keys = [row[0] for row in cursor.fetchall()]
    # Both backends return the rows of a multi-row VALUES in its order (bulk_create relies on
    # it too); check the count, never guess.
    if len(keys) != len(objs):
        raise RuntimeError(f"inserted {len(objs)} rows, got {len(keys)} keys back")
    for obj, pk in zip(objs, keys, strict=True):
        mark_saved(obj, pk, connection)
