"""Second thoughts: a unit's decision changes before its disposition; a remainder that never
arrives is written off so the case can be received."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retour.core.models import DomainEvent
from retour.receiving import services
from retour.receiving.exceptions import AlreadyDisposed
from retour.receiving.types import CountedUnits
from retour.returns.choices import CaseStatus
from retour.returns.exceptions import ReasonRequired
from retour.returns.models import OrderLineLedger
from tests.receiving.factories import return_lines
from tests.returns.snapshots import snapshot


@pytest.fixture
def unit(case, warehouse, operator):
    shirts, _ = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(shirts.pk, 1)]
    )
    case.refresh_from_db()
    [unit] = services.unit_inspect(
        case=case,
        return_line_id=shirts.pk,
        warehouse=warehouse,
        actor=operator,
        grade="B",
        decision="accepted",
        checklist={},
    )
    return unit


def test_an_accepted_unit_is_rejected_after_all(unit, operator):
    services.unit_revise(unit=unit, decision="rejected", reason="Worn after all", actor=operator)

    unit.refresh_from_db()
    line = unit.return_line
    line.refresh_from_db()
    assert unit.decision == "rejected"
    assert (line.quantity_accepted, line.quantity_rejected) == (0, 1)
    ledger = OrderLineLedger.objects.get(order_line_id=line.order_line_id)
    assert (ledger.accepted_qty, ledger.rejected_qty) == (0, 1)
    notice = DomainEvent.objects.get(type="receiving.rejection_notice")
    assert notice.payload["unit_ids"] == [unit.pk]
    assert services.allowed_dispositions(unit) == ["return_to_buyer"]


def test_a_revision_needs_a_reason_and_an_undisposed_unit(unit, operator):
    before = snapshot()
    with pytest.raises(ReasonRequired):
        services.unit_revise(unit=unit, decision="rejected", reason=" ", actor=operator)
    assert snapshot() == before

    services.unit_dispose(unit=unit, action="restock", actor=operator)
    with pytest.raises(AlreadyDisposed):
        services.unit_revise(unit=unit, decision="rejected", reason="too late", actor=operator)
    unit.refresh_from_db()
    assert unit.decision == "accepted"


def test_the_remainder_is_written_off_from_the_case_screen(
    client, operator_user, case, warehouse, operator
):
    shirts, _ = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(shirts.pk, 1)]
    )
    client.force_login(operator_user)

    response = client.post(
        reverse("backoffice:receiving_close_remaining", args=[case.pk]),
        {"reason": "Buyer kept the rest"},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED
    shirts.refresh_from_db()
    assert (shirts.quantity_received, shirts.quantity_released) == (1, 2)


def test_revising_over_http(client, operator_user, unit):
    client.force_login(operator_user)
    page = client.get(reverse("backoffice:receiving_dispose", args=[unit.pk]))
    assert b"Change the decision" in page.content
    client.post(
        reverse("backoffice:receiving_revise", args=[unit.pk]),
        {"decision": "rejected", "reason": "Stain found under the collar"},
    )
    unit.refresh_from_db()
    assert unit.decision == "rejected"
