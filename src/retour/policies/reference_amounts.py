"""A fixed table of "what USD 100 is worth" per currency, for defaults and rough comparisons.

Thresholds are stored on each policy version in the market's currency (`currency`), so they
never move with exchange rates. This table is used only

1. to build the default policy (video evidence above the equivalent of USD 100), and
2. to compare a line's value with a threshold when the order was paid in another currency
   than the market's (rare: an EU store charging EUR in the Czech market).

The amounts are round local figures near the 2025-2026 rates, not live rates: a threshold that
decides whether a buyer must film a parcel should be stable and easy to read, not exact to the
cent. A currency missing here gets no value threshold by default (see docs/policies.md).
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType

from retour.core.money import Money

USD_100 = MappingProxyType(
    {
        "USD": "100",
        "EUR": "90",
        "GBP": "80",
        "CHF": "90",
        "JPY": "15000",
        "CNY": "700",
        "BRL": "550",
        "AUD": "150",
        "NZD": "170",
        "CAD": "140",
        "MXN": "1800",
        "SGD": "130",
        "MYR": "450",
        "THB": "3500",
        "PHP": "5700",
        "IDR": "1600000",
        "VND": "2500000",
        "KRW": "140000",
        "INR": "8500",
        "CZK": "2300",
        "DKK": "650",
        "HUF": "36000",
        "PLN": "400",
        "RON": "450",
        "SEK": "1000",
        "NOK": "1000",
    }
)


@lru_cache(maxsize=64)
def usd_100_minor(currency: str) -> int | None:
    """The equivalent of USD 100 in minor units of `currency`, or None if the table lacks it."""
    amount = USD_100.get((currency or "").upper())
    return Money.from_major(amount, currency.upper()).amount_minor if amount else None


def usd_equivalent_minor(usd_major: int, currency: str) -> int | None:
    """USD `usd_major` (a whole number of dollars) in minor units of `currency`, or None."""
    hundred = usd_100_minor(currency)
    return None if hundred is None else hundred * usd_major // 100


def convert_minor(amount_minor: int, from_currency: str, to_currency: str) -> int | None:
    """Convert with the fixed table, rounding down; None when either currency is missing."""
    if from_currency.upper() == to_currency.upper():
        return amount_minor
    source = usd_100_minor(from_currency)
    target = usd_100_minor(to_currency)
    if source is None or target is None:
        return None
    return amount_minor * target // source
