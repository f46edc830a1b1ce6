"""Why an imported order was refused: stable codes, translated messages, and the running summary.

Codes are part of the public contract (docs/importing.md lists them): scripts branch on the code,
people read the message. A record is refused whole; all of its problems are reported at once so
that one pass over the file is enough to fix it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from django.utils.translation import gettext_lazy as _

INVALID_ENCODING = "import.invalid_encoding"
INVALID_JSON = "import.invalid_json"
NOT_AN_OBJECT = "import.not_an_object"
MALFORMED_ROW = "import.malformed_row"
UNREADABLE_ROW = "import.unreadable_row"
INCONSISTENT_ROWS = "import.inconsistent_rows"
MISSING_FIELD = "import.missing_field"
INVALID_TYPE = "import.invalid_type"
TOO_LONG = "import.too_long"
INVALID_TEXT = "import.invalid_text"
INVALID_DATETIME = "import.invalid_datetime"
INVALID_CHOICE = "import.invalid_choice"
UNKNOWN_CURRENCY = "import.unknown_currency"
UNKNOWN_COUNTRY = "import.unknown_country"
INVALID_EMAIL = "import.invalid_email"
INVALID_AMOUNT = "import.invalid_amount"
NEGATIVE_AMOUNT = "import.negative_amount"
INVALID_QUANTITY = "import.invalid_quantity"
INVALID_RATE = "import.invalid_rate"
INVALID_HS_CODE = "import.invalid_hs_code"
INVALID_WEIGHT = "import.invalid_weight"
NO_LINES = "import.no_lines"
DUPLICATE_ID = "import.duplicate_id"
UNKNOWN_LINE = "import.unknown_line"
SHIPPED_EXCEEDS_ORDERED = "import.shipped_exceeds_ordered"
DELIVERED_BEFORE_SHIPPED = "import.delivered_before_shipped"
UNKNOWN_STORE = "import.unknown_store"
UNKNOWN_SKU = "import.unknown_sku"
LINE_REMOVED = "import.line_removed"
PAYMENT_REMOVED = "import.payment_removed"
SHIPMENT_REMOVED = "import.shipment_removed"
WRITE_FAILED = "import.write_failed"

# One template per code; placeholders are filled from the problem's parameters.
MESSAGES: dict[str, Any] = {
    INVALID_ENCODING: _("The line is not valid UTF-8 text."),
    INVALID_JSON: _("The line is not valid JSON: %(detail)s."),
    NOT_AN_OBJECT: _("Each line must hold one JSON object (one order)."),
    MALFORMED_ROW: _("The row has %(found)s columns; the header has %(expected)s."),
    UNREADABLE_ROW: _("The row cannot be read as CSV: %(detail)s."),
    INCONSISTENT_ROWS: _(
        "Rows of the same order disagree on this column: %(first)s, then %(other)s."
    ),
    MISSING_FIELD: _("This field is required."),
    INVALID_TYPE: _("Expected %(expected)s."),
    TOO_LONG: _("At most %(limit)s characters are allowed."),
    INVALID_TEXT: _("Text must not contain NUL characters."),
    INVALID_DATETIME: _(
        "Expected an ISO 8601 date and time with a time zone, such as 2026-08-01T10:00:00Z."
    ),
    INVALID_CHOICE: _("%(value)s is not one of: %(choices)s."),
    UNKNOWN_CURRENCY: _("%(value)s is not an ISO 4217 currency code."),
    UNKNOWN_COUNTRY: _("%(value)s is not an ISO 3166 country code."),
    INVALID_EMAIL: _("%(value)s is not an e-mail address."),
    INVALID_AMOUNT: _(
        "%(value)s is not an amount in %(currency)s (a decimal string with at most "
        "%(decimals)s decimals)."
    ),
    NEGATIVE_AMOUNT: _("Amounts must not be negative."),
    INVALID_QUANTITY: _("The quantity must be a whole number of at least 1."),
    INVALID_RATE: _(
        "%(value)s is not a tax rate in percent with at most two decimals, such as 19 or 7.5."
    ),
    INVALID_HS_CODE: _("%(value)s is not an HS code (6 to 10 digits)."),
    INVALID_WEIGHT: _("The weight must be a whole number of grams, 0 or more."),
    NO_LINES: _("An order needs at least one line."),
    DUPLICATE_ID: _("%(value)s appears twice in this order."),
    UNKNOWN_LINE: _("The order has no line with the id %(value)s."),
    SHIPPED_EXCEEDS_ORDERED: _(
        "Line %(line)s is shipped %(shipped)s times but was ordered %(ordered)s times."
    ),
    DELIVERED_BEFORE_SHIPPED: _("A delivery needs a shipping date on or before it."),
    UNKNOWN_STORE: _("There is no store with the code %(value)s."),
    UNKNOWN_SKU: _("There is no variant with the SKU %(value)s in the catalog."),
    LINE_REMOVED: _(
        "Line %(value)s was imported before and is missing now. Order lines are never deleted "
        "(returns and refunds refer to them); send the line again, with its quantity if it "
        "changed."
    ),
    PAYMENT_REMOVED: _(
        "Payment %(value)s was imported before and is missing now. Payments are never deleted "
        "(refunds go back to them); send it again."
    ),
    SHIPMENT_REMOVED: _(
        "Shipment %(value)s was imported before and is missing now. Shipments are never deleted "
        "(return windows start at their delivery); send it again."
    ),
    WRITE_FAILED: _("The database refused the order: %(detail)s."),
}


class Problem(msgspec.Struct, array_like=True, gc=False, frozen=True):
    """One reason a record is refused, before it is tied to a place in the file."""

    path: str
    code: str
    params: dict[str, Any] = {}

    def message(self) -> str:
        template = MESSAGES[self.code]
        return str(template) % self.params if self.params else str(template)


class RecordRejected(Exception):
    """Raised inside the importer to refuse one record; never leaves the importer."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].code if problems else "")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Rejection:
    """A refused record as reported to the operator: where in the file, which field, why."""

    line: int
    field: str
    code: str
    message: str


# (record line, the reader's hint about the record's rows, problem path)
#   -> (file line, field name as the file spells it)
Locator = Callable[[int, Any, str], tuple[int, str]]


def locate_in_record(line: int, rows: Any, path: str) -> tuple[int, str]:
    return line, path


@dataclass
class ImportSummary:
    """What an import did. Counts are of orders; `rejections` keeps the first `keep` details."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    lines: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    rejections_not_kept: int = 0
    keep: int = 1000

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def add_rejection(self, rejection: Rejection) -> None:
        # Memory stays constant however bad the file: the count is exact, the details capped.
        if len(self.rejections) < self.keep:
            self.rejections.append(rejection)
        else:
            self.rejections_not_kept += 1


@dataclass(frozen=True, slots=True)
class UnreadableRecord:
    """Yielded by a file reader in place of a record it could not read (bad JSON, bad row)."""

    problems: list[Problem]


class Refused(msgspec.Struct, array_like=True, gc=False, tag=True):
    """A record refused before it reached the database (it never becomes a ParsedOrder)."""

    line: int
    rows: dict[str, Any] | None
    problems: list[Problem]
