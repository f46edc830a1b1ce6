"""Counting parcels: receipts accumulate in the returns core; mismatches open disputes."""

from __future__ import annotations

import pytest

from retour.core.models import DomainEvent
from retour.evidence.models import Evidence
from retour.receiving import services
from retour.receiving.exceptions import (
    CaseNotReceivable,
    EmptyBoxWithItems,
    NothingCounted,
    NotYourWarehouse,
)
from retour.receiving.models import Dispute, DisputeItem, Receipt, ReceiptLine
from retour.receiving.types import CountedUnits, Discrepancy
from retour.returns.choices import CaseStatus
from retour.returns.models import OrderLineLedger, ReturnCase
from tests.receiving.factories import photo, return_lines
from tests.returns.snapshots import snapshot


def counts(case, *quantities):
    return [
        CountedUnits(line.pk, quantity)
        for line, quantity in zip(return_lines(case), quantities, strict=False)
    ]


def test_partial_receipt_then_a_second_completes_the_case(case, warehouse, operator):
    shirts, phones = return_lines(case)

    first = services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=counts(case, 2, 0), weight_grams=620
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.PARTIALLY_RECEIVED
    assert list(first.lines.values_list("return_line_id", "quantity")) == [(shirts.pk, 2)]
    assert not Dispute.objects.exists()

    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=counts(case, 1, 2)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED
    shirts.refresh_from_db()
    phones.refresh_from_db()
    assert (shirts.quantity_received, phones.quantity_received) == (3, 2)
    ledger = OrderLineLedger.objects.get(order_line_id=shirts.order_line_id)
    assert (ledger.requested_qty, ledger.received_qty) == (0, 3)
    assert Receipt.objects.filter(case=case).count() == 2
    assert (
        DomainEvent.objects.filter(aggregate_id=case.pk, type="receiving.receipt_recorded").count()
        == 2
    )


def test_units_beyond_what_is_expected_are_extra_items_in_a_dispute(case, warehouse, operator):
    shirts, _phones = return_lines(case)

    receipt = services.receipt_record(
        case=case,
        warehouse=warehouse,
        actor=operator,
        counts=counts(case, 5, 0),
        weight_grams=1400,
        photos=[photo()],
    )

    shirts.refresh_from_db()
    assert shirts.quantity_received == 3  # never more than requested
    dispute = receipt.dispute
    items = list(dispute.items.values_list("kind", "quantity", "return_line_id"))
    assert items == [("extra_item", 2, shirts.pk)]
    assert dispute.weight_grams == 1400
    assert dispute.expected_weight_grams == 5 * 300
    assert dispute.photos.count() == 1
    evidence = Evidence.objects.get()
    assert (evidence.case_id, evidence.source) == (case.pk, "warehouse")
    event = DomainEvent.objects.get(type="receiving.dispute_opened")
    assert event.payload["evidence_ids"] == [evidence.pk]
    assert event.payload["kinds"] == ["extra_item"]


def test_wrong_items_are_recorded_alongside_counted_ones(case, warehouse, operator):
    receipt = services.receipt_record(
        case=case,
        warehouse=warehouse,
        actor=operator,
        counts=counts(case, 1),
        discrepancies=[Discrepancy(kind="wrong_item", quantity=1, description="a red scarf")],
    )

    assert ReceiptLine.objects.filter(receipt=receipt).count() == 1
    assert list(receipt.dispute.items.values_list("kind", "description")) == [
        ("wrong_item", "a red scarf")
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.PARTIALLY_RECEIVED


def test_an_empty_box_opens_a_dispute_with_weight_and_photos(case, warehouse, operator):
    before_status = case.status

    receipt = services.receipt_record(
        case=case,
        warehouse=warehouse,
        actor=operator,
        empty=True,
        weight_grams=180,
        photos=[photo("box.png"), photo("label.png", "blue")],
    )

    case.refresh_from_db()
    assert case.status == before_status  # nothing was received
    assert receipt.is_empty
    dispute = receipt.dispute
    assert list(dispute.items.values_list("kind", flat=True)) == ["empty_box"]
    assert (dispute.weight_grams, dispute.expected_weight_grams) == (180, 5 * 300)
    assert dispute.photos.count() == 2
    assert not ReceiptLine.objects.exists()


def test_an_empty_box_with_counted_items_is_refused(case, warehouse, operator):
    before = snapshot()
    with pytest.raises(EmptyBoxWithItems):
        services.receipt_record(
            case=case, warehouse=warehouse, actor=operator, empty=True, counts=counts(case, 1)
        )
    assert snapshot() == before
    assert not Receipt.objects.exists()


def test_a_receipt_with_nothing_in_it_is_refused(case, warehouse, operator):
    with pytest.raises(NothingCounted):
        services.receipt_record(
            case=case, warehouse=warehouse, actor=operator, counts=counts(case, 0, 0)
        )
    assert not Receipt.objects.exists()


def test_a_repeated_submission_records_one_receipt(case, warehouse, operator):
    first = services.receipt_record(
        case=case,
        warehouse=warehouse,
        actor=operator,
        counts=counts(case, 1),
        idempotency_key="form-123",
    )
    again = services.receipt_record(
        case=case,
        warehouse=warehouse,
        actor=operator,
        counts=counts(case, 1),
        idempotency_key="form-123",
    )

    assert again.pk == first.pk
    shirts, _ = return_lines(case)
    assert shirts.quantity_received == 1


def test_staff_of_another_warehouse_cannot_receive_here(case, warehouse, outsider):
    before = snapshot()
    with pytest.raises(NotYourWarehouse) as refused:
        services.receipt_record(
            case=case, warehouse=warehouse, actor=outsider, counts=counts(case, 1)
        )
    assert refused.value.code == "receiving.not_your_warehouse"
    assert snapshot() == before
    assert not Receipt.objects.exists()


def test_a_canceled_return_receives_nothing(case, warehouse, operator):
    from retour.core.actors import Actor
    from retour.returns.services import case_cancel

    case = case_cancel(case=case, actor=Actor.system("tests"), reason="buyer changed their mind")
    with pytest.raises(CaseNotReceivable):
        services.receipt_record(case=case, warehouse=warehouse, actor=operator, empty=True)
    assert not Receipt.objects.exists()
    assert not DisputeItem.objects.exists()
    assert ReturnCase.objects.get(pk=case.pk).status == CaseStatus.CANCELED


def test_receiving_events_read_well_on_the_case_timeline(case, warehouse, operator):
    from retour.returns.timeline import case_timeline

    services.receipt_record(case=case, warehouse=warehouse, actor=operator, counts=counts(case, 2))
    services.receipt_record(case=case, warehouse=warehouse, actor=operator, empty=True)

    messages = [entry.message for entry in case_timeline(case=case, language="de")]
    assert "2 Einheiten im Lager gezählt." in messages
    assert "Das Paket kam leer an." in messages
    assert "Das Paket passt nicht zur Retoure: Eine Unstimmigkeit wurde eröffnet." in messages
