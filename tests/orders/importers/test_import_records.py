"""orders_import_records: what a valid record becomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment, ShipmentLine
from tests.orders.factories import CustomerFactory
from tests.orders.importers.helpers import counts, run, table_sizes

UTC = dt.UTC


def test_a_record_becomes_an_order_with_lines_payment_and_shipment(catalog, record):
    summary = run(record())

    assert counts(summary) == (1, 0, 0, 0)
    assert summary.lines == 2
    assert summary.rejections == []
    order = Order.objects.get()
    assert order.store == catalog["store"]
    assert order.external_id == "5001"
    assert order.number == "#5001"
    assert order.status == "open"
    assert order.presentment_currency == "EUR"
    assert order.placed_at == dt.datetime(2026, 8, 1, 10, 0, tzinfo=UTC)
    assert order.email == "anna@example.de"
    assert order.destination_country == "DE"
    assert order.shipping_name == "Anna Schmidt"
    assert order.shipping_address1 == "Invalidenstraße 1"
    assert order.shipping_city == "Berlin"
    assert order.shipping_postal_code == "10115"
    assert order.shipping_paid_minor == 490
    assert order.shipping_tax_minor == 93
    assert len(order.source_version) == 64

    customer = order.customer
    assert (customer.email, customer.name, customer.phone, customer.locale, customer.country) == (
        "anna@example.de",
        "Anna Schmidt",
        "",
        "de",
        "DE",
    )

    shirt, cap = order.lines.order_by("external_line_id")
    assert shirt.external_line_id == "l1"
    assert shirt.variant == catalog["shirt"]
    assert shirt.sku == "TS-M-BLK"
    assert shirt.title == "T-shirt M black"
    assert shirt.quantity == 2
    assert shirt.unit_paid_net_minor == 1672
    assert shirt.unit_tax == [{"name": "VAT", "rate_bps": 1900, "amount_minor": 318}]
    assert shirt.unit_tax_minor == 318
    assert shirt.unit_duty == [{"kind": "import_duty", "amount_minor": 50}]
    assert shirt.unit_duty_minor == 50
    # Customs data and weight are snapshots of the catalog when the record leaves them out.
    assert (shirt.hs_code, shirt.origin_country, shirt.weight_grams) == ("610910", "CN", 180)
    assert cap.title == "Cap (Red)"
    assert (cap.hs_code, cap.origin_country, cap.weight_grams) == ("650500", "VN", 90)
    assert cap.unit_duty == []
    assert cap.unit_duty_minor == 0

    payment = Payment.objects.get()
    assert payment.order == order
    assert (payment.provider, payment.method_type, payment.provider_reference) == (
        "stripe",
        "card",
        "ch_123",
    )
    assert (payment.currency, payment.captured_minor) == ("EUR", 5562)
    assert payment.captured_at == dt.datetime(2026, 8, 1, 10, 0, 5, tzinfo=UTC)

    shipment = Shipment.objects.get()
    assert shipment.order == order
    assert (shipment.external_id, shipment.carrier) == ("s1", "DHL")
    assert shipment.tracking_number == "00340434161094042557"
    # An offset is converted to UTC: 08:00+02:00 is 06:00Z.
    assert shipment.shipped_at == dt.datetime(2026, 8, 2, 6, 0, tzinfo=UTC)
    assert shipment.delivered_at == dt.datetime(2026, 8, 4, 12, 30, tzinfo=UTC)
    assert sorted(ShipmentLine.objects.values_list("order_line__external_line_id", "quantity")) == [
        ("l1", 2),
        ("l2", 1),
    ]


def test_line_values_given_in_the_record_win_over_the_catalog(catalog, record):
    data = record()
    data["lines"][0].update(hs_code="6109.10.00", origin_country="bd", weight_grams="250")

    run(data)

    line = OrderLine.objects.get(external_line_id="l1")
    assert (line.hs_code, line.origin_country, line.weight_grams) == ("61091000", "BD", 250)


def test_optional_fields_take_their_defaults(catalog, record):
    data = record(number="", status="", customer=None, shipping=None, payments=[], shipments=[])
    data["shipping_address"] = {"country": "at"}
    data["lines"] = [{"id": "1", "sku": "TS-M-BLK", "quantity": "3", "unit_paid_net": "10"}]

    summary = run(data)

    assert counts(summary) == (1, 0, 0, 0)
    order = Order.objects.get()
    assert (order.number, order.status, order.destination_country) == ("5001", "open", "AT")
    assert (order.shipping_paid_minor, order.shipping_tax_minor) == (0, 0)
    assert (order.customer.name, order.customer.locale, order.customer.country) == ("", "en", "AT")
    line = order.lines.get()
    assert (line.title, line.quantity, line.unit_paid_net_minor) == ("T-shirt (M / Black)", 3, 1000)
    assert (line.unit_tax, line.unit_tax_minor) == ([], 0)
    assert table_sizes()["Payment"] == table_sizes()["Shipment"] == 0


def test_payment_without_capture_time_is_taken_as_captured_when_placed(catalog, record):
    data = record()
    del data["payments"][0]["captured_at"]

    run(data)

    assert Payment.objects.get().captured_at == dt.datetime(2026, 8, 1, 10, 0, tzinfo=UTC)


def test_amounts_follow_the_currency_exponent(catalog, record):
    yen = record(external_id="JP1", currency="JPY", shipping={"paid": "500", "tax": "0"})
    yen["lines"] = [{"id": "1", "sku": "CAP-RED", "quantity": 1, "unit_paid_net": "1500"}]
    yen["payments"] = [
        {"provider": "paypal", "method": "wallet", "reference": "P-1", "amount": "2000"}
    ]
    yen["shipments"] = []
    dinar = record(external_id="KW1", currency="kwd", shipping={"paid": "1.250", "tax": "0.1"})
    dinar["lines"] = [{"id": "1", "sku": "CAP-RED", "quantity": 1, "unit_paid_net": "12.345"}]
    dinar["payments"] = [
        {"provider": "stripe", "method": "card", "reference": "ch_kw", "amount": "13.695"}
    ]
    dinar["shipments"] = []

    summary = run(yen, dinar)

    assert counts(summary) == (2, 0, 0, 0)
    yen_order = Order.objects.get(external_id="JP1")
    assert (yen_order.presentment_currency, yen_order.shipping_paid_minor) == ("JPY", 500)
    assert yen_order.lines.get().unit_paid_net_minor == 1500
    assert yen_order.payments.get().captured_minor == 2000
    dinar_order = Order.objects.get(external_id="KW1")
    assert dinar_order.presentment_currency == "KWD"
    assert (dinar_order.shipping_paid_minor, dinar_order.shipping_tax_minor) == (1250, 100)
    assert dinar_order.lines.get().unit_paid_net_minor == 12345
    assert dinar_order.payments.get().captured_minor == 13695


def test_a_payment_may_be_in_its_own_currency(catalog, record):
    data = record()
    data["payments"].append(
        {"provider": "gift_card", "method": "gift_card", "reference": "GC-9", "amount": "10.00"}
    )
    data["payments"][1]["currency"] = "USD"

    run(data)

    gift_card = Payment.objects.get(provider="gift_card")
    assert (gift_card.currency, gift_card.captured_minor) == ("USD", 1000)


def test_numbers_given_as_decimals_or_integers_are_exact(catalog, record):
    # What the JSON Lines reader hands over for bare JSON numbers (16.72 -> Decimal).
    data = record(shipping={"paid": Decimal("4.9"), "tax": 1})
    data["lines"][0]["unit_paid_net"] = Decimal("16.72")
    data["lines"][0]["unit_tax"][0]["rate"] = Decimal("19.5")
    data["external_id"] = 5001

    run(data)

    order = Order.objects.get()
    assert order.external_id == "5001"
    assert (order.shipping_paid_minor, order.shipping_tax_minor) == (490, 100)
    line = order.lines.get(external_line_id="l1")
    assert line.unit_paid_net_minor == 1672
    assert line.unit_tax[0]["rate_bps"] == 1950


def test_tax_components_keep_their_jurisdiction(catalog, record):
    data = record()
    data["lines"][0]["unit_tax"] = [
        {"name": "State", "rate": "6.25", "amount": "1.05", "jurisdiction": "US-TX"},
        {"name": "City", "rate": "2", "amount": "0.33", "jurisdiction": "Austin"},
    ]

    run(data)

    line = OrderLine.objects.get(external_line_id="l1")
    assert line.unit_tax == [
        {"name": "State", "rate_bps": 625, "amount_minor": 105, "jurisdiction": "US-TX"},
        {"name": "City", "rate_bps": 200, "amount_minor": 33, "jurisdiction": "Austin"},
    ]
    assert line.unit_tax_minor == 138


def test_customers_are_matched_by_lower_cased_email(catalog, record):
    known = CustomerFactory(email="anna@example.de", name="Anna S.", phone="+49 30 1234")

    run(record(email="ANNA@example.DE", customer={"name": "", "locale": "de"}))

    order = Order.objects.get()
    assert order.customer == known
    known.refresh_from_db()
    # An empty value in the record never erases what is known about the buyer.
    assert (known.name, known.phone, known.locale) == ("Anna S.", "+49 30 1234", "de")
    assert Customer.objects.count() == 1


def test_a_buyer_of_several_orders_is_one_customer_with_the_latest_details(catalog, record):
    first = record(external_id="1", customer={"name": "Anna", "country": "DE"})
    second = record(external_id="2", customer={"name": "Anna Schmidt", "phone": "+49 30 9"})

    run(first, second)

    customer = Customer.objects.get()
    assert (customer.name, customer.phone, customer.country) == ("Anna Schmidt", "+49 30 9", "DE")
    assert set(Order.objects.values_list("customer_id", flat=True)) == {customer.id}


def test_orders_of_several_stores_with_the_same_external_id_are_distinct(catalog, record):
    from tests.orders.factories import StoreFactory

    StoreFactory(code="us-shop")

    summary = run(record(), record(store="us-shop"))

    assert counts(summary) == (2, 0, 0, 0)
    assert sorted(Order.objects.values_list("store__code", "external_id")) == [
        ("de-shop", "5001"),
        ("us-shop", "5001"),
    ]


def test_many_orders_span_several_batches(catalog, record):
    records = [record(external_id=str(n)) for n in range(1, 8)]
    for n, data in enumerate(records, start=1):
        data["payments"][0]["reference"] = f"ch_{n}"

    summary = run(*records, batch_size=3)

    assert counts(summary) == (7, 0, 0, 0)
    assert summary.lines == 14
    assert table_sizes() == {
        "Customer": 1,
        "Order": 7,
        "OrderLine": 14,
        "Payment": 7,
        "Shipment": 7,
        "ShipmentLine": 14,
    }


def test_a_shipment_line_without_quantity_ships_the_whole_line(catalog, record):
    data = record()
    data["shipments"][0]["lines"] = [{"line": "l1"}, {"line": "l2", "quantity": ""}]

    run(data)

    assert sorted(ShipmentLine.objects.values_list("order_line__external_line_id", "quantity")) == [
        ("l1", 2),
        ("l2", 1),
    ]
