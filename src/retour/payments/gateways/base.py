"""The adapter every payment provider implements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from retour.core.money import Money


@dataclass(frozen=True, slots=True)
class RefundRequest:
    refund_id: int
    idempotency_key: str
    payment_reference: str  # a Stripe charge / PaymentIntent id, a PayPal capture id
    amount: Money
    note: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GatewayResult:
    """The provider's view of one refund; `status` is one of RefundStatus' values."""

    status: str
    psp_reference: str = ""
    amount_minor: int | None = None
    currency: str = ""
    failure_code: str = ""
    failure_message: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


class GatewayError(Exception):
    def __init__(self, code: str, message: str = "", *, raw: Mapping[str, Any] | None = None):
        self.code = code
        self.message = message or code
        self.raw = dict(raw or {})
        super().__init__(f"{code}: {self.message}")


class TransientGatewayError(GatewayError):
    """The outcome is unknown or the provider asked to try later: keep the key, send again."""


class PermanentGatewayError(GatewayError):
    """The provider refused the refund for good (a decline, an amount it will not take)."""


class RefundGateway(Protocol):
    name: str

    def create_refund(self, request: RefundRequest) -> GatewayResult: ...

    def retrieve_refund(self, psp_reference: str) -> GatewayResult: ...

    def list_refunds(self, *, since: datetime) -> list[GatewayResult]: ...
