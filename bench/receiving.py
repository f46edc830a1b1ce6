"""Scan lookup at the warehouse with 1,000,000 returns in PostgreSQL: server time per scan.

What a handheld scan costs on the server: the `receiving_scan` view (session, access check,
warehouse scope, `scan_lookup`, redirect) through Django's test client, for three kinds of code:
a return number (unique index on `returns_returncase.number`), a carrier tracking number (index
`label_tracking_idx` on `logistics_label.tracking_number`) and a code that matches nothing (the
slowest: every lookup misses). Also timed: `case_expected_lines`, what the case screen then reads.
Reports p50 / p95 / p99 in milliseconds and the PostgreSQL plans of the lookups.

The data: `bench/million.py`'s `ensure_million(database_url, cases=...)` fills the database when it
exists; otherwise (and for the labels, which it may not write) this script fills it itself with
COPY: a few thousand orders, `--cases` returns on them, one label per return. Filling is not timed
and is skipped when the rows are already there.

    .venv/bin/python bench/receiving.py
    .venv/bin/python bench/receiving.py --cases 1000000 --lookups 3000 \\
        --database-url postgres://postgres@127.0.0.1:5432/retour_bench_1m
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
# The shared 1M database of bench/million.py when it exists, else one of this script's own.
DEFAULT_URL = (
    "postgres://postgres@127.0.0.1:5432/retour_bench_1m"
    if (Path(__file__).resolve().parent / "million.py").exists()
    else "postgres://postgres@127.0.0.1:5432/retour_bench_receiving"
)
ORDERS = 5_000
BATCH = 100_000


def configure(url: str) -> None:
    prepare_database(url)
    workdir = tempfile.mkdtemp(prefix="retour-bench-receiving-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "retour.config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "testserver,localhost",
            "RETOUR_VAR_DIR": workdir,
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


# ------------------------------------------------------------------------------------ filling


def _copy_rows(model, rows: list[dict]) -> None:
    """COPY rows into `model`'s table: every concrete column, its default unless given."""
    from django.db import connection
    from django.utils import timezone

    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    buffer = io.StringIO()
    for row in rows:
        values = []
        for field in fields:
            if field.attname in row:
                value = row[field.attname]
            elif field.name in ("created_at", "updated_at"):
                value = now
            else:
                value = field.get_default()  # "" for a non-null text column
            if value is None:
                values.append("\\N")
                continue
            if isinstance(value, dict | list):
                value = json.dumps(value)
            elif isinstance(value, dt.datetime):
                value = value.isoformat()
            elif isinstance(value, bool):
                value = "t" if value else "f"
            text = str(value)
            values.append(text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n"))
        buffer.write("\t".join(values) + "\n")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())


def fill(cases: int) -> None:
    """Orders, `cases` approved returns on them and one label per return (skips what exists)."""
    from django.db import transaction
    from django.utils import timezone

    from retour.logistics.models import Label, Lane, Warehouse
    from retour.orders.models import Order
    from retour.returns.models import ReturnCase
    from retour.returns.numbers import generate_number

    have = ReturnCase.objects.count()
    if have < cases:
        try:
            sys.path.insert(0, str(ROOT / "bench"))
            from million import ensure_million  # type: ignore[import-not-found]
        except ImportError:
            ensure_million = None
        if ensure_million is not None:
            print(f"filling with bench/million.py ({have:,} returns now)", flush=True)
            ensure_million(os.environ["DATABASE_URL"], cases=cases)
            have = ReturnCase.objects.count()
    if have < cases:
        print(f"filling {cases - have:,} returns with COPY", flush=True)
        orders = list(Order.objects.values_list("pk", "customer_id")[:ORDERS]) or build_orders()
        started = time.perf_counter()
        seen = set(ReturnCase.objects.values_list("number", flat=True)) if have else set()
        remaining = cases - have
        while remaining > 0:
            size = min(BATCH, remaining)
            rows = []
            for _index in range(size):
                number = generate_number("R")
                while number in seen:
                    number = generate_number("R")
                seen.add(number)
                order_id, customer_id = random.choice(orders)
                rows.append(
                    {
                        "number": number,
                        "order_id": order_id,
                        "customer_id": customer_id,
                        "channel": "portal",
                        "status": "approved",
                        "requested_resolution": "refund",
                        "return_method": "label",
                        "currency": "EUR",
                    }
                )
            with transaction.atomic():
                _copy_rows(ReturnCase, rows)
            remaining -= size
            print(f"  returns: {cases - remaining:,}", flush=True)
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    labels = Label.objects.count()
    if labels < cases:
        print(f"filling labels for {cases - labels:,} returns with COPY", flush=True)
        warehouse = Warehouse.objects.filter(code="bench-nj").first() or Warehouse.objects.create(
            code="bench-nj",
            name="Bench NJ",
            kind="warehouse",
            address1="1 Dock Road",
            city="Newark",
            country="US",
            currency="USD",
        )
        lane = Lane.objects.filter(code="bench-de-nj").first() or Lane.objects.create(
            code="bench-de-nj",
            kind="parcel",
            from_country="DE",
            destination=warehouse,
            carrier="self",
            carrier_name="DHL",
            service="Retoure",
            currency="EUR",
            transit_days=5,
        )
        labelled = set(Label.objects.values_list("case_id", flat=True))
        expires = timezone.now() + dt.timedelta(days=30)
        batch: list[dict] = []
        done = labels
        for case_id in (
            ReturnCase.objects.order_by("pk")
            .values_list("pk", flat=True)
            .iterator(chunk_size=20_000)
        ):
            if case_id in labelled:
                continue
            batch.append(
                {
                    "case_id": case_id,
                    "lane_id": lane.pk,
                    "destination_id": warehouse.pk,
                    "carrier": "self",
                    "carrier_name": "DHL",
                    "service": "Retoure",
                    "tracking_number": f"JJD{case_id:014d}",
                    "weight_grams": 800,
                    "cost_minor": 599,
                    "currency": "EUR",
                    "expires_at": expires,
                }
            )
            if len(batch) >= BATCH:
                with transaction.atomic():
                    _copy_rows(Label, batch)
                done += len(batch)
                batch = []
                print(f"  labels: {done:,}", flush=True)
        if batch:
            with transaction.atomic():
                _copy_rows(Label, batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE returns_returncase")
        cursor.execute("ANALYZE logistics_label")


def build_orders() -> list[tuple[int, int]]:
    """ORDERS orders (one buyer each) for the returns to hang on; bulk-inserted."""
    import uuid

    from django.utils import timezone

    from retour.orders.models import Customer, Order, Store

    run = uuid.uuid4().hex[:8]
    store = Store.objects.create(code=f"bench-{run}", name="Bench", base_currency="EUR")
    customers = Customer.objects.bulk_create(
        Customer(email=f"bench-{run}-{index}@example.com", name="Bench buyer")
        for index in range(ORDERS)
    )
    placed = timezone.now() - dt.timedelta(days=7)
    orders = Order.objects.bulk_create(
        Order(
            store=store,
            external_id=str(index),
            number=f"#{index}",
            customer=customer,
            email=customer.email,
            presentment_currency="EUR",
            placed_at=placed,
            destination_country="DE",
        )
        for index, customer in enumerate(customers)
    )
    return [(order.pk, order.customer_id) for order in orders]


# ------------------------------------------------------------------------------------- timing


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(pick(0.95), 2),
        "p99": round(pick(0.99), 2),
        "max": round(ordered[-1], 2),
    }


def run(lookups: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from retour.core.roles import sync_role_permissions
    from retour.logistics.models import Label, Warehouse, WarehouseMember
    from retour.receiving import selectors
    from retour.returns.models import ReturnCase

    sync_role_permissions()
    user, _created = get_user_model().objects.get_or_create(
        username="bench-picker", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="warehouse"))
    warehouse = Warehouse.objects.order_by("pk").first()
    WarehouseMember.objects.get_or_create(warehouse=warehouse, user=user)
    client = Client()
    client.force_login(user)
    url = reverse("backoffice:receiving_scan")

    total = ReturnCase.objects.count()
    max_id = ReturnCase.objects.order_by("-pk").values_list("pk", flat=True).first()
    ids = [random.randint(1, max_id) for _ in range(lookups * 2)]
    numbers = list(ReturnCase.objects.filter(pk__in=ids).values_list("number", flat=True))[:lookups]
    tracking = list(
        Label.objects.filter(case_id__in=ids).values_list("tracking_number", flat=True)
    )[:lookups]
    unknown = [f"UNKNOWN{random.randint(0, 10**9):010d}" for _ in range(lookups // 4)]

    results = {}
    # Warm up the connection, the session and the URL resolver.
    for code in numbers[:20]:
        client.get(url, {"code": code}, secure=True)
    cpu = {}
    for name, codes in (
        ("return number", numbers),
        ("tracking number", tracking),
        ("no match", unknown),
    ):
        samples, cpu_samples = [], []
        for code in codes:
            started, started_cpu = time.perf_counter(), time.thread_time()
            response = client.get(url, {"code": code}, secure=True)
            samples.append((time.perf_counter() - started) * 1000)
            cpu_samples.append((time.thread_time() - started_cpu) * 1000)
            assert response.status_code == 302, response.status_code
        results[name] = {"lookups": len(codes), **percentiles(samples)}
        cpu[name] = percentiles(cpu_samples)

    cases = list(ReturnCase.objects.filter(number__in=numbers[:500]))
    samples = []
    for case in cases:
        started = time.perf_counter()
        selectors.case_expected_lines(case)
        samples.append((time.perf_counter() - started) * 1000)
    results["case screen lines"] = {"lookups": len(cases), **percentiles(samples)}

    plans = {}
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT * FROM returns_returncase WHERE number = %s", [numbers[0]])
        plans["return number"] = " / ".join(row[0].strip() for row in cursor.fetchall())
        cursor.execute(
            "EXPLAIN SELECT case_id FROM logistics_label WHERE tracking_number IN (%s, %s) "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
            [tracking[0], tracking[0].lower()],
        )
        plans["tracking number"] = " / ".join(row[0].strip() for row in cursor.fetchall())
        # The lookups' own time inside PostgreSQL (EXPLAIN ANALYZE's execution time).
        executions = {"return number": [], "tracking number": []}
        for number, code in zip(numbers[:300], tracking[:300], strict=False):
            cursor.execute(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM returns_returncase WHERE number = %s",
                [number],
            )
            executions["return number"].append(cursor.fetchone()[0][0]["Execution Time"])
            cursor.execute(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT case_id FROM logistics_label "
                "WHERE tracking_number IN (%s, %s) ORDER BY created_at DESC, id DESC LIMIT 1",
                [code, code.lower()],
            )
            executions["tracking number"].append(cursor.fetchone()[0][0]["Execution Time"])
    return {
        "returns": total,
        "labels": Label.objects.count(),
        "results": results,
        "cpu": cpu,
        "db": {name: percentiles(values) for name, values in executions.items()},
        "plans": plans,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("the scan benchmark runs on PostgreSQL (--database-url postgres://…)")
    configure(args.database_url)
    fill(args.cases)
    report = run(args.lookups)
    load = os.getloadavg()
    print(f"returns in the database: {report['returns']:,}; labels: {report['labels']:,}")
    print(
        f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)"
    )
    print(f"{'scan':<20}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, row in report["results"].items():
        print(
            f"{name:<20}{row['lookups']:>7}{row['p50']:>9}{row['p95']:>9}{row['p99']:>9}{row['max']:>9}"
        )
    print("CPU time of the Django process per scan (excludes waiting for a core):")
    for name, row in report["cpu"].items():
        print(f"  {name:<18} p50 {row['p50']} ms, p95 {row['p95']} ms, p99 {row['p99']} ms")
    print("execution time of the lookup inside PostgreSQL (EXPLAIN ANALYZE):")
    for name, row in report["db"].items():
        print(f"  {name:<18} p50 {row['p50']} ms, p95 {row['p95']} ms, p99 {row['p99']} ms")
    for name, plan in report["plans"].items():
        print(f"plan, {name}: {plan}")
    worst = max(
        row["p95"] for name, row in report["results"].items() if name != "case screen lines"
    )
    print(f"target p95 < 50 ms: {'met' if worst < 50 else 'NOT met'} (worst scan p95 {worst} ms)")
    return 0 if worst < 50 else 1


if __name__ == "__main__":
    raise SystemExit(main())
