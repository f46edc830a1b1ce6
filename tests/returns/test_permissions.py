"""Who may do what: buyers act on their own records only, staff where buyers may not, and
overrides need a named person with a reason. Every refusal leaves the data untouched."""

from __future__ import annotations

import pytest

from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.returns import services
from retour.returns.choices import ClaimKind, ClaimResolution
from retour.returns.types import (
    ClaimLineRequest,
    InspectionDecision,
    LineSettlement,
    ReceivedUnits,
)
from tests.returns.factories import order_lines, shipped_order, submit_case
from tests.returns.snapshots import snapshot


@pytest.fixture
def submitted(order, buyer):
    return submit_case(order, buyer)


@pytest.fixture
def approved(submitted, agent):
    return services.case_approve(case=submitted, actor=agent)


def staff_commands(case):
    line = case.lines.first().pk
    return {
        "approve": lambda actor: services.case_approve(case=case, actor=actor),
        "reject": lambda actor: services.case_reject(case=case, actor=actor, reason="No"),
        "mark_in_transit": lambda actor: services.case_mark_in_transit(case=case, actor=actor),
        "record_receipt": lambda actor: services.case_record_receipt(
            case=case, actor=actor, lines=[ReceivedUnits(line, 1)]
        ),
        "inspect": lambda actor: services.case_inspect(
            case=case, actor=actor, decisions=[InspectionDecision(line, accepted=1)]
        ),
        "settle": lambda actor: services.case_lines_settle(
            case=case, actor=actor, lines=[LineSettlement(line, refunded=1)]
        ),
        "resolve": lambda actor: services.case_resolve(case=case, actor=actor),
        "close": lambda actor: services.case_close(case=case, actor=actor),
        "expire": lambda actor: services.case_expire(case=case, actor=actor),
        "create_exchange": lambda actor: services.exchange_create(case=case, actor=actor),
    }


@pytest.mark.parametrize(
    "command",
    [
        "approve",
        "reject",
        "mark_in_transit",
        "record_receipt",
        "inspect",
        "settle",
        "resolve",
        "close",
        "expire",
        "create_exchange",
    ],
)
def test_the_buyer_is_refused_staff_commands(submitted, buyer, command):
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        staff_commands(submitted)[command](buyer)

    assert refused.value.code == "returns.staff_only"
    assert snapshot() == before


def test_a_buyer_cannot_return_someone_elses_order(order, stranger):
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        submit_case(order, stranger)

    assert refused.value.code == "returns.not_owner"
    assert snapshot() == before


@pytest.mark.parametrize(
    "command",
    [
        lambda case, actor: services.case_cancel(case=case, actor=actor),
        lambda case, actor: services.case_submit(case=case, actor=actor),
    ],
    ids=["cancel", "submit"],
)
def test_a_buyer_cannot_act_on_someone_elses_case(submitted, stranger, command):
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        command(submitted, stranger)

    assert refused.value.code == "returns.not_owner"
    assert snapshot() == before


def test_a_buyer_cannot_open_a_claim_on_someone_elses_order(order, stranger):
    shirt, _cap = order_lines(order)
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.claim_open(
            order=order,
            actor=stranger,
            kind=ClaimKind.DAMAGED,
            resolution=ClaimResolution.REFUND,
            lines=[ClaimLineRequest(shirt.pk, 1, "broken")],
        )

    assert refused.value.code == "returns.not_owner"
    assert snapshot() == before


@pytest.fixture
def in_review(buyer, db):
    """A buyer's return of an order not delivered yet: the "delivered" rule asks for review."""
    order = shipped_order((1,), delivered_days_ago=None)
    return submit_case(order, type(buyer).customer(order.customer_id))


def test_an_override_needs_a_reason(in_review, agent):
    case = in_review
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.case_approve(case=case, actor=agent, override_reason=" ")

    assert refused.value.code == "returns.override_reason_required"
    assert snapshot() == before


def test_an_override_needs_a_person_not_an_automation(in_review, system):
    case = in_review
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.case_approve(case=case, actor=system, override_reason="Rule says so")

    assert refused.value.code == "returns.person_only"
    assert snapshot() == before


def test_the_system_may_approve_when_every_rule_passed(submitted, system):
    case = services.case_approve(case=submitted, actor=system)

    assert case.status == "approved"
    assert case.override_by_id is None


def test_reject_needs_a_reason(submitted, agent):
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.case_reject(case=submitted, actor=agent, reason="")

    assert refused.value.code == "returns.reason_required"
    assert snapshot() == before


def test_staff_may_cancel_any_case(submitted, agent):
    case = services.case_cancel(case=submitted, actor=agent, reason="Duplicate")

    assert case.status == "canceled"


def test_actor_value_refuses_an_anonymous_customer():
    with pytest.raises(ValueError):
        Actor("customer")
    with pytest.raises(ValueError):
        Actor("robot", 1)
    assert Actor.from_dict(Actor.staff(3, "Ana").as_dict()) == Actor.staff(3, "Ana")
