"""Every reason a record is refused: the code, the field and the line, and nothing written.

Each case imports a good order (line 1) and the bad one (line 2) in the same batch: the good one
must be created, the bad one refused whole.
"""

from __future__ import annotations

from typing import Any

import pytest

from retour.orders.importers import rejections as codes
from retour.orders.models import Order
from retour.orders.services import orders_import_records
from tests.orders.importers.helpers import counts, rejections, run, table_sizes

DELETE = object()


def changed(data: dict[str, Any], *changes: tuple[str, Any]) -> dict[str, Any]:
    """Apply ("lines.0.quantity", value) changes to a record; DELETE removes the key."""
    for path, value in changes:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        elif value is DELETE:
            del target[last]
        else:
            target[last] = value
    return data


CASES = [
    # The record as a whole
    ("lines", [], "lines", codes.NO_LINES),
    ("lines", "l1", "lines", codes.INVALID_TYPE),
    ("lines.0", "l1", "lines[0]", codes.INVALID_TYPE),
    # Required fields
    ("store", DELETE, "store", codes.MISSING_FIELD),
    ("external_id", "  ", "external_id", codes.MISSING_FIELD),
    ("placed_at", DELETE, "placed_at", codes.MISSING_FIELD),
    ("currency", "", "currency", codes.MISSING_FIELD),
    ("email", None, "email", codes.MISSING_FIELD),
    ("shipping_address", DELETE, "shipping_address", codes.MISSING_FIELD),
    ("shipping_address.country", "", "shipping_address.country", codes.MISSING_FIELD),
    ("lines.0.id", DELETE, "lines[0].id", codes.MISSING_FIELD),
    ("lines.0.sku", "", "lines[0].sku", codes.MISSING_FIELD),
    ("lines.0.quantity", DELETE, "lines[0].quantity", codes.MISSING_FIELD),
    ("lines.0.unit_paid_net", DELETE, "lines[0].unit_paid_net", codes.MISSING_FIELD),
    ("lines.0.unit_tax.0.name", DELETE, "lines[0].unit_tax[0].name", codes.MISSING_FIELD),
    ("lines.0.unit_tax.0.rate", "", "lines[0].unit_tax[0].rate", codes.MISSING_FIELD),
    ("lines.0.unit_tax.0.amount", DELETE, "lines[0].unit_tax[0].amount", codes.MISSING_FIELD),
    ("lines.0.unit_duty.0.kind", DELETE, "lines[0].unit_duty[0].kind", codes.MISSING_FIELD),
    ("lines.0.unit_duty.0.amount", "", "lines[0].unit_duty[0].amount", codes.MISSING_FIELD),
    ("payments.0.provider", DELETE, "payments[0].provider", codes.MISSING_FIELD),
    ("payments.0.method", "", "payments[0].method", codes.MISSING_FIELD),
    ("payments.0.reference", DELETE, "payments[0].reference", codes.MISSING_FIELD),
    ("payments.0.amount", DELETE, "payments[0].amount", codes.MISSING_FIELD),
    ("shipments.0.id", "", "shipments[0].id", codes.MISSING_FIELD),
    ("shipments.0.lines.0.line", DELETE, "shipments[0].lines[0].line", codes.MISSING_FIELD),
    # Types, lengths and text
    ("customer", "Anna", "customer", codes.INVALID_TYPE),
    ("shipping_address", ["Berlin"], "shipping_address", codes.INVALID_TYPE),
    ("payments", {"amount": "1"}, "payments", codes.INVALID_TYPE),
    ("number", 5.5, "number", codes.INVALID_TYPE),
    ("lines.0.title", {"en": "Shirt"}, "lines[0].title", codes.INVALID_TYPE),
    ("number", "#" + "9" * 64, "number", codes.TOO_LONG),
    ("lines.0.title", "x" * 301, "lines[0].title", codes.TOO_LONG),
    ("customer.phone", "0" * 41, "customer.phone", codes.TOO_LONG),
    ("customer.name", "Anna\x00", "customer.name", codes.INVALID_TEXT),
    # Dates
    ("placed_at", "2026-13-01T10:00:00Z", "placed_at", codes.INVALID_DATETIME),
    ("placed_at", "2026-08-01T10:00:00", "placed_at", codes.INVALID_DATETIME),
    ("placed_at", "yesterday", "placed_at", codes.INVALID_DATETIME),
    ("payments.0.captured_at", 1754042405, "payments[0].captured_at", codes.INVALID_DATETIME),
    ("shipments.0.shipped_at", "02/08/2026", "shipments[0].shipped_at", codes.INVALID_DATETIME),
    # Choices, currencies, countries, e-mail
    ("status", "shipped", "status", codes.INVALID_CHOICE),
    ("payments.0.provider", "bitcoin", "payments[0].provider", codes.INVALID_CHOICE),
    ("payments.0.method", "cash", "payments[0].method", codes.INVALID_CHOICE),
    ("currency", "EURO", "currency", codes.UNKNOWN_CURRENCY),
    ("currency", 978, "currency", codes.UNKNOWN_CURRENCY),
    ("payments.0.currency", "ABC", "payments[0].currency", codes.UNKNOWN_CURRENCY),
    ("shipping_address.country", "XY", "shipping_address.country", codes.UNKNOWN_COUNTRY),
    ("customer.country", "Germany", "customer.country", codes.UNKNOWN_COUNTRY),
    ("lines.0.origin_country", "ZZ", "lines[0].origin_country", codes.UNKNOWN_COUNTRY),
    ("email", "anna.example.de", "email", codes.INVALID_EMAIL),
    # Amounts
    ("lines.0.unit_paid_net", "16.725", "lines[0].unit_paid_net", codes.INVALID_AMOUNT),
    ("lines.0.unit_paid_net", "16,72", "lines[0].unit_paid_net", codes.INVALID_AMOUNT),
    ("lines.0.unit_paid_net", 16.72, "lines[0].unit_paid_net", codes.INVALID_AMOUNT),
    ("lines.0.unit_paid_net", "NaN", "lines[0].unit_paid_net", codes.INVALID_AMOUNT),
    ("shipping.tax", True, "shipping.tax", codes.INVALID_AMOUNT),
    ("lines.0.unit_tax.0.amount", "3.1.8", "lines[0].unit_tax[0].amount", codes.INVALID_AMOUNT),
    ("shipping.paid", "-4.90", "shipping.paid", codes.NEGATIVE_AMOUNT),
    ("payments.0.amount", "-55.62", "payments[0].amount", codes.NEGATIVE_AMOUNT),
    ("lines.0.unit_duty.0.amount", -1, "lines[0].unit_duty[0].amount", codes.NEGATIVE_AMOUNT),
    # Quantities, rates, HS codes, weights
    ("lines.0.quantity", 0, "lines[0].quantity", codes.INVALID_QUANTITY),
    ("lines.0.quantity", -2, "lines[0].quantity", codes.INVALID_QUANTITY),
    ("lines.0.quantity", "2.5", "lines[0].quantity", codes.INVALID_QUANTITY),
    ("lines.0.quantity", True, "lines[0].quantity", codes.INVALID_QUANTITY),
    ("shipments.0.lines.0.quantity", 0, "shipments[0].lines[0].quantity", codes.INVALID_QUANTITY),
    ("lines.0.unit_tax.0.rate", "19%", "lines[0].unit_tax[0].rate", codes.INVALID_RATE),
    ("lines.0.unit_tax.0.rate", "19.125", "lines[0].unit_tax[0].rate", codes.INVALID_RATE),
    ("lines.0.unit_tax.0.rate", "-7", "lines[0].unit_tax[0].rate", codes.INVALID_RATE),
    ("lines.0.unit_tax.0.rate", "101", "lines[0].unit_tax[0].rate", codes.INVALID_RATE),
    ("lines.0.hs_code", "61A910", "lines[0].hs_code", codes.INVALID_HS_CODE),
    ("lines.0.hs_code", "6109", "lines[0].hs_code", codes.INVALID_HS_CODE),
    ("lines.0.weight_grams", -5, "lines[0].weight_grams", codes.INVALID_WEIGHT),
    ("lines.0.weight_grams", "heavy", "lines[0].weight_grams", codes.INVALID_WEIGHT),
    # Ids within the order, and shipments against lines
    ("shipments.0.lines.1.line", "l1", "shipments[0].lines[1].line", codes.DUPLICATE_ID),
    ("shipments.0.lines.0.line", "l9", "shipments[0].lines[0].line", codes.UNKNOWN_LINE),
    (
        "shipments.0.lines.0.quantity",
        3,
        "shipments[0].lines[0].quantity",
        codes.SHIPPED_EXCEEDS_ORDERED,
    ),
    (
        "shipments.0.delivered_at",
        "2026-08-01T12:00:00Z",
        "shipments[0].delivered_at",
        codes.DELIVERED_BEFORE_SHIPPED,
    ),
    ("shipments.0.shipped_at", DELETE, "shipments[0].delivered_at", codes.DELIVERED_BEFORE_SHIPPED),
    # Resolved against the database
    ("store", "fr-shop", "store", codes.UNKNOWN_STORE),
    ("lines.1.sku", "NOPE-1", "lines[1].sku", codes.UNKNOWN_SKU),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "code"), CASES, ids=[f"{c[3]}-{c[0]}" for c in CASES]
)
def test_a_bad_record_is_refused_whole_and_the_good_one_still_imports(
    catalog, record, path, value, field, code
):
    good = record(external_id="4000")
    good["payments"][0]["reference"] = "ch_good"
    bad = changed(record(), (path, value))

    summary = run(good, bad)

    assert counts(summary) == (1, 0, 0, 1)
    assert rejections(summary) == [(2, field, code)]
    assert list(Order.objects.values_list("external_id", flat=True)) == ["4000"]
    assert table_sizes()["OrderLine"] == 2


def test_shipments_together_may_not_exceed_the_ordered_quantity(catalog, record):
    data = record()
    data["shipments"][0]["lines"] = [{"line": "l1", "quantity": 1}]
    data["shipments"].append(
        {
            "id": "s2",
            "shipped_at": "2026-08-03T08:00:00Z",
            "lines": [{"line": "l1", "quantity": 2}],
        }
    )

    summary = run(data)

    assert rejections(summary) == [
        (1, "shipments[1].lines[0].quantity", codes.SHIPPED_EXCEEDS_ORDERED)
    ]
    assert summary.rejections[0].message == "Line l1 is shipped 3 times but was ordered 2 times."
    assert table_sizes()["Order"] == 0


def test_duplicate_line_ids_are_refused(catalog, record):
    summary = run(changed(record(), ("lines.1.id", "l1")))

    assert rejections(summary) == [
        (1, "lines[1].id", codes.DUPLICATE_ID),
        # The shipment's second line pointed at l2, which the order no longer has.
        (1, "shipments[0].lines[1].line", codes.UNKNOWN_LINE),
    ]


def test_duplicate_shipment_ids_and_payment_references_are_refused(catalog, record):
    data = record()
    data["shipments"].append(dict(data["shipments"][0], lines=[]))
    data["payments"].append(dict(data["payments"][0]))

    summary = run(data)

    assert rejections(summary) == [
        (1, "payments[1].reference", codes.DUPLICATE_ID),
        (1, "shipments[1].id", codes.DUPLICATE_ID),
    ]


def test_a_record_that_is_not_an_object_is_refused(catalog, record):
    summary = run(["not", "an", "order"], "5001", record())

    assert counts(summary) == (1, 0, 0, 2)
    assert rejections(summary) == [(1, "", codes.NOT_AN_OBJECT), (2, "", codes.NOT_AN_OBJECT)]


def test_every_problem_of_a_record_is_reported_at_once(catalog, record):
    data = changed(
        record(),
        ("currency", "EURO"),
        ("email", "nobody"),
        ("lines.0.quantity", 0),
        ("shipments.0.lines.0.line", "l7"),
    )

    summary = run(data)

    assert summary.rejected == 1
    assert rejections(summary) == [
        (1, "currency", codes.UNKNOWN_CURRENCY),
        (1, "email", codes.INVALID_EMAIL),
        (1, "lines[0].quantity", codes.INVALID_QUANTITY),
        (1, "shipments[0].lines[0].line", codes.UNKNOWN_LINE),
    ]


def test_messages_are_translated_with_their_values(catalog, record):
    from django.utils import translation

    with translation.override("en"):
        summary = run(changed(record(), ("currency", "EURO"), ("lines.0.sku", "NOPE")))

    messages = [r.message for r in summary.rejections]
    assert messages == ["EURO is not an ISO 4217 currency code."]
    # The unknown SKU is found only after the record is otherwise valid.
    summary = run(changed(record(), ("lines.0.sku", "NOPE")))
    assert [r.message for r in summary.rejections] == [
        "There is no variant with the SKU NOPE in the catalog."
    ]


def test_rejections_are_all_counted_but_only_the_first_thousand_kept(db):
    reported = []

    summary = orders_import_records(
        records=((line, "bad") for line in range(1, 1006)),
        source="test",
        on_rejection=reported.append,
    )

    assert summary.rejected == 1005
    assert len(summary.rejections) == 1000
    assert summary.rejections_not_kept == 5
    assert summary.rejections[-1].line == 1000
    # The callback sees every one of them, as they happen.
    assert [r.line for r in reported] == list(range(1, 1006))
