"""Return numbers: random, well formed, and any single typo or adjacent swap is caught."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.returns.exceptions import InvalidNumber
from retour.returns.numbers import (
    ALPHABET,
    CHECK_SYMBOLS,
    check_symbol,
    format_number,
    generate_number,
    is_valid_number,
    normalize_number,
)

bodies = st.text(alphabet=ALPHABET, min_size=9, max_size=9)


def code_of(body: str) -> str:
    return body + check_symbol(body)


def test_generated_numbers_are_valid_alphanumeric_and_distinct():
    numbers = {generate_number("R") for _ in range(2000)}

    assert len(numbers) == 2000
    for number in numbers:
        assert number[:2] == "R-" and number[7] == "-" and len(number) == 13
        assert normalize_number(number, prefix="R") == number
        assert number[-1] in ALPHABET + "U"


@given(body=bodies, position=st.integers(0, 9), replacement=st.sampled_from(CHECK_SYMBOLS))
def test_any_single_wrong_character_is_caught(body, position, replacement):
    code = code_of(body)
    typo = code[:position] + replacement + code[position + 1 :]
    if typo == code:
        return  # the same symbol: not a typo
    assert not is_valid_number(typo, prefix="R")


@given(body=bodies, position=st.integers(0, 8))
def test_any_swap_of_two_neighbours_is_caught(body, position):
    code = code_of(body)
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    if swapped == code:
        return  # two equal neighbours: nothing changed
    assert not is_valid_number(swapped, prefix="R")


@pytest.mark.parametrize(
    "typed",
    ["r-7k3m9-qxd4{c}", "R 7K3M9 QXD4{c}", "7K3M9QXD4{c}", "R-7K3M9-QXD4{c}".replace("1", "I")],
)
def test_typing_is_forgiving(typed):
    body = "7K3M9QXD4"
    check = check_symbol(body)
    assert normalize_number(typed.format(c=check.lower()), prefix="R") == format_number(
        "R", body + check
    )


def test_letters_read_as_digits_crockford_style():
    body = "10000000O".replace("O", "0")
    code = body + check_symbol(body)
    assert normalize_number("R-I0000-000O" + code[-1], prefix="R") == format_number("R", code)
    assert normalize_number("R-L0000-0000" + code[-1], prefix="R") == format_number("R", code)


@pytest.mark.parametrize(
    "typed", ["", "R-12345", "C-7K3M9-QXD4T", "R-7K3M9-QXD4T-1", "R-UUUUU-UUUUU"]
)
def test_malformed_numbers_are_refused(typed):
    with pytest.raises(InvalidNumber) as refused:
        normalize_number(typed, prefix="R")
    assert refused.value.code == "returns.invalid_number"
