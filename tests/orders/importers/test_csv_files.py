"""orders_import_file with CSV: rows grouped into orders, problems reported at row and column."""

from __future__ import annotations

import csv
import io

import pytest

from retour.orders.importers import CsvHeaderInvalid
from retour.orders.importers import rejections as codes
from retour.orders.importers.csvfile import COLUMNS
from retour.orders.models import Order, OrderLine, Payment, ShipmentLine
from retour.orders.services import orders_import_file
from tests.orders.importers.helpers import counts, rejections, run, snapshot, table_sizes

ORDER = {
    "store": "de-shop",
    "external_id": "5001",
    "number": "#5001",
    "placed_at": "2026-08-01T10:00:00Z",
    "status": "open",
    "currency": "EUR",
    "email": "Anna@Example.de",
    "customer_name": "Anna Schmidt",
    "customer_locale": "de",
    "customer_country": "DE",
    "shipping_name": "Anna Schmidt",
    "shipping_address1": "Invalidenstraße 1",
    "shipping_city": "Berlin",
    "shipping_postal_code": "10115",
    "shipping_country": "DE",
    "shipping_paid": "4.90",
    "shipping_tax": "0.93",
    "payment_provider": "stripe",
    "payment_method": "card",
    "payment_reference": "ch_123",
    "payment_amount": "55.62",
    "payment_captured_at": "2026-08-01T10:00:05Z",
}
LINE_1 = {
    "line_id": "l1",
    "sku": "TS-M-BLK",
    "title": "T-shirt M black",
    "quantity": "2",
    "unit_paid_net": "16.72",
    "unit_tax": "VAT:19:3.18",
    "unit_duty": "import_duty:0.50",
    "shipment_id": "s1",
    "shipment_carrier": "DHL",
    "shipment_tracking_number": "00340434161094042557",
    "shipment_shipped_at": "2026-08-02T08:00:00+02:00",
    "shipment_delivered_at": "2026-08-04T12:30:00Z",
    "shipment_quantity": "2",
}
LINE_2 = {
    "line_id": "l2",
    "sku": "CAP-RED",
    "quantity": "1",
    "unit_paid_net": "8.40",
    "unit_tax": "VAT:19:1.60",
    "shipment_id": "s1",
}
KEY = {"store": "de-shop", "external_id": "5001"}


def csv_text(*rows: dict[str, str], columns=COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue()


def write(tmp_path, text: str | bytes, name: str = "orders.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


def other_order(external_id: str, **changes: str) -> dict[str, str]:
    row = {**ORDER, **LINE_2, "external_id": external_id, "payment_reference": f"ch_{external_id}"}
    row.update(changes)
    return row


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "reader-process"])
def test_rows_of_one_order_become_one_order(catalog, record, tmp_path, parallel):
    path = write(tmp_path, csv_text({**ORDER, **LINE_1}, {**KEY, **LINE_2}))

    summary = orders_import_file(path=path, parallel=parallel)

    assert counts(summary) == (1, 0, 0, 0)
    order = Order.objects.get()
    assert (order.email, order.shipping_paid_minor, order.customer.name) == (
        "anna@example.de",
        490,
        "Anna Schmidt",
    )
    assert sorted(order.lines.values_list("external_line_id", "quantity", "unit_tax_minor")) == [
        ("l1", 2, 318),
        ("l2", 1, 160),
    ]
    assert OrderLine.objects.get(external_line_id="l1").unit_duty == [
        {"kind": "import_duty", "amount_minor": 50}
    ]
    assert Payment.objects.get().captured_minor == 5562
    # A blank shipment quantity ships the whole line.
    assert sorted(ShipmentLine.objects.values_list("order_line__external_line_id", "quantity")) == [
        ("l1", 2),
        ("l2", 1),
    ]
    # The CSV and the JSON Lines form of an order are the same order: nothing to update.
    before = snapshot()
    assert counts(run(record())) == (0, 0, 1, 0)
    assert snapshot() == before


def test_consecutive_rows_with_another_key_start_another_order(catalog, tmp_path):
    path = write(
        tmp_path,
        csv_text(
            {**ORDER, **LINE_1},
            {**KEY, **LINE_2},
            other_order("5002", shipment_id=""),
            other_order("5003", shipment_id="", shipment_quantity=""),
        ),
    )

    summary = orders_import_file(path=path)

    assert counts(summary) == (3, 0, 0, 0)
    assert sorted(Order.objects.values_list("external_id", "lines__external_line_id")) == [
        ("5001", "l1"),
        ("5001", "l2"),
        ("5002", "l2"),
        ("5003", "l2"),
    ]
    assert table_sizes()["ShipmentLine"] == 2


def test_a_bad_value_is_reported_at_its_row_and_column(catalog, tmp_path):
    path = write(
        tmp_path,
        csv_text(
            {**ORDER, **LINE_1},
            {**KEY, **LINE_2, "quantity": "0"},
            other_order("5002", payment_amount="12.345", customer_country="Deutschland"),
            other_order("5003", unit_tax="VAT:19", shipping_country=""),
            other_order("5004", shipment_shipped_at="soon", shipment_quantity="5"),
            other_order("5005", sku="NOPE"),
        ),
    )

    summary = orders_import_file(path=path)

    assert counts(summary) == (0, 0, 0, 5)
    assert rejections(summary) == [
        (3, "quantity", codes.INVALID_QUANTITY),
        (4, "customer_country", codes.UNKNOWN_COUNTRY),
        (4, "payment_amount", codes.INVALID_AMOUNT),
        (5, "shipping_country", codes.MISSING_FIELD),
        (5, "unit_tax", codes.MISSING_FIELD),
        (6, "shipment_shipped_at", codes.INVALID_DATETIME),
        (6, "shipment_quantity", codes.SHIPPED_EXCEEDS_ORDERED),
        (7, "sku", codes.UNKNOWN_SKU),
    ]
    assert Order.objects.count() == 0


def test_rows_of_one_order_must_agree(catalog, tmp_path):
    path = write(
        tmp_path,
        csv_text(
            {**ORDER, **LINE_1},
            {**KEY, **LINE_2, "currency": "USD", "shipment_carrier": "UPS"},
            other_order("5002"),
        ),
    )

    summary = orders_import_file(path=path)

    assert counts(summary) == (1, 0, 0, 1)
    assert rejections(summary) == [
        (3, "currency", codes.INCONSISTENT_ROWS),
        (3, "shipment_carrier", codes.INCONSISTENT_ROWS),
    ]
    assert summary.rejections[0].message == (
        "Rows of the same order disagree on this column: EUR, then USD."
    )
    assert list(Order.objects.values_list("external_id", flat=True)) == ["5002"]


def test_a_row_with_the_wrong_number_of_columns_refuses_its_order(catalog, tmp_path):
    text = csv_text({**ORDER, **LINE_1}, {**KEY, **LINE_2}, other_order("5002"))
    lines = text.splitlines()
    lines[2] += ",surplus"  # the second row of order 5001
    lines.append("de-shop")  # too short to even tell its order
    path = write(tmp_path, "\n".join(lines) + "\n")

    summary = orders_import_file(path=path)

    assert counts(summary) == (1, 0, 0, 2)
    assert rejections(summary) == [
        (3, "", codes.MALFORMED_ROW),
        (5, "", codes.MALFORMED_ROW),
    ]
    columns = len(COLUMNS)
    assert summary.rejections[0].message == (
        f"The row has {columns + 1} columns; the header has {columns}."
    )
    assert list(Order.objects.values_list("external_id", flat=True)) == ["5002"]


def test_a_row_that_is_not_csv_refuses_the_orders_around_it(catalog, tmp_path):
    huge = other_order("5002", title="x" * 200_000)  # beyond the csv module's field limit
    path = write(
        tmp_path,
        csv_text(
            {**ORDER, **LINE_1}, {**KEY, **LINE_2}, huge, other_order("5003"), other_order("5004")
        ),
    )

    summary = orders_import_file(path=path)

    assert rejections(summary)[0] == (4, "", codes.UNREADABLE_ROW)
    assert summary.rejected == 2
    assert list(Order.objects.values_list("external_id", flat=True)) == ["5004"]


def test_undecodable_bytes_refuse_their_order(catalog, tmp_path):
    text = csv_text({**ORDER, **LINE_1}, {**KEY, **LINE_2}, other_order("5002")).encode()
    text = text.replace(b"Invalidenstra\xc3\x9fe", b"Invalidenstra\xdfe", 1)  # Latin-1 ß
    path = write(tmp_path, text)

    summary = orders_import_file(path=path)

    assert rejections(summary) == [(2, "", codes.INVALID_ENCODING)]
    assert list(Order.objects.values_list("external_id", flat=True)) == ["5002"]


def test_quoted_newlines_keep_line_numbers_right(catalog, tmp_path):
    path = write(
        tmp_path,
        csv_text(
            {**ORDER, **LINE_1, "shipping_address2": "Hinterhaus\n3. Stock"},
            {**KEY, **LINE_2},
            other_order("5002", quantity="-1"),
        ),
    )

    summary = orders_import_file(path=path)

    assert rejections(summary) == [(5, "quantity", codes.INVALID_QUANTITY)]
    assert Order.objects.get().shipping_address2 == "Hinterhaus\n3. Stock"


def test_columns_may_come_in_any_order_and_unknown_ones_are_ignored(catalog, tmp_path):
    columns = ["Notes", *reversed(COLUMNS)]
    path = write(tmp_path, csv_text({**ORDER, **LINE_1}, {**KEY, **LINE_2}, columns=columns))

    summary = orders_import_file(path=path)

    assert counts(summary) == (1, 0, 0, 0)


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "reader-process"])
def test_a_header_without_the_key_columns_is_an_error(db, tmp_path, parallel):
    path = write(tmp_path, "order,sku\n5001,TS-M-BLK\n")

    with pytest.raises(CsvHeaderInvalid) as error:
        orders_import_file(path=path, parallel=parallel)

    assert error.value.extra == {"missing": ["store", "external_id"]}


def test_an_empty_file_imports_nothing(db, tmp_path):
    summary = orders_import_file(path=write(tmp_path, ""))

    assert counts(summary) == (0, 0, 0, 0)


def test_the_documented_examples_are_the_same_order(catalog, tmp_path):
    import re
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[3] / "docs" / "importing.md").read_text()
    jsonl = re.search(r"```json\n(.*?)```", guide, re.S).group(1)
    csv_example = re.search(r"```csv\n(.*?)```", guide, re.S).group(1)

    first = orders_import_file(path=write(tmp_path, jsonl, "example.jsonl"))
    before = snapshot()
    second = orders_import_file(path=write(tmp_path, csv_example, "example.csv"))

    assert counts(first) == (1, 0, 0, 0)
    assert counts(second) == (0, 0, 1, 0)
    assert snapshot() == before
