"""Refund claims (damaged, missing, keep it): the claimed units in full, recorded on the ledger."""

from __future__ import annotations

import pytest

from retour.core.actors import Actor
from retour.payments import services
from retour.payments.choices import RefundStatus
from retour.payments.exceptions import NothingToSettle
from retour.returns import services as returns
from retour.returns.choices import ClaimKind, ClaimResolution
from retour.returns.models import OrderLineLedger
from retour.returns.types import ClaimLineRequest
from tests.payments.conftest import paid_order

pytestmark = pytest.mark.django_db


def test_an_approved_damage_claim_refunds_and_settles_the_units(money_settings, fake_stripe, agent):
    order = paid_order((2, 1))
    shirt = order.lines.order_by("id").first()
    claim = returns.claim_open(
        order=order,
        actor=Actor.customer(order.customer_id),
        kind=ClaimKind.DAMAGED,
        resolution=ClaimResolution.REFUND,
        lines=[ClaimLineRequest(shirt.pk, 1, "arrived_broken")],
    )
    with pytest.raises(NothingToSettle):
        services.claim_settlement_confirm(claim=claim, actor=agent)  # not approved yet
    claim = returns.claim_approve(claim=claim, actor=agent)
    preview = services.claim_settlement_preview(claim=claim)
    assert preview.total.amount_minor == 1318
    settlement = services.claim_settlement_confirm(
        claim=claim, actor=agent, expected_fingerprint=preview.fingerprint
    )
    [refund] = services.refunds_issue(settlement=settlement, actor=agent, send=False)
    refund = services.refund_send(refund=refund)
    assert refund.status == RefundStatus.SUCCEEDED
    assert OrderLineLedger.objects.get(order_line=shirt).refunded_qty == 1
    claim.refresh_from_db()
    assert claim.lines.get().quantity_refunded == 1
    with pytest.raises(NothingToSettle):
        services.claim_settlement_confirm(claim=claim, actor=agent)
