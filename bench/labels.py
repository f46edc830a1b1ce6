"""Return label PDFs per second on one core (goal: 50 or more).

Builds `--labels` approved, routed returns with a self-managed label each (the demo network, a
German buyer to the Polish hub; not timed), then renders every label's 4×6 PDF (Code 128, QR
code, addresses, bilingual headings) in turn in German, French, Chinese, Japanese and English
(`--rounds` passes over all labels), in this one process. The timed loop includes reading the
labels with their return, order and destination from the database, as the download view does.
Packing slips are timed too, for information.

    .venv/bin/python bench/labels.py                     # SQLite file in a temp dir
    .venv/bin/python bench/labels.py --labels 200 --rounds 3
    .venv/bin/python bench/labels.py \\
        --database-url postgres://postgres@127.0.0.1:5432/retour_logistics_bench --fresh
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

LANGUAGES = ("de", "fr", "zh-hans", "ja", "en")


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
            "ALLOWED_HOSTS": "localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
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
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def build_labels(count: int) -> list[int]:
    """`count` approved returns (one shipped unit each, a German buyer), routed by the services
    to the Polish hub, each with its self-managed label. Returns the label ids (not timed)."""
    import datetime as dt
    import uuid

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from retour.catalog.models import Category, Product, Variant
    from retour.core.actors import Actor
    from retour.demo import logistics as demo_logistics
    from retour.logistics.services import case_route, label_create
    from retour.markets.selectors import market_for_country
    from retour.orders.models import Customer, Order, OrderLine, Shipment, ShipmentLine, Store
    from retour.policies.services import return_policy_create_default
    from retour.returns import services
    from retour.returns.choices import Resolution, ReturnMethod
    from retour.returns.types import LineRequest

    demo_logistics.load()
    run = uuid.uuid4().hex[:8]
    placed = timezone.now() - dt.timedelta(days=7)
    store = Store.objects.create(code=f"bench-{run}", name="Bench", base_currency="EUR")
    return_policy_create_default(
        store=store, market=market_for_country("DE"), actor=Actor.system("bench")
    )
    category = Category.objects.create(code=f"bench-{run}", name="Bench")
    product = Product.objects.create(
        handle=f"bench-{run}", title="Leinenhemd Größe M", category=category, hs_code="620520"
    )
    variant = Variant.objects.create(
        product=product, sku=f"BENCH-{run}", list_price_minor=1999, weight_grams=300
    )
    customers = Customer.objects.bulk_create(
        Customer(email=f"bench-{run}-{index}@example.com", name=f"Jürgen Müller {index}")
        for index in range(count)
    )
    orders = Order.objects.bulk_create(
        Order(
            store=store,
            external_id=str(index),
            number=f"#{10000 + index}",
            customer=customer,
            email=customer.email,
            presentment_currency="EUR",
            placed_at=placed,
            destination_country="DE",
            shipping_name=customer.name,
            shipping_address1="Invalidenstraße 1",
            shipping_city="Berlin",
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
            title=product.title,
            quantity=1,
            unit_paid_net_minor=1672,
            unit_tax_minor=318,
            hs_code="620520",
            origin_country="CN",
            weight_grams=300,
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
    user = get_user_model().objects.create_user(
        username=f"bench-{run}", password=None, is_staff=True
    )
    staff = Actor.for_user(user)
    label_ids = []
    for order, line in zip(orders, lines, strict=True):
        case = services.case_create(
            order=order,
            actor=Actor.customer(order.customer_id),
            lines=[LineRequest(order_line_id=line.pk, quantity=1, reason_code="size_too_small")],
            requested_resolution=Resolution.REFUND,
            return_method=ReturnMethod.LABEL,
        )
        case = services.case_approve(case=case, actor=staff)
        case_route(case=case, actor=staff)
        label_ids.append(label_create(case=case, actor=staff).pk)
    return label_ids


def run(label_ids: list[int], rounds: int) -> dict:
    from retour.logistics.documents import packing_slip_pdf, return_label_pdf
    from retour.logistics.models import Label

    queryset = Label.objects.select_related("case__order", "destination")
    # Warm-up: fonts registered, translations loaded, code paths compiled.
    warm = queryset.get(pk=label_ids[0])
    for language in LANGUAGES:
        return_label_pdf(warm, language)
    produced = 0
    size = 0
    started = time.perf_counter()
    for round_index in range(rounds):
        for index, label in enumerate(queryset.filter(pk__in=label_ids).order_by("pk")):
            pdf = return_label_pdf(label, LANGUAGES[(index + round_index) % len(LANGUAGES)])
            produced += 1
            size += len(pdf)
    labels_seconds = time.perf_counter() - started
    slips = 0
    started = time.perf_counter()
    for index, label in enumerate(queryset.filter(pk__in=label_ids[:100]).order_by("pk")):
        packing_slip_pdf(label.case, LANGUAGES[index % len(LANGUAGES)])
        slips += 1
    slip_seconds = time.perf_counter() - started
    return {
        "labels": produced,
        "labels_seconds": labels_seconds,
        "labels_per_second": produced / labels_seconds,
        "average_bytes": size // max(produced, 1),
        "slips": slips,
        "slips_per_second": slips / slip_seconds if slip_seconds else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--goal", type=float, default=50.0)
    arguments = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    url = configure(arguments.database_url, arguments.fresh)
    begun = time.perf_counter()
    label_ids = build_labels(arguments.labels)
    print(f"database: {url.split('@')[-1]}")
    print(
        f"setup: {len(label_ids)} routed returns with labels in {time.perf_counter() - begun:.1f} s"
    )
    result = run(label_ids, arguments.rounds)
    print(
        f"labels: {result['labels']} PDFs in {result['labels_seconds']:.2f} s = "
        f"{result['labels_per_second']:.0f} labels/s on one core "
        f"(average {result['average_bytes']:,} bytes; languages {', '.join(LANGUAGES)})"
    )
    print(f"packing slips: {result['slips_per_second']:.0f}/s")
    print(f"load average: {', '.join(f'{value:.2f}' for value in os.getloadavg())}")
    ok = result["labels_per_second"] >= arguments.goal
    print(f"goal {arguments.goal:.0f} labels/s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
