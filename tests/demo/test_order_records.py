"""The generator alone: deterministic, believable, and every order pays exactly what it cost."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from retour.core.money import Money
from retour.demo.catalog_data import CATEGORIES, variants
from retour.demo.order_records import build_order_records, s10_check_digit

ANCHOR = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def minor(amount: str, currency: str) -> int:
    return Money.from_major(amount, currency).amount_minor


def order_total(record: dict) -> int:
    currency = record["currency"]
    total = minor(record["shipping"]["paid"], currency) + minor(record["shipping"]["tax"], currency)
    for line in record["lines"]:
        unit = minor(line["unit_paid_net"], currency)
        unit += sum(minor(tax["amount"], currency) for tax in line["unit_tax"])
        unit += sum(minor(duty["amount"], currency) for duty in line["unit_duty"])
        total += unit * line["quantity"]
    return total


def test_same_seed_gives_the_same_records():
    first = build_order_records(seed=7, count=60, anchor=ANCHOR)
    second = build_order_records(seed=7, count=60, anchor=ANCHOR)
    assert first == second


def test_another_seed_gives_other_records():
    first = build_order_records(seed=7, count=20, anchor=ANCHOR)
    other = build_order_records(seed=8, count=20, anchor=ANCHOR)
    assert [r["email"] for r in first] != [r["email"] for r in other]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_payments_add_up_to_what_each_order_cost(seed):
    for record in build_order_records(seed=seed, count=25, anchor=ANCHOR):
        currency = record["currency"]
        paid = sum(minor(payment["amount"], currency) for payment in record["payments"])
        assert paid == order_total(record)
        assert all(minor(payment["amount"], currency) > 0 for payment in record["payments"])


def test_amounts_have_exactly_the_currency_decimals():
    for record in build_order_records(seed=3, count=300, anchor=ANCHOR):
        decimals = 0 if record["currency"] == "JPY" else 2
        amounts = [record["shipping"]["paid"], record["shipping"]["tax"]]
        amounts += [payment["amount"] for payment in record["payments"]]
        for line in record["lines"]:
            amounts.append(line["unit_paid_net"])
            amounts += [c["amount"] for c in line["unit_tax"] + line["unit_duty"]]
        for amount in amounts:
            assert -Decimal(amount).as_tuple().exponent == decimals, (record["number"], amount)


def test_markets_currencies_and_stores():
    records = build_order_records(seed=1, count=400, anchor=ANCHOR)
    pairs = {(r["shipping_address"]["country"], r["currency"], r["store"]) for r in records}
    assert pairs == {
        ("US", "USD", "kestrel-global"),
        ("JP", "JPY", "kestrel-global"),
        ("BR", "BRL", "kestrel-global"),
        ("AU", "AUD", "kestrel-global"),
        ("GB", "GBP", "kestrel-eu"),
        ("DE", "EUR", "kestrel-eu"),
        ("FR", "EUR", "kestrel-eu"),
    }
    languages = {r["shipping_address"]["country"]: r["customer"]["locale"] for r in records}
    assert languages == {
        "US": "en",
        "GB": "en",
        "AU": "en",
        "DE": "de",
        "FR": "fr",
        "JP": "ja",
        "BR": "pt-br",
    }


def test_orders_fall_in_the_120_days_before_the_anchor_in_order_of_number():
    records = build_order_records(seed=1, count=200, anchor=ANCHOR)
    placed = [datetime.fromisoformat(r["placed_at"]) for r in records]
    assert min(placed) >= ANCHOR - timedelta(days=120)
    assert max(placed) <= ANCHOR
    assert placed == sorted(placed)
    eu_numbers = [r["number"] for r in records if r["store"] == "kestrel-eu"]
    assert eu_numbers[:3] == ["#1001", "#1002", "#1003"]
    global_numbers = [r["number"] for r in records if r["store"] == "kestrel-global"]
    assert global_numbers[:2] == ["KG-100001", "KG-100002"]


def test_tax_components_use_each_countrys_rate():
    rates = Counter()
    for record in build_order_records(seed=5, count=500, anchor=ANCHOR):
        country = record["shipping_address"]["country"]
        for line in record["lines"]:
            for tax in line["unit_tax"]:
                rates[(country, tax["name"], tax["rate"])] += 1
    by_country = {}
    for country, name, rate in rates:
        by_country.setdefault(country, set()).add((name, rate))
    assert by_country["DE"] == {("VAT", "19")}
    assert by_country["FR"] == {("VAT", "20")}
    assert by_country["GB"] == {("VAT", "20")}
    assert by_country["JP"] == {("Consumption tax", "10")}
    assert by_country["AU"] == {("GST", "10")}
    assert "BR" not in by_country  # Brazil's import taxes are duty components, not tax lines
    assert {name for name, _rate in by_country["US"]} >= {"Sales tax CA", "Sales tax NY"}


def test_vat_included_prices_split_exactly_into_net_and_tax():
    # German shelf prices include 19 % VAT: net is the shelf price / 1.19 rounded half up, and
    # net plus tax is the (possibly discounted) shelf price again.
    checked = 0
    for record in build_order_records(seed=5, count=300, anchor=ANCHOR):
        if record["shipping_address"]["country"] != "DE":
            continue
        for line in record["lines"]:
            if not line["unit_tax"]:
                continue
            net = minor(line["unit_paid_net"], "EUR")
            shelf = net + minor(line["unit_tax"][0]["amount"], "EUR")
            expected = (Decimal(shelf) * 100 / 119).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            assert net == int(expected)
            checked += 1
    assert checked > 20


def test_duties_and_import_vat_appear_where_the_market_charges_them():
    kinds = Counter()
    for record in build_order_records(seed=5, count=600, anchor=ANCHOR):
        country = record["shipping_address"]["country"]
        for line in record["lines"]:
            for duty in line["unit_duty"]:
                kinds[(country, duty["kind"])] += 1
    assert kinds[("US", "import_duty")] > 0
    assert kinds[("BR", "import_duty")] > 0
    assert kinds[("BR", "import_vat")] > 0
    assert kinds[("DE", "import_vat")] + kinds[("GB", "import_vat")] > 0  # above IOSS / £135
    assert ("AU", "import_duty") not in kinds


def test_shipments_ship_before_they_arrive_and_never_exceed_the_order():
    states = Counter()
    for record in build_order_records(seed=9, count=500, anchor=ANCHOR):
        ordered = {line["id"]: line["quantity"] for line in record["lines"]}
        shipped = Counter()
        placed = datetime.fromisoformat(record["placed_at"])
        for shipment in record["shipments"]:
            shipped_at = datetime.fromisoformat(shipment["shipped_at"])
            assert placed < shipped_at <= ANCHOR
            if shipment["delivered_at"]:
                assert shipped_at < datetime.fromisoformat(shipment["delivered_at"]) <= ANCHOR
                states["delivered"] += 1
            else:
                states["in transit"] += 1
            for part in shipment["lines"]:
                shipped[part["line"]] += part["quantity"]
        assert all(shipped[line] <= quantity for line, quantity in ordered.items())
        states[f"{len(record['shipments'])} shipments"] += 1
    assert states["delivered"] > states["in transit"] > 0
    assert states["0 shipments"] > 0  # the newest orders are not shipped yet
    assert states["2 shipments"] > 0  # split deliveries


def test_payment_methods_include_splits_with_gift_cards_and_store_credit():
    methods = Counter()
    for record in build_order_records(seed=2, count=600, anchor=ANCHOR):
        kinds = tuple(sorted(p["provider"] + "/" + p["method"] for p in record["payments"]))
        methods[kinds] += 1
    assert methods[("stripe/card",)] > methods[("paypal/wallet",)] > 0
    assert any("gift_card/gift_card" in kinds and len(kinds) == 2 for kinds in methods)
    assert any("store_credit/store_credit" in kinds and len(kinds) == 2 for kinds in methods)


def test_buyers_have_unique_example_addresses():
    records = build_order_records(seed=4, count=400, anchor=ANCHOR)
    by_email = {}
    for record in records:
        assert record["email"].rsplit("@", 1)[1] in {"example.com", "example.net", "example.org"}
        by_email.setdefault(record["email"], set()).add(record["customer"]["name"])
    assert all(len(names) == 1 for names in by_email.values())
    assert len(by_email) < len(records)  # some buyers come back


def test_catalog_has_about_200_variants_across_the_five_categories():
    specs = variants()
    assert len(specs) == 206
    assert len({spec.sku for spec in specs}) == 206
    assert len({spec.barcode for spec in specs}) == 206
    assert set(Counter(spec.product.category for spec in specs)) == set(CATEGORIES)


def test_s10_tracking_check_digit():
    # The example of the UPU S10 standard: AA 47312482 9 GB.
    assert s10_check_digit("47312482") == 9
