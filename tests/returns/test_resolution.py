"""Customer service changes what the buyer gets; refusals change nothing."""

from __future__ import annotations

import pytest

from retour.core.actors import Actor
from retour.core.models import DomainEvent
from retour.returns.choices import CaseStatus, Resolution
from retour.returns.exceptions import (
    CaseInvalidTransition,
    ExchangeVariantMissing,
    InvalidChoice,
    ResolutionUnchanged,
    StaffOnly,
    StaleVersion,
)
from retour.returns.services import (
    case_approve,
    case_change_resolution,
    case_record_receipt,
)
from retour.returns.timeline import case_timeline
from retour.returns.types import ReceivedUnits
from tests.returns.factories import shipped_order, submit_case


@pytest.fixture
def case(db):
    order = shipped_order((2, 1))
    return submit_case(order, Actor.customer(order.customer_id))


def snapshot(case):
    case.refresh_from_db()
    return (
        case.version,
        case.requested_resolution,
        sorted(case.lines.values_list("resolution", flat=True)),
        DomainEvent.objects.filter(aggregate_id=case.pk, aggregate_type="returns.case").count(),
    )


def test_an_agent_changes_a_refund_to_store_credit(case, agent):
    assert case.requested_resolution == Resolution.REFUND
    version = case.version
    changed = case_change_resolution(
        case=case,
        actor=agent,
        resolution=Resolution.STORE_CREDIT,
        reason="Buyer asked on the phone",
        expected_version=version,
    )
    assert changed.requested_resolution == Resolution.STORE_CREDIT
    assert changed.version == version + 1
    assert set(changed.lines.values_list("resolution", flat=True)) == {Resolution.STORE_CREDIT}
    event = DomainEvent.objects.get(type="returns.case.resolution_changed")
    assert event.payload == {"from": "refund", "to": "store_credit"}
    assert event.reason == "Buyer asked on the phone"
    assert event.from_status == event.to_status == changed.status
    [entry] = [e for e in case_timeline(case=changed, language="de") if e.type == event.type]
    assert entry.message == "Lösung geändert in „Guthaben“."


def test_a_change_is_allowed_after_approval(case, agent):
    case = case_approve(case=case, actor=agent)
    assert case.status == CaseStatus.APPROVED
    case = case_change_resolution(case=case, actor=agent, resolution=Resolution.STORE_CREDIT)
    assert case.requested_resolution == Resolution.STORE_CREDIT


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"resolution": Resolution.REFUND}, ResolutionUnchanged),
        ({"resolution": "cash_in_envelope"}, InvalidChoice),
        ({"resolution": Resolution.EXCHANGE}, ExchangeVariantMissing),
        ({"resolution": Resolution.STORE_CREDIT, "expected_version": 0}, StaleVersion),
    ],
)
def test_refusals_change_nothing(case, agent, kwargs, error):
    before = snapshot(case)
    with pytest.raises(error):
        case_change_resolution(case=case, actor=agent, **kwargs)
    assert snapshot(case) == before


def test_a_buyer_cannot_change_the_resolution_through_this_service(case):
    before = snapshot(case)
    with pytest.raises(StaffOnly):
        case_change_resolution(
            case=case, actor=Actor.customer(case.customer_id), resolution=Resolution.STORE_CREDIT
        )
    assert snapshot(case) == before


def test_no_change_once_goods_arrived(case, agent):
    case = case_approve(case=case, actor=agent)
    line = case.lines.order_by("pk").first()
    case = case_record_receipt(case=case, actor=agent, lines=[ReceivedUnits(line.pk, 1)])
    before = snapshot(case)
    with pytest.raises(CaseInvalidTransition):
        case_change_resolution(case=case, actor=agent, resolution=Resolution.STORE_CREDIT)
    assert snapshot(case) == before
