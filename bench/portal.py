"""The buyer's portal over HTTP: order lookup to a submitted return, with many buyers at once.

Starts the real server (uvicorn, production settings, `--workers`) in a subprocess on its own
database, builds one delivered order per return (not timed), then runs `--clients` concurrent
buyers (threads, one keep-alive HTTP connection each). Each buyer goes through the pages a
person would:

    GET /  → POST / (lookup) → GET /order/ → POST /order/ (1 unit) → GET /return/
    → POST /return/ (reason) → POST /return/ (comment) → GET /return/resolution/
    → POST /return/resolution/ (refund, label) → GET /return/summary/ (settlement preview)
    → POST /return/summary/ (submit) → GET /returns/<number>/

and the script prints the latency of every request (p50/p95/p99 per step and overall) and the
submitted returns per second. The outbox worker is not running: e-mails are queued, not sent.

    .venv/bin/python bench/portal.py                                   # PostgreSQL (default)
    .venv/bin/python bench/portal.py --database-url sqlite:///tmp/portal-bench.sqlite3
    .venv/bin/python bench/portal.py --returns 1000 --clients 50 --workers 2

It also prints the server's CPU time per return (every uvicorn process, from /proc; less
sensitive to the machine's load than latency) and the load average before and after. Two
options measure settings the shared settings module does not read from the environment yet
(proposed changes; the bench applies them in a settings module of its own in its temp dir):

    --session-engine django.contrib.sessions.backends.signed_cookies   # or ...backends.cache
    --db-pool 8          # PostgreSQL: Django 5.2's psycopg pool, max 8 connections per worker
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlparse

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/retour_portal_bench"
ROOT = Path(__file__).resolve().parents[1]


OVERLAY = "portal_bench_settings"


def write_overlay(workdir: str, session_engine: str, db_pool: int) -> str:
    """A settings module over the shared one with the proposed changes; its name, or the
    shared module's when nothing is overridden."""
    lines = ["from retour.config.settings import *  # noqa: F403", ""]
    if session_engine:
        lines.append(f"SESSION_ENGINE = {session_engine!r}")
    if db_pool:
        lines.append(
            'if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405\n'
            '    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = '
            f'{{"min_size": 2, "max_size": {db_pool}, "timeout": 30}}'
        )
    if len(lines) == 2:
        return "retour.config.settings"
    Path(workdir, f"{OVERLAY}.py").write_text("\n".join(lines) + "\n")
    return OVERLAY


def environment(database_url: str, workdir: str, settings_module: str = "") -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [workdir, os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": settings_module or "retour.config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "RETOUR_VAR_DIR": workdir,
        "DATABASE_URL": database_url,
        # Under ASGI each request may run on another thread: a persistent connection per thread
        # would exhaust PostgreSQL's connection slots; the executor size bounds connections.
        "DB_CONN_MAX_AGE": "0",
        "ASGI_THREADS": os.environ.get("ASGI_THREADS", "8"),
        "LOG_LEVEL": "WARNING",
    }


def prepare_postgres(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def setup(database_url: str, workdir: str, count: int) -> list[tuple[str, str, int]]:
    """Migrate, collect static files, and build `count` delivered orders (number, e-mail, line)."""
    os.environ.update(environment(database_url, workdir))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return build_orders(count)


def build_orders(count: int) -> list[tuple[str, str, int]]:
    import datetime as dt
    import uuid

    from django.utils import timezone

    from retour.catalog.models import Category, Product, Variant
    from retour.core.actors import Actor
    from retour.markets.selectors import market_for_country
    from retour.orders.models import Customer, Order, OrderLine, Shipment, ShipmentLine, Store
    from retour.policies.services import return_policy_create_default

    run = uuid.uuid4().hex[:8]
    placed = timezone.now() - dt.timedelta(days=7)
    store = Store.objects.create(code=f"portal-bench-{run}", name="Bench", base_currency="EUR")
    return_policy_create_default(
        store=store, market=market_for_country("DE"), actor=Actor.system("bench")
    )
    category = Category.objects.create(code=f"portal-bench-{run}", name="Bench")
    product = Product.objects.create(handle=f"portal-bench-{run}", title="Shirt", category=category)
    variant = Variant.objects.create(product=product, sku=f"PB-{run}", list_price_minor=1999)
    customers = Customer.objects.bulk_create(
        Customer(email=f"pb-{run}-{index}@example.com", name="Bench buyer", locale="de")
        for index in range(count)
    )
    orders = Order.objects.bulk_create(
        Order(
            store=store,
            external_id=str(index),
            number=f"#PB{run}-{index}",
            customer=customer,
            email=customer.email,
            presentment_currency="EUR",
            placed_at=placed,
            destination_country="DE",
            shipping_postal_code="10115",
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
    return [(order.number, order.email, line.pk) for order, line in zip(orders, lines, strict=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_tree_cpu(pid: int) -> float:
    """User + system CPU seconds of `pid` and its live descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats.get(current, (0, 0.0))[1]
        todo.extend(child for child, (parent, _cpu) in stats.items() if parent == current)
    return total


def start_server(
    database_url: str, workdir: str, port: int, workers: int, settings_module: str = ""
) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "retour.config.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = subprocess.Popen(
        command, env=environment(database_url, workdir, settings_module), cwd=ROOT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not start")


COOKIE = re.compile(r"^([^=]+)=([^;]*)")


class Buyer:
    """One browser: a keep-alive connection and a cookie jar (cookies marked Secure are sent
    too: the bench talks plain HTTP to 127.0.0.1)."""

    count = 0

    def __init__(self, port: int, timings: dict[str, list[float]]) -> None:
        Buyer.count += 1
        # Each buyer comes from its own address (uvicorn trusts X-Forwarded-For from 127.0.0.1,
        # as behind a load balancer), so the lookup rate limit per address is per buyer.
        self.address = (
            f"10.{Buyer.count // 65536 % 256}.{Buyer.count // 256 % 256}.{Buyer.count % 256}"
        )
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.timings = timings

    def request(
        self, step: str, method: str, path: str, form: dict | None = None
    ) -> tuple[int, str, str]:
        headers = {"Accept-Language": "de-DE,de;q=0.9", "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        self.timings[step].append(time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            match = COOKIE.match(header)
            if match:
                self.cookies[match.group(1)] = match.group(2)
        return response.status, response.headers.get("Location", ""), text

    def expect(self, step, method, path, form=None, status=200, location=None) -> tuple[str, str]:
        code, where, text = self.request(step, method, path, form)
        if code != status or (location and not where.startswith(location)):
            raise RuntimeError(f"{step}: {method} {path} -> {code} {where} {text[:300]}")
        return where, text

    def one_return(self, number: str, email: str, line_id: int) -> str:
        self.cookies.clear()
        self.expect("home", "GET", "/")
        self.expect("lookup", "POST", "/", {"number": number, "contact": email}, 302, "/order/")
        self.expect("order", "GET", "/order/")
        self.expect("select", "POST", "/order/", {f"qty_{line_id}": "1"}, 302, "/return/")
        self.expect("conversation", "GET", "/return/")
        self.expect("reason", "POST", "/return/", {"answer": "no_longer_needed"}, 302)
        self.expect("comment", "POST", "/return/", {"answer": ""}, 302, "/return/resolution/")
        self.expect("resolution", "GET", "/return/resolution/")
        self.expect(
            "choose",
            "POST",
            "/return/resolution/",
            {"resolution": "refund", "method": "label"},
            302,
            "/return/summary/",
        )
        _where, page = self.expect("summary", "GET", "/return/summary/")
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        case_url, _text = self.expect(
            "submit", "POST", "/return/summary/", {"version": version}, 302, "/returns/"
        )
        self.expect("case", "GET", case_url)
        return case_url


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def run(port: int, orders: list, clients: int) -> dict:
    timings: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()
    queue = list(orders)
    done: list[str] = []
    errors: list[str] = []

    def worker() -> None:
        buyer = Buyer(port, timings)
        while True:
            with lock:
                if not queue:
                    return
                number, email, line = queue.pop()
            try:
                done.append(buyer.one_return(number, email, line))
            except Exception as error:
                errors.append(str(error)[:300])
                buyer = Buyer(port, timings)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = [value for values in timings.values() for value in values]
    return {
        "elapsed": elapsed,
        "returns": len(done),
        "errors": errors,
        "requests": len(every),
        "overall": (percentile(every, 0.5), percentile(every, 0.95), percentile(every, 0.99)),
        "steps": {
            step: (percentile(values, 0.5), percentile(values, 0.95), len(values))
            for step, values in timings.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("PORTAL_BENCH_DATABASE_URL", DEFAULT_PG)
    )
    parser.add_argument("--returns", type=int, default=600)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--session-engine", default="", help="SESSION_ENGINE (proposed)")
    parser.add_argument(
        "--db-pool", type=int, default=0, help="PostgreSQL pool max size per worker (proposed)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    workdir = tempfile.mkdtemp(prefix="retour-portal-bench-")
    if args.database_url.startswith("postgres"):
        prepare_postgres(args.database_url)
    orders = setup(args.database_url, workdir, args.returns)
    from django.db import connections

    connections.close_all()
    port = free_port()
    settings_module = write_overlay(workdir, args.session_engine, args.db_pool)
    server = start_server(args.database_url, workdir, port, args.workers, settings_module)
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    try:
        cpu_before = process_tree_cpu(server.pid)
        result = run(port, orders, args.clients)
        server_cpu = process_tree_cpu(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
    vendor = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    p50, p95, p99 = result["overall"]
    print(
        f"portal bench on {vendor}: {args.clients} clients, {args.workers} uvicorn workers, "
        f"settings {settings_module}"
        + (f" (SESSION_ENGINE {args.session_engine})" if args.session_engine else "")
        + (f" (pool max {args.db_pool})" if args.db_pool else "")
    )
    print(
        f"  {result['returns']} returns submitted in {result['elapsed']:.1f} s = "
        f"{result['returns'] / result['elapsed']:.1f} returns/s; {result['requests']} requests = "
        f"{result['requests'] / result['elapsed']:.0f} req/s"
    )
    print(f"  latency per request: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms")
    for step, (s50, s95, n) in result["steps"].items():
        print(f"    {step:<13} p50 {s50:6.0f} ms  p95 {s95:6.0f} ms  ({n})")
    if result["returns"]:
        per_return = server_cpu / result["returns"]
        print(
            f"  server CPU {server_cpu:.1f} s = {per_return * 1000:.0f} ms per return "
            f"(implies at most {2 / per_return:.0f} returns/s on 2 idle cores, database excluded)"
        )
    print(f"  load average before the run: {' '.join(load_before)}")
    if result["errors"]:
        print(f"  {len(result['errors'])} errors, first: {result['errors'][0]}")
    try:
        load = os.getloadavg()
        print(f"  load average during/after the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    except OSError:
        pass


if __name__ == "__main__":
    main()
