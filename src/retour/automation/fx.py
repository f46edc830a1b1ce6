"""Currency conversion for the rules: the `ExchangeRate` table, then the fixed reference table.

Nothing else in Retour holds exchange rates (the policies app's `reference_amounts` is a fixed,
rounded "what USD 100 is worth" table). Rules compare amounts in the store's base currency and
thresholds written in any currency, so this module converts with the rate valid on a given day:
a direct or inverse row of `ExchangeRate`, a cross rate through USD, and as the last resort the
policies' reference table. A `RateTable` is loaded once (the table is small) and reused for a
whole evaluation or simulation, so a conversion costs no query.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from retour.automation.models import ExchangeRate
from retour.core.money import currency_exponent
from retour.policies.reference_amounts import convert_minor

# Demo rates (major units of the quote per one unit of the base), written by the demo loader and
# usable in tests; near the 2025-2026 rates.
DEMO_RATES = {
    ("USD", "EUR"): "0.92",
    ("USD", "GBP"): "0.79",
    ("USD", "JPY"): "150",
    ("USD", "CNY"): "7.2",
    ("USD", "BRL"): "5.4",
    ("USD", "CHF"): "0.88",
    ("USD", "CAD"): "1.37",
    ("USD", "AUD"): "1.52",
}


@dataclass
class RateTable:
    """Rates by (base, quote): dates ascending and the rates valid from each."""

    rates: dict[tuple[str, str], tuple[list[date], list[Decimal]]] = field(default_factory=dict)
    # (source, target, day) -> the factor from minor units to minor units, or None (no rate).
    _factors: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls) -> RateTable:
        grouped: dict[tuple[str, str], list[tuple[date, Decimal]]] = {}
        rows = ExchangeRate.objects.order_by("valid_from").values_list(
            "base", "quote", "valid_from", "rate"
        )
        for base, quote, valid_from, rate in rows:
            grouped.setdefault((base, quote), []).append((valid_from, rate))
        table = cls()
        for pair, items in grouped.items():
            table.rates[pair] = ([day for day, _ in items], [rate for _, rate in items])
        return table

    def rate(self, base: str, quote: str, on: date | None) -> Decimal | None:
        """Major units of `quote` per unit of `base` valid on `on` (the latest when None)."""
        if base == quote:
            return Decimal(1)
        direct = self._lookup(base, quote, on)
        if direct is not None:
            return direct
        inverse = self._lookup(quote, base, on)
        if inverse is not None:
            return 1 / inverse
        if "USD" not in (base, quote):
            to_usd = self.rate(base, "USD", on)
            from_usd = self.rate("USD", quote, on)
            if to_usd is not None and from_usd is not None:
                return to_usd * from_usd
        return None

    def _lookup(self, base: str, quote: str, on: date | None) -> Decimal | None:
        entry = self.rates.get((base, quote))
        if entry is None:
            return None
        days, values = entry
        if on is None:
            return values[-1]
        index = bisect.bisect_right(days, on) - 1
        # Before the first known day the first rate is the best there is.
        return values[max(index, 0)]

    def convert(self, amount_minor: int, source: str, target: str, on: date | None) -> int | None:
        """`amount_minor` of `source` in minor units of `target`, rounded down; None if no rate."""
        if source == target:
            return amount_minor
        key = (source, target, on)
        factor = self._factors.get(key, False)
        if factor is False:
            rate = self.rate(source, target, on)
            if rate is None:
                factor = None
            else:
                shift = currency_exponent(target) - currency_exponent(source)
                factor = rate * Decimal(10) ** shift
            self._factors[key] = factor
        if factor is None:
            return convert_minor(amount_minor, source, target)
        return int((amount_minor * factor).to_integral_value(rounding=ROUND_FLOOR))


def install_demo_rates(valid_from: date) -> int:
    """Write the demo rates valid from `valid_from` (idempotent); returns the rows created."""
    created = 0
    for (base, quote), rate in DEMO_RATES.items():
        _row, made = ExchangeRate.objects.get_or_create(
            base=base,
            quote=quote,
            valid_from=valid_from,
            defaults={"rate": Decimal(rate), "source": "demo"},
        )
        created += int(made)
    return created
