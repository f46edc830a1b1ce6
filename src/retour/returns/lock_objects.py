"""The row locks of the returns services, in the one order every service takes them.

Lock order (deadlock-free because every service follows it):
1. the order's ledger rows, by order line id (only services that change quantities);
2. the return case, 3. the claim, 4. the exchange.

Each queryset locks only its own table (no joins), and services hold the locks only for the
short read-decide-write of one command.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone

from retour.returns.models import (
    Claim,
    ClaimLine,
    Exchange,
    OrderLineLedger,
    ReturnCase,
    ReturnLine,
)

# The columns the case services decide on and change. The rest (one timestamp per status,
# texts) is left out of the locking read, which dominated the cost of a command; a deferred
# column still loads if read.
CASE_FIELDS = (
    "id",
    "number",
    "order_id",
    "customer_id",
    "channel",
    "created_by_id",
    "status",
    "requested_resolution",
    "expires_at",
    "eligibility_snapshot",
    "override_by_id",
    "override_reason",
    "currency",
    "version",
)
# Line columns no command reads; a deferred column still loads if read.
_LINE_DEFERRED = ("unit_basis", "customer_comment", "created_at")


# Plain SQL: every quantity command starts here, and the ORM's compilation of this query cost
# more than the rest of the command. Each row also carries `shipped`, the units the order
# mirror says were shipped, so the ledger can follow a re-imported order under the same lock.
_SHIPPED = """COALESCE((SELECT SUM(shipped.quantity) FROM orders_shipmentline AS shipped
                     WHERE shipped.order_line_id = {ledger}.order_line_id), 0) AS shipped"""
_ORDER_LEDGERS_SQL = f"""
    SELECT ledger.*,
           {_SHIPPED.format(ledger="ledger")}
    FROM returns_orderlineledger AS ledger
    WHERE ledger.order_id = %s
    ORDER BY ledger.order_line_id
"""  # noqa: S608 (constants)
_create_ledgers_sql: dict[tuple[str, int], str] = {}


def order_ledgers(order_id: int) -> list[OrderLineLedger]:
    """Lock the order's ledger rows, by order line id; each has a `shipped` attribute."""
    sql = _ORDER_LEDGERS_SQL
    if connection.features.has_select_for_update:  # SQLite locks the whole database instead
        sql += " FOR UPDATE"
    return list(OrderLineLedger.objects.raw(sql, [order_id]))


def create_order_ledgers(order_id: int, order_line_ids: list[int]) -> list[OrderLineLedger]:
    """Insert empty ledger rows for these lines of the order, skipping any a concurrent command
    created first; return the rows inserted (each with `shipped`, as `order_ledgers`)."""
    now = timezone.now()
    rows = [
        OrderLineLedger(order_line_id=line_id, order_id=order_id, created_at=now, updated_at=now)
        for line_id in order_line_ids
    ]
    fields = [field for field in OrderLineLedger._meta.concrete_fields]
    key = (connection.vendor, len(rows))
    sql = _create_ledgers_sql.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        table = quote(OrderLineLedger._meta.db_table)
        columns = ", ".join(quote(field.column) for field in fields)
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = _create_ledgers_sql[key] = (
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))} "  # noqa: S608
            f"ON CONFLICT DO NOTHING RETURNING *, {_SHIPPED.format(ledger=table)}"
        )
    params = [
        field.get_db_prep_save(field.pre_save(row, True), connection)
        for row in rows
        for field in fields
    ]
    return list(OrderLineLedger.objects.raw(sql, params))


def case(case_id: int) -> ReturnCase:
    rows = _run(
        "case",
        lambda key: ReturnCase.objects.select_for_update().only(*CASE_FIELDS).filter(pk=key),
        case_id,
    )
    if not rows:
        raise ReturnCase.DoesNotExist("ReturnCase matching query does not exist.")
    return rows[0]


def case_lines(case_id: int) -> list[ReturnLine]:
    """The lines of a case, read after locking the case (which guards them), by order line."""
    return _run(
        "case_lines",
        lambda key: (
            ReturnLine.objects.filter(case_id=key).defer(*_LINE_DEFERRED).order_by("order_line_id")
        ),
        case_id,
    )


def claim_lines(claim_id: int) -> list[ClaimLine]:
    """The lines of a claim, read after locking the claim, by order line."""
    return _run(
        "claim_lines",
        lambda key: (
            ClaimLine.objects.filter(claim_id=key).defer(*_LINE_DEFERRED).order_by("order_line_id")
        ),
        claim_id,
    )


def claim(claim_id: int) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim_id)


def exchange(exchange_id: int) -> Exchange:
    return Exchange.objects.select_for_update().get(pk=exchange_id)


# Compiling a queryset cost the ORM several times what running it did, and the reads above
# start every command: each is compiled once per database vendor and then run as a raw query,
# which still converts the values and leaves the columns out of the SELECT deferred.
_compiled: dict[tuple[str, str], tuple[type[Model], str]] = {}
_PLACEHOLDER = -1


def _run(name: str, build: Callable[[int], QuerySet], key: int) -> list:
    """Run the queryset `build(key)` (which filters on that one integer), compiled once."""
    cache_key = (connection.vendor, name)
    compiled = _compiled.get(cache_key)
    if compiled is None:
        queryset = build(_PLACEHOLDER)
        sql, params = queryset.query.sql_with_params()
        if params != (_PLACEHOLDER,):
            raise ValueError(f"{name}: the query must take exactly one parameter, not {params}")
        compiled = _compiled[cache_key] = (queryset.model, sql)
    model, sql = compiled
    return list(model._default_manager.raw(sql, [key]))
