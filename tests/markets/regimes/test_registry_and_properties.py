"""The regime registry, the calendar helpers, and properties that hold for any delivery."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils.functional import Promise
from hypothesis import given, settings
from hypothesis import strategies as st

from retour.markets.exceptions import UnknownRegime
from retour.markets.regimes import (
    REGIMES,
    ItemFacts,
    RegimeCode,
    RegimeFacts,
    Track,
    WindowAnchor,
    regime_for_code,
)
from retour.markets.regimes.dates import add_months, end_of_day, roll_past_weekend
from retour.markets.regimes.explanations import MESSAGES, explain

ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Helsinki",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
]
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)


def test_every_regime_code_has_exactly_one_implementation():
    assert set(REGIMES) == set(RegimeCode.values)
    for code, regime in REGIMES.items():
        assert regime.code == code
        assert isinstance(regime.label, Promise)


def test_unknown_regime_is_a_typed_error():
    with pytest.raises(UnknownRegime) as caught:
        regime_for_code("mars")
    assert caught.value.code == "markets.unknown_regime"
    assert caught.value.extra == {"regime": "mars"}


@pytest.mark.parametrize(
    ("code", "days", "anchor"),
    [
        ("eu", 14, WindowAnchor.LAST_ITEM_DELIVERED),
        ("uk", 14, WindowAnchor.LAST_ITEM_DELIVERED),
        ("br", 7, WindowAnchor.ITEM_DELIVERED),
        ("jp", 8, WindowAnchor.ITEM_DELIVERED),
        ("cn", 7, WindowAnchor.ITEM_DELIVERED),
        ("au", None, WindowAnchor.NONE),
        ("us", None, WindowAnchor.NONE),
        ("none", None, WindowAnchor.NONE),
    ],
)
def test_statutory_floor_per_regime(code, days, anchor):
    floor = regime_for_code(code).floor
    assert (floor.withdrawal_days, floor.anchor) == (days, anchor)


def test_every_regime_names_its_sources_except_none():
    for code, regime in REGIMES.items():
        assert bool(regime.sources) is (code != RegimeCode.NONE)


def test_every_explanation_is_translatable():
    for code, message in MESSAGES.items():
        assert isinstance(message, Promise)
        assert explain(code).code == code
        assert str(explain(code)) == str(message)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2027-01-31", 1, "2027-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2027-03-15", 12, "2028-03-15"),
        ("2027-12-31", 2, "2028-02-29"),
        ("2027-11-30", 3, "2028-02-29"),
    ],
)
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(date.fromisoformat(start), months) == date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2027-03-12", "2027-03-12"),  # Friday
        ("2027-03-13", "2027-03-15"),  # Saturday
        ("2027-03-14", "2027-03-15"),  # Sunday
        ("2027-03-15", "2027-03-15"),  # Monday
    ],
)
def test_roll_past_weekend(day, expected):
    assert roll_past_weekend(date.fromisoformat(day)) == date.fromisoformat(expected)


def test_end_of_day_on_a_midnight_fall_back_takes_the_later_hour():
    # Santiago turned its clocks back from 24:00 to 23:00 on 2026-04-04: 23:59 happened twice.
    zone = ZoneInfo("America/Santiago")
    last = end_of_day(date(2026, 4, 4), zone)

    assert last.utcoffset() == timedelta(hours=-4)
    assert last.astimezone(UTC) == datetime(2026, 4, 5, 3, 59, 59, 999999, tzinfo=UTC)


def _facts(zone: str, deliveries, at: datetime) -> RegimeFacts:
    return RegimeFacts(
        item=ItemFacts(delivered_at=deliveries[0]),
        time_zone=zone,
        at=at,
        order_deliveries=tuple(deliveries),
    )


@settings(max_examples=200, deadline=None)
@given(delivered=instants, zone=st.sampled_from(ZONES))
def test_eu_deadline_is_end_of_a_weekday_14_to_16_days_after_possession(delivered, zone):
    result = regime_for_code("eu").evaluate(_facts(zone, [delivered], delivered))

    local_end = result.withdraw_by.astimezone(ZoneInfo(zone))
    possession = delivered.astimezone(ZoneInfo(zone)).date()
    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert local_end.time() == time.max
    assert local_end.weekday() < 5
    assert (local_end.date() - possession).days in {14, 15, 16}
    assert result.withdraw_by > delivered + timedelta(days=13)


@settings(max_examples=200, deadline=None)
@given(delivered=instants, zone=st.sampled_from(ZONES))
def test_uk_deadline_is_exactly_14_local_days_after_possession(delivered, zone):
    result = regime_for_code("uk").evaluate(_facts(zone, [delivered], delivered))

    local_end = result.withdraw_by.astimezone(ZoneInfo(zone))
    assert (local_end.date() - delivered.astimezone(ZoneInfo(zone)).date()).days == 14
    assert local_end.time() == time.max


@settings(max_examples=100, deadline=None)
@given(
    deliveries=st.lists(instants, min_size=1, max_size=5),
    zone=st.sampled_from(ZONES),
    regime=st.sampled_from(["eu", "uk"]),
    seed=st.integers(0, 1000),
)
def test_only_the_last_delivery_matters(deliveries, zone, regime, seed):
    shuffled = list(deliveries)
    random.Random(seed).shuffle(shuffled)
    at = min(deliveries)

    whole = regime_for_code(regime).evaluate(_facts(zone, shuffled, at))
    last_only = regime_for_code(regime).evaluate(_facts(zone, [max(deliveries)], at))

    assert whole.withdraw_by == last_only.withdraw_by


@settings(max_examples=100, deadline=None)
@given(
    delivered=instants,
    zone=st.sampled_from(ZONES),
    regime=st.sampled_from(["eu", "uk", "br", "jp", "cn"]),
    offset_hours=st.integers(0, 24 * 40),
)
def test_statutory_exactly_until_the_deadline(delivered, zone, regime, offset_hours):
    at = delivered + timedelta(hours=offset_hours)
    inside = regime_for_code(regime).evaluate(_facts(zone, [delivered], delivered))
    result = regime_for_code(regime).evaluate(_facts(zone, [delivered], at))

    expected = Track.STATUTORY_WITHDRAWAL if at <= inside.withdraw_by else Track.GOODWILL_POLICY
    assert result.track == expected
