"""Readers for single values of an import record; each reports a Problem instead of raising.

They keep going after a bad value (returning None) so that one pass reports every problem of a
record. They are on the hot path of a million-line import, so they stay small and allocation-free
when the value is good.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from retour.core.countries import is_country_code
from retour.core.money import InvalidAmount, Money, UnknownCurrency, currency_exponent
from retour.orders.importers import rejections as codes
from retour.orders.importers.rejections import Problem

MISSING = object()


class Problems(list[Problem]):
    def add(self, path: str, code: str, **params: Any) -> None:
        self.append(Problem(path, code, params))


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def text(
    data: dict[str, Any],
    key: str,
    path: str,
    problems: Problems,
    *,
    max_length: int,
    required: bool = False,
) -> str | None:
    """A string (integers are accepted for ids), stripped; "" when absent and optional."""
    value = data.get(key, MISSING)
    if value.__class__ is str:
        stripped = value.strip()
        # The usual case, checked first. NUL is refused because PostgreSQL cannot store it.
        if stripped and len(stripped) <= max_length and "\x00" not in stripped:
            return stripped
    if value is MISSING or value is None or value == "":
        if required:
            problems.add(join(path, key), codes.MISSING_FIELD)
            return None
        return ""
    if isinstance(value, str):
        value = value.strip()
        if not value and required:
            problems.add(join(path, key), codes.MISSING_FIELD)
            return None
    elif isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    else:
        problems.add(join(path, key), codes.INVALID_TYPE, expected="text")
        return None
    if len(value) > max_length:
        problems.add(join(path, key), codes.TOO_LONG, limit=max_length)
        return None
    if "\x00" in value:
        problems.add(join(path, key), codes.INVALID_TEXT)
        return None
    return value


def obj(
    data: dict[str, Any], key: str, path: str, problems: Problems, *, required: bool = False
) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        if required:
            problems.add(join(path, key), codes.MISSING_FIELD)
            return None
        return {}
    if not isinstance(value, dict):
        problems.add(join(path, key), codes.INVALID_TYPE, expected="an object")
        return None
    return value


def array(
    data: dict[str, Any], key: str, path: str, problems: Problems
) -> list[dict[str, Any]] | None:
    """A list of objects; absent means empty. Non-object items are reported one by one."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(join(path, key), codes.INVALID_TYPE, expected="a list")
        return None
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            problems.add(f"{join(path, key)}[{index}]", codes.INVALID_TYPE, expected="an object")
            return None
    return value


def choice(
    data: dict[str, Any],
    key: str,
    path: str,
    problems: Problems,
    *,
    choices: frozenset[str],
    default: str | None = None,
) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if default is None:
            problems.add(join(path, key), codes.MISSING_FIELD)
        return default
    if not isinstance(value, str) or value.strip().lower() not in choices:
        problems.add(
            join(path, key), codes.INVALID_CHOICE, value=value, choices=", ".join(sorted(choices))
        )
        return None
    return value.strip().lower()


def moment(
    data: dict[str, Any], key: str, path: str, problems: Problems, *, required: bool = False
) -> datetime | None:
    """An ISO 8601 date-time with an offset, converted to UTC; naive times are ambiguous."""
    value = data.get(key)
    if value is None or value == "":
        if required:
            problems.add(join(path, key), codes.MISSING_FIELD)
        return None
    if not isinstance(value, str):
        problems.add(join(path, key), codes.INVALID_DATETIME)
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        problems.add(join(path, key), codes.INVALID_DATETIME)
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        problems.add(join(path, key), codes.INVALID_DATETIME)
        return None
    return parsed.astimezone(UTC)


def currency(data: dict[str, Any], key: str, path: str, problems: Problems) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        problems.add(join(path, key), codes.MISSING_FIELD)
        return None
    if not isinstance(value, str):
        problems.add(join(path, key), codes.UNKNOWN_CURRENCY, value=value)
        return None
    code = value.strip().upper()
    try:
        currency_exponent(code)
    except UnknownCurrency:
        problems.add(join(path, key), codes.UNKNOWN_CURRENCY, value=value)
        return None
    return code


def country(
    data: dict[str, Any], key: str, path: str, problems: Problems, *, required: bool = False
) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            problems.add(join(path, key), codes.MISSING_FIELD)
            return None
        return ""
    code = value.strip().upper() if isinstance(value, str) else value
    if not is_country_code(code):
        problems.add(join(path, key), codes.UNKNOWN_COUNTRY, value=value)
        return None
    return code


def email(data: dict[str, Any], key: str, path: str, problems: Problems) -> str | None:
    value = text(data, key, path, problems, max_length=254, required=True)
    if value is None:
        return None
    value = value.lower()
    try:
        validate_email(value)
    except ValidationError:
        problems.add(join(path, key), codes.INVALID_EMAIL, value=value)
        return None
    return value


def minor_units(value: str | int | Decimal, currency_code: str) -> int:
    """Exactly `Money.from_major(value, currency).amount_minor`, faster for plain "123.45".

    Most amounts in a file are plain digits with at most the currency's decimals; those are
    converted with integer arithmetic, everything else goes through `Money.from_major` itself.
    """
    exponent = currency_exponent(currency_code)
    if value.__class__ is str:
        whole, dot, fraction = value.partition(".")
        if (
            whole.isascii()
            and whole.isdigit()
            and len(whole) <= 15
            and (not dot or (fraction.isascii() and fraction.isdigit()))
            and len(fraction) <= exponent
        ):
            minor = int(whole) * 10**exponent
            if fraction:
                minor += int(fraction) * 10 ** (exponent - len(fraction))
            return minor
    return Money.from_major(value, currency_code).amount_minor


def amount(
    data: dict[str, Any],
    key: str,
    path: str,
    problems: Problems,
    *,
    currency_code: str,
    required: bool = False,
) -> int | None:
    """Minor units of a major-unit decimal ("12.34"); JSON floats are refused as inexact."""
    value = data.get(key)
    if value is None or value == "":
        if required:
            problems.add(join(path, key), codes.MISSING_FIELD)
            return None
        return 0
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise InvalidAmount
        minor = minor_units(value, currency_code)
    except InvalidAmount:
        problems.add(
            join(path, key),
            codes.INVALID_AMOUNT,
            value=value,
            currency=currency_code,
            decimals=currency_exponent(currency_code),
        )
        return None
    if minor < 0:
        problems.add(join(path, key), codes.NEGATIVE_AMOUNT)
        return None
    return minor


def whole_number(value: Any) -> int | None:
    """An int from a JSON number or a digit string ("2" in CSV); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return None


def quantity(data: dict[str, Any], key: str, path: str, problems: Problems) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        problems.add(join(path, key), codes.MISSING_FIELD)
        return None
    number = whole_number(value)
    if number is None or number < 1:
        problems.add(join(path, key), codes.INVALID_QUANTITY)
        return None
    return number


def weight(data: dict[str, Any], key: str, path: str, problems: Problems) -> int | None:
    """Grams, or -1 when absent (then the variant's weight is used)."""
    value = data.get(key)
    if value is None or value == "":
        return -1
    number = whole_number(value)
    if number is None or number < 0 or number > 2_147_483_647:
        problems.add(join(path, key), codes.INVALID_WEIGHT)
        return None
    return number


def rate_bps(data: dict[str, Any], key: str, path: str, problems: Problems) -> int | None:
    """A percentage ("19", "7.5") as basis points (1900, 750)."""
    value = data.get(key)
    if value is None or value == "":
        problems.add(join(path, key), codes.MISSING_FIELD)
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        problems.add(join(path, key), codes.INVALID_RATE, value=value)
        return None
    try:
        scaled = Decimal(str(value).strip()).scaleb(2)
    except (InvalidOperation, ValueError):
        problems.add(join(path, key), codes.INVALID_RATE, value=value)
        return None
    if not scaled.is_finite() or scaled != scaled.to_integral_value() or not 0 <= scaled <= 10000:
        problems.add(join(path, key), codes.INVALID_RATE, value=value)
        return None
    return int(scaled)


def hs_code(data: dict[str, Any], key: str, path: str, problems: Problems) -> str | None:
    """Digits only (dots and spaces, as in 6109.10.00, are dropped); "" when absent."""
    value = data.get(key)
    if value is None or value == "":
        return ""
    digits = str(value).replace(".", "").replace(" ", "") if isinstance(value, str | int) else ""
    if not (digits.isdigit() and 6 <= len(digits) <= 10):
        problems.add(join(path, key), codes.INVALID_HS_CODE, value=value)
        return None
    return digits
