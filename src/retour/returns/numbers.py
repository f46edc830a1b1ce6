"""Return and claim numbers: short, random, typed by hand from a label, with a check character.

A number is a prefix and ten Crockford base-32 characters in two groups of five, the last being
a check symbol: `R-7K3M9-QXD4T`. The nine body characters are 45 random bits (`secrets`), so a
neighbour's number says nothing about yours. The check symbol is the body's value modulo 37
(Crockford's scheme): 37 is a prime larger than the alphabet, so any single wrong character and
any swap of two adjacent characters (including the check symbol itself) changes the result.
Crockford's five extra check symbols (`*~$=U`) are awkward on a label and on a phone keypad, so
generation draws again when the check would be one of the four non-alphanumeric ones.

Reading is forgiving as Crockford intends: case-insensitive, I and L read as 1, O as 0, and
spaces and hyphens ignored.
"""

from __future__ import annotations

import secrets

from retour.returns.exceptions import InvalidNumber

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = ALPHABET + "*~$=U"
BODY_LENGTH = 9
_VALUES = {symbol: index for index, symbol in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_AWKWARD_CHECKS = frozenset("*~$=")

CASE_PREFIX = "R"
CLAIM_PREFIX = "C"
PREFIXES = frozenset({CASE_PREFIX, CLAIM_PREFIX})


def check_symbol(body: str) -> str:
    value = 0
    for symbol in body:
        value = value * 32 + _VALUES[symbol]
    return CHECK_SYMBOLS[value % 37]


def format_number(prefix: str, code: str) -> str:
    """`R` + `7K3M9QXD4T` → `R-7K3M9-QXD4T`."""
    return f"{prefix}-{code[:5]}-{code[5:]}"


def generate_number(prefix: str) -> str:
    """A fresh random number with a valid, alphanumeric check symbol."""
    while True:
        body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
        check = check_symbol(body)
        if check not in _AWKWARD_CHECKS:
            return format_number(prefix, body + check)


def normalize_number(text: str, *, prefix: str | None = None) -> str:
    """The canonical form of a number as typed, or `InvalidNumber` if it is mistyped.

    Accepts the number with or without its prefix; `prefix` says which kind is expected (the
    prefix of a typed number must then match it, and a bare code gets it).
    """
    cleaned = "".join((text or "").split()).replace("-", "").upper()
    given_prefix = None
    if len(cleaned) == BODY_LENGTH + 2 and cleaned[0] in PREFIXES:
        given_prefix, cleaned = cleaned[0], cleaned[1:]
    if prefix is not None and given_prefix not in (None, prefix):
        raise InvalidNumber(extra={"number": text})
    final_prefix = given_prefix or prefix
    if final_prefix is None or len(cleaned) != BODY_LENGTH + 1:
        raise InvalidNumber(extra={"number": text})
    body = cleaned[:BODY_LENGTH].translate(_ALIASES)
    check = cleaned[BODY_LENGTH]
    if check not in ("U", "*", "~", "$", "="):
        check = check.translate(_ALIASES)
    if any(symbol not in _VALUES for symbol in body) or check_symbol(body) != check:
        raise InvalidNumber(extra={"number": text})
    return format_number(final_prefix, body + check)


def is_valid_number(text: str, *, prefix: str | None = None) -> bool:
    try:
        normalize_number(text, prefix=prefix)
    except InvalidNumber:
        return False
    return True
