"""Benchmark: automation rules. One decision with 100 enabled rules; a simulation over history.

1. Decision: 100 enabled rules (money, sets, numbers, AND/OR groups; a third of them decide),
   compiled once; the median of `evaluate` over one case's facts, repeated. Also shown: the
   median of loading one case's facts (`facts_for_case`, its queries) and of a whole
   `case_auto_decide`-style read (rule set check + facts + evaluation). Goal: evaluate < 1 ms.
2. Simulation: `simulate` of those 100 rules over N historical returns (default 100,000)
   generated in bulk (not timed), compared with the same rules enabled (two evaluations per
   case, as the back office runs it). Goal: 100,000 returns < 60 s on one core.

    .venv/bin/python bench/rules.py                        # SQLite file in a temp dir
    .venv/bin/python bench/rules.py --returns 20000
    .venv/bin/python bench/rules.py \\
        --database-url postgres://postgres@127.0.0.1:5432/retour_rules_bench --fresh

A database given with --database-url that already holds the returns and rules is reused (the
generation of 100,000 returns takes minutes); --fresh drops a PostgreSQL one first.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def configure(database_url: str | None, fresh: bool) -> str:
    workdir = tempfile.mkdtemp(prefix="retour-rules-bench-")
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


REASONS = (
    "size_too_small",
    "size_too_large",
    "colour_differs",
    "not_as_described",
    "arrived_damaged",
    "defective",
    "wrong_item",
    "no_longer_needed",
    "ordered_by_mistake",
)


def build_history(count: int, seed: int = 7) -> tuple:
    """`count` submitted returns over the last year, one or two lines each (not timed)."""
    import datetime as dt
    import uuid

    from django.utils import timezone

    from retour.catalog.models import Category, Product, Supplier, Variant
    from retour.core.actors import Actor
    from retour.markets.selectors import market_for_country
    from retour.orders.models import Customer, Order, OrderLine, Shipment, ShipmentLine, Store
    from retour.policies.models import ReturnPolicyVersion
    from retour.policies.services import return_policy_create_default
    from retour.returns.models import ReturnCase, ReturnLine

    rng = random.Random(seed)
    run = uuid.uuid4().hex[:6]
    now = timezone.now()
    stores = []
    for code, base, country in (("eu", "EUR", "DE"), ("us", "USD", "US")):
        store = Store.objects.create(code=f"{code}-{run}", name=code, base_currency=base)
        market = market_for_country(country)
        return_policy_create_default(store=store, market=market, actor=Actor.system("b"))
        version = ReturnPolicyVersion.objects.filter(policy__store=store).order_by("-number")[0]
        stores.append((store, market, country, base, version))
    parents = [Category.objects.create(code=f"top{i}-{run}", name=f"Top {i}") for i in range(3)]
    categories = [
        Category.objects.create(code=f"cat{i}-{run}", name=f"Cat {i}", parent=parents[i % 3])
        for i in range(12)
    ]
    suppliers = [Supplier.objects.create(code=f"sup{i}-{run}", name=f"S {i}") for i in range(6)]
    products = Product.objects.bulk_create(
        Product(
            handle=f"p{i}-{run}",
            title=f"Product {i}",
            category=categories[i % 12],
            supplier=suppliers[i % 6],
        )
        for i in range(60)
    )
    variants = Variant.objects.bulk_create(
        Variant(product=products[i % 60], sku=f"SKU{i}-{run}", list_price_minor=1999)
        for i in range(240)
    )
    customers = Customer.objects.bulk_create(
        Customer(email=f"b{i}-{run}@example.com") for i in range(max(1, count // 4))
    )
    batch = 5000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        picks = [stores[rng.random() < 0.3] for _ in range(size)]
        submitted = [
            now - dt.timedelta(minutes=rng.randrange(60, 365 * 24 * 60)) for _ in range(size)
        ]
        orders = Order.objects.bulk_create(
            Order(
                store=store,
                external_id=f"{start + index}",
                number=f"#{start + index}",
                customer=customers[rng.randrange(len(customers))],
                email="x@example.com",
                presentment_currency=base,
                placed_at=submitted[index] - dt.timedelta(days=rng.randrange(5, 40)),
                destination_country=country,
            )
            for index, (store, _market, country, base, _policy) in enumerate(picks)
        )
        lines_per_order = [1 + (rng.random() < 0.3) for _ in orders]
        order_lines = OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                external_line_id=str(number),
                variant=variants[rng.randrange(len(variants))],
                sku=f"SKU{rng.randrange(240)}-{run}",
                title="Item",
                quantity=1,
                unit_paid_net_minor=rng.choice((900, 2500, 4200, 8000, 15000, 30000)),
                unit_tax_minor=0,
                weight_grams=rng.randrange(100, 3000),
            )
            for order, count_lines in zip(orders, lines_per_order, strict=True)
            for number in range(count_lines)
        )
        shipments = Shipment.objects.bulk_create(
            Shipment(
                order=order,
                external_id="s1",
                shipped_at=order.placed_at + dt.timedelta(days=1),
                delivered_at=order.placed_at + dt.timedelta(days=3),
            )
            for order in orders
        )
        by_order = {shipment.order_id: shipment for shipment in shipments}
        ShipmentLine.objects.bulk_create(
            ShipmentLine(shipment=by_order[line.order_id], order_line=line, quantity=1)
            for line in order_lines
        )
        cases = ReturnCase.objects.bulk_create(
            ReturnCase(
                number=f"B{run}{start + index:08d}",
                order=order,
                customer_id=order.customer_id,
                market=picks[index][1],
                policy_version=picks[index][4],
                track="statutory_withdrawal" if picks[index][2] == "DE" else "goodwill_policy",
                channel="portal",
                status=rng.choice(("pending_review", "approved", "closed", "rejected")),
                requested_resolution="refund",
                return_method="label",
                currency=order.presentment_currency,
                eligibility_snapshot={"outcome": rng.choice(("eligible",) * 8 + ("review",))},
                submitted_at=submitted[index],
                version=1,
            )
            for index, order in enumerate(orders)
        )
        case_by_order = {case.order_id: case for case in cases}
        ReturnLine.objects.bulk_create(
            ReturnLine(
                case=case_by_order[line.order_id],
                order_line=line,
                quantity_requested=1,
                reason_code=rng.choice(REASONS),
                resolution="refund",
            )
            for line in order_lines
        )
    return stores, categories, suppliers


def make_rules(count: int, categories, suppliers, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    cats = [category.code for category in categories]
    sups = [supplier.code for supplier in suppliers]

    def money(amount):
        return {"amount": str(amount), "currency": rng.choice(("USD", "EUR"))}

    tests = [
        lambda: {"field": "return_value", "op": "lt", "value": money(rng.choice((30, 50, 80)))},
        lambda: {"field": "item_value", "op": "gt", "value": money(rng.choice((100, 200)))},
        lambda: {
            "field": "return_value_base",
            "op": "between",
            "value": [{"amount": "10", "currency": "EUR"}, {"amount": "90", "currency": "EUR"}],
        },
        lambda: {"field": "reason_groups", "op": "all_in", "value": ["size_fit"]},
        lambda: {"field": "reasons", "op": "any_in", "value": rng.sample(REASONS, 2)},
        lambda: {"field": "returns_30d", "op": "gte", "value": rng.choice((2, 3, 5))},
        lambda: {"field": "returns_90d", "op": "gt", "value": rng.choice((4, 6))},
        lambda: {"field": "categories", "op": "any_in", "value": rng.sample(cats, 2)},
        lambda: {"field": "suppliers", "op": "none_in", "value": rng.sample(sups, 2)},
        lambda: {"field": "country", "op": "in", "value": ["DE", "FR", "US"]},
        lambda: {"field": "days_since_delivery", "op": "between", "value": [0, 30]},
        lambda: {"field": "shipping_cost_percent", "op": "gt", "value": rng.choice((40, 60))},
        lambda: {"field": "faults", "op": "any_in", "value": ["carrier", "merchant"]},
        lambda: {"field": "evidence", "op": "is_empty"},
        lambda: {"field": "track", "op": "eq", "value": "goodwill_policy"},
        lambda: {"field": "lifetime_orders", "op": "lte", "value": rng.choice((1, 3))},
    ]
    others = [
        {"type": "tag", "params": {"tag": "bench"}},
        {"type": "require_evidence", "params": {"kind": "photo"}},
        {"type": "offer_keep_it", "params": {}},
        {"type": "offer_store_credit", "params": {"bonus_percent": 10}},
        {"type": "set_refund_trigger", "params": {"trigger": "first_scan"}},
        {"type": "notify", "params": {"to": "team"}},
    ]
    decisions = [
        {"type": "approve", "params": {"prepaid_label": True}},
        {"type": "review", "params": {"queue": "bench"}},
        {"type": "reject", "params": {"reason_code": "other"}},
    ]
    rules = []
    for index in range(count):
        leaves = [rng.choice(tests)() for _ in range(rng.randrange(2, 5))]
        if rng.random() < 0.3:
            conditions = {"all": [leaves[0], {"any": leaves[1:]}]}
        else:
            conditions = {"all": leaves}
        actions = [rng.choice(others)]
        if index % 3 == 0:
            actions.insert(0, rng.choice(decisions))
        rules.append(
            {
                "name": f"Bench rule {index}",
                "priority": rng.randrange(1, 1000),
                "conditions": conditions,
                "actions": actions,
                "enabled": True,
            }
        )
    return rules


def median_us(call, repeat: int) -> tuple[float, float]:
    """Median wall and CPU microseconds per call (CPU: this thread only, so a shared, loaded
    machine shows what the call costs on one core)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
        call()
        wall.append(time.perf_counter_ns() - started)
        cpu.append(time.thread_time_ns() - started_cpu)
    return statistics.median(wall) / 1000, statistics.median(cpu) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--returns", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--database-url")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    url = configure(args.database_url, args.fresh)

    from django.db import connection
    from django.utils import timezone

    from retour.automation.engine import evaluate, live_ruleset, rules_of
    from retour.automation.facts import facts_for_case
    from retour.automation.models import Rule
    from retour.automation.services import rule_create
    from retour.automation.simulation import simulate
    from retour.core.actors import Actor
    from retour.returns.models import ReturnCase

    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    print(f"load average at start: {os.getloadavg()}")
    from retour.automation.exceptions import RuleInvalid

    if ReturnCase.objects.count() >= args.returns and Rule.objects.count() >= args.rules:
        # A database given with --database-url that a previous run filled: reuse it.
        print(f"history: reusing {ReturnCase.objects.count()} returns and the rules found")
    else:
        started = time.perf_counter()
        _stores, categories, suppliers = build_history(args.returns)
        print(f"history: {args.returns} returns generated in {time.perf_counter() - started:.1f} s")
        actor = Actor.system("bench")
        for terms in make_rules(args.rules, categories, suppliers):
            try:
                rule_create(actor=actor, **terms)
            except RuleInvalid as error:
                sys.exit(f"invalid bench rule {terms}: {error.extra}")
    ruleset = live_ruleset()
    assert len(ruleset.rules) == args.rules

    case = ReturnCase.objects.order_by("-submitted_at").first()
    facts = facts_for_case(case, rates=ruleset.rates)
    fired = len(evaluate(ruleset, facts, status="pending_review").fired)
    evaluate_us = median_us(lambda: evaluate(ruleset, facts, status="pending_review"), args.repeat)
    facts_us = median_us(lambda: facts_for_case(case, rates=ruleset.rates), 200)

    def whole():
        rules = live_ruleset()
        evaluate(rules, facts_for_case(case, rates=rules.rates), status="pending_review")

    whole_us = median_us(whole, 200)
    print(f"decision: {args.rules} enabled rules, {fired} fired on the sample case")
    print(
        f"  evaluate (compiled rules, facts in hand): median {evaluate_us[0]:.1f} µs wall, "
        f"{evaluate_us[1]:.1f} µs CPU"
    )
    print(
        f"  facts_for_case (one case, bulk loader):   median {facts_us[0] / 1000:.2f} ms wall, "
        f"{facts_us[1] / 1000:.2f} ms CPU"
    )
    print(
        f"  rule set check + facts + evaluate:        median {whole_us[0] / 1000:.2f} ms wall, "
        f"{whole_us[1] / 1000:.2f} ms CPU"
    )

    rules = rules_of(Rule.objects.all())
    now = timezone.now()
    started = time.perf_counter()
    cpu = time.process_time()
    result = simulate(rules, start=now - timezone.timedelta(days=400), end=now)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    print(
        f"simulation: {result.total} returns × {args.rules} rules (candidate and current) in "
        f"{seconds:.1f} s wall, {cpu:.1f} s CPU of this process ({result.total / seconds:,.0f} "
        "returns/s wall)"
    )
    print(f"  outcomes: {dict(result.candidate)}; changed: {result.changed_count}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
