"""Every built-in eligibility rule: pass, fail (reject) and review, with its explanation.

Germany (EU regime) shows the law first; the United States (policy-based) shows the policy
alone. The default policy: 30 days from delivery, video above EUR 90 / USD 100.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.catalog.factories import CategoryFactory
from tests.policies.eligibility_helpers import (
    DELIVERED,
    evaluate,
    order,
    rule,
    verdict,
)
from tests.policies.factories import make_policy

AFTER_POLICY_WINDOW = DELIVERED + dt.timedelta(days=38)  # 10 September 2026


@pytest.fixture
def de(market):
    target = market("de")
    return make_policy(target), target


@pytest.fixture
def us(market):
    target = market("us")
    return make_policy(target), target


# delivered ---------------------------------------------------------------------------------


def test_delivered_passes_with_the_local_delivery_date(de):
    result = rule(evaluate(*de), "delivered")

    assert verdict(result) == (
        "eligibility.delivered.ok",
        True,
        None,
        {"delivered_on": "2026-08-03"},
    )
    assert result.buyer_message == "Delivered on Aug. 3, 2026."


def test_not_delivered_is_refused_where_no_statutory_right_applies(us):
    version, market = us
    result = rule(
        evaluate(version, market, delivered_at=None, order_facts=order(market, deliveries=(None,))),
        "delivered",
    )

    assert verdict(result) == ("eligibility.delivered.not_yet", False, "reject", {})
    assert result.buyer_message == (
        "This item has not been delivered yet. You can ask for a return once it has arrived."
    )


def test_not_delivered_goes_to_review_where_the_buyer_may_already_withdraw(de):
    version, market = de
    result = rule(
        evaluate(version, market, delivered_at=None, order_facts=order(market, deliveries=(None,))),
        "delivered",
    )

    assert verdict(result) == ("eligibility.delivered.not_yet_statutory", False, "review", {})
    assert result.agent_message.startswith("Not delivered yet, but the buyer may already withdraw")


def test_a_claim_needs_no_delivery(de):
    version, market = de
    result = rule(
        evaluate(
            version,
            market,
            reason_code="never_arrived",
            delivered_at=None,
            order_facts=order(market, deliveries=(None,)),
        ),
        "delivered",
    )

    assert verdict(result) == ("eligibility.delivered.not_needed_for_claim", True, None, {})


# within_window -----------------------------------------------------------------------------


def test_within_the_window_the_more_generous_end_is_reported(de):
    result = rule(evaluate(*de), "within_window")

    assert verdict(result) == (
        "eligibility.window.open",
        True,
        None,
        {
            "track": "statutory_withdrawal",
            "return_by": "2026-09-02",
            "statutory_by": "2026-08-17",
            "policy_by": "2026-09-02",
        },
    )
    assert result.buyer_message == "You can return this item until Sept. 2, 2026."
    assert result.agent_message == (
        "Within the window on the statutory withdrawal track until Sept. 2, 2026 (statutory: "
        "Aug. 17, 2026; policy: Sept. 2, 2026)."
    )


def test_the_statutory_window_wins_when_it_is_longer_than_the_policy(market):
    # Delivered on Saturday 1 August: 14 days end on Saturday 15 August, which the EU moves to
    # Monday 17 August. A 14-day policy ends on the Saturday; the law gives two more days.
    target = market("de")
    version = make_policy(target, window_days=14)
    saturday = dt.datetime(2026, 8, 1, 10, tzinfo=dt.UTC)
    result = rule(
        evaluate(
            version,
            target,
            at=dt.datetime(2026, 8, 16, 10, tzinfo=dt.UTC),
            delivered_at=saturday,
            order_facts=order(target, deliveries=(saturday,)),
        ),
        "within_window",
    )

    assert result.eligible is True
    assert (result.params["return_by"], result.params["policy_by"]) == ("2026-08-17", "2026-08-15")


def test_after_both_windows_the_request_is_refused(de):
    result = rule(evaluate(*de, at=AFTER_POLICY_WINDOW), "within_window")

    assert verdict(result) == (
        "eligibility.window.closed",
        False,
        "reject",
        {
            "track": "goodwill_policy",
            "return_by": "2026-09-02",
            "statutory_by": None,
            "policy_by": "2026-09-02",
            "window_days": 30,
        },
    )
    assert result.buyer_message == "The return period for this item ended on Sept. 2, 2026."
    assert result.agent_message == (
        "The policy window of 30 days ended on Sept. 2, 2026 and no statutory right applies any "
        "more."
    )


def test_a_fault_after_the_window_goes_to_review_under_the_legal_guarantee(de):
    result = rule(
        evaluate(*de, at=AFTER_POLICY_WINDOW, reason_code="defective", evidence={"photo"}),
        "within_window",
    )

    assert verdict(result)[:3] == ("eligibility.window.closed_guarantee_review", False, "review")
    assert result.params["track"] == "fault_claim"


def test_a_fault_after_the_window_is_refused_where_the_policy_sets_fault_terms(us):
    result = rule(evaluate(*us, at=AFTER_POLICY_WINDOW, reason_code="defective"), "within_window")

    assert verdict(result)[:3] == ("eligibility.window.closed", False, "reject")


def test_the_window_has_not_started_while_an_item_is_on_its_way(de):
    version, market = de
    result = rule(
        evaluate(version, market, order_facts=order(market, deliveries=(DELIVERED, None))),
        "within_window",
    )

    assert verdict(result) == (
        "eligibility.window.not_started",
        True,
        None,
        {"anchor": "delivered"},
    )


# quantity_returnable -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "returnable", "expected"),
    [
        (2, 2, ("eligibility.quantity.ok", True, None)),
        (3, 2, ("eligibility.quantity.exceeds_returnable", False, "reject")),
        (0, 2, ("eligibility.quantity.invalid", False, "reject")),
    ],
)
def test_quantity_still_returnable(de, requested, returnable, expected):
    result = rule(
        evaluate(*de, quantity_requested=requested, quantity_returnable=returnable),
        "quantity_returnable",
    )

    assert verdict(result) == (*expected, {"requested": requested, "returnable": returnable})


def test_quantity_explanation(de):
    result = rule(evaluate(*de, quantity_requested=3, quantity_returnable=1), "quantity_returnable")

    assert result.buyer_message == (
        "You asked to return 3, but only 1 of this item can still be returned."
    )


# final sale, gift card, excluded category --------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "reason", "expected"),
    [
        ("us", "no_longer_needed", ("eligibility.final_sale.refused", False, "reject")),
        ("de", "no_longer_needed", ("eligibility.final_sale.statutory_right_prevails", True, None)),
        ("de", "defective", ("eligibility.final_sale.fault_prevails", True, None)),
    ],
)
def test_final_sale(request, policy, reason, expected):
    result = rule(
        evaluate(*request.getfixturevalue(policy), is_final_sale=True, reason_code=reason),
        "final_sale",
    )

    assert verdict(result) == (*expected, {})


def test_final_sale_explanation_and_plain_item(us):
    assert rule(evaluate(*us, is_final_sale=True), "final_sale").buyer_message == (
        "This item was sold as final sale and cannot be returned."
    )
    assert verdict(rule(evaluate(*us), "final_sale")) == (
        "eligibility.final_sale.ok",
        True,
        None,
        {},
    )


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("us", ("eligibility.gift_card.refused", False, "reject")),
        ("de", ("eligibility.gift_card.statutory_review", False, "review")),
    ],
)
def test_gift_card(request, policy, expected):
    result = rule(evaluate(*request.getfixturevalue(policy), is_gift_card=True), "gift_card")

    assert verdict(result) == (*expected, {})


def test_gift_card_explanation_and_plain_item(us):
    assert rule(evaluate(*us, is_gift_card=True), "gift_card").buyer_message == (
        "Gift cards cannot be returned."
    )
    assert rule(evaluate(*us), "gift_card").code == "eligibility.gift_card.ok"


@pytest.mark.parametrize(
    ("code", "reason", "expected"),
    [
        ("us", "no_longer_needed", ("eligibility.category.excluded", False, "reject")),
        ("de", "no_longer_needed", ("eligibility.category.statutory_right_prevails", True, None)),
        ("de", "wrong_item", ("eligibility.category.fault_prevails", True, None)),
    ],
)
def test_excluded_category(market, code, reason, expected):
    parent = CategoryFactory(code="cosmetics", name="Cosmetics")
    CategoryFactory(code="lipstick", name="Lipstick", parent=parent)
    target = market(code)
    version = make_policy(target, excluded_categories=("cosmetics",))

    result = rule(
        evaluate(
            version,
            target,
            reason_code=reason,
            category_codes=("lipstick", "cosmetics"),
            evidence={"photo"},
        ),
        "excluded_category",
    )

    assert verdict(result) == (*expected, {"category": "Cosmetics", "category_code": "cosmetics"})
    if not result.eligible:
        assert result.buyer_message == (
            "Items of the category Cosmetics cannot be returned under our policy."
        )


def test_a_category_not_excluded_passes(us):
    result = rule(evaluate(*us, category_codes=("shoes",)), "excluded_category")

    assert verdict(result) == ("eligibility.category.ok", True, None, {})


# statutory exception -----------------------------------------------------------------------


def test_a_personalised_item_is_excepted_from_the_eu_right(de):
    result = evaluate(*de, is_personalised=True)
    exception = rule(result, "statutory_exception")

    assert result.lines[0].track == "goodwill_policy"
    assert verdict(exception) == (
        "eligibility.exception.applies",
        False,
        "reject",
        {"exception": "exception.personalised"},
    )
    assert exception.buyer_message == (
        "This item cannot be returned: Goods made to the buyer's specifications or clearly "
        "personalised are excluded from the statutory withdrawal right."
    )


def test_an_unsealed_hygiene_item_is_excepted_but_a_sealed_one_is_not(de):
    unsealed = rule(
        evaluate(*de, is_hygiene_sealed=True, is_seal_broken=True), "statutory_exception"
    )
    sealed = rule(evaluate(*de, is_hygiene_sealed=True), "statutory_exception")

    assert verdict(unsealed)[:3] == ("eligibility.exception.applies", False, "reject")
    assert unsealed.params == {"exception": "exception.hygiene_unsealed"}
    assert verdict(sealed) == ("eligibility.exception.none", True, None, {})


def test_brazil_has_no_exceptions(market):
    target = market("br")
    result = rule(
        evaluate(make_policy(target), target, is_personalised=True), "statutory_exception"
    )

    assert verdict(result) == ("eligibility.exception.none", True, None, {})
