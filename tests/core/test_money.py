from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.core.money import (
    CurrencyMismatch,
    InvalidAmount,
    Money,
    UnknownCurrency,
    allocate_minor,
    currency_exponent,
)

CURRENCIES = ["USD", "EUR", "JPY", "KWD", "GBP", "BRL", "CNY"]
amounts = st.integers(min_value=-(10**15), max_value=10**15)
currencies = st.sampled_from(CURRENCIES)


@pytest.mark.parametrize(
    ("currency", "exponent"), [("JPY", 0), ("EUR", 2), ("USD", 2), ("KWD", 3), ("BHD", 3)]
)
def test_exponent_per_currency(currency, exponent):
    assert currency_exponent(currency) == exponent


@pytest.mark.parametrize(
    ("major", "currency", "minor"),
    [
        ("12.34", "EUR", 1234),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
        ("0.5", "USD", 50),
        ("-3.10", "EUR", -310),
    ],
)
def test_from_major_parses_exactly(major, currency, minor):
    assert Money.from_major(major, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    ("major", "currency"),
    [("12.345", "EUR"), ("1.5", "JPY"), ("1.2345", "KWD"), ("abc", "EUR"), ("NaN", "USD")],
)
def test_from_major_refuses_more_decimals_than_the_currency_has(major, currency):
    with pytest.raises(InvalidAmount) as error:
        Money.from_major(major, currency)
    assert error.value.code == "money.invalid_amount"


def test_unknown_currency_is_refused_with_a_code():
    with pytest.raises(UnknownCurrency) as error:
        Money(100, "XYZ1")
    assert error.value.code == "money.unknown_currency"


def test_currency_code_is_normalised():
    assert Money(1, "eur").currency == "EUR"


def test_float_amounts_are_refused():
    with pytest.raises(InvalidAmount):
        Money(1.5, "EUR")  # type: ignore[arg-type]


@given(a=amounts, b=amounts)
def test_mixing_currencies_raises(a, b):
    with pytest.raises(CurrencyMismatch):
        Money(a, "EUR") + Money(b, "USD")
    with pytest.raises(CurrencyMismatch):
        assert Money(a, "JPY") < Money(b, "KWD")


@given(a=amounts, b=amounts, c=amounts, currency=currencies)
def test_addition_is_exact_associative_and_subtraction_inverts_it(a, b, c, currency):
    x, y, z = Money(a, currency), Money(b, currency), Money(c, currency)
    assert (x + y) + z == x + (y + z)
    assert (x + y) - y == x
    assert (x + y).amount_minor == a + b


@given(amount=amounts, currency=currencies)
def test_major_string_round_trips(amount, currency):
    money = Money(amount, currency)
    assert Money.from_major(money.major_string(), currency) == money
    assert money.to_decimal() == Decimal(amount).scaleb(-currency_exponent(currency))


@given(
    total=amounts,
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(
        lambda w: sum(w) > 0
    ),
)
def test_allocation_sums_to_the_total_and_each_part_is_within_one_unit_of_its_share(total, weights):
    parts = allocate_minor(total, weights)
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total) * weight / weight_sum
        assert abs(Decimal(part) - exact) < 1
        if weight == 0:
            assert part == 0


def test_allocation_gives_leftover_units_to_the_largest_remainders():
    # 100 over 3 equal weights: 34, 33, 33 (ties go to the earlier weight).
    assert allocate_minor(100, [1, 1, 1]) == [34, 33, 33]
    # 10 over weights 1, 2: exact shares 3.33 and 6.67, so 3 and 7.
    assert allocate_minor(10, [1, 2]) == [3, 7]
    assert Money(-100, "EUR").allocate([1, 1, 1]) == [
        Money(-34, "EUR"),
        Money(-33, "EUR"),
        Money(-33, "EUR"),
    ]


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_allocation_refuses_meaningless_weights(weights):
    with pytest.raises(ValueError):
        allocate_minor(100, weights)


@given(
    amount=st.integers(min_value=0, max_value=10**12),
    numerator=st.integers(0, 1000),
    denominator=st.integers(1, 1000),
)
def test_scale_never_rounds_up(amount, numerator, denominator):
    scaled = Money(amount, "EUR").scale(numerator, denominator)
    assert scaled.amount_minor * denominator <= amount * numerator
    assert (scaled.amount_minor + 1) * denominator > amount * numerator


@pytest.mark.parametrize(
    ("money", "locale", "expected"),
    [
        (Money(123456, "EUR"), "de", "1.234,56\xa0€"),
        (Money(123456, "EUR"), "fr", "1\u202f234,56\xa0€"),
        (Money(123456, "USD"), "en", "$1,234.56"),
        (Money(1500, "JPY"), "ja", "￥1,500"),
        (Money(1500, "JPY"), "en", "¥1,500"),
        (Money(1234, "KWD"), "en", "KWD1.234"),
        (Money(990, "BRL"), "pt-br", "R$\xa09,90"),
        (Money(990, "CNY"), "zh-hans", "¥9.90"),
    ],
)
def test_format_per_locale(money, locale, expected):
    assert money.format(locale) == expected


def test_multiplication_only_by_whole_numbers():
    assert Money(250, "EUR") * 3 == Money(750, "EUR")
    with pytest.raises(TypeError):
        Money(250, "EUR") * 1.5  # type: ignore[operator]
