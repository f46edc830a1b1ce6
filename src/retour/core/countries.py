"""ISO 3166-1 alpha-2 country codes and their names in any locale (from Babel's CLDR data)."""

from functools import lru_cache

from babel import Locale

from retour.core.money import to_babel_locale


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    territories = Locale("en").territories
    # CLDR also lists regions ("150" Europe) and pseudo-territories (ZZ, QO, XA…); keep real ones.
    excluded = {"ZZ", "QO", "EU", "EZ", "UN", "XA", "XB"}
    return frozenset(
        code for code in territories if len(code) == 2 and code.isalpha() and code not in excluded
    )


def is_country_code(value: str) -> bool:
    return isinstance(value, str) and value in country_codes()


@lru_cache(maxsize=32)
def _names(language_code: str) -> dict[str, str]:
    return dict(Locale.parse(to_babel_locale(language_code)).territories)


def country_name(code: str, language_code: str = "en") -> str:
    return _names(language_code).get(code, code)
