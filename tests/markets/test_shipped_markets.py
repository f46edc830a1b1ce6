"""The shipped-markets data migration is idempotent and never overwrites a seller's edits."""

from __future__ import annotations

from datetime import time

import pytest

from retour.markets.models import Market, MarketCountry, MarketEvent, SupportWindow
from tests.markets.conftest import install_shipped_markets


def state():
    return (
        sorted(Market.objects.values_list("code", "name", "currency", "time_zone", "regime")),
        sorted(MarketCountry.objects.values_list("market__code", "country")),
        SupportWindow.objects.count(),
        MarketEvent.objects.count(),
    )


def test_running_it_again_changes_nothing(shipped_markets):
    before = state()

    install_shipped_markets()
    install_shipped_markets()

    assert state() == before


def test_seller_edits_survive_a_rerun(shipped_markets):
    Market.objects.filter(code="fr").update(name="France métropolitaine", first_response_hours=4)
    dach = Market.objects.create(
        code="dach",
        name="DACH",
        currency="EUR",
        languages=["de"],
        time_zone="Europe/Berlin",
        regime="eu",
    )
    MarketCountry.objects.filter(country="AT").update(market=dach)
    SupportWindow.objects.filter(market__code="de").delete()
    before = state()

    install_shipped_markets()

    assert state() == before
    assert MarketCountry.objects.get(country="AT").market == dach
    assert Market.objects.get(code="fr").first_response_hours == 4
    assert SupportWindow.objects.filter(market__code="de").count() == 0


@pytest.mark.django_db
def test_a_deleted_market_comes_back_with_its_free_countries():
    Market.objects.filter(code="jp").delete()

    install_shipped_markets()

    japan = Market.objects.get(code="jp")
    assert list(japan.countries.values_list("country", flat=True)) == ["JP"]
    assert list(japan.support_windows.values_list("weekday", "opens_at", "closes_at")) == [
        (day, time(9), time(18)) for day in range(5)
    ]
    assert japan.events.get().payload == {"source": "shipped defaults", "countries": ["JP"]}
