"""EU and UK withdrawal windows: possession, split deliveries, time zones, the 12-month extension."""

from __future__ import annotations

import pytest

from retour.markets.regimes import (
    CostBearer,
    OutboundRefund,
    Track,
    regime_for_code,
)
from tests.markets.regimes.builders import eod, facts

BERLIN = "Europe/Berlin"
LONDON = "Europe/London"


def evaluate(code, result_facts):
    return regime_for_code(code).evaluate(result_facts)


# (case, regime, zone, delivered, expected last day of the window)
# fmt: off
WINDOWS = [
    ("plain 14 days", "eu", BERLIN, "2027-03-01 10:00", "2027-03-15"),
    ("leap day 2028", "eu", BERLIN, "2028-02-15 10:00", "2028-02-29"),
    ("leap day 2028 uk", "uk", LONDON, "2028-02-15 10:00", "2028-02-29"),
    ("across a non-leap February", "eu", BERLIN, "2027-02-15 10:00", "2027-03-01"),
    ("month end, EU Sunday rolls to Monday", "eu", BERLIN, "2027-01-31 10:00", "2027-02-15"),
    ("month end, UK counts plain days", "uk", LONDON, "2027-01-31 10:00", "2027-02-14"),
    ("year end, EU Sunday rolls to Monday", "eu", BERLIN, "2026-12-20 12:00", "2027-01-04"),
    ("year end, UK", "uk", LONDON, "2026-12-20 12:00", "2027-01-03"),
    ("EU Saturday rolls to Monday", "eu", BERLIN, "2027-03-13 12:00", "2027-03-29"),
    ("late evening local counts that day", "eu", BERLIN, "2027-03-10 23:30", "2027-03-24"),
    # 23:30 UTC is already the next day in Berlin: the buyer's calendar decides, not UTC's.
    ("late evening UTC is next day in Berlin", "eu", BERLIN, "2027-03-10T23:30+00:00", "2027-03-25"),
    ("late evening UTC is the same day in London", "uk", LONDON, "2027-03-10T23:30+00:00", "2027-03-24"),
    ("across the spring clock change", "eu", BERLIN, "2027-03-14 09:00", "2027-03-29"),
]
# fmt: on


@pytest.mark.parametrize(
    ("regime", "zone", "delivered", "last_day"),
    [case[1:] for case in WINDOWS],
    ids=[case[0] for case in WINDOWS],
)
def test_window_is_14_days_from_possession_to_the_end_of_the_buyers_day(
    regime, zone, delivered, last_day
):
    result = evaluate(regime, facts(zone, delivered=delivered, at="2026-12-01 00:00"))

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.withdraw_by == eod(last_day, zone)
    assert result.withdraw_by.astimezone(result.withdraw_by.tzinfo).time().isoformat() == (
        "23:59:59.999999"
    )
    assert result.exception is None


def test_deadline_is_an_instant_in_the_buyers_zone_not_utc():
    result = evaluate("eu", facts(BERLIN, delivered="2027-03-10T23:30+00:00", at="2027-03-11"))

    assert result.window_starts_on.isoformat() == "2027-03-11"
    assert result.withdraw_by.isoformat() == "2027-03-25T23:59:59.999999+01:00"


SPLIT = [
    ("last of two deliveries", ("2027-03-01 10:00", "2027-03-05 16:00"), "2027-03-19"),
    ("order of the list does not matter", ("2027-03-05 16:00", "2027-03-01 10:00"), "2027-03-19"),
    (
        "three parcels, the middle one last",
        ("2027-03-01", "2027-03-08", "2027-03-03"),
        "2027-03-22",
    ),
]


@pytest.mark.parametrize(("regime", "zone"), [("eu", BERLIN), ("uk", LONDON)])
@pytest.mark.parametrize(
    ("deliveries", "last_day"), [case[1:] for case in SPLIT], ids=[case[0] for case in SPLIT]
)
def test_split_deliveries_count_from_the_last_item(regime, zone, deliveries, last_day):
    result = evaluate(
        regime,
        facts(zone, delivered=deliveries[0], deliveries=deliveries, at="2027-03-02 00:00"),
    )

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.withdraw_by == eod(last_day, zone)


def test_uk_split_delivery_ending_on_a_weekend_is_not_rolled():
    # The last parcel came on 2027-03-13: 14 days end on Saturday the 27th, and stay there.
    result = evaluate(
        "uk",
        facts(
            LONDON, delivered="2027-03-01", deliveries=("2027-03-01", "2027-03-13"), at="2027-03-02"
        ),
    )
    assert result.withdraw_by == eod("2027-03-27", LONDON)


@pytest.mark.parametrize(("regime", "zone"), [("eu", BERLIN), ("uk", LONDON)])
def test_window_has_not_started_while_an_item_is_on_its_way(regime, zone):
    result = evaluate(
        regime,
        facts(zone, delivered="2027-03-01", deliveries=("2027-03-01", None), at="2027-06-01"),
    )

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.withdraw_by is None
    assert result.window_starts_on is None
    assert result.note_codes[0] == "window.not_started_last_item"


# (case, regime, zone, delivered, told late at, expected last day, note)
# fmt: off
EXTENSIONS = [
    ("never told: 12 months after the initial end", "eu", BERLIN, "2027-03-01", None, "2028-03-15", "window.extended_12_months"),
    ("never told, uk", "uk", LONDON, "2027-03-01", None, "2028-03-15", "window.extended_12_months"),
    ("never told from a leap day: 29 Feb + 12 months", "eu", BERLIN, "2028-02-15", None, "2029-02-28", "window.extended_12_months"),
    ("never told, extension ends on a Saturday (EU rolls)", "eu", BERLIN, "2026-02-27", None, "2027-03-15", "window.extended_12_months"),
    ("never told, extension ends on a Saturday (UK does not)", "uk", LONDON, "2026-02-27", None, "2027-03-13", "window.extended_12_months"),
    ("told late: 14 days from being told", "eu", BERLIN, "2027-03-01", "2027-05-10 09:00", "2027-05-24", "window.extended_late_information"),
    ("told late on the 4th day: still 14 days from then", "uk", LONDON, "2027-03-01", "2027-03-04 09:00", "2027-03-18", "window.extended_late_information"),
    ("told after the 12 months: the extension stands", "eu", BERLIN, "2027-03-01", "2028-06-01 09:00", "2028-03-15", "window.extended_12_months"),
]
# fmt: on


@pytest.mark.parametrize(
    ("regime", "zone", "delivered", "told_late", "last_day", "note"),
    [case[1:] for case in EXTENSIONS],
    ids=[case[0] for case in EXTENSIONS],
)
def test_missing_withdrawal_information_extends_the_window(
    regime, zone, delivered, told_late, last_day, note
):
    result = evaluate(
        regime,
        facts(
            zone,
            delivered=delivered,
            at=delivered,
            withdrawal_information_given=False,
            told_late=told_late,
        ),
    )

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.withdraw_by == eod(last_day, zone)
    assert result.note_codes[0] == note
    assert result.diminished_value_deductible is False


def test_information_given_before_delivery_means_no_extension():
    result = evaluate(
        "eu",
        facts(
            BERLIN,
            delivered="2027-03-01 10:00",
            at="2027-03-01",
            withdrawal_information_given=False,
            told_late="2027-02-27 09:00",
        ),
    )
    assert result.withdraw_by == eod("2027-03-15", BERLIN)
    assert "window.extended_12_months" not in result.note_codes


def test_request_inside_the_extension_is_still_statutory():
    result = evaluate(
        "eu",
        facts(
            BERLIN,
            delivered="2027-03-01",
            at="2028-03-10 12:00",
            withdrawal_information_given=False,
        ),
    )
    assert result.track == Track.STATUTORY_WITHDRAWAL


@pytest.mark.parametrize(("regime", "zone"), [("eu", BERLIN), ("uk", LONDON)])
def test_after_the_last_instant_only_the_goodwill_policy_remains(regime, zone):
    on_time = evaluate(
        regime, facts(zone, delivered="2027-03-01 10:00", at="2027-03-15 23:59:59.999999")
    )
    late = evaluate(regime, facts(zone, delivered="2027-03-01 10:00", at="2027-03-16 00:00"))

    assert on_time.track == Track.STATUTORY_WITHDRAWAL
    assert late.track == Track.GOODWILL_POLICY
    assert late.note_codes == ("window.closed",)
    assert late.return_cost == CostBearer.POLICY
    assert late.outbound_shipping == OutboundRefund.POLICY
    assert late.withdraw_by is None
    assert late.window_starts_on.isoformat() == "2027-03-01"


def test_a_notice_sent_in_time_counts_even_if_judged_later():
    result = evaluate(
        "eu",
        facts(
            BERLIN, delivered="2027-03-01 10:00", notified="2027-03-15 23:00", at="2027-03-20 09:00"
        ),
    )
    assert result.track == Track.STATUTORY_WITHDRAWAL
