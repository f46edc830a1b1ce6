"""Exchange rates: the rate of the day, inverse and cross rates, the reference fallback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from retour.automation.fx import RateTable, install_demo_rates

DAY = dt.date(2026, 6, 1)


def table(**pairs):
    rates = {}
    for pair, items in pairs.items():
        base, quote = pair.split("_")
        rates[(base, quote)] = ([day for day, _ in items], [Decimal(rate) for _, rate in items])
    return RateTable(rates=rates)


def test_the_rate_valid_on_the_day_is_used():
    rates = table(USD_EUR=[(dt.date(2026, 1, 1), "0.90"), (dt.date(2026, 7, 1), "0.80")])
    assert rates.convert(10000, "USD", "EUR", DAY) == 9000
    assert rates.convert(10000, "USD", "EUR", dt.date(2026, 8, 1)) == 8000
    assert rates.convert(10000, "USD", "EUR", None) == 8000  # latest
    assert rates.convert(10000, "USD", "EUR", dt.date(2020, 1, 1)) == 9000  # before the first


def test_inverse_and_cross_rates_and_minor_unit_exponents():
    rates = table(USD_EUR=[(DAY, "0.80")], USD_JPY=[(DAY, "150")])
    assert rates.convert(8000, "EUR", "USD", DAY) == 10000
    # EUR 80.00 -> USD 100 -> JPY 15000 (no decimals)
    assert rates.convert(8000, "EUR", "JPY", DAY) == 15000
    assert rates.convert(15000, "JPY", "USD", DAY) == 10000
    assert rates.convert(1, "EUR", "EUR", DAY) == 1


def test_without_a_rate_the_reference_table_answers_and_rounds_down():
    assert RateTable().convert(10000, "USD", "EUR", DAY) == 9000  # USD 100 = EUR 90
    assert RateTable().convert(999, "USD", "GBP", DAY) == 799


@pytest.mark.django_db
def test_demo_rates_install_once_and_load():
    assert install_demo_rates(DAY) == 8
    assert install_demo_rates(DAY) == 0
    assert RateTable.load().convert(10000, "USD", "EUR", DAY) == 9200
