"""Inspection: a checklist per category, a grade, serials, photos; decisions reach the core."""

from __future__ import annotations

import pytest

from retour.core.models import DomainEvent
from retour.receiving import services
from retour.receiving.checklists import checklist_for
from retour.receiving.exceptions import (
    GradeContradictsChecklist,
    NotYourWarehouse,
    SerialPerUnit,
    UnitNotReceived,
)
from retour.receiving.models import InspectedUnit, Photo
from retour.receiving.types import CountedUnits
from retour.returns.models import OrderLineLedger
from tests.catalog.factories import CategoryFactory
from tests.receiving.factories import approved_case, photo, return_lines
from tests.returns.snapshots import snapshot

APPAREL_OK = {"tags_attached": True, "not_worn": True, "no_odour": True, "no_stains": True}
PHONE_OK = {"powers_on": True, "accessories_complete": True, "screen_intact": True}


@pytest.fixture
def received(case, warehouse, operator):
    lines = return_lines(case)
    services.receipt_record(
        case=case,
        warehouse=warehouse,
        actor=operator,
        counts=[CountedUnits(lines[0].pk, 3), CountedUnits(lines[1].pk, 2)],
    )
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(
    ("code", "checks"),
    [
        ("apparel", ["tags_attached", "not_worn", "no_odour", "no_stains"]),
        ("electronics", ["powers_on", "accessories_complete", "serial_matches", "screen_intact"]),
        ("cosmetics", ["seal_intact"]),
        ("garden", ["packaging_intact", "no_damage"]),
    ],
)
def test_each_category_has_its_checklist(db, code, checks):
    _code, found = checklist_for(CategoryFactory(code=code))
    assert [check.code for check in found] == checks


def test_a_subcategory_uses_its_parents_checklist(db):
    child = CategoryFactory(code="dresses", parent=CategoryFactory(code="apparel"))
    assert checklist_for(child)[0] == "apparel"


def test_accepting_a_unit_records_grade_checklist_and_photos(received, warehouse, operator):
    shirts, _phones = return_lines(received)

    [unit] = services.unit_inspect(
        case=received,
        return_line_id=shirts.pk,
        warehouse=warehouse,
        actor=operator,
        grade="A",
        decision="accepted",
        checklist=APPAREL_OK,
        notes="perfect",
        photos=[photo()],
    )

    assert (unit.grade, unit.decision, unit.category_code) == ("A", "accepted", "apparel")
    assert unit.checklist == APPAREL_OK
    assert Photo.objects.filter(unit=unit).count() == 1
    shirts.refresh_from_db()
    assert (shirts.quantity_accepted, shirts.quantity_rejected) == (1, 0)
    assert shirts.decision_codes == ["grade_a"]
    ledger = OrderLineLedger.objects.get(order_line_id=shirts.order_line_id)
    assert ledger.accepted_qty == 1
    assert not DomainEvent.objects.filter(type="receiving.rejection_notice").exists()


def test_several_alike_units_are_inspected_at_once(received, warehouse, operator):
    shirts, _ = return_lines(received)
    units = services.unit_inspect(
        case=received,
        return_line_id=shirts.pk,
        warehouse=warehouse,
        actor=operator,
        grade="B",
        decision="accepted",
        checklist={**APPAREL_OK, "tags_attached": False},
        quantity=3,
    )
    assert len(units) == 3
    shirts.refresh_from_db()
    assert shirts.quantity_accepted == 3
    assert shirts.decision_codes == ["grade_b", "failed_tags_attached"]


def test_rejecting_a_unit_notifies_the_buyer_with_the_photos(received, warehouse, operator):
    shirts, _ = return_lines(received)

    [unit] = services.unit_inspect(
        case=received,
        return_line_id=shirts.pk,
        warehouse=warehouse,
        actor=operator,
        grade="C",
        decision="rejected",
        checklist={**APPAREL_OK, "no_stains": False, "not_worn": False},
        notes="Worn, make-up stains on the collar.",
        photos=[photo("collar.png"), photo("tag.png", "green")],
    )

    shirts.refresh_from_db()
    assert (shirts.quantity_accepted, shirts.quantity_rejected) == (0, 1)
    notice = DomainEvent.objects.get(type="receiving.rejection_notice")
    assert (notice.aggregate_type, notice.aggregate_id) == ("returns.case", received.pk)
    evidence_ids = list(Photo.objects.filter(unit=unit).values_list("evidence_id", flat=True))
    assert len(evidence_ids) == 2
    assert notice.payload["evidence_ids"] == evidence_ids
    assert notice.payload["case_number"] == received.number
    assert notice.payload["failed_checks"] == ["not_worn", "no_stains"]
    assert notice.payload["unit_ids"] == [unit.pk]
    assert notice.payload["note"] == "Worn, make-up stains on the collar."


def test_grade_a_with_a_failed_check_is_refused(received, warehouse, operator):
    shirts, _ = return_lines(received)
    before = snapshot()
    with pytest.raises(GradeContradictsChecklist) as refused:
        services.unit_inspect(
            case=received,
            return_line_id=shirts.pk,
            warehouse=warehouse,
            actor=operator,
            grade="A",
            decision="accepted",
            checklist={**APPAREL_OK, "no_odour": False},
        )
    assert refused.value.extra == {"failed": ["no_odour"]}
    assert snapshot() == before
    assert not InspectedUnit.objects.exists()


def test_inspecting_more_units_than_received_is_refused(case, warehouse, operator):
    shirts, _ = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(shirts.pk, 1)]
    )
    case.refresh_from_db()
    services.unit_inspect(
        case=case,
        return_line_id=shirts.pk,
        warehouse=warehouse,
        actor=operator,
        grade="B",
        decision="accepted",
        checklist=APPAREL_OK,
    )
    before = snapshot()
    with pytest.raises(UnitNotReceived):
        services.unit_inspect(
            case=case,
            return_line_id=shirts.pk,
            warehouse=warehouse,
            actor=operator,
            grade="B",
            decision="accepted",
            checklist=APPAREL_OK,
        )
    assert snapshot() == before
    assert InspectedUnit.objects.count() == 1


def test_serials_are_checked_against_the_known_ones(db, warehouse, operator):
    case = approved_case(serials={1: ["SN-AAA1", "SN-BBB2"]})
    lines = return_lines(case)
    services.receipt_record(
        case=case,
        warehouse=warehouse,
        actor=operator,
        counts=[CountedUnits(lines[1].pk, 2)],
    )
    case.refresh_from_db()

    [good] = services.unit_inspect(
        case=case,
        return_line_id=lines[1].pk,
        warehouse=warehouse,
        actor=operator,
        grade="A",
        decision="accepted",
        checklist=PHONE_OK,
        serial="sn-aaa1",
    )
    assert (good.serial, good.serial_matches) == ("SN-AAA1", True)
    assert good.checklist["serial_matches"] is True

    with pytest.raises(GradeContradictsChecklist):
        services.unit_inspect(
            case=case,
            return_line_id=lines[1].pk,
            warehouse=warehouse,
            actor=operator,
            grade="A",
            decision="accepted",
            checklist=PHONE_OK,
            serial="SN-SWAPPED",
        )
    [swapped] = services.unit_inspect(
        case=case,
        return_line_id=lines[1].pk,
        warehouse=warehouse,
        actor=operator,
        grade="D",
        decision="rejected",
        checklist=PHONE_OK,
        serial="SN-SWAPPED",
    )
    assert swapped.serial_matches is False
    notice = DomainEvent.objects.get(type="receiving.rejection_notice")
    assert notice.payload["failed_checks"] == ["serial_matches"]


def test_without_a_known_serial_the_match_is_left_open(received, warehouse, operator):
    _shirts, phones = return_lines(received)
    [unit] = services.unit_inspect(
        case=received,
        return_line_id=phones.pk,
        warehouse=warehouse,
        actor=operator,
        grade="A",
        decision="accepted",
        checklist=PHONE_OK,
        serial="SN-NEW",
    )
    assert unit.serial_matches is None
    assert "serial_matches" not in unit.checklist


def test_a_serial_needs_one_unit_at_a_time(received, warehouse, operator):
    _shirts, phones = return_lines(received)
    with pytest.raises(SerialPerUnit):
        services.unit_inspect(
            case=received,
            return_line_id=phones.pk,
            warehouse=warehouse,
            actor=operator,
            grade="A",
            decision="accepted",
            checklist=PHONE_OK,
            serial="SN-1",
            quantity=2,
        )


def test_staff_of_another_warehouse_cannot_inspect_here(received, warehouse, outsider):
    shirts, _ = return_lines(received)
    before = snapshot()
    with pytest.raises(NotYourWarehouse):
        services.unit_inspect(
            case=received,
            return_line_id=shirts.pk,
            warehouse=warehouse,
            actor=outsider,
            grade="A",
            decision="accepted",
            checklist=APPAREL_OK,
        )
    assert snapshot() == before
