"""The timeline selector: typed entries for the buyer and for staff, in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from retour.returns import services
from retour.returns.selectors import case_timeline, claim_timeline
from retour.returns.types import ClaimLineRequest, ReceivedUnits
from tests.returns.factories import order_lines, submit_case


@pytest.fixture
def case(order, buyer, agent):
    case = submit_case(order, buyer)
    case = services.case_approve(case=case, actor=agent)
    case = services.case_mark_in_transit(case=case, actor=agent, tracking_number="JJD0042")
    first = case.lines.order_by("id").first().pk
    return services.case_record_receipt(case=case, actor=agent, lines=[ReceivedUnits(first, 1)])


def test_staff_see_who_did_what(case, agent):
    entries = case_timeline(case=case, language="en")

    assert [(e.actor_label, e.from_label, e.to_label, e.message) for e in entries] == [
        ("Customer", "", "Pending review", "Return requested for 2 units."),
        ("agent", "Pending review", "Approved", "Return approved."),
        ("agent", "Approved", "In transit", "Parcel scanned by the carrier (tracking JJD0042)."),
        ("agent", "In transit", "Partially received", "1 unit received."),
    ]
    assert [e.subject for e in entries] == ["case"] * 4
    assert entries[0].occurred_at <= entries[-1].occurred_at


def test_the_buyer_sees_roles_not_names(case):
    entries = case_timeline(case=case, language="en", audience="customer")

    assert [e.actor_label for e in entries] == [
        "You",
        "Customer service",
        "Customer service",
        "Customer service",
    ]


def test_reasons_are_shown_and_system_actors_named(order, buyer, agent, system):
    case = submit_case(order, buyer)
    services.case_reject(case=case, actor=agent, reason="Outside the window")
    other = submit_case(order, buyer)
    services.case_cancel(case=other, actor=system)

    (rejected,) = [e for e in case_timeline(case=case, language="en") if e.to_status == "rejected"]
    (canceled,) = [e for e in case_timeline(case=other, language="en") if e.to_status == "canceled"]

    assert (rejected.reason, rejected.message) == ("Outside the window", "Return rejected.")
    assert canceled.actor_label == "System (scheduler)"


def test_rendering_uses_the_requested_language_and_restores_the_active_one(case):
    with translation.override("fr"):
        case_timeline(case=case, language="de")
        assert translation.get_language() == "fr"


def test_claim_timeline(order, buyer, agent):
    shirt, _cap = order_lines(order)
    claim = services.claim_open(
        order=order,
        actor=buyer,
        kind="never_arrived",
        resolution="refund",
        lines=[ClaimLineRequest(shirt.pk, 1, "lost")],
    )
    services.claim_deny(claim=claim, actor=agent, reason="Delivered per tracking")

    entries = claim_timeline(claim=claim, language="en", audience="customer")

    assert [(e.actor_label, e.to_label, e.message, e.reason) for e in entries] == [
        ("You", "Open", "Claim opened for 1 unit.", ""),
        ("Customer service", "Denied", "Claim denied.", "Delivered per tracking"),
    ]
