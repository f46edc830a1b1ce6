"""Orders resolve to a market by destination country; markets answer language, hours, regime."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from retour.markets.exceptions import MarketNotFound, NoMarketForCountry
from retour.markets.models import Market, MarketCountry
from retour.markets.regimes import ItemFacts, RegimeFacts, Track
from retour.markets.selectors import (
    country_market_codes,
    market_for_country,
    market_get,
    market_language,
    market_regime,
    market_regime_evaluate,
    market_support_is_open,
    market_support_next_opening,
)
from tests.markets.factories import MarketCountryFactory, MarketFactory

EU_MEMBERS = {
    "AT": ("EUR", "de", "Europe/Vienna"),
    "BE": ("EUR", "nl", "Europe/Brussels"),
    "BG": ("EUR", "bg", "Europe/Sofia"),
    "HR": ("EUR", "hr", "Europe/Zagreb"),
    "CY": ("EUR", "el", "Asia/Nicosia"),
    "CZ": ("CZK", "cs", "Europe/Prague"),
    "DK": ("DKK", "da", "Europe/Copenhagen"),
    "EE": ("EUR", "et", "Europe/Tallinn"),
    "FI": ("EUR", "fi", "Europe/Helsinki"),
    "FR": ("EUR", "fr", "Europe/Paris"),
    "DE": ("EUR", "de", "Europe/Berlin"),
    "GR": ("EUR", "el", "Europe/Athens"),
    "HU": ("HUF", "hu", "Europe/Budapest"),
    "IE": ("EUR", "en", "Europe/Dublin"),
    "IT": ("EUR", "it", "Europe/Rome"),
    "LV": ("EUR", "lv", "Europe/Riga"),
    "LT": ("EUR", "lt", "Europe/Vilnius"),
    "LU": ("EUR", "fr", "Europe/Luxembourg"),
    "MT": ("EUR", "en", "Europe/Malta"),
    "NL": ("EUR", "nl", "Europe/Amsterdam"),
    "PL": ("PLN", "pl", "Europe/Warsaw"),
    "PT": ("EUR", "pt", "Europe/Lisbon"),
    "RO": ("RON", "ro", "Europe/Bucharest"),
    "SK": ("EUR", "sk", "Europe/Bratislava"),
    "SI": ("EUR", "sl", "Europe/Ljubljana"),
    "ES": ("EUR", "es", "Europe/Madrid"),
    "SE": ("SEK", "sv", "Europe/Stockholm"),
}
# country: (market code, currency, default language, time zone, regime)
SHIPPED = {
    "US": ("us", "USD", "en", "America/New_York", "us"),
    "CA": ("ca", "CAD", "en", "America/Toronto", "none"),
    "GB": ("uk", "GBP", "en-gb", "Europe/London", "uk"),
    "JP": ("jp", "JPY", "ja", "Asia/Tokyo", "jp"),
    "BR": ("br", "BRL", "pt-br", "America/Sao_Paulo", "br"),
    "AU": ("au", "AUD", "en-au", "Australia/Sydney", "au"),
    "CN": ("cn", "CNY", "zh-hans", "Asia/Shanghai", "cn"),
    "SG": ("sg", "SGD", "en", "Asia/Singapore", "none"),
    "MY": ("my", "MYR", "ms", "Asia/Kuala_Lumpur", "none"),
    "TH": ("th", "THB", "th", "Asia/Bangkok", "none"),
    "PH": ("ph", "PHP", "en", "Asia/Manila", "none"),
    "ID": ("id", "IDR", "id", "Asia/Jakarta", "none"),
    "VN": ("vn", "VND", "vi", "Asia/Ho_Chi_Minh", "none"),
    **{
        country: (country.lower(), currency, language, zone, "eu")
        for country, (currency, language, zone) in EU_MEMBERS.items()
    },
}


@pytest.mark.parametrize(("country", "expected"), sorted(SHIPPED.items()))
def test_every_shipped_country_resolves_to_its_market(shipped_markets, country, expected):
    market = market_for_country(country)

    assert (
        market.code,
        market.currency,
        market.default_language,
        market.time_zone,
        market.regime,
    ) == expected


def test_shipped_countries_are_exactly_these(shipped_markets):
    assert country_market_codes() == {country: spec[0] for country, spec in SHIPPED.items()}
    assert len(EU_MEMBERS) == 27
    assert Market.objects.count() == 40


def test_demo_markets_speak_german_and_french(shipped_markets):
    assert market_for_country("DE").languages == ["de"]
    assert market_for_country("FR").languages == ["fr"]


def test_country_code_is_normalised(shipped_markets):
    assert market_for_country(" de ").code == "de"
    assert market_for_country("gb").code == "uk"


@pytest.mark.parametrize("country", ["NZ", "XX", "", "GBR"])
def test_country_without_a_market_is_a_typed_error(shipped_markets, country):
    with pytest.raises(NoMarketForCountry) as caught:
        market_for_country(country)

    assert caught.value.code == "markets.no_market_for_country"
    assert caught.value.extra == {"country": country}
    assert "No market covers this country" in str(caught.value)


def test_a_new_market_resolves_once_it_holds_the_country(db):
    row = MarketCountryFactory(country="NZ", market=MarketFactory(code="nz", currency="NZD"))
    assert market_for_country("NZ") == row.market


def test_market_get(shipped_markets):
    assert market_get(code="fr").name == "France"
    with pytest.raises(MarketNotFound) as caught:
        market_get(code="atlantis")
    assert caught.value.code == "markets.market_not_found"


@pytest.mark.parametrize(
    ("market_code", "preferred", "expected"),
    [
        ("de", None, "de"),
        ("fr", "fr", "fr"),
        ("fr", "de", "de"),  # a German buyer in France keeps German
        ("uk", None, "en"),  # en-gb served as en
        ("th", None, "en"),  # no Thai translation yet: the market's next language
        ("my", "ms", "en"),
        ("br", None, "pt-br"),
        ("cn", None, "zh-hans"),
        ("de", "xx", "de"),
    ],
)
def test_market_language(shipped_markets, market_code, preferred, expected):
    market = Market.objects.get(code=market_code)
    assert market_language(market=market, preferred=preferred) == expected


def test_shipped_support_hours_are_weekdays_9_to_18_local(shipped_markets):
    tokyo = Market.objects.get(code="jp")
    berlin = Market.objects.get(code="de")
    # Monday 2027-03-08 00:30 UTC: 09:30 in Tokyo, 01:30 in Berlin.
    at = datetime(2027, 3, 8, 0, 30, tzinfo=UTC)

    assert market_support_is_open(market=tokyo, at=at) is True
    assert market_support_is_open(market=berlin, at=at) is False
    assert market_support_next_opening(market=berlin, at=at) == datetime(
        2027, 3, 8, 8, 0, tzinfo=UTC
    )


def test_regime_of_a_market_judges_its_orders(shipped_markets):
    market = market_for_country("FR")
    facts = RegimeFacts(
        item=ItemFacts(delivered_at=datetime(2027, 3, 1, 10, tzinfo=UTC)),
        time_zone=market.time_zone,
        at=datetime(2027, 3, 2, tzinfo=UTC),
    )

    assert market_regime(market).code == "eu"
    result = market_regime_evaluate(market=market, facts=facts)
    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.withdraw_by.isoformat() == "2027-03-15T23:59:59.999999+01:00"


def test_every_shipped_market_has_a_valid_profile(shipped_markets):
    for market in Market.objects.all():
        market.full_clean()
        assert MarketCountry.objects.filter(market=market).count() == 1
        assert market.support_windows.count() == 5
