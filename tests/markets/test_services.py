"""Market writes: create, update, countries, support hours; refusals change nothing."""

from __future__ import annotations

from datetime import time

import pytest
from django.db import IntegrityError, transaction

from retour.markets.exceptions import (
    CountryAlreadyAssigned,
    CountryNotInMarket,
    InvalidMarket,
    InvalidSupportHours,
)
from retour.markets.models import Market, MarketCountry, MarketEvent, SupportWindow
from retour.markets.selectors import market_countries, market_events, market_for_country
from retour.markets.services import (
    market_country_assign,
    market_country_remove,
    market_create,
    market_support_hours_set,
    market_update,
)
from retour.markets.support_hours import SupportWindow as Window
from tests.markets.factories import MarketCountryFactory, MarketFactory, SupportWindowFactory

pytestmark = pytest.mark.django_db

NORDIC = {
    "code": "nordics",
    "name": "Nordics outside the EU",
    "currency": "nok",
    "languages": ["nb", "en"],
    "time_zone": "Europe/Oslo",
    "regime": "none",
}


def snapshot():
    return (
        list(Market.objects.order_by("pk").values()),
        list(MarketCountry.objects.order_by("pk").values("market_id", "country")),
        list(SupportWindow.objects.order_by("pk").values("market_id", "weekday", "opens_at")),
        MarketEvent.objects.count(),
    )


def test_create_a_market_with_countries_and_hours(staff_user):
    actor = staff_user()

    market = market_create(
        actor=actor,
        **NORDIC,
        first_response_hours=12,
        countries=["no", "IS"],
        support_windows=[Window(0, time(8), time(16)), Window(2, time(8), time(16))],
    )

    market.refresh_from_db()
    assert (market.currency, market.languages, market.first_response_hours) == (
        "NOK",
        ["nb", "en"],
        12,
    )
    assert market_countries(market) == ["IS", "NO"]
    assert market_for_country("NO") == market
    assert list(market.support_windows.values_list("weekday", "opens_at", "closes_at")) == [
        (0, time(8), time(16)),
        (2, time(8), time(16)),
    ]
    events = list(market_events(market).values_list("kind", "payload", "actor"))
    assert [kind for kind, _payload, _actor in events] == [
        "created",
        "country_added",
        "country_added",
        "support_hours_set",
    ]
    assert events[0][1]["time_zone"] == "Europe/Oslo"
    assert events[1][1] == {"country": "NO"}
    assert events[3][1] == {"before": [], "after": [[0, "08:00", "16:00"], [2, "08:00", "16:00"]]}
    assert {actor_id for _kind, _payload, actor_id in events} == {actor.pk}


def test_create_refuses_a_country_another_market_holds_and_creates_nothing(staff_user):
    MarketCountryFactory(country="IS")
    before = snapshot()

    with pytest.raises(CountryAlreadyAssigned) as caught:
        market_create(actor=staff_user(), **NORDIC, countries=["NO", "IS"])

    assert caught.value.code == "markets.country_already_assigned"
    assert caught.value.extra == {"country": "IS"}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"languages": []}, "languages"),
        ({"languages": ["de", "klingon"]}, "languages"),
        ({"languages": ["de", "de"]}, "languages"),
        ({"languages": "de"}, "languages"),
        ({"time_zone": "Europe/Atlantis"}, "time_zone"),
        ({"currency": "EURO"}, "currency"),
        ({"regime": "mars"}, "regime"),
        ({"code": "not a slug"}, "code"),
        ({"first_response_hours": 0}, "first_response_hours"),
    ],
)
def test_create_refuses_invalid_data_and_creates_nothing(staff_user, change, field):
    before = snapshot()

    with pytest.raises(InvalidMarket) as caught:
        market_create(actor=staff_user(), **{**NORDIC, **change})

    assert caught.value.code == "markets.invalid_market"
    assert list(caught.value.extra["errors"]) == [field]
    assert snapshot() == before


def test_create_refuses_an_unknown_country(staff_user):
    before = snapshot()
    with pytest.raises(InvalidMarket) as caught:
        market_create(actor=staff_user(), **NORDIC, countries=["ZZ"])
    assert list(caught.value.extra["errors"]) == ["country"]
    assert snapshot() == before


def test_create_refuses_overlapping_hours(staff_user):
    before = snapshot()
    with pytest.raises(InvalidSupportHours):
        market_create(
            actor=staff_user(),
            **NORDIC,
            support_windows=[Window(0, time(8), time(16)), Window(0, time(15), time(18))],
        )
    assert snapshot() == before


def test_update_records_what_changed(staff_user):
    market = MarketFactory(code="nordics", currency="EUR", languages=["de"])
    actor = staff_user()

    updated = market_update(
        actor=actor, market=market, currency="sek", languages=("sv", "en"), name=market.name
    )

    market.refresh_from_db()
    assert (market.currency, market.languages) == ("SEK", ["sv", "en"])
    assert updated.currency == "SEK"
    event = market_events(market).get()
    assert (event.kind, event.actor, event.payload) == (
        "updated",
        actor,
        {"currency": ["EUR", "SEK"], "languages": [["de"], ["sv", "en"]]},
    )


def test_update_without_change_writes_no_event(staff_user):
    market = MarketFactory(currency="EUR")
    market_update(actor=staff_user(), market=market, currency="EUR")
    assert MarketEvent.objects.filter(market=market).count() == 0


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"time_zone": "Nowhere/City"}, {"time_zone"}),
        ({"languages": ["xx"]}, {"languages"}),
    ],
)
def test_update_refusals_change_nothing(staff_user, changes, error):
    market = MarketFactory()
    before = snapshot()

    with pytest.raises(InvalidMarket) as caught:
        market_update(actor=staff_user(), market=market, **changes)

    assert set(caught.value.extra["errors"]) == error
    assert snapshot() == before


def test_the_code_cannot_be_changed(staff_user):
    market = MarketFactory()
    with pytest.raises(TypeError):
        market_update(actor=staff_user(), market=market, code="renamed")


def test_assign_a_free_country(staff_user):
    market = MarketFactory()
    row = market_country_assign(actor=staff_user(), market=market, country="nz")
    assert (row.market, row.country) == (market, "NZ")
    assert market_events(market).get().payload == {"country": "NZ"}


def test_assigning_a_country_twice_to_its_market_is_a_no_op(staff_user):
    row = MarketCountryFactory(country="NZ")
    again = market_country_assign(actor=staff_user(), market=row.market, country="NZ")
    assert again.pk == row.pk
    assert MarketEvent.objects.filter(market=row.market).count() == 0


def test_a_country_held_elsewhere_is_refused_without_move(staff_user, shipped_markets):
    market = MarketFactory()
    before = snapshot()

    with pytest.raises(CountryAlreadyAssigned) as caught:
        market_country_assign(actor=staff_user(), market=market, country="DE")

    assert caught.value.extra == {"country": "DE", "market": "de"}
    assert snapshot() == before
    assert market_for_country("DE").code == "de"


def test_move_a_country_between_markets(staff_user, shipped_markets):
    dach = MarketFactory(code="dach", languages=["de"])
    actor = staff_user()

    market_country_assign(actor=actor, market=dach, country="AT", move=True)

    assert market_for_country("AT") == dach
    assert market_countries(Market.objects.get(code="at")) == []
    assert market_events(Market.objects.get(code="at")).last().payload == {
        "country": "AT",
        "to": "dach",
    }
    assert market_events(dach).get().payload == {"country": "AT", "from": "at"}


def test_remove_a_country(staff_user):
    row = MarketCountryFactory(country="NZ")
    market_country_remove(actor=staff_user(), market=row.market, country="nz")
    assert not MarketCountry.objects.filter(country="NZ").exists()
    assert market_events(row.market).get().kind == "country_removed"


def test_remove_a_country_the_market_does_not_hold(staff_user, shipped_markets):
    market = MarketFactory()
    before = snapshot()
    with pytest.raises(CountryNotInMarket) as caught:
        market_country_remove(actor=staff_user(), market=market, country="DE")
    assert caught.value.code == "markets.country_not_in_market"
    assert snapshot() == before


def test_the_database_refuses_a_second_market_for_a_country():
    MarketCountryFactory(country="NZ")
    other = MarketFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketCountry.objects.create(market=other, country="NZ")


def test_set_support_hours_replaces_the_week(staff_user):
    market = MarketFactory()
    SupportWindowFactory(market=market, weekday=0)
    SupportWindowFactory(market=market, weekday=1)

    market_support_hours_set(
        actor=staff_user(),
        market=market,
        windows=[Window(5, time(20), time(0)), Window(6, time(0), time(2))],
    )

    assert list(market.support_windows.values_list("weekday", "opens_at", "closes_at")) == [
        (5, time(20), time(0)),
        (6, time(0), time(2)),
    ]
    assert market_events(market).get().payload == {
        "before": [[0, "09:00", "18:00"], [1, "09:00", "18:00"]],
        "after": [[5, "20:00", "00:00"], [6, "00:00", "02:00"]],
    }


def test_invalid_support_hours_keep_the_old_ones(staff_user):
    market = MarketFactory()
    SupportWindowFactory(market=market, weekday=0)
    before = snapshot()

    with pytest.raises(InvalidSupportHours):
        market_support_hours_set(
            actor=staff_user(), market=market, windows=[Window(0, time(18), time(9))]
        )

    assert snapshot() == before


def test_the_database_refuses_a_window_closing_before_it_opens():
    market = MarketFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportWindow.objects.create(market=market, weekday=0, opens_at=time(18), closes_at=time(9))
