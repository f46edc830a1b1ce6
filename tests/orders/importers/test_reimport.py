"""Importing again: the same record changes nothing, a changed one updates the order in place."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from retour.orders.importers import rejections as codes
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment, ShipmentLine
from tests.orders.importers.helpers import counts, rejections, run, snapshot, table_sizes


def test_importing_the_same_records_again_changes_nothing(catalog, record):
    other = record(external_id="5002", email="ben@example.com")
    other["payments"][0]["reference"] = "ch_456"
    run(record(), other)
    before = snapshot()

    summary = run(record(), other)

    assert counts(summary) == (0, 0, 2, 0)
    assert summary.lines == 4
    assert snapshot() == before


def test_the_same_order_written_differently_is_unchanged(catalog, record):
    run(record())
    before = snapshot()
    same = record(
        email="ANNA@EXAMPLE.DE",
        currency="eur",
        placed_at="2026-08-01T12:00:00+02:00",
        shipping={"paid": "4.9", "tax": "0.930"},
    )
    same["lines"].reverse()
    same["lines"][1]["hs_code"] = ""
    same["shipments"][0]["lines"].reverse()

    summary = run(same)

    assert counts(summary) == (0, 0, 1, 0)
    assert snapshot() == before


def test_a_changed_order_is_updated_in_place(catalog, record):
    run(record())
    order = Order.objects.get()
    line_ids = dict(OrderLine.objects.values_list("external_line_id", "id"))
    payment_id = Payment.objects.get().id
    shipment_id = Shipment.objects.get().id
    created_at = order.created_at
    data = record(
        status="closed", shipping_address=dict(record()["shipping_address"], city="Potsdam")
    )
    data["lines"][0]["unit_paid_net"] = "15.00"
    data["lines"].append({"id": "l3", "sku": "CAP-RED", "quantity": 1, "unit_paid_net": "5"})
    data["payments"][0]["amount"] = "53.90"
    data["payments"].append(
        {"provider": "manual", "method": "bank_transfer", "reference": "TR-1", "amount": "5"}
    )
    data["shipments"][0]["delivered_at"] = "2026-08-05T09:00:00Z"
    data["shipments"].append(
        {"id": "s2", "shipped_at": "2026-08-06T09:00:00Z", "lines": [{"line": "l3", "quantity": 1}]}
    )

    summary = run(data)

    assert counts(summary) == (0, 1, 0, 0)
    order.refresh_from_db()
    assert (order.status, order.shipping_city) == ("closed", "Potsdam")
    assert order.created_at == created_at
    assert order.updated_at > created_at
    assert OrderLine.objects.get(id=line_ids["l1"]).unit_paid_net_minor == 1500
    assert OrderLine.objects.get(id=line_ids["l2"]).unit_paid_net_minor == 840
    assert sorted(order.lines.values_list("external_line_id", flat=True)) == ["l1", "l2", "l3"]
    assert Payment.objects.get(id=payment_id).captured_minor == 5390
    assert order.payments.count() == 2
    shipment = Shipment.objects.get(id=shipment_id)
    assert shipment.delivered_at == dt.datetime(2026, 8, 5, 9, 0, tzinfo=dt.UTC)
    assert sorted(
        ShipmentLine.objects.values_list("shipment__external_id", "order_line__external_line_id")
    ) == [("s1", "l1"), ("s1", "l2"), ("s2", "l3")]
    assert Order.objects.count() == 1

    # And the new version is itself idempotent.
    before = snapshot()
    assert counts(run(data)) == (0, 0, 1, 0)
    assert snapshot() == before


def test_a_changed_shipment_gets_its_lines_from_the_record(catalog, record):
    run(record())
    data = record()
    data["shipments"][0]["lines"] = [{"line": "l1", "quantity": 1}]

    summary = run(data)

    assert counts(summary) == (0, 1, 0, 0)
    assert list(ShipmentLine.objects.values_list("order_line__external_line_id", "quantity")) == [
        ("l1", 1)
    ]


def test_a_line_that_disappears_is_refused_and_nothing_changes(catalog, record):
    run(record())
    before = snapshot()
    data = record(status="closed")
    del data["lines"][1]
    data["shipments"][0]["lines"] = [{"line": "l1", "quantity": 2}]

    summary = run(data)

    assert counts(summary) == (0, 0, 0, 1)
    assert rejections(summary) == [(1, "lines", codes.LINE_REMOVED)]
    assert summary.rejections[0].message.startswith("Line l2 was imported before")
    assert snapshot() == before


def test_a_payment_or_shipment_that_disappears_is_refused(catalog, record):
    run(record())
    before = snapshot()

    summary = run(record(payments=[], shipments=[]))

    assert rejections(summary) == [
        (1, "payments", codes.PAYMENT_REMOVED),
        (1, "shipments", codes.SHIPMENT_REMOVED),
    ]
    assert snapshot() == before


def test_a_refused_update_does_not_stop_the_others_in_its_batch(catalog, record):
    second = record(external_id="5002")
    second["payments"][0]["reference"] = "ch_2"
    run(record(), second)
    dropped = record()
    del dropped["payments"][0]
    changed = record(external_id="5002", status="canceled")
    changed["payments"][0]["reference"] = "ch_2"

    summary = run(dropped, changed)

    assert counts(summary) == (0, 1, 0, 1)
    assert rejections(summary) == [(1, "payments", codes.PAYMENT_REMOVED)]
    assert Order.objects.get(external_id="5002").status == "canceled"
    assert Order.objects.get(external_id="5001").payments.count() == 1


def test_the_same_order_twice_in_a_file_is_created_then_updated(catalog, record):
    summary = run(record(), record(status="closed"), record(status="closed"))

    assert counts(summary) == (1, 1, 1, 0)
    assert Order.objects.get().status == "closed"
    assert table_sizes()["OrderLine"] == 2


def test_an_unchanged_import_leaves_the_customer_alone(catalog, record):
    run(record())
    Customer.objects.update(name="Anna Schmidt-Weber")  # corrected by staff since

    run(record())

    assert Customer.objects.get().name == "Anna Schmidt-Weber"


def _refuse_orders_with_external_id(external_id: str) -> None:
    """A database trigger that refuses one order, as a constraint we do not know would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse_order BEFORE INSERT ON orders_order "
                f"WHEN NEW.external_id = '{external_id}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse_order() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.external_id = '{external_id}' THEN "
                "RAISE EXCEPTION 'refused by a test trigger' USING ERRCODE = 'check_violation'; "
                "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_order BEFORE INSERT ON orders_order "
                "FOR EACH ROW EXECUTE FUNCTION refuse_order()"
            )


def test_an_order_the_database_refuses_is_reported_and_the_rest_of_the_batch_imports(
    catalog, record
):
    _refuse_orders_with_external_id("5002")
    records = []
    for number in (5001, 5002, 5003):
        data = record(external_id=str(number), email=f"buyer{number}@example.com")
        data["payments"][0]["reference"] = f"ch_{number}"
        records.append(data)

    summary = run(*records)

    assert counts(summary) == (2, 0, 0, 1)
    assert rejections(summary) == [(2, "", codes.WRITE_FAILED)]
    assert "refused by a test trigger" in summary.rejections[0].message
    assert sorted(Order.objects.values_list("external_id", flat=True)) == ["5001", "5003"]
    # The customers written by the failed batch were rolled back and written again.
    assert sorted(Customer.objects.values_list("email", flat=True)) == [
        "buyer5001@example.com",
        "buyer5003@example.com",
    ]
    assert sorted(Order.objects.values_list("customer__email", flat=True)) == [
        "buyer5001@example.com",
        "buyer5003@example.com",
    ]
    assert table_sizes()["ShipmentLine"] == 4
