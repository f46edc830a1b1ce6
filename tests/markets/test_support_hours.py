"""Support hours: open or closed at an instant, and the next opening, in the market's zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retour.markets.exceptions import InvalidSupportHours
from retour.markets.support_hours import SupportWindow, WeeklyHours

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = WeeklyHours(
    time_zone=BERLIN,
    windows=tuple(SupportWindow(day, time(9), time(18)) for day in range(5)),
)
LATE_SHIFT = WeeklyHours(
    time_zone=BERLIN,
    windows=(
        SupportWindow(5, time(20), time(0)),  # Saturday 20:00 to midnight
        SupportWindow(6, time(0), time(2)),  # Sunday 00:00 to 02:00
    ),
)


def berlin(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        ("2027-03-08 08:59:59", False),  # Monday
        ("2027-03-08 09:00:00", True),
        ("2027-03-08 17:59:59", True),
        ("2027-03-08 18:00:00", False),
        ("2027-03-12 12:00:00", True),  # Friday
        ("2027-03-13 12:00:00", False),  # Saturday
        ("2027-03-14 12:00:00", False),  # Sunday
    ],
)
def test_is_open_reads_the_local_clock(at, is_open):
    assert OFFICE.is_open(berlin(at)) is is_open


def test_the_same_instant_gives_the_same_answer_in_any_zone():
    instant = berlin("2027-03-08 09:30")
    assert OFFICE.is_open(instant.astimezone(ZoneInfo("Asia/Tokyo"))) is True
    # 08:30 UTC in winter is 09:30 in Berlin: open, though 08:30 "looks" closed.
    assert OFFICE.is_open(utc("2027-03-08 08:30")) is True
    assert OFFICE.is_open(utc("2027-03-08 07:30")) is False


@pytest.mark.parametrize(
    ("at", "next_opening"),
    [
        ("2027-03-08 10:00", "2027-03-08 10:00"),  # open now: now
        ("2027-03-08 07:00", "2027-03-08 09:00"),  # before opening
        ("2027-03-12 18:00", "2027-03-15 09:00"),  # Friday closing -> Monday
        ("2027-03-13 11:00", "2027-03-15 09:00"),  # Saturday -> Monday
        ("2027-03-26 19:00", "2027-03-29 09:00"),  # over the spring clock change
    ],
)
def test_next_opening(at, next_opening):
    assert OFFICE.next_opening(berlin(at)) == berlin(next_opening)
    assert OFFICE.next_opening(berlin(at)).tzinfo == BERLIN


def test_next_opening_a_week_later():
    monday_only = WeeklyHours(time_zone=BERLIN, windows=(SupportWindow(0, time(9), time(10)),))
    assert monday_only.next_opening(berlin("2027-03-08 10:30")) == berlin("2027-03-15 09:00")


def test_next_opening_in_utc_lands_on_local_opening():
    # Friday 17:30 UTC is 18:30 in Berlin: closed until Monday 09:00 Berlin = 08:00 UTC.
    assert OFFICE.next_opening(utc("2027-03-12 17:30")) == utc("2027-03-15 08:00")


def test_window_closing_at_midnight_runs_into_the_next_day():
    assert LATE_SHIFT.is_open(berlin("2027-03-13 23:59:59")) is True
    assert LATE_SHIFT.is_open(berlin("2027-03-14 00:00")) is True
    assert LATE_SHIFT.is_open(berlin("2027-03-14 01:59:59")) is True
    assert LATE_SHIFT.is_open(berlin("2027-03-14 02:00")) is False
    assert LATE_SHIFT.closes_at(berlin("2027-03-13 21:00")) == berlin("2027-03-14 02:00")
    assert LATE_SHIFT.closes_at(berlin("2027-03-14 03:00")) is None


def test_opening_in_the_skipped_hour_opens_after_the_jump():
    # 2027-03-28 02:00 -> 03:00 in Berlin: an opening at 02:30 happens at 03:30 CEST.
    night = WeeklyHours(time_zone=BERLIN, windows=(SupportWindow(6, time(2, 30), time(4)),))

    opening = night.next_opening(berlin("2027-03-28 00:00"))

    assert opening == utc("2027-03-28 01:30")
    assert opening.isoformat() == "2027-03-28T03:30:00+02:00"


def test_repeated_hour_is_open_twice_when_clocks_go_back():
    # 2027-10-31 03:00 CEST -> 02:00 CET: 02:00-03:00 local lasts two real hours.
    night = WeeklyHours(time_zone=BERLIN, windows=(SupportWindow(6, time(2), time(3)),))

    assert night.is_open(utc("2027-10-31 00:30")) is True  # 02:30 CEST
    assert night.is_open(utc("2027-10-31 01:30")) is True  # 02:30 CET
    assert night.is_open(utc("2027-10-31 02:00")) is False  # 03:00 CET
    assert night.closes_at(utc("2027-10-31 00:30")) == utc("2027-10-31 02:00")


def test_no_support_hours_means_never_open():
    nothing = WeeklyHours(time_zone=BERLIN, windows=())
    assert nothing.is_open(berlin("2027-03-08 10:00")) is False
    assert nothing.next_opening(berlin("2027-03-08 10:00")) is None


@pytest.mark.parametrize(
    ("windows", "problem"),
    [
        ((SupportWindow(0, time(18), time(9)),), "closes_before_opening"),
        ((SupportWindow(0, time(9), time(9)),), "closes_before_opening"),
        ((SupportWindow(7, time(9), time(18)),), "weekday"),
        ((SupportWindow(0, time(9), time(13)), SupportWindow(0, time(12), time(18))), "overlap"),
        ((SupportWindow(0, time(20), time(0)), SupportWindow(0, time(21), time(22))), "overlap"),
    ],
    ids=["reversed", "empty", "no eighth day", "overlap", "overlap after midnight close"],
)
def test_invalid_windows_are_refused(windows, problem):
    with pytest.raises(InvalidSupportHours) as caught:
        WeeklyHours(time_zone=BERLIN, windows=windows)
    assert caught.value.code == "markets.invalid_support_hours"
    assert caught.value.extra["problem"] == problem


def test_touching_windows_are_allowed_and_chain():
    split = WeeklyHours(
        time_zone=BERLIN,
        windows=(SupportWindow(0, time(9), time(12)), SupportWindow(0, time(12), time(18))),
    )
    assert split.closes_at(berlin("2027-03-08 10:00")) == berlin("2027-03-08 18:00")


def test_naive_instant_is_refused():
    with pytest.raises(InvalidSupportHours):
        OFFICE.is_open(datetime(2027, 3, 8, 10))


instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(at=instants, hours=st.sampled_from([OFFICE, LATE_SHIFT]))
def test_next_opening_is_the_first_open_instant(at, hours):
    opening = hours.next_opening(at)

    assert opening >= at
    assert hours.is_open(opening)
    if opening > at:
        assert not hours.is_open(at)
        assert not hours.is_open(opening - timedelta(microseconds=1))
        assert not hours.is_open(at + (opening - at) / 2)
