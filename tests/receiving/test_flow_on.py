"""What follows inspection by policy: accepted units fire the refund trigger "inspection" (money
settles and refunds them); rejected ones fire nothing and notify the buyer instead."""

from __future__ import annotations

from retour.core.models import DomainEvent
from retour.payments.models import Refund, Settlement
from retour.receiving import services
from retour.receiving.types import CountedUnits
from tests.orders.factories import PaymentFactory
from tests.receiving.factories import return_lines


def received_with_payment(case, warehouse, operator):
    PaymentFactory(
        order=case.order, provider="manual", method_type="bank_transfer", captured_minor=50_000
    )
    shirts, _ = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(shirts.pk, 2)]
    )
    case.refresh_from_db()
    return case, shirts


def test_accepting_units_at_inspection_refunds_them(case, warehouse, operator):
    case, shirts = received_with_payment(case, warehouse, operator)

    services.unit_inspect(
        case=case,
        return_line_id=shirts.pk,
        warehouse=warehouse,
        actor=operator,
        grade="B",
        decision="accepted",
        checklist={},
    )

    settlement = Settlement.objects.get(case=case)
    assert Refund.objects.filter(settlement=settlement).exists()


def test_rejecting_units_refunds_nothing_and_tells_the_buyer(case, warehouse, operator):
    case, shirts = received_with_payment(case, warehouse, operator)

    services.unit_inspect(
        case=case,
        return_line_id=shirts.pk,
        warehouse=warehouse,
        actor=operator,
        grade="D",
        decision="rejected",
        checklist={"no_stains": False},
    )

    assert not Settlement.objects.filter(case=case).exists()
    assert DomainEvent.objects.filter(
        aggregate_id=case.pk, type="receiving.rejection_notice"
    ).exists()
