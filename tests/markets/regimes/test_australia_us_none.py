"""Australia (consumer guarantees), United States (policy, California display rule), none."""

from __future__ import annotations

import pytest

from retour.markets.regimes import CostBearer, Fault, OutboundRefund, Party, Track, regime_for_code
from tests.markets.regimes.builders import eod, facts

SYDNEY = "Australia/Sydney"
LOS_ANGELES = "America/Los_Angeles"
NEW_YORK = "America/New_York"
SINGAPORE = "Asia/Singapore"


def evaluate(code, result_facts):
    return regime_for_code(code).evaluate(result_facts)


def test_australia_has_no_change_of_mind_right():
    result = evaluate("au", facts(SYDNEY, delivered="2027-03-10 15:00", at="2027-03-11"))

    assert result.track == Track.GOODWILL_POLICY
    assert result.note_codes == ("au.no_change_of_mind",)
    assert result.return_cost == CostBearer.POLICY
    assert result.outbound_shipping == OutboundRefund.POLICY
    assert result.withdraw_by is None
    assert result.remedy_chosen_by is None


@pytest.mark.parametrize(
    ("fault", "chooser", "note"),
    [
        (Fault.MAJOR, Party.BUYER, "au.major_failure"),
        (Fault.MINOR, Party.SELLER, "au.minor_failure"),
    ],
)
def test_australia_consumer_guarantees(fault, chooser, note):
    result = evaluate(
        "au", facts(SYDNEY, delivered="2027-03-10 15:00", at="2028-06-01", item={"fault": fault})
    )

    assert result.track == Track.FAULT_CLAIM
    assert result.remedy_chosen_by == chooser
    assert result.return_cost == CostBearer.SELLER
    assert result.note_codes == (note,)


@pytest.mark.parametrize(
    ("region", "displayed", "notes"),
    [
        ("", False, ("us.policy_based",)),
        ("NY", False, ("us.policy_based",)),
        ("CA", True, ("us.policy_based", "us.california_display_rule")),
        ("US-CA", True, ("us.policy_based", "us.california_display_rule")),
    ],
)
def test_united_states_is_policy_based(region, displayed, notes):
    result = evaluate(
        "us",
        facts(
            NEW_YORK,
            delivered="2027-03-10 15:00",
            at="2027-03-11",
            region=region,
            return_policy_displayed=displayed,
        ),
    )

    assert result.track == Track.GOODWILL_POLICY
    assert result.note_codes == notes
    assert result.return_cost == CostBearer.POLICY


def test_california_undisplayed_policy_gives_30_days_from_purchase():
    result = evaluate(
        "us",
        facts(
            LOS_ANGELES,
            ordered="2027-03-01 21:00",
            delivered="2027-03-06 12:00",
            at="2027-03-20",
            region="ca",
        ),
    )

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.withdraw_by == eod("2027-03-31", LOS_ANGELES)
    assert result.note_codes == ("us.california_policy_not_displayed",)


def test_california_undisplayed_without_purchase_date_counts_from_delivery():
    result = evaluate(
        "us", facts(LOS_ANGELES, delivered="2027-03-06 12:00", at="2027-03-20", region="CA")
    )
    assert result.withdraw_by == eod("2027-04-05", LOS_ANGELES)


def test_california_30_days_over():
    result = evaluate(
        "us",
        facts(
            LOS_ANGELES, ordered="2027-03-01 21:00", delivered=None, at="2027-04-01", region="CA"
        ),
    )

    assert result.track == Track.GOODWILL_POLICY
    assert result.note_codes == ("window.closed", "us.california_display_rule")


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ({"is_personalised": True}, "exception.personalised"),
        ({"is_perishable": True}, "exception.perishable"),
        ({"is_hygiene_sealed": True, "is_seal_broken": True}, "exception.hygiene_unsealed"),
    ],
)
def test_california_exempt_goods(item, code):
    result = evaluate(
        "us",
        facts(
            LOS_ANGELES,
            ordered="2027-03-01",
            delivered="2027-03-06",
            at="2027-03-07",
            region="CA",
            item=item,
        ),
    )

    assert result.track == Track.GOODWILL_POLICY
    assert result.exception.code == code


def test_united_states_faults_follow_the_policy():
    result = evaluate(
        "us", facts(NEW_YORK, delivered="2027-03-10", at="2027-03-11", item={"fault": Fault.MAJOR})
    )

    assert result.track == Track.FAULT_CLAIM
    assert result.return_cost == CostBearer.POLICY
    assert result.note_codes == ("fault.policy",)


def test_no_statutory_right_leaves_it_to_the_policy():
    result = evaluate("none", facts(SINGAPORE, delivered="2027-03-10", at="2027-03-11"))
    fault = evaluate(
        "none",
        facts(SINGAPORE, delivered="2027-03-10", at="2027-03-11", item={"fault": Fault.MINOR}),
    )

    assert result.track == Track.GOODWILL_POLICY
    assert result.note_codes == ("none.no_statutory_right",)
    assert result.exception is None
    assert fault.track == Track.FAULT_CLAIM
    assert fault.return_cost == CostBearer.POLICY
