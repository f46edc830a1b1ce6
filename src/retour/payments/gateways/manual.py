"""Manual refunds and bank transfers: finance pays outside Retour and records the reference."""

from __future__ import annotations

from datetime import datetime

from retour.payments.choices import RefundStatus
from retour.payments.gateways.base import GatewayResult, RefundRequest


class ManualGateway:
    name = "manual"

    def create_refund(self, request: RefundRequest) -> GatewayResult:
        # Nothing to call: the refund waits for finance to transfer and record the reference.
        return GatewayResult(
            status=RefundStatus.REQUIRES_ACTION,
            amount_minor=request.amount.amount_minor,
            currency=request.amount.currency,
            failure_code="manual_transfer_needed",
        )

    def retrieve_refund(self, psp_reference: str) -> GatewayResult:
        return GatewayResult(status=RefundStatus.SUCCEEDED, psp_reference=psp_reference)

    def list_refunds(self, *, since: datetime) -> list[GatewayResult]:
        return []
