"""Refusals of the markets app, each with a stable code and a translated message."""

from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError, NotFound, ValidationFailed


class NoMarketForCountry(ApplicationError):
    """An order's destination country belongs to no market: there is no silent fallback."""

    code = "markets.no_market_for_country"
    message = _("No market covers this country. Add the country to a market first.")


class MarketNotFound(NotFound):
    code = "markets.market_not_found"
    message = _("There is no market with this code.")


class InvalidMarket(ValidationFailed):
    code = "markets.invalid_market"
    message = _("The market's data is not valid.")


class CountryAlreadyAssigned(ApplicationError):
    code = "markets.country_already_assigned"
    message = _("This country already belongs to another market; a country has exactly one.")


class CountryNotInMarket(ApplicationError):
    code = "markets.country_not_in_market"
    message = _("This country does not belong to this market.")


class InvalidSupportHours(ValidationFailed):
    code = "markets.invalid_support_hours"
    message = _(
        "Support hours are not valid: each window must open before it closes, on a weekday "
        "from Monday to Sunday, without overlapping another window of the same day."
    )


class UnknownRegime(ApplicationError):
    code = "markets.unknown_regime"
    message = _("There is no statutory regime with this code.")


class InvalidRegimeFacts(ApplicationError):
    """The facts handed to a regime are unusable (a naive datetime, an unknown time zone, …).

    This is a programming error in the caller, not something a buyer did, but it still carries
    a stable code so that it is logged and reported like every other refusal.
    """

    code = "markets.invalid_regime_facts"
    message = _("The facts given to the statutory rules are incomplete or inconsistent.")
