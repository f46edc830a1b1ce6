"""Receipts accumulate over sessions, inspection decides received units, the remainder closes."""

from __future__ import annotations

import pytest

from retour.core.exceptions import ApplicationError
from retour.returns import services
from retour.returns.choices import CaseStatus, MovementKind
from retour.returns.exceptions import (
    CaseNotSettled,
    InvalidQuantity,
    ReasonRequired,
    StaleVersion,
)
from retour.returns.models import OrderLineLedger, QuantityMovement
from retour.returns.types import InspectionDecision, LineSettlement, ReceivedUnits
from tests.returns.factories import order_lines, submit_case
from tests.returns.snapshots import snapshot


@pytest.fixture
def approved(order, buyer, agent):
    """An approved return of 3 shirts and 2 caps."""
    shirt, cap = order_lines(order)
    case = submit_case(order, buyer, {shirt.pk: 3, cap.pk: 2})
    return services.case_approve(case=case, actor=agent)


def line_ids(case) -> tuple[int, int]:
    lines = list(case.lines.order_by("order_line_id"))
    return lines[0].pk, lines[1].pk


def test_receipts_accumulate_across_sessions(approved, agent):
    shirt, cap = line_ids(approved)

    case = services.case_record_receipt(
        case=approved, actor=agent, lines=[ReceivedUnits(shirt, 1, serials=["S1"])]
    )
    case = services.case_record_receipt(
        case=case, actor=agent, lines=[ReceivedUnits(shirt, 1, serials=["S2"])]
    )
    assert case.status == CaseStatus.PARTIALLY_RECEIVED
    case = services.case_record_receipt(
        case=case, actor=agent, lines=[ReceivedUnits(shirt, 1), ReceivedUnits(cap, 2)]
    )

    assert case.status == CaseStatus.RECEIVED
    line = case.lines.get(pk=shirt)
    assert (line.quantity_received, line.quantity_outstanding) == (3, 0)
    assert line.serials == ["S1", "S2"]
    ledger = OrderLineLedger.objects.get(order_line_id=line.order_line_id)
    assert (ledger.requested_qty, ledger.received_qty) == (0, 3)


def test_receiving_more_than_outstanding_is_refused(approved, agent):
    shirt, _cap = line_ids(approved)
    case = services.case_record_receipt(case=approved, actor=agent, lines=[ReceivedUnits(shirt, 2)])
    before = snapshot()

    with pytest.raises(InvalidQuantity) as refused:
        services.case_record_receipt(case=case, actor=agent, lines=[ReceivedUnits(shirt, 2)])

    assert refused.value.code == "returns.invalid_quantity"
    assert refused.value.extra == {"return_line_id": shirt, "outstanding": 1}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ([], "returns.no_lines"),
        ([ReceivedUnits(0, 0)], "returns.invalid_quantity"),
        ([ReceivedUnits(999_999, 1)], "returns.unknown_line"),
    ],
)
def test_malformed_receipts_are_refused(approved, agent, lines, error):
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.case_record_receipt(case=approved, actor=agent, lines=lines)

    assert refused.value.code == error
    assert snapshot() == before


def test_a_double_click_on_the_receipt_form_is_refused_as_stale(approved, agent):
    shirt, _cap = line_ids(approved)
    version = approved.version
    services.case_record_receipt(
        case=approved, actor=agent, lines=[ReceivedUnits(shirt, 1)], expected_version=version
    )
    before = snapshot()

    with pytest.raises(StaleVersion) as refused:
        services.case_record_receipt(
            case=approved, actor=agent, lines=[ReceivedUnits(shirt, 1)], expected_version=version
        )

    assert refused.value.code == "returns.stale_version"
    assert refused.value.extra == {"expected": version, "actual": version + 1}
    assert snapshot() == before


def test_inspection_decides_only_received_undecided_units(approved, agent):
    shirt, _cap = line_ids(approved)
    case = services.case_record_receipt(case=approved, actor=agent, lines=[ReceivedUnits(shirt, 2)])
    case = services.case_inspect(
        case=case, actor=agent, decisions=[InspectionDecision(shirt, accepted=1)]
    )
    before = snapshot()

    with pytest.raises(InvalidQuantity) as refused:
        services.case_inspect(
            case=case, actor=agent, decisions=[InspectionDecision(shirt, accepted=1, rejected=1)]
        )
    assert refused.value.extra == {"return_line_id": shirt, "undecided": 1}
    assert snapshot() == before

    case = services.case_inspect(
        case=case, actor=agent, decisions=[InspectionDecision(shirt, rejected=1, codes=["stain"])]
    )
    line = case.lines.get(pk=shirt)
    assert (line.quantity_accepted, line.quantity_rejected, line.decision_codes) == (
        1,
        1,
        ["stain"],
    )
    ledger = OrderLineLedger.objects.get(order_line_id=line.order_line_id)
    assert (ledger.accepted_qty, ledger.rejected_qty) == (1, 1)


def test_revising_an_inspection_moves_units_but_not_settled_ones(approved, agent):
    shirt, _cap = line_ids(approved)
    case = services.case_record_receipt(case=approved, actor=agent, lines=[ReceivedUnits(shirt, 2)])
    case = services.case_inspect(
        case=case, actor=agent, decisions=[InspectionDecision(shirt, accepted=2)]
    )

    case = services.case_revise_inspection(
        case=case, actor=agent, return_line_id=shirt, accepted=1, rejected=1, reason="Stain found"
    )
    line = case.lines.get(pk=shirt)
    assert (line.quantity_accepted, line.quantity_rejected) == (1, 1)
    revisions = QuantityMovement.objects.filter(kind=MovementKind.REVISE).order_by("id")
    assert [(m.accepted_delta, m.rejected_delta) for m in revisions] == [(-1, 0), (0, 1)]

    services.case_lines_settle(case=case, actor=agent, lines=[LineSettlement(shirt, refunded=1)])
    before = snapshot()
    with pytest.raises(InvalidQuantity):
        services.case_revise_inspection(
            case=case, actor=agent, return_line_id=shirt, accepted=0, rejected=2, reason="No"
        )
    assert snapshot() == before


def test_closing_the_remainder_releases_unreceived_units(approved, agent, order, buyer):
    shirt, cap = line_ids(approved)
    case = services.case_record_receipt(case=approved, actor=agent, lines=[ReceivedUnits(shirt, 1)])
    before = snapshot()
    with pytest.raises(ReasonRequired):
        services.case_close_remaining(case=case, actor=agent, reason="  ")
    assert snapshot() == before

    case = services.case_close_remaining(case=case, actor=agent, reason="Never sent")

    assert case.status == CaseStatus.RECEIVED
    lines = {line.pk: line for line in case.lines.all()}
    assert (lines[shirt].quantity_released, lines[cap].quantity_released) == (2, 2)
    shirt_line, cap_line = order_lines(order)
    assert OrderLineLedger.objects.get(order_line=shirt_line).requested_qty == 0
    # The released units can be requested again; the received one cannot.
    again = submit_case(order, buyer, {shirt_line.pk: 2, cap_line.pk: 2})
    assert again.status == CaseStatus.PENDING_REVIEW


def test_resolve_waits_until_every_unit_is_decided_and_settled(approved, agent):
    shirt, cap = line_ids(approved)
    case = services.case_record_receipt(
        case=approved, actor=agent, lines=[ReceivedUnits(shirt, 3), ReceivedUnits(cap, 2)]
    )
    case = services.case_inspect(
        case=case,
        actor=agent,
        decisions=[InspectionDecision(shirt, accepted=3), InspectionDecision(cap, rejected=1)],
    )
    before = snapshot()

    with pytest.raises(CaseNotSettled) as refused:
        services.case_resolve(case=case, actor=agent)
    assert refused.value.code == "returns.case.not_settled"
    assert refused.value.extra == {"return_line_ids": [shirt, cap]}
    assert snapshot() == before

    services.case_inspect(case=case, actor=agent, decisions=[InspectionDecision(cap, rejected=1)])
    services.case_lines_settle(
        case=case, actor=agent, lines=[LineSettlement(shirt, refunded=2, exchanged=1)]
    )
    case = services.case_resolve(case=case, actor=agent)
    assert case.status == CaseStatus.RESOLVED


def test_settling_more_than_accepted_is_refused(approved, agent):
    shirt, _cap = line_ids(approved)
    case = services.case_record_receipt(case=approved, actor=agent, lines=[ReceivedUnits(shirt, 2)])
    case = services.case_inspect(
        case=case, actor=agent, decisions=[InspectionDecision(shirt, accepted=1, rejected=1)]
    )
    before = snapshot()

    with pytest.raises(InvalidQuantity) as refused:
        services.case_lines_settle(
            case=case, actor=agent, lines=[LineSettlement(shirt, refunded=2)]
        )

    assert refused.value.extra == {"return_line_id": shirt, "unsettled": 1}
    assert snapshot() == before
