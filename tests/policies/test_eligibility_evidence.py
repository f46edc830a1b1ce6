"""The evidence and serial-returner rules: review, never a silent refusal.

The default policy asks for a video above the equivalent of USD 100 (EUR 90, CZK 2300).
"""

from __future__ import annotations

import datetime as dt

import pytest

from retour.policies.eligibility.messages import AGENT, explain
from tests.policies.eligibility_helpers import DELIVERED, evaluate, line, order, rule, verdict
from tests.policies.factories import make_policy


@pytest.fixture
def de(market):
    target = market("de")
    return make_policy(target), target


@pytest.fixture
def us(market):
    target = market("us")
    return make_policy(target), target


# evidence ----------------------------------------------------------------------------------


def test_no_evidence_needed_for_a_cheap_change_of_mind(us):
    assert verdict(rule(evaluate(*us), "evidence")) == (
        "eligibility.evidence.not_needed",
        True,
        None,
        {},
    )


def test_a_statutory_withdrawal_needs_no_evidence_whatever_its_value(de):
    result = rule(evaluate(*de, unit_value_minor=15000), "evidence")

    assert verdict(result) == (
        "eligibility.evidence.not_required_statutory",
        True,
        None,
        {"required": "video"},
    )
    assert evaluate(*de, unit_value_minor=15000).lines[0].evidence_required == "none"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"unit_value_minor": 15000},
            ("eligibility.evidence.missing", False, "review", "video", "value"),
        ),
        (
            {"unit_value_minor": 15000, "evidence": {"video"}},
            ("eligibility.evidence.present", True, None, "video", "value"),
        ),
        (
            {"unit_value_minor": 5000, "quantity_requested": 3, "quantity_returnable": 3},
            ("eligibility.evidence.missing", False, "review", "video", "value"),
        ),
        (
            {"reason_code": "colour_differs"},
            ("eligibility.evidence.missing", False, "review", "photo", "reason"),
        ),
        (
            {"reason_code": "colour_differs", "evidence": {"photo"}},
            ("eligibility.evidence.present", True, None, "photo", "reason"),
        ),
        (
            {"reason_code": "colour_differs", "evidence": {"video"}},
            ("eligibility.evidence.present", True, None, "photo", "reason"),
        ),
        (
            {"reason_code": "colour_differs", "unit_value_minor": 15000, "evidence": {"photo"}},
            ("eligibility.evidence.missing", False, "review", "video", "value"),
        ),
    ],
)
def test_evidence_by_reason_and_by_value(us, changes, expected):
    result = evaluate(*us, **changes)
    evidence = rule(result, "evidence")

    code, eligible, severity, required, because = expected
    assert verdict(evidence) == (
        code,
        eligible,
        severity,
        {"required": required, "because": because},
    )
    assert result.lines[0].evidence_required == required


def test_evidence_explanations(us):
    missing = rule(evaluate(*us, unit_value_minor=15000), "evidence")

    assert missing.buyer_message == (
        "Please add a video of the item; our team will check the request."
    )
    assert missing.agent_message == (
        "A video is needed because of the item's value, and none is attached."
    )


def test_evidence_by_reason_and_value_alike(market):
    target = market("us")
    version = make_policy(
        target, evidence_photo_threshold_minor=2000, evidence_video_threshold_minor=None
    )

    result = rule(evaluate(version, target, reason_code="colour_differs"), "evidence")

    assert result.params == {"required": "photo", "because": "reason_and_value"}


def test_a_value_in_another_currency_is_converted_with_the_fixed_table(market):
    # Czechia: threshold CZK 2300 (USD 100). EUR 95 is CZK 2427 by the table: a video is due.
    target = market("cz")
    version = make_policy(target)
    late = DELIVERED + dt.timedelta(days=20)  # after the 14 statutory days: goodwill track

    above = rule(
        evaluate(
            version,
            target,
            at=late,
            order_facts=order(target, currency="EUR"),
            unit_value_minor=9500,
        ),
        "evidence",
    )
    below = rule(
        evaluate(
            version,
            target,
            at=late,
            order_facts=order(target, currency="EUR"),
            unit_value_minor=8500,
        ),
        "evidence",
    )
    unknown = rule(
        evaluate(
            version,
            target,
            at=late,
            order_facts=order(target, currency="ISK"),
            unit_value_minor=100,
        ),
        "evidence",
    )

    assert version.evidence_video_threshold_minor == 230000
    assert (above.code, above.params["required"]) == ("eligibility.evidence.missing", "video")
    assert below.code == "eligibility.evidence.not_needed"
    # A currency the table lacks is treated as above the threshold: a person looks.
    assert unknown.code == "eligibility.evidence.missing"


# serial returner ---------------------------------------------------------------------------


def test_a_serial_returner_goes_to_review_never_to_rejection(us):
    version, market = us
    few = rule(
        evaluate(version, market, order_facts=order(market, customer_returns_last_30_days=2)),
        "serial_returner",
    )
    many = rule(
        evaluate(version, market, order_facts=order(market, customer_returns_last_30_days=3)),
        "serial_returner",
    )

    params = {"days": 30, "threshold": 3}
    assert verdict(few) == ("eligibility.serial_returner.ok", True, None, {"count": 2, **params})
    assert verdict(many) == (
        "eligibility.serial_returner.review",
        False,
        "review",
        {"count": 3, **params},
    )
    assert many.buyer_message == (
        "A member of our team will look at this request personally. This does not limit your "
        "legal rights."
    )
    assert explain(many.code, many.params, AGENT) == (
        "3 returns in the last 30 days (threshold 3): review by hand; never refuse on this "
        "ground alone."
    )


def test_every_rule_runs_on_every_line_in_registry_order(us):
    version, market = us
    result = evaluate(version, market, lines=[line(reference="A"), line(reference="B")])

    assert [(r.line, r.rule) for r in result.results][:9] == [
        ("A", "delivered"),
        ("A", "within_window"),
        ("A", "quantity_returnable"),
        ("A", "final_sale"),
        ("A", "gift_card"),
        ("A", "excluded_category"),
        ("A", "statutory_exception"),
        ("A", "evidence"),
        ("A", "serial_returner"),
    ]
    assert len(result.results) == 18
