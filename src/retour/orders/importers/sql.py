"""Plain multi-row SQL for the importer's inserts and updates, on SQLite and PostgreSQL.

Why not `bulk_create` / `bulk_update`: measured on this project, the ORM spends about 140 µs per
row building and compiling insert statements (and bulk_update builds one CASE per field per
row), which caps an import near 2,000 order lines a second against a goal of 10,000. Here rows
are plain tuples sent with `executemany` (or COPY on PostgreSQL). Table and column names still
come from the models' metadata, and values are adapted the way Django's backends adapt them
(aware datetimes as naive UTC text on SQLite, JSON as text), so the ORM reads the rows back
exactly as if it had written them.

Ids are allocated before inserting (PostgreSQL: from the table's identity sequence; SQLite:
after the current maximum, safe because the batch's transaction holds SQLite's write lock from
BEGIN IMMEDIATE), so children can point at parents without reading ids back.

References, PostgreSQL: the foreign keys are checked by the server one row at a time (a trigger
per row and key at commit: measured, 45 of the server's 72 µs per order line). When the session
may set `session_replication_role` (a superuser, or `GRANT SET ON PARAMETER
session_replication_role` on PostgreSQL 15+) and nothing else would be skipped (no trigger of
our own on the tables written, nothing referring to the rows deleted), an import's own batch
transaction sets it to `replica` for that transaction only, which turns those per-row triggers
off, and checks the same references itself, per batch and per table, with one query each: every
id a written row refers to either was inserted by the batch or exists and is locked `FOR KEY
SHARE` (the lock the trigger takes), else the batch fails with an IntegrityError as it would
have. See `Writer.trust_references`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from typing import Any

import msgspec
from django.db import IntegrityError, connection
from django.db.models import Model
from psycopg.types.json import Jsonb, set_json_dumps


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def columns(model: type[Model], names: Sequence[str]) -> list[str]:
    """Database column names for field names (`order` -> `order_id`)."""
    return [model._meta.get_field(name).column for name in names]


_PG_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "timestamp with time zone": "timestamptz",
    "jsonb": "jsonb",
}


@cache
def _copy_types(model: type[Model], names: tuple[str, ...], with_ids: bool) -> list[str]:
    """PostgreSQL type names for binary COPY of ([id], *names); varchar(n) travels as text."""
    types = []
    fields = [model._meta.get_field(name) for name in names]
    for field in [model._meta.pk, *fields] if with_ids else fields:
        db_type = (
            field.target_field.db_type(connection)
            if field.is_relation
            else field.db_type(connection)
        )
        db_type = db_type.split("(")[0].strip()
        if db_type.startswith(("varchar", "char")):
            types.append("text")
        else:
            types.append(_PG_TYPES.get(db_type, db_type))
    return types


_SEQUENCES: dict[str, str] = {}

# The tables the importer writes (by the models in write.py and lookups.py) and the one it
# deletes rows from; filled in by `trust_references`.
_WRITTEN_TABLES = (
    "orders_customer",
    "orders_order",
    "orders_orderline",
    "orders_payment",
    "orders_shipment",
    "orders_shipmentline",
)
_DELETED_TABLES = ("orders_shipmentline",)
# Per database alias and server: whether the batch may check references itself (see
# `trust_references`); asked once per process.
_MAY_CHECK_REFERENCES: dict[tuple[str, str], bool] = {}

_MAY_CHECK_SQL = """
    SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
           OR (current_setting('server_version_num')::int >= 150000
               AND has_parameter_privilege('session_replication_role', 'SET')),
           (SELECT count(*) FROM pg_trigger
             WHERE NOT tgisinternal AND tgrelid = ANY(%s::regclass[])),
           (SELECT count(*) FROM pg_constraint
             WHERE contype = 'f' AND confrelid = ANY(%s::regclass[])),
           (SELECT count(*) FROM pg_rules WHERE tablename = ANY(%s))
"""


def _may_check_references() -> bool:
    key = (connection.alias, connection.settings_dict.get("NAME") or "")
    allowed = _MAY_CHECK_REFERENCES.get(key)
    if allowed is None:
        with connection.cursor() as cursor:
            # has_parameter_privilege() exists from PostgreSQL 15 only.
            cursor.execute("SELECT current_setting('server_version_num')::int")
            if cursor.fetchone()[0] < 150000:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                privileged = bool(cursor.fetchone()[0])
                triggers = constraints = rules = 1  # not checked on old servers: stay safe
            else:
                cursor.execute(
                    _MAY_CHECK_SQL,
                    [list(_WRITTEN_TABLES), list(_DELETED_TABLES), list(_WRITTEN_TABLES)],
                )
                privileged, triggers, constraints, rules = cursor.fetchone()
        allowed = bool(privileged) and not triggers and not constraints and not rules
        _MAY_CHECK_REFERENCES[key] = allowed
    return allowed


class Writer:
    """Vendor-specific adaptation and statements; one per batch transaction."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"the order importer does not support {self.vendor}")
        self.is_sqlite = self.vendor == "sqlite"
        # Set by `trust_references`: the batch checks its references itself.
        self.checks_references = False
        self._inserted: dict[type[Model], set[int]] = {}
        self._referenced: dict[type[Model], set[int]] = {}

    # Session ------------------------------------------------------------------------------
    @contextmanager
    def bulk_session(self) -> Iterator[None]:
        """For the length of an import: a larger SQLite page cache (64 MB, then back).

        SQLite's default 2 MB cache makes every batch re-read the index pages it just wrote;
        measured, the larger cache saves about a tenth of the writer's time.
        """
        if not self.is_sqlite:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            previous = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size = -65536")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(previous)}")

    def relax_durability(self) -> None:
        """PostgreSQL: this transaction's COMMIT does not wait for its WAL to reach the disk.

        Safe for an import: a server crash can lose only the last fraction of a second of
        committed batches, never leave one half-written, and running the import again restores
        them (it is idempotent). Measured, it takes a fifth off a large import.
        """
        if not self.is_sqlite:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")

    def trust_references(self) -> bool:
        """PostgreSQL, in the batch's own transaction: turn off the per-row foreign-key triggers
        for this transaction and check the batch's references in `check_references` instead.

        Only when the session may (see the module's docstring) and when the triggers would do
        nothing else: no trigger or rule of our own on the tables written and no foreign key
        to the table rows are deleted from. Returns whether it did. The setting is
        `SET LOCAL`: it ends with the transaction, and a caller's transaction never gets it.
        """
        if self.is_sqlite or not _may_check_references():
            return False
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role TO replica")
        self.checks_references = True
        return True

    def check_references(self) -> None:
        """Every id the batch's rows refer to was inserted by the batch, or exists: lock those
        rows `FOR KEY SHARE` (as the foreign-key trigger does, so that they cannot be deleted
        before the batch commits); raise IntegrityError, failing the batch, if one is missing.
        """
        if not self.checks_references:
            return
        with connection.cursor() as cursor:
            for model, ids in self._referenced.items():
                wanted = sorted(ids - self._inserted.get(model, set()))
                if not wanted:
                    continue
                cursor.execute(
                    f"SELECT id FROM {table(model)} WHERE id = ANY(%s) "  # noqa: S608
                    "ORDER BY id FOR KEY SHARE",
                    [wanted],
                )
                found = {row[0] for row in cursor.fetchall()}
                if len(found) != len(wanted):
                    missing = sorted(set(wanted) - found)[:5]
                    raise IntegrityError(
                        f"insert or update violates foreign key constraint: "
                        f"no {model._meta.db_table} row with id in {missing}"
                    )
        self._referenced = {}
        self._inserted = {}

    def _note_references(
        self, model: type[Model], names: Sequence[str], rows: list[tuple], offset: int
    ) -> None:
        """Remember the ids `rows` refer to (columns `names`, starting at `offset` in a row)."""
        for position, name in enumerate(names, start=offset):
            field = model._meta.get_field(name)
            if not field.is_relation:
                continue
            target = field.related_model
            self._referenced.setdefault(target, set()).update(
                row[position] for row in rows if row[position] is not None
            )

    # Values -------------------------------------------------------------------------------
    def when(self, value: datetime | None) -> Any:
        """An aware UTC datetime as the backend stores it (Django's own adaptation)."""
        if value is None or not self.is_sqlite:
            return value
        return value.replace(tzinfo=None).isoformat(" ")

    def json(self, value: Any) -> Any:
        """JSON as SQLite stores it (text); PostgreSQL's COPY encodes the value itself."""
        return msgspec.json.encode(value).decode() if self.is_sqlite else value

    # Ids ----------------------------------------------------------------------------------
    def allocate_ids(self, model: type[Model], count: int) -> Sequence[int]:
        if count == 0:
            return []
        name = model._meta.db_table
        with connection.cursor() as cursor:
            if self.is_sqlite:
                cursor.execute(f"SELECT MAX(id) FROM {table(model)}")  # noqa: S608 (model name)
                highest = cursor.fetchone()[0] or 0
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [name])
                row = cursor.fetchone()
                start = max(highest, row[0] if row else 0) + 1
                return range(start, start + count)
            sequence = _SEQUENCES.get(name)
            if sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [name])
                sequence = _SEQUENCES[name] = cursor.fetchone()[0]
            # The sequence is named once: pg_get_serial_sequence() per row costs 4 µs a row.
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]

    # Statements ---------------------------------------------------------------------------
    def insert(
        self,
        model: type[Model],
        names: Sequence[str],
        rows: Iterable[tuple],
        *,
        with_ids: bool = True,
    ) -> None:
        """Rows are (id, value, …) in the order of `names`; without ids the table numbers them."""
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return
        if self.checks_references:
            if with_ids:
                self._inserted.setdefault(model, set()).update(row[0] for row in rows)
            self._note_references(model, names, rows, 1 if with_ids else 0)
        column_names = columns(model, names)
        if with_ids:
            column_names.insert(0, "id")
        quoted = ", ".join(connection.ops.quote_name(column) for column in column_names)
        with connection.cursor() as cursor:
            if not self.is_sqlite:
                # Binary COPY: the cheapest way into PostgreSQL for the server as for us.
                raw = cursor.cursor
                set_json_dumps(msgspec.json.encode, context=raw)
                statement = f"COPY {table(model)} ({quoted}) FROM STDIN (FORMAT BINARY)"
                # Django wraps its own cursor calls; COPY goes to psycopg directly, so wrap it
                # here to raise django.db's IntegrityError / DataError like everything else.
                with connection.wrap_database_errors, raw.copy(statement) as copy:
                    copy.set_types(_copy_types(model, tuple(names), with_ids))
                    for row in rows:
                        copy.write_row(row)
                return
            placeholders = ", ".join(["%s"] * len(column_names))
            cursor.executemany(
                f"INSERT INTO {table(model)} ({quoted}) VALUES ({placeholders})",  # noqa: S608
                rows,
            )

    def update(self, model: type[Model], names: Sequence[str], rows: list[tuple]) -> None:
        """Rows are (value, …, id) in the order of `names`."""
        if not rows:
            return
        if self.checks_references:
            self._note_references(model, names, rows, 0)
        if not self.is_sqlite:
            rows = [
                tuple(Jsonb(value) if isinstance(value, list | dict) else value for value in row)
                for row in rows
            ]
        assignments = ", ".join(
            f"{connection.ops.quote_name(column)} = %s" for column in columns(model, names)
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table(model)} SET {assignments} WHERE id = %s",  # noqa: S608
                rows,
            )

    def select_in(
        self,
        model: type[Model],
        names: Sequence[str],
        *,
        where: dict[str, Any],
        field: str,
        values: list[Any],
    ) -> list[tuple]:
        """Rows of `names` where the `where` fields are equal and `field` is IN `values`.

        Plain SQL because the ORM spends milliseconds compiling a 500-value IN per batch.
        """
        quote = connection.ops.quote_name
        selected = ", ".join(quote(column) for column in columns(model, names))
        conditions = [f"{quote(column)} = %s" for column in columns(model, list(where))]
        in_column = quote(columns(model, [field])[0])
        rows: list[tuple] = []
        with connection.cursor() as cursor:
            for start in range(0, len(values), 500):
                chunk = values[start : start + 500]
                condition = " AND ".join(
                    [*conditions, f"{in_column} IN ({', '.join(['%s'] * len(chunk))})"]
                )
                cursor.execute(
                    f"SELECT {selected} FROM {table(model)} WHERE {condition}",  # noqa: S608
                    [*where.values(), *chunk],
                )
                rows += cursor.fetchall()
        return rows

    def delete(self, model: type[Model], field: str, ids: list[int]) -> None:
        if not ids:
            return
        column = connection.ops.quote_name(columns(model, [field])[0])
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM {table(model)} WHERE {column} IN ({placeholders})",  # noqa: S608
                    chunk,
                )
