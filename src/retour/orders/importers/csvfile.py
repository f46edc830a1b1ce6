"""CSV: one row per order line; consecutive rows with the same store and external_id are one order.

Each group of rows becomes a record in the JSON Lines schema, plus a private `_rows` entry that
remembers which file line each part came from, so that a problem is reported at the row and
under the column the person will look at (`locate_in_csv`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError
from retour.orders.importers import rejections as codes
from retour.orders.importers.rejections import Problem, UnreadableRecord

ORDER_COLUMNS = (
    "store",
    "external_id",
    "number",
    "placed_at",
    "status",
    "currency",
    "email",
    "customer_name",
    "customer_phone",
    "customer_locale",
    "customer_country",
    "shipping_name",
    "shipping_address1",
    "shipping_address2",
    "shipping_city",
    "shipping_region",
    "shipping_postal_code",
    "shipping_country",
    "shipping_paid",
    "shipping_tax",
    "payment_provider",
    "payment_method",
    "payment_reference",
    "payment_amount",
    "payment_currency",
    "payment_captured_at",
)
LINE_COLUMNS = (
    "line_id",
    "sku",
    "title",
    "quantity",
    "unit_paid_net",
    "unit_tax",
    "unit_duty",
    "hs_code",
    "origin_country",
    "weight_grams",
)
SHIPMENT_COLUMNS = (
    "shipment_id",
    "shipment_carrier",
    "shipment_tracking_number",
    "shipment_shipped_at",
    "shipment_delivered_at",
)
COLUMNS = (*ORDER_COLUMNS, *LINE_COLUMNS, *SHIPMENT_COLUMNS, "shipment_quantity")
REQUIRED_COLUMNS = ("store", "external_id")


class CsvHeaderInvalid(ApplicationError):
    code = "import.csv_header_invalid"
    message = _("The first row must name the columns; store and external_id are required.")


def read_csv(stream: IO[str]) -> Iterator[tuple[int, dict[str, Any] | UnreadableRecord]]:
    """Yield (line of the order's first row, record) per group of consecutive rows."""
    reader = csv.reader(stream)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        return
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise CsvHeaderInvalid(extra={"missing": missing})
    store_at, external_id_at = header.index("store"), header.index("external_id")
    group: _Group | None = None
    taint: tuple[int, Problem] | None = None
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            # The row's order cannot be known: refuse the orders on both sides of it rather
            # than import one of them without a line.
            start, previous_end = previous_end + 1, reader.line_num
            taint = (start, Problem("", codes.UNREADABLE_ROW, {"detail": str(error)}))
            if group is not None:
                group.problems.append(taint)
            continue
        start, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(store_at, external_id_at):
            if group is not None:
                yield group.finish()
                group = None
            yield (
                start,
                UnreadableRecord(
                    [Problem("", codes.MALFORMED_ROW, {"found": len(row), "expected": len(header)})]
                ),
            )
            taint = None
            continue
        key = (row[store_at].strip(), row[external_id_at].strip())
        if group is None or group.key != key:
            if group is not None:
                yield group.finish()
            group = _Group(key, start)
            if taint is not None:
                group.problems.append(taint)
        taint = None
        group.add(start, header, row)
    if group is not None:
        yield group.finish()


class _Group:
    """The rows of one order while they are being read."""

    def __init__(self, key: tuple[str, str], start: int) -> None:
        self.key = key
        self.start = start
        self.problems: list[tuple[int, Problem]] = []
        self.order: dict[str, tuple[str, int]] = {}  # column -> (first non-blank value, line)
        self.lines: list[dict[str, Any]] = []
        self.line_rows: list[int] = []
        self.shipments: dict[str, dict[str, Any]] = {}
        self.shipment_rows: dict[str, tuple[int, list[int]]] = {}

    def add(self, line: int, header: list[str], row: list[str]) -> None:
        if len(row) != len(header):
            problem = Problem("", codes.MALFORMED_ROW, {"found": len(row), "expected": len(header)})
            self.problems.append((line, problem))
            return
        try:
            "".join(row).encode()
        except UnicodeEncodeError:
            self.problems.append((line, Problem("", codes.INVALID_ENCODING)))
            return
        cells = {name: value.strip() for name, value in zip(header, row, strict=True)}
        for column in ORDER_COLUMNS:
            self._agree(self.order, column, cells.get(column, ""), line)
        item: dict[str, Any] = {
            "id": cells.get("line_id", ""),
            "sku": cells.get("sku", ""),
            "title": cells.get("title", ""),
            "quantity": cells.get("quantity", ""),
            "unit_paid_net": cells.get("unit_paid_net", ""),
            "unit_tax": _components(
                cells.get("unit_tax", ""), ("name", "rate", "amount", "jurisdiction")
            ),
            "unit_duty": _components(cells.get("unit_duty", ""), ("kind", "amount")),
            "hs_code": cells.get("hs_code", ""),
            "origin_country": cells.get("origin_country", ""),
            "weight_grams": cells.get("weight_grams", ""),
        }
        self.lines.append(item)
        self.line_rows.append(line)
        shipment_id = cells.get("shipment_id", "")
        if not shipment_id:
            return
        shipment = self.shipments.get(shipment_id)
        if shipment is None:
            shipment = self.shipments[shipment_id] = {"id": shipment_id, "lines": []}
            self.shipment_rows[shipment_id] = (line, [])
            shipment["_values"] = {}
        for column in SHIPMENT_COLUMNS[1:]:
            self._agree(shipment["_values"], column, cells.get(column, ""), line)
        shipment["lines"].append(
            {"line": item["id"], "quantity": cells.get("shipment_quantity", "")}
        )
        self.shipment_rows[shipment_id][1].append(line)

    def _agree(self, seen: dict[str, tuple[str, int]], column: str, value: str, line: int) -> None:
        # Following rows may leave an order-level cell blank or repeat it, never contradict it.
        if not value:
            return
        first = seen.get(column)
        if first is None:
            seen[column] = (value, line)
        elif first[0] != value:
            self.problems.append(
                (
                    line,
                    Problem(column, codes.INCONSISTENT_ROWS, {"first": first[0], "other": value}),
                )
            )

    def finish(self) -> tuple[int, dict[str, Any] | UnreadableRecord]:
        if self.problems:
            return self.start, UnreadableRecord(
                [
                    Problem(f"@{line}:{problem.path}", problem.code, problem.params)
                    for line, problem in self.problems
                ]
            )
        value = {column: first for column, (first, _) in self.order.items()}
        shipments = []
        for _shipment_id, shipment in self.shipments.items():
            values = {column: first for column, (first, _) in shipment.pop("_values").items()}
            shipment.update(
                carrier=values.get("shipment_carrier", ""),
                tracking_number=values.get("shipment_tracking_number", ""),
                shipped_at=values.get("shipment_shipped_at", ""),
                delivered_at=values.get("shipment_delivered_at", ""),
            )
            shipments.append(shipment)
        record: dict[str, Any] = {
            "store": self.key[0],
            "external_id": self.key[1],
            "number": value.get("number", ""),
            "placed_at": value.get("placed_at", ""),
            "status": value.get("status", ""),
            "currency": value.get("currency", ""),
            "email": value.get("email", ""),
            "customer": {
                "name": value.get("customer_name", ""),
                "phone": value.get("customer_phone", ""),
                "locale": value.get("customer_locale", ""),
                "country": value.get("customer_country", ""),
            },
            "shipping_address": {
                "name": value.get("shipping_name", ""),
                "address1": value.get("shipping_address1", ""),
                "address2": value.get("shipping_address2", ""),
                "city": value.get("shipping_city", ""),
                "region": value.get("shipping_region", ""),
                "postal_code": value.get("shipping_postal_code", ""),
                "country": value.get("shipping_country", ""),
            },
            "shipping": {
                "paid": value.get("shipping_paid", ""),
                "tax": value.get("shipping_tax", ""),
            },
            "lines": self.lines,
            "payments": [],
            "shipments": shipments,
        }
        payment_line = self.start
        if any(
            value.get(f"payment_{name}") for name in ("provider", "method", "reference", "amount")
        ):
            record["payments"] = [
                {
                    "provider": value.get("payment_provider", ""),
                    "method": value.get("payment_method", ""),
                    "reference": value.get("payment_reference", ""),
                    "amount": value.get("payment_amount", ""),
                    "currency": value.get("payment_currency", ""),
                    "captured_at": value.get("payment_captured_at", ""),
                }
            ]
            payment_line = self.order.get("payment_reference", (None, self.start))[1]
        record["_rows"] = {
            "order": self.start,
            "lines": self.line_rows,
            "payment": payment_line,
            "shipments": [self.shipment_rows[shipment["id"]] for shipment in shipments],
        }
        return self.start, record


def _components(cell: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """`VAT:19:3.18;City:1:0.17` into [{"name": "VAT", "rate": "19", "amount": "3.18"}, …]."""
    if not cell:
        return []
    components = []
    for part in cell.split(";"):
        if not part.strip():
            continue
        values = [value.strip() for value in part.split(":")]
        components.append(dict(zip(names, values, strict=False)))
    return components


_PATH = re.compile(r"^(?P<head>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<rest>.*))?$")
_LINE_COLUMN = {"id": "line_id", "unit_tax": "unit_tax", "unit_duty": "unit_duty"}


def locate_in_csv(line: int, rows: Any, path: str) -> tuple[int, str]:
    """Map a record's field path ("lines[1].quantity") to the CSV row and column."""
    if path.startswith("@"):  # already a row and a column, from the reader itself
        row, _, column = path[1:].partition(":")
        return int(row), column
    match = _PATH.match(path)
    if rows is None or match is None:
        return line, path
    head, index, rest = match["head"], match["index"], match["rest"] or ""
    first_key = re.split(r"[.\[]", rest, maxsplit=1)[0]
    if head == "lines":
        if index is None:
            return rows["order"], "line_id"
        return rows["lines"][int(index)], _LINE_COLUMN.get(first_key, first_key)
    if head == "payments":
        return rows["payment"], f"payment_{first_key or 'reference'}"
    if head == "shipments":
        if index is None:
            return rows["order"], "shipment_id"
        first_row, line_rows = rows["shipments"][int(index)]
        sub = _PATH.match(rest)
        if sub is not None and sub["head"] == "lines" and sub["index"] is not None:
            column = "shipment_quantity" if sub["rest"] == "quantity" else "line_id"
            return line_rows[int(sub["index"])], column
        return first_row, f"shipment_{first_key}"
    if head in ("customer", "shipping_address", "shipping"):
        prefix = "customer_" if head == "customer" else "shipping_"
        return rows["order"], f"{prefix}{first_key}" if first_key else prefix.rstrip("_")
    return rows["order"], head
