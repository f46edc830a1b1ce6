"""Field validators for market data: IANA time zones and Django language codes."""

from __future__ import annotations

from typing import Any

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from retour.markets.exceptions import InvalidRegimeFacts
from retour.markets.regimes.dates import zone


def validate_time_zone(value: str) -> None:
    try:
        zone(value)
    except InvalidRegimeFacts as error:
        raise ValidationError(
            _("%(value)s is not an IANA time zone such as Europe/Berlin."),
            code="unknown_time_zone",
            params={"value": value},
        ) from error


def known_language_codes() -> frozenset[str]:
    """Every language Django knows (LANG_INFO) plus any the deployment declares."""
    from django.conf import settings

    return frozenset(LANG_INFO) | {code for code, _name in settings.LANGUAGES}


def validate_languages(value: Any) -> None:
    """An ordered, non-empty list of distinct Django language codes; the first is the default."""
    if not isinstance(value, list) or not value:
        raise ValidationError(
            _("List at least one language; the first is the market's default."),
            code="no_languages",
        )
    known = known_language_codes()
    for code in value:
        if not isinstance(code, str) or code not in known:
            raise ValidationError(
                _("%(value)s is not a Django language code such as de, fr or pt-br."),
                code="unknown_language",
                params={"value": str(code)},
            )
    if len(set(value)) != len(value):
        raise ValidationError(_("A language is listed twice."), code="duplicate_language")
