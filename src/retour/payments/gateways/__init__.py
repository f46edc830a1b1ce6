"""Payment providers behind one adapter: `gateway_for(name).create_refund(RefundRequest)`.

Each gateway turns the provider's answer into a `GatewayResult` (a refund status and reference)
or raises `TransientGatewayError` (time-out, 5xx, "in progress": the same attempt is sent again
later with the same idempotency key) or `PermanentGatewayError` (a decline: the attempt fails and
its reservation is released).
"""

from retour.payments.gateways.base import (
    GatewayResult,
    PermanentGatewayError,
    RefundGateway,
    RefundRequest,
    TransientGatewayError,
)


def gateway_for(name: str) -> RefundGateway:
    from retour.payments.gateways.manual import ManualGateway
    from retour.payments.gateways.paypal import PayPalGateway
    from retour.payments.gateways.stripe import StripeGateway

    gateways = {"stripe": StripeGateway, "paypal": PayPalGateway, "manual": ManualGateway}
    return gateways.get(name, ManualGateway)()


__all__ = [
    "GatewayResult",
    "PermanentGatewayError",
    "RefundGateway",
    "RefundRequest",
    "TransientGatewayError",
    "gateway_for",
]
