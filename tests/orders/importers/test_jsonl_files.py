"""orders_import_file with JSON Lines: reading, line numbers, and the helper reader process."""

from __future__ import annotations

import gzip
import json

import pytest

from retour.orders.importers import ImportFileUnreadable, ImportFormatUnknown, import_format_for
from retour.orders.importers import rejections as codes
from retour.orders.models import Order, OrderLine
from retour.orders.services import orders_import_file
from tests.orders.importers.helpers import counts, rejections, snapshot


def write_lines(path, *lines: bytes | str | dict) -> str:
    with open(path, "wb") as out:
        for line in lines:
            if isinstance(line, dict):
                line = json.dumps(line, ensure_ascii=False)
            out.write(line if isinstance(line, bytes) else line.encode())
            out.write(b"\n")
    return str(path)


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "reader-process"])
def test_a_file_with_good_and_bad_lines(catalog, record, tmp_path, parallel):
    second = record(external_id="5002")
    second["payments"][0]["reference"] = "ch_2"
    path = write_lines(
        tmp_path / "orders.jsonl",
        record(),
        "",
        '{"store": "de-shop", "external_id": ',
        b'{"store": "de-shop", "external_id": "\xff"}',
        "[1, 2]",
        "   ",
        second,
        json.dumps(record(external_id="5003", currency="EURO")),
    )

    summary = orders_import_file(path=path, parallel=parallel)

    assert counts(summary) == (2, 0, 0, 4)
    assert rejections(summary) == [
        (3, "", codes.INVALID_JSON),
        (4, "", codes.INVALID_ENCODING),
        (5, "", codes.NOT_AN_OBJECT),
        (8, "currency", codes.UNKNOWN_CURRENCY),
    ]
    assert summary.rejections[0].message.startswith("The line is not valid JSON: ")
    assert sorted(Order.objects.values_list("external_id", flat=True)) == ["5001", "5002"]

    before = snapshot()
    again = orders_import_file(path=path, parallel=parallel)
    assert counts(again) == (0, 0, 2, 4)
    assert snapshot() == before


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "reader-process"])
def test_errors_found_while_writing_keep_their_line(catalog, record, tmp_path, parallel):
    path = write_lines(tmp_path / "orders.jsonl", record(store="nowhere"), record())

    summary = orders_import_file(path=path, parallel=parallel)

    assert counts(summary) == (1, 0, 0, 1)
    assert rejections(summary) == [(1, "store", codes.UNKNOWN_STORE)]


def test_bare_json_numbers_are_read_exactly(catalog, record, tmp_path):
    text = json.dumps(record())
    text = text.replace('"unit_paid_net": "16.72"', '"unit_paid_net": 16.72')
    text = text.replace('"paid": "4.90"', '"paid": 4.9').replace('"rate": "19"', '"rate": 19')
    path = write_lines(tmp_path / "orders.jsonl", text)

    summary = orders_import_file(path=path)

    assert counts(summary) == (1, 0, 0, 0)
    assert Order.objects.get().shipping_paid_minor == 490
    line = OrderLine.objects.get(external_line_id="l1")
    assert (line.unit_paid_net_minor, line.unit_tax[0]["rate_bps"]) == (1672, 1900)


def test_a_byte_order_mark_and_gzip_are_accepted(catalog, record, tmp_path):
    path = tmp_path / "orders.ndjson.gz"
    with gzip.open(path, "wb") as out:
        out.write(b"\xef\xbb\xbf" + json.dumps(record()).encode() + b"\n")

    summary = orders_import_file(path=str(path))

    assert counts(summary) == (1, 0, 0, 0)


def test_the_format_comes_from_the_name_or_is_given():
    assert import_format_for("orders.jsonl") == "jsonl"
    assert import_format_for("export/ORDERS.NDJSON.gz") == "jsonl"
    assert import_format_for("orders.json") == "jsonl"
    assert import_format_for("orders.csv.gz") == "csv"
    assert import_format_for("orders.txt", "csv") == "csv"
    with pytest.raises(ImportFormatUnknown):
        import_format_for("orders.txt")
    with pytest.raises(ImportFormatUnknown):
        import_format_for("orders.csv", "xlsx")


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "reader-process"])
def test_a_missing_file_is_an_error_not_a_rejection(db, tmp_path, parallel):
    with pytest.raises(ImportFileUnreadable) as error:
        orders_import_file(path=str(tmp_path / "missing.jsonl"), parallel=parallel)

    assert error.value.code == "import.file_unreadable"
    assert Order.objects.count() == 0
