"""Benchmark: import order lines from JSON Lines into SQLite and PostgreSQL.

    .venv/bin/python bench/import_orders.py --lines 1000000            # both databases
    .venv/bin/python bench/import_orders.py --lines 20000 --database sqlite

Generates a JSON Lines file (to a temporary directory) with about 2.5 lines per order, a payment
and a shipment per order, over a catalog of 200 variants and a pool of returning buyers; then,
for each database, imports it into a fresh database in a child process and prints order lines
per second and the child's peak memory (RSS high-water mark). `--reimport` also times a second
import of the same file (every order unchanged). The goal (issue 2): 10,000 lines/s and under
300 MB on each database for 1,000,000 lines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "retour_imp_bench"
VARIANTS = 200
STORES = (("bench-eu", "EUR", "DE"), ("bench-us", "USD", "US"), ("bench-jp", "JPY", "JP"))


def sku(index: int) -> str:
    return f"BENCH-{index:04d}"


def generate(path: Path, lines: int, seed: int = 7) -> int:
    """Write orders until `lines` order lines are written; return the number of orders."""
    rng = random.Random(seed)
    start = datetime(2026, 4, 1, tzinfo=UTC)
    orders = written = 0
    with path.open("w", encoding="utf-8") as out:
        while written < lines:
            count = min(rng.choice((1, 1, 2, 2, 3, 3, 4, 4)), lines - written)
            placed = start + timedelta(seconds=orders * 7)
            # About three orders per buyer, each buyer always from the same market.
            buyer = rng.randrange(max(1, lines // 8))
            store, currency, country = STORES[buyer % len(STORES)]
            order_lines = []
            for number in range(count):
                price = rng.randrange(500, 20000)
                tax = price * 19 // 100
                order_lines.append(
                    {
                        "id": f"l{number + 1}",
                        "sku": sku(rng.randrange(VARIANTS)),
                        "quantity": rng.choice((1, 1, 1, 2, 3)),
                        "unit_paid_net": _major(price, currency),
                        "unit_tax": [
                            {"name": "VAT", "rate": "19", "amount": _major(tax, currency)}
                        ],
                        "unit_duty": [
                            {"kind": "import_duty", "amount": _major(price // 20, currency)}
                        ],
                    }
                )
            total = sum(
                (int(_minor(line["unit_paid_net"], currency)) * 124 // 100) * line["quantity"]
                for line in order_lines
            )
            record = {
                "store": store,
                "external_id": str(100000 + orders),
                "number": f"#{100000 + orders}",
                "placed_at": placed.isoformat().replace("+00:00", "Z"),
                "status": "open",
                "currency": currency,
                "email": f"buyer{buyer}@example.com",
                "customer": {"name": f"Buyer {buyer}", "locale": "en", "country": country},
                "shipping_address": {
                    "name": f"Buyer {buyer}",
                    "address1": f"{rng.randrange(1, 200)} Main Street",
                    "city": "Springfield",
                    "postal_code": f"{rng.randrange(10000, 99999)}",
                    "country": country,
                },
                "shipping": {"paid": _major(490, currency), "tax": _major(93, currency)},
                "lines": order_lines,
                "payments": [
                    {
                        "provider": "stripe",
                        "method": "card",
                        "reference": f"ch_{orders:08d}",
                        "amount": _major(total, currency),
                        "captured_at": placed.isoformat(),
                    }
                ],
                "shipments": [
                    {
                        "id": "s1",
                        "carrier": "DHL",
                        "tracking_number": f"JD{orders:012d}",
                        "shipped_at": (placed + timedelta(days=1)).isoformat(),
                        "delivered_at": (placed + timedelta(days=3)).isoformat(),
                        "lines": [
                            {"line": line["id"], "quantity": line["quantity"]}
                            for line in order_lines
                        ],
                    }
                ],
            }
            out.write(json.dumps(record, separators=(",", ":")))
            out.write("\n")
            orders += 1
            written += count
    return orders


def _major(minor: int, currency: str) -> str:
    return str(minor) if currency == "JPY" else f"{minor // 100}.{minor % 100:02d}"


def _minor(major: str, currency: str) -> int:
    return int(major) if currency == "JPY" else int(major.replace(".", ""))


def child(args: argparse.Namespace) -> None:
    """Run in a fresh process: migrate a fresh database, build the catalog, import, report."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "retour.config.settings"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from retour.catalog.models import Category, Product, Variant
    from retour.orders.models import Store
    from retour.orders.services import orders_import_file

    category = Category.objects.create(code="bench", name="Bench")
    for code, currency, _country in STORES:
        Store.objects.create(code=code, name=code, base_currency=currency)
    for index in range(VARIANTS):
        product = Product.objects.create(
            handle=f"bench-{index}",
            title=f"Bench product {index}",
            category=category,
            hs_code="610910",
            origin_country="CN",
        )
        Variant.objects.create(
            product=product,
            sku=sku(index),
            options={"size": "M"},
            weight_grams=200,
            list_price_minor=1000,
            list_price_currency="EUR",
        )

    # How the references of the imported rows are checked on PostgreSQL: by the batch itself
    # when this user may set session_replication_role (the bench connects as superuser), else
    # by the per-row foreign-key triggers (see docs/importing.md, "References").
    from django.db import connection

    references = ""
    if connection.vendor == "postgresql":
        from retour.orders.importers.sql import _may_check_references

        references = "   references: " + ("per batch" if _may_check_references() else "FK triggers")

    runs = ["import", "re-import"] if args.reimport else ["import"]
    server = _ServerClock()
    for label in runs:
        server.start()
        before = resource.getrusage(resource.RUSAGE_SELF)
        readers_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        summary = orders_import_file(path=args.file, batch_size=args.batch_size)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        readers = resource.getrusage(resource.RUSAGE_CHILDREN)
        writer_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        reader_cpu = (
            readers.ru_utime + readers.ru_stime - readers_before.ru_utime - readers_before.ru_stime
        )
        lines = max(summary.lines, 1)
        print(
            f"{args.database:8} {label:9} {summary.lines:>9,} lines  {elapsed:6.1f} s  "
            f"{summary.lines / elapsed:>7,.0f} lines/s   peak RSS: writer {after.ru_maxrss / 1024:3.0f} MB, "
            f"reader {readers.ru_maxrss / 1024:3.0f} MB   CPU µs/line: writer {writer_cpu / lines * 1e6:3.0f}, "
            f"reader {reader_cpu / lines * 1e6:3.0f}{server.report(lines)}   "
            f"(created {summary.created:,}, updated {summary.updated:,}, "
            f"unchanged {summary.unchanged:,}, rejected {summary.rejected:,}){references}",
            flush=True,
        )


class _ServerClock:
    """CPU time of this connection's PostgreSQL backend, when it runs on this machine."""

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

    def report(self, lines: int) -> str:
        if self.stat is None:
            return ""
        return f", server {(self._cpu() - self.started) / lines * 1e6:3.0f}"


def _environment(database: str, workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-0123456789abcdef",  # noqa: S106 (throwaway database)
        ALLOWED_HOSTS="localhost",
    )
    env["RETOUR_VAR_DIR"] = str(workdir)
    env["LOG_LEVEL"] = "WARNING"
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        for statement in (
            f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}",
            f"CREATE DATABASE {POSTGRES_DATABASE}",
        ):
            subprocess.run(
                ["psql", f"{POSTGRES_SERVER}/postgres", "-q", "-c", statement], check=True
            )
        env["DATABASE_URL"] = f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"
    return env


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines to import")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument(
        "--reimport", action="store_true", help="also time a second, unchanged import"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    with tempfile.TemporaryDirectory(prefix="retour-bench-") as directory:
        workdir = Path(directory)
        path = workdir / "orders.jsonl"
        started = time.perf_counter()
        orders = generate(path, args.lines)
        print(
            f"generated {args.lines:,} lines in {orders:,} orders "
            f"({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        databases = ("sqlite", "postgres") if args.database == "both" else (args.database,)
        for database in databases:
            command = [
                sys.executable,
                __file__,
                "--child",
                "--file",
                str(path),
                "--database",
                database,
                "--batch-size",
                str(args.batch_size),
            ]
            if args.reimport:
                command.append("--reimport")
            subprocess.run(command, env=_environment(database, workdir), check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
