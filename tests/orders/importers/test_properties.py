"""Properties of the importer's pure parts: exact amounts, and a hash of the order, not its text."""

from __future__ import annotations

import copy
import random

from hypothesis import given
from hypothesis import strategies as st

from retour.core.money import InvalidAmount, Money
from retour.orders.importers.fields import minor_units
from retour.orders.importers.parse import parse_record
from tests.orders.conftest import RECORD

CURRENCIES = st.sampled_from(["JPY", "EUR", "USD", "KWD", "BHD", "CLF"])
# Plain amounts and near misses: signs, spaces, exponents, commas, too many decimals, non-ASCII.
AMOUNT_TEXT = st.one_of(
    st.from_regex(r"\A[0-9]{1,18}(\.[0-9]{0,5})?\Z"),
    st.from_regex(r"\A[ +\-]?[0-9٠-٩]{0,4}[.,]?[0-9]{0,4}(e-?[0-9])?[ ]?\Z"),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
)


@given(text=AMOUNT_TEXT, currency=CURRENCIES)
def test_the_fast_amount_reader_agrees_with_money(text, currency):
    try:
        expected = Money.from_major(text, currency).amount_minor
    except InvalidAmount:
        expected = None
    try:
        actual = minor_units(text, currency)
    except InvalidAmount:
        actual = None

    assert actual == expected


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_the_order_of_lines_payments_and_shipments_does_not_change_the_hash(seed):
    shuffler = random.Random(seed)
    record = copy.deepcopy(RECORD)
    record["payments"].append(
        {"provider": "paypal", "method": "wallet", "reference": "P-7", "amount": "1"}
    )
    record["shipments"].append({"id": "s0", "lines": []})
    reordered = copy.deepcopy(record)
    for key in ("lines", "payments", "shipments"):
        shuffler.shuffle(reordered[key])
    shuffler.shuffle(reordered["shipments"][-1]["lines"])

    assert parse_record(1, reordered).source_version == parse_record(1, record).source_version


@given(
    change=st.sampled_from(
        [
            ("number", "#5002"),
            ("email", "other@example.de"),
            ("placed_at", "2026-08-01T10:00:01Z"),
            ("status", "closed"),
            ("shipping", {"paid": "4.91", "tax": "0.93"}),
            ("customer", {"name": "Anna Schmitt"}),
        ]
    )
)
def test_any_change_of_substance_changes_the_hash(change):
    field, value = change
    changed = copy.deepcopy(RECORD)
    changed[field] = value

    assert parse_record(1, changed).source_version != parse_record(1, RECORD).source_version
