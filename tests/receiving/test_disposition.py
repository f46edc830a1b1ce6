"""Disposition: one stock movement per unit (warehouse, variant, grade), retries post once."""

from __future__ import annotations

import pytest

from retour.core.models import DomainEvent
from retour.receiving import selectors, services
from retour.receiving.exceptions import AlreadyDisposed, DispositionNotAllowed, NotYourWarehouse
from retour.receiving.models import StockMovement
from retour.receiving.types import CountedUnits
from tests.receiving.factories import return_lines

APPAREL_OK = {"tags_attached": True, "not_worn": True, "no_odour": True, "no_stains": True}


@pytest.fixture
def inspect(case, warehouse, operator):
    shirts, _ = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(shirts.pk, 3)]
    )

    def make(grade="A", decision="accepted", checklist=APPAREL_OK):
        case.refresh_from_db()
        [unit] = services.unit_inspect(
            case=case,
            return_line_id=shirts.pk,
            warehouse=warehouse,
            actor=operator,
            grade=grade,
            decision=decision,
            checklist=checklist,
        )
        return unit

    return make


def test_restocking_posts_one_movement_per_warehouse_variant_and_grade(
    inspect, operator, warehouse
):
    unit = inspect("A")

    movement = services.unit_dispose(unit=unit, action="restock", actor=operator)

    assert (movement.warehouse_id, movement.variant_id, movement.grade) == (
        warehouse.pk,
        unit.variant_id,
        "A",
    )
    assert (movement.action, movement.quantity) == ("restock", 1)
    unit.refresh_from_db()
    assert unit.disposition == "restock"
    assert DomainEvent.objects.filter(type="receiving.unit_disposed").count() == 1


def test_a_retried_disposition_posts_one_movement(inspect, operator):
    unit = inspect("B")

    first = services.unit_dispose(unit=unit, action="restock", actor=operator)
    again = services.unit_dispose(unit=unit, action="restock", actor=operator)

    assert again.pk == first.pk
    assert StockMovement.objects.count() == 1
    assert DomainEvent.objects.filter(type="receiving.unit_disposed").count() == 1


def test_a_disposed_unit_cannot_get_another_disposition(inspect, operator):
    unit = inspect("A")
    services.unit_dispose(unit=unit, action="liquidate", actor=operator)

    with pytest.raises(AlreadyDisposed):
        services.unit_dispose(unit=unit, action="restock", actor=operator)
    assert list(StockMovement.objects.values_list("action", flat=True)) == ["liquidate"]


@pytest.mark.parametrize(
    ("grade", "checklist"),
    [
        ("C", {**APPAREL_OK, "no_stains": False}),
        ("D", {**APPAREL_OK, "not_worn": False}),
    ],
)
def test_damaged_units_are_never_restocked(inspect, operator, grade, checklist):
    unit = inspect(grade, checklist=checklist)

    with pytest.raises(DispositionNotAllowed):
        services.unit_dispose(unit=unit, action="restock", actor=operator)
    assert not StockMovement.objects.exists()
    assert "restock" not in services.allowed_dispositions(unit)


def test_scrap_is_not_repaired(inspect, operator):
    unit = inspect("D", checklist={**APPAREL_OK, "not_worn": False})
    with pytest.raises(DispositionNotAllowed):
        services.unit_dispose(unit=unit, action="repair", actor=operator)
    assert services.unit_dispose(unit=unit, action="destroy", actor=operator).grade == "D"


def test_a_broken_seal_is_never_restocked(db, warehouse, operator):
    from tests.receiving.factories import approved_case

    case = approved_case((1,), ("cosmetics",))
    [line] = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(line.pk, 1)]
    )
    case.refresh_from_db()
    [unit] = services.unit_inspect(
        case=case,
        return_line_id=line.pk,
        warehouse=warehouse,
        actor=operator,
        grade="B",
        decision="accepted",
        checklist={"seal_intact": False},
    )
    assert "restock" not in services.allowed_dispositions(unit)
    with pytest.raises(DispositionNotAllowed):
        services.unit_dispose(unit=unit, action="restock", actor=operator)


def test_a_rejected_unit_only_goes_back_to_the_buyer(inspect, operator):
    unit = inspect("C", decision="rejected", checklist={**APPAREL_OK, "no_stains": False})
    assert services.allowed_dispositions(unit) == ["return_to_buyer"]
    with pytest.raises(DispositionNotAllowed):
        services.unit_dispose(unit=unit, action="liquidate", actor=operator)
    services.unit_dispose(unit=unit, action="return_to_buyer", actor=operator)


def test_balances_sum_the_ledger_per_bucket(inspect, operator, warehouse):
    for grade, action in (("A", "restock"), ("A", "restock"), ("B", "refurbish")):
        services.unit_dispose(unit=inspect(grade), action=action, actor=operator)

    balances = selectors.stock_balances(warehouses=[warehouse])
    sku = balances[0]["variant__sku"]
    assert balances == [
        {
            "warehouse__code": warehouse.code,
            "variant__sku": sku,
            "grade": "A",
            "action": "restock",
            "units": 2,
        },
        {
            "warehouse__code": warehouse.code,
            "variant__sku": sku,
            "grade": "B",
            "action": "refurbish",
            "units": 1,
        },
    ]


def test_staff_of_another_warehouse_cannot_dispose_here(inspect, outsider):
    unit = inspect("A")
    with pytest.raises(NotYourWarehouse):
        services.unit_dispose(unit=unit, action="restock", actor=outsider)
    assert not StockMovement.objects.exists()
