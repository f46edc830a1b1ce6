"""Submission judges the request: market, policy version, track and deadlines in the buyer's
zone are stored on the case; unselectable reasons, late requests and staff overrides."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.core.models import DomainEvent
from retour.markets.regimes.dates import add_days, end_of_day, local_date, roll_past_weekend
from retour.policies.models import ReturnPolicyVersion, ReturnReason
from retour.policies.selectors import return_policy_get
from retour.policies.services import return_policy_update
from retour.policies.terms import policy_terms
from retour.returns import services
from retour.returns.choices import CaseStatus, CaseTrack, Resolution, ReturnMethod
from retour.returns.models import OrderLineLedger, ReturnCase
from retour.returns.types import LineRequest
from tests.orders.factories import CustomerFactory
from tests.returns.factories import order_lines, shipped_order, submit_case
from tests.returns.snapshots import snapshot

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")


def buyer_of(order) -> Actor:
    return Actor.customer(order.customer_id)


def day_end(instant: dt.datetime, days: int, zone: ZoneInfo, *, roll: bool = False) -> dt.datetime:
    """The end of the buyer's day `days` after `instant`'s; with `roll`, a period ending on a
    Saturday or Sunday ends on the Monday (EU Regulation 1182/71)."""
    day = add_days(local_date(instant, zone), days)
    return end_of_day(roll_past_weekend(day) if roll else day, zone)


def test_an_eu_return_keeps_market_policy_version_track_and_deadlines(db):
    order = shipped_order((2,))
    delivered = order.shipments.get().delivered_at

    case = submit_case(order, buyer_of(order))

    case.refresh_from_db()
    version = return_policy_get(store=order.store, market=case.market).versions.get()
    assert (case.market.code, case.policy_version_id) == ("de", version.pk)
    assert case.status == CaseStatus.PENDING_REVIEW
    assert case.track == CaseTrack.STATUTORY_WITHDRAWAL
    # 14 days from delivery; send back and refund within 14 days of the notice (Berlin days).
    assert case.withdraw_by == day_end(delivered, 14, BERLIN, roll=True)
    assert case.ship_back_by == day_end(case.submitted_at, 14, BERLIN, roll=True)
    assert case.refund_due_by == day_end(case.submitted_at, 14, BERLIN, roll=True)
    assert case.expires_at == case.ship_back_by
    assert case.ship_back_by.astimezone(BERLIN).time() == dt.time.max
    snapshot_ = case.eligibility_snapshot
    assert (snapshot_["outcome"], snapshot_["market"], snapshot_["channel"]) == (
        "eligible",
        "de",
        "portal",
    )
    assert snapshot_["policy_version_id"] == version.pk
    event = DomainEvent.objects.get(aggregate_type="returns.case", aggregate_id=case.pk)
    assert event.payload["evaluation"] == {
        "outcome": "eligible",
        "policy_version_id": version.pk,
        "market": "de",
        "track": "statutory_withdrawal",
        "failed": [],
        "overridden": False,
    }


def test_a_japanese_return_has_its_deadlines_in_tokyo(db):
    order = shipped_order((1,), destination_country="JP", presentment_currency="JPY")
    delivered = order.shipments.get().delivered_at

    case = submit_case(order, buyer_of(order))

    case.refresh_from_db()
    assert case.market.code == "jp"
    assert case.track == CaseTrack.STATUTORY_WITHDRAWAL
    # 8 days counting the day of delivery (no return policy displayed at checkout).
    assert case.withdraw_by == day_end(delivered, 7, TOKYO)
    assert case.ship_back_by == day_end(case.submitted_at, 14, TOKYO)
    assert case.refund_due_by is None
    assert case.ship_back_by.astimezone(TOKYO).time() == dt.time.max


def test_an_order_to_a_country_without_a_market_is_refused(db):
    order = shipped_order((1,))
    order.destination_country = "AQ"
    order.save(update_fields=["destination_country"])
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        submit_case(order, buyer_of(order))

    assert refused.value.code == "markets.no_market_for_country"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("code", "why"),
    [("size_fit", "not_a_leaf"), ("never_arrived", "wrong_kind"), ("retired", "retired")],
)
def test_an_unselectable_reason_is_refused_and_changes_nothing(db, code, why):
    order = shipped_order((1,))
    (line,) = order_lines(order)
    if code == "retired":
        ReturnReason.objects.filter(code="ordered_by_mistake").update(active=False)
        code = "ordered_by_mistake"
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.case_create(
            order=order,
            actor=buyer_of(order),
            lines=[LineRequest(line.pk, 1, code)],
            requested_resolution=Resolution.REFUND,
            return_method=ReturnMethod.LABEL,
        )

    assert refused.value.code == "policies.reason_not_selectable"
    assert refused.value.extra == {"code": code, "why": why}
    assert snapshot() == before


def test_a_reason_under_a_retired_heading_is_refused_and_changes_nothing(db):
    order = shipped_order((1,))
    (line,) = order_lines(order)
    ReturnReason.objects.filter(code="changed_mind").update(active=False)
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.case_create(
            order=order,
            actor=buyer_of(order),
            lines=[LineRequest(line.pk, 1, "no_longer_needed")],
            requested_resolution=Resolution.REFUND,
            return_method=ReturnMethod.LABEL,
        )

    assert refused.value.code == "policies.reason_not_selectable"
    assert refused.value.extra == {"code": "no_longer_needed", "why": "retired_parent"}
    assert snapshot() == before


def test_a_store_without_a_policy_in_force_is_refused_and_changes_nothing(db):
    order = shipped_order((1,))
    ReturnPolicyVersion.objects.update(effective_from=timezone.now() + dt.timedelta(days=1))
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        submit_case(order, buyer_of(order))

    assert refused.value.code == "policies.policy_not_found"
    assert refused.value.extra["market"] == "de"
    assert snapshot() == before


def test_a_draft_with_a_reason_retired_since_is_refused_at_submit(db):
    order = shipped_order((1,))
    draft = submit_case(order, buyer_of(order), submit=False)
    ReturnReason.objects.filter(code="size_too_small").update(active=False)
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.case_submit(case=draft, actor=buyer_of(order))

    assert refused.value.code == "policies.reason_not_selectable"
    assert snapshot() == before


def test_a_buyer_outside_the_window_is_rejected_with_the_explanation(db):
    order = shipped_order((2,), delivered_days_ago=45)
    (line,) = order_lines(order)

    case = submit_case(order, buyer_of(order), {line.pk: 2})

    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    failed = case.eligibility_snapshot["failed"]
    assert [(item["code"], item["severity"]) for item in failed] == [
        ("eligibility.window.closed", "reject")
    ]
    result = next(
        item
        for item in case.eligibility_snapshot["lines"][0]["results"]
        if item["rule"] == "within_window"
    )
    assert result["message"]
    assert case.lines.get().quantity_released == 2
    ledger = OrderLineLedger.objects.filter(order_line=line).first()
    assert ledger is None or ledger.requested_qty == 0
    event = DomainEvent.objects.get(aggregate_type="returns.case", aggregate_id=case.pk)
    assert (event.to_status, event.reason) == ("rejected", "eligibility.window.closed")


def test_staff_override_a_rejection_with_a_recorded_reason(db, staff_user):
    agent = Actor.for_user(staff_user("agent", role="agent"))
    order = shipped_order((1,), delivered_days_ago=45)
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        submit_case(order, agent)

    assert refused.value.code == "returns.override_reason_required"
    assert snapshot() == before

    case = submit_case(order, agent, override_reason="Gift, opened late")

    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert (case.override_by_id, case.override_reason) == (agent.id, "Gift, opened late")
    assert case.eligibility_snapshot["outcome"] == "reject"
    assert case.eligibility_snapshot["channel"] == "staff"
    event = DomainEvent.objects.get(aggregate_type="returns.case", aggregate_id=case.pk)
    assert (event.type, event.to_status, event.reason) == (
        "returns.case.submitted",
        "approved",
        "Gift, opened late",
    )
    assert event.payload["evaluation"]["overridden"] is True
    assert event.payload["evaluation"]["failed"] == ["eligibility.window.closed"]


def test_three_recent_returns_send_the_next_to_review(db):
    customer = CustomerFactory()
    for _ in range(3):
        order = shipped_order((1,), customer=customer)
        submit_case(order, buyer_of(order))
    order = shipped_order((1,), customer=customer)

    case = submit_case(order, buyer_of(order))

    assert case.status == CaseStatus.PENDING_REVIEW
    assert [item["code"] for item in case.eligibility_snapshot["failed"]] == [
        "eligibility.serial_returner.review"
    ]


def test_a_case_keeps_its_policy_version_after_the_policy_is_edited(db):
    order = shipped_order((3,))
    (line,) = order_lines(order)
    first = submit_case(order, buyer_of(order), {line.pk: 1})
    policy = return_policy_get(store=order.store, market=first.market)
    original = policy.versions.get()

    edited = return_policy_update(
        policy=policy,
        actor=Actor.system("tests"),
        terms=dataclasses.replace(policy_terms(original), window_days=60),
    )
    second = submit_case(order, buyer_of(order), {line.pk: 1})

    first.refresh_from_db()
    assert first.policy_version_id == original.pk
    assert first.policy_version.window_days == 30
    assert first.eligibility_snapshot["policy_version"] == 1
    assert second.policy_version_id == edited.pk
    assert ReturnCase.objects.get(pk=second.pk).eligibility_snapshot["policy_version"] == 2


def test_a_policy_that_approves_eligible_requests_at_once_approves_the_buyer(db):
    order = shipped_order((2,))
    market = services_market(order)
    policy = return_policy_get(store=order.store, market=market)
    return_policy_update(
        policy=policy,
        actor=Actor.system("tests"),
        terms=dataclasses.replace(policy_terms(policy.versions.get()), auto_approve_eligible=True),
    )

    case = submit_case(order, buyer_of(order))

    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert case.override_reason == ""
    assert case.approved_at is not None


def test_auto_approval_never_approves_a_request_that_needs_review(db):
    order = shipped_order((5,))
    market = services_market(order)
    policy = return_policy_get(store=order.store, market=market)
    return_policy_update(
        policy=policy,
        actor=Actor.system("tests"),
        terms=dataclasses.replace(policy_terms(policy.versions.get()), auto_approve_eligible=True),
    )
    line = order_lines(order)[0]
    earlier = [submit_case(order, buyer_of(order), {line.pk: 1}) for _ in range(3)]
    assert [case.status for case in earlier] == [CaseStatus.APPROVED] * 3

    # A fourth return within 30 days: the serial-returner rule asks a person to look.
    fourth = submit_case(order, buyer_of(order), {line.pk: 1})

    fourth.refresh_from_db()
    assert fourth.status == CaseStatus.PENDING_REVIEW
    assert "serial_returner" in str(fourth.eligibility_snapshot)


def services_market(order):
    from retour.markets.selectors import market_for_country

    return market_for_country(order.destination_country)
