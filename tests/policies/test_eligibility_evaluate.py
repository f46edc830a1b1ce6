"""The whole evaluation: tracks, deadlines, the snapshot a case stores, the decision shape."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import translation

from retour.policies.eligibility import (
    AGENT,
    eligibility_evaluate,
    explain,
    line_facts_for,
    order_facts_for,
)
from retour.policies.exceptions import PolicyMarketMismatch, ReasonNotFound
from retour.policies.selectors import return_reason_get
from retour.policies.services import return_reason_retire
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.factories import (
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    ShipmentLineFactory,
)
from tests.policies.eligibility_helpers import DELIVERED, evaluate, line, order, rule
from tests.policies.factories import SYSTEM, make_policy


@pytest.fixture
def de(market):
    target = market("de")
    return make_policy(target), target


def test_a_statutory_withdrawal_reports_its_track_and_deadlines(de):
    result = evaluate(*de)

    assert result.outcome == "eligible"
    assert result.eligible is True
    assert result.override_needed is False
    assert result.track == "statutory_withdrawal"
    deadlines = result.lines[0].deadlines.as_dict()
    assert deadlines == {
        "withdraw_by": "2026-08-17T23:59:59.999999+02:00",
        "policy_return_by": "2026-09-02T23:59:59.999999+02:00",
        "return_by": "2026-09-02T23:59:59.999999+02:00",
        # Requested Saturday 8 August: 14 days end on Saturday 22nd, moved to Monday 24th.
        "ship_back_by": "2026-08-24T23:59:59.999999+02:00",
        "refund_due_by": "2026-08-24T23:59:59.999999+02:00",
    }
    assert result.deadlines.ship_back_by == result.lines[0].deadlines.ship_back_by


def test_the_snapshot_is_json_and_names_what_failed(de):
    version, market = de
    result = evaluate(
        version,
        market,
        lines=[
            line(reference="A"),
            line(reference="B", quantity_requested=2, quantity_returnable=1),
        ],
        order_facts=order(market, customer_returns_last_30_days=4),
    )

    snapshot = json.loads(json.dumps(result.snapshot()))
    assert result.outcome == "reject"
    assert result.override_needed is True
    assert snapshot["format"] == 1
    assert snapshot["policy_version_id"] == version.pk
    assert snapshot["policy_version"] == 1
    assert (snapshot["market"], snapshot["regime"], snapshot["channel"]) == ("de", "eu", "portal")
    assert snapshot["outcome"] == "reject"
    assert snapshot["override_needed"] is True
    assert snapshot["track"] == "statutory_withdrawal"
    assert snapshot["failed"] == [
        {
            "line": "A",
            "rule": "serial_returner",
            "code": "eligibility.serial_returner.review",
            "severity": "review",
        },
        {
            "line": "B",
            "rule": "quantity_returnable",
            "code": "eligibility.quantity.exceeds_returnable",
            "severity": "reject",
        },
        {
            "line": "B",
            "rule": "serial_returner",
            "code": "eligibility.serial_returner.review",
            "severity": "review",
        },
    ]
    line_b = snapshot["lines"][1]
    assert (line_b["line"], line_b["reason"], line_b["track"], line_b["outcome"]) == (
        "B",
        "no_longer_needed",
        "statutory_withdrawal",
        "reject",
    )
    assert line_b["regime"]["track"] == "statutory_withdrawal"
    assert line_b["fees"]["restocking_fee_bps"] == 0
    assert line_b["resolutions"] == ["refund", "store_credit", "exchange"]
    assert [r["code"] for r in line_b["results"]][2] == "eligibility.quantity.exceeds_returnable"
    assert [r.as_dict()["eligible"] for r in result.failed] == [False, False, False]


def test_one_review_and_no_reject_means_review(de):
    version, market = de
    result = evaluate(version, market, order_facts=order(market, customer_returns_last_30_days=3))

    assert (result.outcome, result.override_needed) == ("review", True)


def test_lines_on_different_tracks_have_no_common_track(de):
    result = evaluate(
        *de,
        lines=[
            line(reference="A"),
            line(reference="B", reason_code="defective", evidence={"photo"}),
        ],
    )

    assert [item.track for item in result.lines] == ["statutory_withdrawal", "fault_claim"]
    assert result.track is None
    assert result.snapshot()["track"] is None


def test_a_withdrawal_always_offers_a_refund(market):
    target = market("fr")
    version = make_policy(target, allowed_resolutions=("store_credit", "exchange"))
    late = DELIVERED + dt.timedelta(days=20)

    within = evaluate(version, target)
    goodwill = evaluate(version, target, at=late)

    assert within.lines[0].resolutions == ("refund", "store_credit", "exchange")
    assert goodwill.lines[0].resolutions == ("store_credit", "exchange")


def test_the_reason_narrows_the_resolutions(de):
    result = evaluate(
        *de, at=DELIVERED + dt.timedelta(days=20), reason_code="better_price_elsewhere"
    )

    assert result.lines[0].resolutions == ("refund", "store_credit")


def test_a_retired_reason_can_be_evaluated_again(de):
    return_reason_retire(actor=SYSTEM, reason=return_reason_get(code="no_longer_needed"))

    assert evaluate(*de).lines[0].reason_code == "no_longer_needed"


def test_an_unknown_reason_is_refused(de):
    with pytest.raises(ReasonNotFound):
        evaluate(*de, reason_code="no_such_reason")


def test_a_version_of_another_market_is_refused(de, market):
    version, _ = de

    with pytest.raises(PolicyMarketMismatch) as refused:
        evaluate(version, market("fr"))

    assert refused.value.code == "policies.policy_market_mismatch"


def test_codes_and_parameters_do_not_depend_on_the_language(de):
    english = evaluate(*de, quantity_requested=2)
    with translation.override("de"):
        german = evaluate(*de, quantity_requested=2)
        german_messages = [r.buyer_message for r in german.results]

    assert [(r.code, dict(r.params)) for r in german.results] == [
        (r.code, dict(r.params)) for r in english.results
    ]
    assert all(isinstance(message, str) and message for message in german_messages)
    # A stored result is re-rendered in any language from its code and parameters.
    stored = english.snapshot()["lines"][0]["results"][2]
    assert explain(stored["code"], stored["params"], AGENT) == (
        "2 requested but only 1 returnable: the rest was already returned, requested or kept."
    )


def test_the_facts_can_be_filled_from_the_order_mirror(market):
    target = market("de")
    version = make_policy(target)
    product = ProductFactory(is_final_sale=True)
    order_row = OrderFactory(destination_country="DE", placed_at=DELIVERED - dt.timedelta(days=3))
    shirt = OrderLineFactory(order=order_row, variant=VariantFactory(product=product), quantity=2)
    socks = OrderLineFactory(order=order_row)
    first = ShipmentFactory(
        order=order_row, shipped_at=DELIVERED - dt.timedelta(days=2), delivered_at=DELIVERED
    )
    second = ShipmentFactory(
        order=order_row,
        shipped_at=DELIVERED - dt.timedelta(days=1),
        delivered_at=DELIVERED + dt.timedelta(days=2),
    )
    ShipmentLineFactory(shipment=first, order_line=shirt, quantity=2)
    ShipmentLineFactory(shipment=second, order_line=socks, quantity=1)

    order_facts = order_facts_for(order_row, customer_returns_last_30_days=1)
    facts = line_facts_for(
        shirt, reason_code="size_too_small", quantity_requested=1, quantity_returnable=2
    )
    result = eligibility_evaluate(
        policy_version=version,
        market=target,
        order_facts=order_facts,
        line_facts_list=[facts],
        channel="staff",
        at=DELIVERED + dt.timedelta(days=5),
    )

    assert order_facts.deliveries == (DELIVERED, DELIVERED + dt.timedelta(days=2))
    assert order_facts.currency == "EUR"
    assert (facts.delivered_at, facts.shipped_at) == (DELIVERED, DELIVERED - dt.timedelta(days=2))
    assert facts.unit_value_minor == 1672 + 318
    assert facts.is_final_sale is True
    assert facts.category_codes == (product.category.code,)
    # The EU counts from the last parcel (5 August): the 14 days end on 19 August.
    assert rule(result, "within_window", str(shirt.pk)).params["statutory_by"] == "2026-08-19"
    assert rule(result, "final_sale", str(shirt.pk)).code == (
        "eligibility.final_sale.statutory_right_prevails"
    )
    assert result.snapshot()["channel"] == "staff"


def test_naive_instants_are_refused(de):
    from retour.markets.exceptions import InvalidRegimeFacts

    with pytest.raises(InvalidRegimeFacts):
        evaluate(*de, at=dt.datetime(2026, 8, 8, 10))
