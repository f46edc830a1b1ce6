"""The ledger's database CHECK constraints (Q1–Q5) and its movements, which replay to it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from retour.core.models import AppendOnlyError
from retour.returns.models import COUNTERS, OrderLineLedger, QuantityMovement, ReturnLine
from retour.returns.selectors import order_availability
from tests.returns.factories import order_lines, submit_case


@pytest.fixture
def row(order, buyer):
    shirt, _cap = order_lines(order)
    submit_case(order, buyer, {shirt.pk: 1})
    return OrderLineLedger.objects.get(order_line=shirt)


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        (
            {"requested_qty": 2, "received_qty": 1, "kept_qty": 1},
            "ledger_q1_each_unit_returned_once",
        ),
        (
            {"received_qty": 1, "accepted_qty": 1, "rejected_qty": 1},
            "ledger_q3_decided_within_received",
        ),
        (
            {"received_qty": 1, "accepted_qty": 1, "restocked_qty": 2},
            "ledger_q4_restocked_within_accepted",
        ),
        (
            {"kept_qty": 1, "refunded_qty": 1, "exchanged_qty": 1},
            "ledger_q5_settled_within_accepted_or_kept",
        ),
        ({"requested_qty": -1}, "requested_qty"),
    ],
)
def test_the_database_refuses_a_ledger_that_breaks_an_invariant(row, changes, constraint):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        OrderLineLedger.objects.filter(pk=row.pk).update(**changes)
    assert constraint in str(refused.value)


@pytest.mark.parametrize(
    "changes",
    [
        {"quantity_received": 2},
        {"quantity_received": 1, "quantity_accepted": 1, "quantity_rejected": 1},
        {"quantity_received": 1, "quantity_accepted": 1, "quantity_refunded": 2},
        {"quantity_requested": 0},
    ],
)
def test_the_database_refuses_a_return_line_that_breaks_an_invariant(row, changes):
    line = ReturnLine.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnLine.objects.filter(pk=line.pk).update(**changes)


def test_movements_replay_to_the_counters(order, buyer, agent):
    from retour.returns import services
    from retour.returns.types import InspectionDecision, ReceivedUnits

    shirt, cap = order_lines(order)
    case = submit_case(order, buyer, {shirt.pk: 3, cap.pk: 1})
    case = services.case_approve(case=case, actor=agent)
    lines = {line.order_line_id: line.pk for line in case.lines.all()}
    case = services.case_record_receipt(
        case=case, actor=agent, lines=[ReceivedUnits(lines[shirt.pk], 2)]
    )
    services.case_inspect(
        case=case, actor=agent, decisions=[InspectionDecision(lines[shirt.pk], 1, 1)]
    )

    for ledger in OrderLineLedger.objects.all():
        replayed = dict.fromkeys(COUNTERS, 0)
        for movement in ledger.movements.all():
            for counter, delta in movement.deltas().items():
                replayed[counter] += delta
        assert replayed == {counter: getattr(ledger, counter) for counter in COUNTERS}
        assert ledger.version == ledger.movements.count()


def test_movements_are_append_only(row):
    movement = QuantityMovement.objects.first()
    with pytest.raises(AppendOnlyError):
        movement.save()
    with pytest.raises(AppendOnlyError):
        movement.delete()


def test_availability_per_order_line(order, buyer):
    shirt, cap = order_lines(order)
    submit_case(order, buyer, {shirt.pk: 2})

    availability = order_availability(order_id=order.pk)

    assert availability[shirt.pk].returnable == 1
    assert availability[shirt.pk].requested == 2
    assert availability[cap.pk].returnable == 2
    assert availability[cap.pk].shipped == 2
