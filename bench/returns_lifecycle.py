"""Full return lifecycles through the services: lifecycles per second and queries per lifecycle.

Each lifecycle is one order line (1 unit, shipped) taken through six commands, each its own
transaction, as the back office and the money app will run them:
submit (buyer) → approve → record receipt → inspect (accept) → settle (refunded) → resolve.
Every command locks its rows, writes its event and outbox rows, and queues the outbox drain after
commit on the configured task backend (the database queue by default), exactly as in production.
Setting up the orders is not timed. The worker is not running, so delivery is not measured.

    .venv/bin/python bench/returns_lifecycle.py                    # SQLite file in a temp dir
    .venv/bin/python bench/returns_lifecycle.py --cases 2000
    .venv/bin/python bench/returns_lifecycle.py \\
        --database-url postgres://postgres@127.0.0.1:5432/retour_bench --fresh
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse


def configure(database_url: str | None, fresh: bool) -> str:
    workdir = tempfile.mkdtemp(prefix="retour-bench-")
    url = database_url or f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        prepare_postgres(url, fresh)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "retour.config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "localhost",
            "RETOUR_VAR_DIR": workdir,
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def prepare_postgres(url: str, fresh: bool) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def build_orders(count: int) -> list:
    """`count` orders of one shipped unit each, bulk-inserted (not timed)."""
    import datetime as dt
    import uuid

    from django.utils import timezone

    from retour.catalog.models import Category, Product, Variant
    from retour.core.actors import Actor
    from retour.markets.selectors import market_for_country
    from retour.orders.models import Customer, Order, OrderLine, Shipment, ShipmentLine, Store
    from retour.policies.services import return_policy_create_default

    run = uuid.uuid4().hex[:8]
    # Delivered three days ago: inside the legal withdrawal period and the default policy.
    placed = timezone.now() - dt.timedelta(days=7)
    store = Store.objects.create(code=f"bench-{run}", name="Bench", base_currency="EUR")
    return_policy_create_default(
        store=store, market=market_for_country("DE"), actor=Actor.system("bench")
    )
    category = Category.objects.create(code=f"bench-{run}", name="Bench")
    product = Product.objects.create(handle=f"bench-{run}", title="Shirt", category=category)
    variant = Variant.objects.create(product=product, sku=f"BENCH-{run}", list_price_minor=1999)
    # One buyer per order: the eligibility rules count a buyer's recent returns.
    customers = Customer.objects.bulk_create(
        Customer(email=f"bench-{run}-{index}@example.com", name="Bench buyer")
        for index in range(count)
    )
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
    lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            external_line_id="1",
            variant=variant,
            sku=variant.sku,
            title="Shirt",
            quantity=1,
            unit_paid_net_minor=1672,
            unit_tax_minor=318,
        )
        for order in orders
    )
    shipments = Shipment.objects.bulk_create(
        Shipment(
            order=order,
            external_id="s1",
            shipped_at=placed + dt.timedelta(days=1),
            delivered_at=placed + dt.timedelta(days=4),
        )
        for order in orders
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line=line, quantity=1)
        for shipment, line in zip(shipments, lines, strict=True)
    )
    return list(zip(orders, lines, strict=True))


def run(pairs: list) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from retour.core.actors import Actor
    from retour.returns import services
    from retour.returns.choices import Resolution, ReturnMethod
    from retour.returns.types import InspectionDecision, LineRequest, LineSettlement, ReceivedUnits

    user = get_user_model().objects.create_user(
        username=f"bench-{time.time_ns()}", password=None, is_staff=True
    )
    staff = Actor.for_user(user)
    names = ("submit", "approve", "receive", "inspect", "settle", "resolve")
    seconds: dict[str, float] = dict.fromkeys(names, 0.0)
    cpu: dict[str, float] = dict.fromkeys(names, 0.0)
    server = _ServerClock()
    queries: dict[str, int] = dict.fromkeys(names, 0)
    current = ""

    def count(execute, sql, params, many, context):
        queries[current] += 1
        return execute(sql, params, many, context)

    def step(name: str, call, **kwargs):
        nonlocal current
        current = name
        begun = time.perf_counter()
        cpu_begun = time.process_time()
        with connection.execute_wrapper(count):
            result = call(**kwargs)
        seconds[name] += time.perf_counter() - begun
        cpu[name] += time.process_time() - cpu_begun
        return result

    server.start()
    for order, line in pairs:
        case = step(
            "submit",
            services.case_create,
            order=order,
            actor=Actor.customer(order.customer_id),
            lines=[LineRequest(order_line_id=line.pk, quantity=1, reason_code="size_too_small")],
            requested_resolution=Resolution.REFUND,
            return_method=ReturnMethod.LABEL,
        )
        case = step("approve", services.case_approve, case=case, actor=staff)
        # The back office shows the line on the case page; that read is not a command.
        return_line_id = case.lines.values_list("pk", flat=True).get()
        case = step(
            "receive",
            services.case_record_receipt,
            case=case,
            actor=staff,
            lines=[ReceivedUnits(return_line_id, 1)],
        )
        case = step(
            "inspect",
            services.case_inspect,
            case=case,
            actor=staff,
            decisions=[InspectionDecision(return_line_id, accepted=1)],
        )
        case = step(
            "settle",
            services.case_lines_settle,
            case=case,
            actor=staff,
            lines=[LineSettlement(return_line_id, refunded=1)],
        )
        case = step("resolve", services.case_resolve, case=case, actor=staff)
        assert case.status == "resolved"
    return {
        "elapsed": sum(seconds.values()),
        "queries": queries,
        "seconds": seconds,
        "cpu": cpu,
        # The backend's CPU over the whole loop (the untimed read of the line id included).
        "server_cpu": server.seconds(),
    }


class _ServerClock:
    """CPU time of this connection's PostgreSQL backend, when it runs on this machine.

    On a shared machine the wall-clock figures depend on the other jobs; the CPU time of the
    benchmark process (and of the server backend) much less, so both are printed.
    """

    def __init__(self) -> None:
        from django.db import connection

        self.stat = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
            self.stat = stat if stat.exists() else None
        self.started = 0.0

    def _cpu(self) -> float:
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        if self.stat is not None:
            self.started = self._cpu()

    def seconds(self) -> float | None:
        return None if self.stat is None else self._cpu() - self.started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--fresh", action="store_true", help="drop and recreate a PG database")
    args = parser.parse_args()

    url = configure(args.database_url, args.fresh)
    from django.db import connection

    pairs = build_orders(args.cases)
    load_before = f"{os.getloadavg()[0]:.2f}"
    result = run(pairs)
    load_after = f"{os.getloadavg()[0]:.2f}"
    per_second = args.cases / result["elapsed"]
    vendor = connection.vendor
    print(f"database            {vendor} ({urlparse(url).scheme})")
    print(
        f"task backend        {os.environ.get('TASKS_BACKEND', 'django_tasks_db.DatabaseBackend')}"
    )
    print(f"lifecycles          {args.cases}  (6 commands each, one transaction per command)")
    print(f"load average        {load_before} before, {load_after} after  ({os.cpu_count()} cores)")
    print(f"time in commands    {result['elapsed']:.2f} s")
    total_cpu = sum(result["cpu"].values())
    server_cpu = result["server_cpu"]
    print(
        f"CPU ms per lifecycle {1000 * total_cpu / args.cases:.2f} (this process)"
        + (
            f", {1000 * server_cpu / args.cases:.2f} (server backend)"
            if server_cpu is not None
            else ""
        )
    )
    print(f"lifecycles/s        {per_second:.1f}")
    print(f"ms per lifecycle    {1000 * result['elapsed'] / args.cases:.2f}")
    total_queries = sum(result["queries"].values())
    print(f"queries/lifecycle   {total_queries / args.cases:.1f}  (incl. BEGIN, savepoints)")
    for name, seconds in result["seconds"].items():
        print(
            f"  {name:<17} {1000 * seconds / args.cases:5.2f} ms"
            f"  {result['queries'][name] / args.cases:4.1f} queries"
            f"  (CPU {1000 * result['cpu'][name] / args.cases:5.2f} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    raise SystemExit(main())
