"""Money: integer minor units plus an ISO 4217 code, with exact arithmetic.

Every amount in Retour is a `Money`. Floats never appear; a `Decimal` only at the edges (parsing
a major-unit string, formatting for a person). Mixing currencies raises `CurrencyMismatch`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import cache, lru_cache

from babel.core import UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision, list_currencies
from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError


class CurrencyMismatch(ApplicationError):
    code = "money.currency_mismatch"
    message = _("Amounts in different currencies cannot be combined.")


class UnknownCurrency(ApplicationError):
    code = "money.unknown_currency"
    message = _("This is not an ISO 4217 currency code.")


class InvalidAmount(ApplicationError):
    code = "money.invalid_amount"
    message = _("This amount has more decimals than the currency allows, or is not a number.")


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@lru_cache(maxsize=512)
def currency_exponent(currency: str) -> int:
    """Number of decimals of the currency's minor unit: JPY 0, EUR 2, KWD 3."""
    code = normalize_currency(currency)
    return get_currency_precision(code)


def normalize_currency(currency: str) -> str:
    code = (currency or "").strip().upper()
    if code not in _known_currencies():
        raise UnknownCurrency(extra={"currency": currency})
    return code


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount_minor, bool) or not isinstance(self.amount_minor, int):
            raise InvalidAmount(extra={"amount_minor": repr(self.amount_minor)})
        code = normalize_currency(self.currency)
        if code != self.currency:
            object.__setattr__(self, "currency", code)

    # Construction -------------------------------------------------------------------------
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_major(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse a major-unit amount ("12.34" EUR). More decimals than the currency has raise."""
        exponent = currency_exponent(currency)
        try:
            value = Decimal(str(amount).strip())
        except (InvalidOperation, ValueError) as error:
            raise InvalidAmount(extra={"amount": str(amount)}) from error
        if not value.is_finite():
            raise InvalidAmount(extra={"amount": str(amount)})
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise InvalidAmount(extra={"amount": str(amount), "currency": currency})
        return cls(int(scaled), currency)

    # Arithmetic ---------------------------------------------------------------------------
    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(extra={"left": self.currency, "right": other.currency})
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount_minor + self._same(other).amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount_minor - self._same(other).amount_minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount_minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise TypeError("Money multiplies by whole numbers only; use allocate() for shares")
        return Money(self.amount_minor * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount_minor < self._same(other).amount_minor

    def __le__(self, other: Money) -> bool:
        return self.amount_minor <= self._same(other).amount_minor

    def __gt__(self, other: Money) -> bool:
        return self.amount_minor > self._same(other).amount_minor

    def __ge__(self, other: Money) -> bool:
        return self.amount_minor >= self._same(other).amount_minor

    def __bool__(self) -> bool:
        return self.amount_minor != 0

    @property
    def is_negative(self) -> bool:
        return self.amount_minor < 0

    def clamp_at_zero(self) -> Money:
        return self if self.amount_minor >= 0 else Money.zero(self.currency)

    def scale(self, numerator: int, denominator: int) -> Money:
        """The share numerator/denominator of this amount, rounded toward zero (never up)."""
        if denominator <= 0:
            raise ValueError("denominator must be positive")
        sign = -1 if self.amount_minor < 0 else 1
        return Money(sign * (abs(self.amount_minor) * numerator // denominator), self.currency)

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        """Split by whole-number weights with the largest-remainder method.

        The parts always add up to exactly this amount; ties go to the earlier weight.
        """
        return [Money(part, self.currency) for part in allocate_minor(self.amount_minor, weights)]

    # Presentation -------------------------------------------------------------------------
    def to_decimal(self) -> Decimal:
        return Decimal(self.amount_minor).scaleb(-currency_exponent(self.currency))

    def major_string(self) -> str:
        """The amount in major units with exactly the currency's decimals ("12.30", "1500")."""
        exponent = currency_exponent(self.currency)
        quantum = Decimal(1).scaleb(-exponent)
        return str(self.to_decimal().quantize(quantum, rounding=ROUND_DOWN))

    def format(self, locale: str = "en") -> str:
        """Format for a person in a locale (Django language codes such as 'pt-br' accepted)."""
        babel_locale = to_babel_locale(locale)
        return format_currency(
            self.to_decimal(), self.currency, locale=babel_locale, currency_digits=True
        )

    def __str__(self) -> str:
        return f"{self.major_string()} {self.currency}"


def allocate_minor(total: int, weights: Sequence[int]) -> list[int]:
    """Largest-remainder split of an integer total over non-negative integer weights."""
    if not weights:
        raise ValueError("allocate needs at least one weight")
    if any(weight < 0 for weight in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    floors = [magnitude * weight // weight_sum for weight in weights]
    remainders = [magnitude * weight % weight_sum for weight in weights]
    leftover = magnitude - sum(floors)
    # Hand the leftover units to the largest remainders, earlier index first on ties.
    order = sorted(range(len(weights)), key=lambda index: (-remainders[index], index))
    for index in order[:leftover]:
        floors[index] += 1
    return [sign * part for part in floors]


def sum_money(amounts: Sequence[Money], currency: str) -> Money:
    total = Money.zero(currency)
    for amount in amounts:
        total = total + amount
    return total


@lru_cache(maxsize=64)
def to_babel_locale(language_code: str) -> str:
    """Map a Django language code ('zh-hans', 'pt-br') to a Babel locale ('zh_Hans', 'pt_BR')."""
    from babel import Locale

    code = (language_code or "en").replace("-", "_")
    parts = code.split("_")
    if len(parts) == 2:
        script_or_region = parts[1]
        parts[1] = (
            script_or_region.title() if len(script_or_region) == 4 else script_or_region.upper()
        )
    candidate = "_".join(parts)
    try:
        Locale.parse(candidate)
    except (ValueError, UnknownLocaleError):
        return "en"
    return candidate
