"""A PostgreSQL database with N return cases (default 1,000,000), filled fast with COPY.

    .venv/bin/python bench/million.py                       # retour_bench_1m, 1,000,000 returns
    .venv/bin/python bench/million.py --cases 200000 --database-url postgres://…/retour_bench_x

Reusable: `ensure_million(database_url, cases=1_000_000)` is idempotent. It creates the database
if it is missing, migrates it, loads the demo store (5,000 orders, stores, markets, policies,
staff logins) when there are no orders, then adds only the returns that are missing, each with
one line and its timeline events (submitted, then approved for those that went further). Called
from a process where Django is already set up (bench/receiving.py), it uses that connection and
skips the set-up.

The statuses follow a shop a year into operation: most returns closed, about 5 % waiting for
review (the queue), a few percent approved, in transit or received. Rows are written with COPY
in batches of 100,000 and explicit ids (the sequences are moved past them afterwards), so a
million returns take a few minutes on a laptop. Not timed: this is set-up, not a measurement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/retour_bench_1m"
BATCH = 100_000
DEMO_ORDERS = 5_000

# (status, share): a year of returns.
STATUSES = (
    ("closed", 0.55),
    ("resolved", 0.05),
    ("rejected", 0.07),
    ("canceled", 0.05),
    ("expired", 0.03),
    ("approved", 0.08),
    ("in_transit", 0.055),
    ("partially_received", 0.01),
    ("received", 0.03),
    ("lost", 0.005),
    ("pending_review", 0.05),
    ("submitted", 0.01),
    ("draft", 0.005),
)
STATUS_TIMESTAMP = {
    "approved": "approved_at",
    "rejected": "rejected_at",
    "canceled": "canceled_at",
    "expired": "expired_at",
    "in_transit": "in_transit_at",
    "partially_received": "partially_received_at",
    "received": "received_at",
    "lost": "lost_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
    "pending_review": "review_requested_at",
}
AFTER_APPROVAL = {
    "approved",
    "in_transit",
    "partially_received",
    "received",
    "lost",
    "resolved",
    "closed",
    "expired",
}
REASONS = (
    "size_too_small",
    "size_too_large",
    "colour_differs",
    "not_as_described",
    "defective",
    "arrived_damaged",
    "no_longer_needed",
    "ordered_by_mistake",
)
SNAPSHOT_REVIEW = {
    "format": 1,
    "outcome": "review",
    "override_needed": True,
    "failed": [{"line": "", "rule": "evidence", "code": "eligibility.evidence.missing"}],
    "lines": [],
}


def configure(database_url: str) -> None:
    """Create and migrate the database and set Django up on it (when not set up already)."""
    import django
    from django.apps import apps
    from django.conf import settings

    if settings.configured and apps.ready:
        return
    create_database(database_url)
    os.environ.setdefault("DEBUG", "true")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "retour.config.settings",
            "RETOUR_VAR_DIR": os.environ.get("RETOUR_VAR_DIR")
            or tempfile.mkdtemp(prefix="retour-million-"),
            "DATABASE_URL": database_url,
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    )
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_database(database_url: str) -> None:
    import psycopg

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    server = database_url[: -len(parsed.path)] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def _columns(cursor, table: str) -> list[tuple[str, bool, str]]:
    cursor.execute(
        "SELECT column_name, is_nullable = 'YES', data_type FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return list(cursor.fetchall())


def _default(data_type: str) -> object:
    if data_type in ("integer", "bigint", "smallint", "numeric"):
        return 0
    if data_type == "boolean":
        return False
    if data_type in ("jsonb", "json"):
        return "{}"
    return ""


def _text(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def _copy(cursor, table: str, columns: list[tuple[str, bool, str]], rows: list[dict]) -> None:
    """COPY `rows` (dicts) into `table`: missing NOT NULL columns get their type's zero."""
    names = [name for name, _nullable, _type in columns]
    defaults = [None if nullable else _default(data_type) for _name, nullable, data_type in columns]
    pairs = list(zip(names, defaults, strict=True))
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_text(row.get(name, default)) for name, default in pairs))
        buffer.write("\n")
    raw = cursor.connection  # psycopg 3 connection under Django's wrapper
    with raw.cursor() as copy_cursor:
        column_list = ", ".join(f'"{name}"' for name in names)
        with copy_cursor.copy(f'COPY "{table}" ({column_list}) FROM STDIN') as copy:
            copy.write(buffer.getvalue())


def _ensure_orders() -> None:
    from io import StringIO

    from django.core.management import call_command

    from retour.orders.models import Order

    if not Order.objects.exists():
        print(f"loading the demo store ({DEMO_ORDERS:,} orders)…", flush=True)
        call_command("demo", orders=DEMO_ORDERS, force=True, stdout=StringIO())


def ensure_million(database_url: str = DEFAULT_URL, cases: int = 1_000_000) -> int:
    """Make sure the database holds at least `cases` return cases; return how many it holds."""
    configure(database_url)
    from django.db import connection, transaction

    from retour.orders.models import Order, OrderLine
    from retour.returns.models import ReturnCase
    from retour.returns.numbers import generate_number

    have = ReturnCase.objects.count()
    if have >= cases:
        return have
    _ensure_orders()
    orders = list(
        Order.objects.values_list(
            "pk", "customer_id", "presentment_currency", "destination_country"
        )
    )
    lines_by_order: dict[int, list[tuple[int, int]]] = {}
    for line_id, order_id, net in OrderLine.objects.values_list(
        "pk", "order_id", "unit_paid_net_minor"
    ):
        lines_by_order.setdefault(order_id, []).append((line_id, net))
    orders = [order for order in orders if order[0] in lines_by_order]
    from retour.markets.models import Market
    from retour.markets.selectors import country_market_codes

    market_ids = dict(Market.objects.values_list("code", "pk"))
    country_market = {
        country: market_ids.get(code) for country, code in country_market_codes().items()
    }
    statuses = [status for status, _share in STATUSES]
    weights = [share for _status, share in STATUSES]
    rng = random.Random(1_000_000 + have)
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        case_columns = _columns(cursor, "returns_returncase")
        line_columns = _columns(cursor, "returns_returnline")
        event_columns = _columns(cursor, "core_domainevent")
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM returns_returncase")
        next_case = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM returns_returnline")
        next_line = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM core_domainevent")
        next_event = cursor.fetchone()[0] + 1
    seen = set(ReturnCase.objects.values_list("number", flat=True)) if have else set()
    remaining = cases - have
    print(f"adding {remaining:,} returns (have {have:,})…", flush=True)
    while remaining > 0:
        size = min(BATCH, remaining)
        case_rows, line_rows, event_rows = [], [], []
        for _index in range(size):
            number = generate_number("R")
            while number in seen:
                number = generate_number("R")
            seen.add(number)
            order_id, customer_id, currency, country = rng.choice(orders)
            status = rng.choices(statuses, weights)[0]
            # Open returns are recent; closed ones spread over the year.
            age_days = (
                rng.uniform(0, 20)
                if status in ("pending_review", "submitted", "draft")
                else rng.uniform(0, 365)
            )
            created = now - dt.timedelta(days=age_days)
            case = {
                "id": next_case,
                "created_at": created,
                "updated_at": created,
                "number": number,
                "channel": "portal",
                "status": status,
                "requested_resolution": "refund",
                "return_method": "label",
                "eligibility_snapshot": json.dumps(
                    SNAPSHOT_REVIEW if status == "pending_review" and rng.random() < 0.5 else {}
                ),
                "currency": currency,
                "version": 2 if status in AFTER_APPROVAL else 1,
                "submitted_at": None if status == "draft" else created,
                "customer_id": customer_id,
                "order_id": order_id,
                "market_id": country_market.get(country),
                "track": "goodwill_policy",
            }
            if status in STATUS_TIMESTAMP:
                case[STATUS_TIMESTAMP[status]] = created + dt.timedelta(hours=1)
            if status in AFTER_APPROVAL:
                case["approved_at"] = created + dt.timedelta(hours=1)
                case["expires_at"] = created + dt.timedelta(days=30)
            case_rows.append(case)
            line_id, net = rng.choice(lines_by_order[order_id])
            settled = status in ("closed", "resolved")
            released = status in ("rejected", "canceled", "expired")
            received = status in ("closed", "resolved", "received")
            line_rows.append(
                {
                    "id": next_line,
                    "created_at": created,
                    "updated_at": created,
                    "quantity_requested": 1,
                    "quantity_received": 1 if received else 0,
                    "quantity_released": 1 if released else 0,
                    "quantity_lost": 1 if status == "lost" else 0,
                    "quantity_accepted": 1 if settled else 0,
                    "quantity_refunded": 1 if settled else 0,
                    "reason_code": rng.choice(REASONS),
                    "resolution": "refund",
                    "decision_codes": "[]",
                    "serials": "[]",
                    "unit_basis": json.dumps(
                        {"currency": currency, "net_minor": net, "tax_minor": 0, "duty_minor": 0}
                    ),
                    "case_id": next_case,
                    "order_line_id": line_id,
                }
            )
            if status != "draft":
                event_rows.append(
                    {
                        "id": next_event,
                        "aggregate_type": "returns.case",
                        "aggregate_id": next_case,
                        "type": "returns.case.submitted",
                        "to_status": "pending_review" if status != "submitted" else "submitted",
                        "actor_kind": "customer",
                        "actor_id": customer_id,
                        "payload": json.dumps({"units": 1}),
                        "occurred_at": created,
                    }
                )
                next_event += 1
            if status in AFTER_APPROVAL or status == "rejected":
                event_rows.append(
                    {
                        "id": next_event,
                        "aggregate_type": "returns.case",
                        "aggregate_id": next_case,
                        "type": "returns.case.rejected"
                        if status == "rejected"
                        else "returns.case.approved",
                        "from_status": "pending_review",
                        "to_status": "rejected" if status == "rejected" else "approved",
                        "actor_kind": "system",
                        "actor_name": "bench",
                        "reason": "Outside the return window." if status == "rejected" else "",
                        "payload": json.dumps({"overridden": False}),
                        "occurred_at": created + dt.timedelta(hours=1),
                    }
                )
                next_event += 1
            next_case += 1
            next_line += 1
        with transaction.atomic(), connection.cursor() as cursor:
            # The rows are consistent by construction: skip the per-row foreign-key triggers.
            cursor.execute("SET LOCAL session_replication_role = replica")
            _copy(cursor, "returns_returncase", case_columns, case_rows)
            _copy(cursor, "returns_returnline", line_columns, line_rows)
            _copy(cursor, "core_domainevent", event_columns, event_rows)
        remaining -= size
        done = cases - remaining - have
        rate = done / (time.perf_counter() - started)
        print(f"  {done:,} added ({rate:,.0f}/s)", flush=True)
    with connection.cursor() as cursor:
        for table in ("returns_returncase", "returns_returnline", "core_domainevent"):
            reset = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608 (fixed table names)
            cursor.execute(reset)
            cursor.execute(f"ANALYZE {table}")
    return ReturnCase.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    arguments = parser.parse_args()
    started = time.perf_counter()
    total = ensure_million(arguments.database_url, cases=arguments.cases)
    print(f"{total:,} returns in {arguments.database_url} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
