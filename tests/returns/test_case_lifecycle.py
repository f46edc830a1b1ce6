"""A return from submission to closing, and the other ways a case ends, with exact values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from retour.core.models import DomainEvent, OutboxMessage, OutboxStatus
from retour.returns import services
from retour.returns.choices import CaseStatus, Channel, MovementKind
from retour.returns.exceptions import NotExpired
from retour.returns.models import OrderLineLedger, QuantityMovement, ReturnCase
from retour.returns.numbers import is_valid_number
from retour.returns.types import InspectionDecision, LineSettlement, ReceivedUnits
from tests.returns.factories import order_lines, shipped_order, submit_case
from tests.returns.snapshots import snapshot


def ledger(order_line) -> dict[str, int]:
    row = OrderLineLedger.objects.get(order_line=order_line)
    return {
        "fulfilled": row.fulfilled_qty,
        "requested": row.requested_qty,
        "received": row.received_qty,
        "accepted": row.accepted_qty,
        "rejected": row.rejected_qty,
        "kept": row.kept_qty,
        "refunded": row.refunded_qty,
        "exchanged": row.exchanged_qty,
    }


def counters(**values: int) -> dict[str, int]:
    base = dict.fromkeys(
        (
            "fulfilled",
            "requested",
            "received",
            "accepted",
            "rejected",
            "kept",
            "refunded",
            "exchanged",
        ),
        0,
    )
    return base | values


def case_events(case: ReturnCase) -> list[tuple[str, str, str]]:
    return list(
        DomainEvent.objects.filter(aggregate_type="returns.case", aggregate_id=case.pk)
        .order_by("id")
        .values_list("type", "from_status", "to_status")
    )


def test_submit_reserves_the_requested_units_and_records_one_event(order, buyer):
    shirt, cap = order_lines(order)

    case = submit_case(order, buyer, {shirt.pk: 2, cap.pk: 1}, idempotency_key="k1")

    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW
    assert case.channel == Channel.PORTAL
    assert case.created_by_id is None
    assert case.customer_id == order.customer_id
    assert case.currency == "EUR"
    assert case.version == 1
    assert case.submitted_at is not None
    assert is_valid_number(case.number, prefix="R")
    assert ledger(shirt) == counters(fulfilled=3, requested=2)
    assert ledger(cap) == counters(fulfilled=2, requested=1)
    lines = {line.order_line_id: line for line in case.lines.all()}
    assert lines[shirt.pk].quantity_requested == 2
    assert lines[shirt.pk].unit_basis == {
        "currency": "EUR",
        "net_minor": 1000,
        "tax_minor": 318,
        "duty_minor": 0,
        "tax": [{"name": "VAT", "rate_bps": 1900, "amount_minor": 318}],
        "duty": [],
    }
    assert case_events(case) == [("returns.case.submitted", "", "pending_review")]
    assert OutboxMessage.objects.filter(topic="returns.case.submitted").count() == 1
    movements = QuantityMovement.objects.filter(kind=MovementKind.REQUEST).order_by("ledger_id")
    assert [(m.ledger_id, m.requested_delta) for m in movements] == [(shirt.pk, 2), (cap.pk, 1)]
    # The first lock created the ledger rows and synchronised the shipped quantities.
    assert QuantityMovement.objects.filter(kind=MovementKind.FULFILMENT_SYNC).count() == 2


def test_full_lifecycle_settles_every_counter(order, buyer, agent):
    shirt, cap = order_lines(order)
    case = submit_case(order, buyer, {shirt.pk: 2, cap.pk: 1})
    shirt_line, cap_line = (
        case.lines.get(order_line=shirt).pk,
        case.lines.get(order_line=cap).pk,
    )

    case = services.case_approve(case=case, actor=agent)
    case = services.case_mark_in_transit(
        case=case, actor=agent, carrier="DHL", tracking_number="JJD01"
    )
    case = services.case_record_receipt(
        case=case, actor=agent, lines=[ReceivedUnits(shirt_line, 1)]
    )
    assert case.status == CaseStatus.PARTIALLY_RECEIVED
    assert ledger(shirt) == counters(fulfilled=3, requested=1, received=1)
    case = services.case_record_receipt(
        case=case, actor=agent, lines=[ReceivedUnits(shirt_line, 1), ReceivedUnits(cap_line, 1)]
    )
    assert case.status == CaseStatus.RECEIVED
    case = services.case_inspect(
        case=case,
        actor=agent,
        decisions=[
            InspectionDecision(shirt_line, accepted=1, rejected=1, codes=["worn"]),
            InspectionDecision(cap_line, accepted=1),
        ],
    )
    case = services.case_lines_settle(
        case=case,
        actor=agent,
        lines=[LineSettlement(shirt_line, refunded=1), LineSettlement(cap_line, refunded=1)],
        reference="refund-1",
    )
    case = services.case_resolve(case=case, actor=agent)
    case = services.case_close(case=case, actor=agent)

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.version == 9
    for stamp in (
        "submitted_at",
        "approved_at",
        "in_transit_at",
        "partially_received_at",
        "received_at",
        "resolved_at",
        "closed_at",
    ):
        assert getattr(case, stamp) is not None, stamp
    assert case.canceled_at is None
    assert ledger(shirt) == counters(fulfilled=3, received=2, accepted=1, rejected=1, refunded=1)
    assert ledger(cap) == counters(fulfilled=2, received=1, accepted=1, refunded=1)
    assert case.lines.get(pk=shirt_line).decision_codes == ["worn"]
    assert case_events(case) == [
        ("returns.case.submitted", "", "pending_review"),
        ("returns.case.approved", "pending_review", "approved"),
        ("returns.case.in_transit", "approved", "in_transit"),
        ("returns.case.receipt_recorded", "in_transit", "partially_received"),
        ("returns.case.receipt_recorded", "partially_received", "received"),
        ("returns.case.inspected", "received", "received"),
        ("returns.case.settled", "received", "received"),
        ("returns.case.resolved", "received", "resolved"),
        ("returns.case.closed", "resolved", "closed"),
    ]
    # (The factory's default policy wrote a `policies.` message of its own.)
    assert OutboxMessage.objects.filter(topic__startswith="returns.").count() == 9
    # Each movement belongs to the event of the command that caused it.
    receive = QuantityMovement.objects.filter(kind=MovementKind.RECEIVE).order_by("id")
    assert [m.event.type for m in receive] == ["returns.case.receipt_recorded"] * 3
    assert [(m.requested_delta, m.received_delta) for m in receive] == [(-1, 1)] * 3


def test_outbox_is_delivered_after_commit(order, buyer, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = submit_case(order, buyer)
    assert len(callbacks) == 1
    returns_messages = OutboxMessage.objects.filter(topic__startswith="returns.")
    assert list(returns_messages.values_list("status", flat=True)) == [OutboxStatus.DELIVERED]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.case_approve(case=case, actor=agent)
    assert len(callbacks) == 1
    assert OutboxMessage.objects.get(topic="returns.case.approved").status == OutboxStatus.PENDING


def test_staff_created_case_is_attributed_to_the_user(order, agent):
    case = submit_case(order, agent)

    assert case.channel == Channel.STAFF
    assert case.created_by_id == agent.id
    event = DomainEvent.objects.get(aggregate_id=case.pk, aggregate_type="returns.case")
    assert (event.actor_kind, event.actor_id, event.actor_name) == ("staff", agent.id, "agent")


def test_draft_reserves_nothing_until_submitted(order, buyer):
    shirt, _cap = order_lines(order)
    draft = submit_case(order, buyer, {shirt.pk: 3}, submit=False)

    assert draft.status == CaseStatus.DRAFT
    assert ledger(shirt) == counters(fulfilled=3)

    case = services.case_submit(case=draft, actor=buyer, expected_version=1)

    assert case.status == CaseStatus.PENDING_REVIEW
    assert case.version == 2
    assert ledger(shirt) == counters(fulfilled=3, requested=3)
    assert case_events(case) == [
        ("returns.case.created", "", "draft"),
        ("returns.case.submitted", "draft", "pending_review"),
    ]


def test_approving_over_a_failed_rule_records_the_override(buyer, agent):
    # Not delivered yet: in the EU the buyer may already withdraw, so the rule asks for review.
    order = shipped_order((1,), delivered_days_ago=None)
    case = submit_case(order, type(buyer).customer(order.customer_id))
    assert case.status == CaseStatus.PENDING_REVIEW
    assert (
        case.eligibility_snapshot["failed"][0]["code"] == "eligibility.delivered.not_yet_statutory"
    )
    expires = timezone.now() + dt.timedelta(days=14)

    case = services.case_approve(
        case=case, actor=agent, override_reason="Loyal buyer", expires_at=expires
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert (case.override_by_id, case.override_reason) == (agent.id, "Loyal buyer")
    assert case.expires_at == expires
    event = DomainEvent.objects.get(type="returns.case.approved")
    assert event.payload == {"overridden": True, "expires_at": expires.isoformat()}


@pytest.mark.parametrize(
    "status", [CaseStatus.DRAFT, CaseStatus.PENDING_REVIEW, CaseStatus.APPROVED]
)
def test_cancel_releases_the_reservation(order, buyer, agent, status):
    shirt, _cap = order_lines(order)
    case = submit_case(order, buyer, {shirt.pk: 2}, submit=status != CaseStatus.DRAFT)
    if status == CaseStatus.APPROVED:
        case = services.case_approve(case=case, actor=agent)

    case = services.case_cancel(case=case, actor=buyer, reason="Changed my mind")

    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELED
    assert case.canceled_at is not None
    assert ledger(shirt) == counters(fulfilled=3)
    assert DomainEvent.objects.get(type="returns.case.canceled").reason == "Changed my mind"
    # The units are returnable again.
    again = submit_case(order, buyer, {shirt.pk: 3})
    assert again.status == CaseStatus.PENDING_REVIEW


def test_reject_releases_and_keeps_the_reason(order, buyer, agent):
    shirt, _cap = order_lines(order)
    case = submit_case(order, buyer, {shirt.pk: 2})

    case = services.case_reject(case=case, actor=agent, reason="Outside the window")

    assert case.status == CaseStatus.REJECTED
    assert ledger(shirt) == counters(fulfilled=3)
    assert DomainEvent.objects.get(type="returns.case.rejected").reason == "Outside the window"


def test_expire_needs_the_ship_by_date_to_have_passed(order, buyer, agent, system):
    shirt, _cap = order_lines(order)
    case = submit_case(order, buyer, {shirt.pk: 1})
    expires = timezone.now() + dt.timedelta(days=7)
    case = services.case_approve(case=case, actor=agent, expires_at=expires)
    before = snapshot()

    with pytest.raises(NotExpired) as refused:
        services.case_expire(case=case, actor=system, now=expires)
    assert refused.value.code == "returns.case.not_expired"
    assert snapshot() == before

    case = services.case_expire(case=case, actor=system, now=expires + dt.timedelta(seconds=1))
    assert case.status == CaseStatus.EXPIRED
    assert ledger(shirt) == counters(fulfilled=3)


def test_lost_parcel_turns_outstanding_units_into_kept(order, buyer, agent):
    shirt, _cap = order_lines(order)
    case = submit_case(order, buyer, {shirt.pk: 2})
    case = services.case_approve(case=case, actor=agent)
    case = services.case_mark_in_transit(case=case, actor=agent)

    case = services.case_mark_lost(case=case, actor=agent, reason="Carrier confirmed loss")

    assert case.status == CaseStatus.LOST
    assert ledger(shirt) == counters(fulfilled=3, kept=2)
    line = case.lines.get()
    assert (line.quantity_lost, line.quantity_to_settle) == (2, 2)
    # Lost units are settled like accepted ones, then the case resolves.
    services.case_lines_settle(case=case, actor=agent, lines=[LineSettlement(line.pk, refunded=2)])
    case = services.case_resolve(case=case, actor=agent)
    assert case.status == CaseStatus.RESOLVED
    assert ledger(shirt) == counters(fulfilled=3, kept=2, refunded=2)
