"""Stripe refunds through the official SDK (`stripe.StripeClient`), with our idempotency key.

The SDK itself retries time-outs, 409 and 5xx answers with the same key (Stripe replays the
saved result of a key, so a retry never refunds twice). What is still unknown after that is a
`TransientGatewayError`: the attempt stays `requested` and is sent again later with its key.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import stripe

from retour.payments.choices import RefundStatus
from retour.payments.conf import payments_setting
from retour.payments.gateways.base import (
    GatewayResult,
    PermanentGatewayError,
    RefundRequest,
    TransientGatewayError,
)

STATUS = {
    "pending": RefundStatus.PROCESSING,
    "requires_action": RefundStatus.REQUIRES_ACTION,
    "succeeded": RefundStatus.SUCCEEDED,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.CANCELED,
}
# Error codes that mean "try the same request again later" rather than "refused".
TRANSIENT_CODES = frozenset({"idempotency_key_in_use", "lock_timeout", "rate_limit"})


def result_from_object(refund: Any) -> GatewayResult:
    refund = _plain(refund)
    status = STATUS.get(str(refund.get("status")), RefundStatus.PROCESSING)
    return GatewayResult(
        status=status,
        psp_reference=str(refund.get("id") or ""),
        amount_minor=refund.get("amount"),
        currency=str(refund.get("currency") or "").upper(),
        failure_code=str(refund.get("failure_reason") or "")
        if status == RefundStatus.FAILED
        else "",
        raw=refund,
    )


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return dict(value) if isinstance(value, Mapping) else value


class StripeGateway:
    name = "stripe"

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config = dict(config or payments_setting("stripe"))

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            self.config["api_key"] or "sk_missing",
            base_addresses={"api": self.config["api_base"]},
            max_network_retries=int(self.config.get("max_network_retries", 2)),
            http_client=stripe.new_default_http_client(timeout=float(self.config["timeout"])),
        )

    def create_refund(self, request: RefundRequest) -> GatewayResult:
        params: dict[str, Any] = {
            "amount": request.amount.amount_minor,
            "reason": "requested_by_customer",
            "metadata": {"retour_refund_id": str(request.refund_id), **request.metadata},
        }
        if request.payment_reference.startswith("pi_"):
            params["payment_intent"] = request.payment_reference
        else:
            params["charge"] = request.payment_reference
        try:
            refund = self._client().v1.refunds.create(
                params=params, options={"idempotency_key": request.idempotency_key}
            )
        except stripe.StripeError as error:
            raise _translate(error) from error
        return result_from_object(refund)

    def retrieve_refund(self, psp_reference: str) -> GatewayResult:
        try:
            return result_from_object(self._client().v1.refunds.retrieve(psp_reference))
        except stripe.StripeError as error:
            raise _translate(error) from error

    def cancel_refund(self, psp_reference: str) -> GatewayResult:
        """Only a refund in `requires_action` can be canceled at Stripe."""
        try:
            return result_from_object(self._client().v1.refunds.cancel(psp_reference))
        except stripe.StripeError as error:
            raise _translate(error) from error

    def list_refunds(self, *, since: datetime) -> list[GatewayResult]:
        try:
            page = self._client().v1.refunds.list(
                params={"created": {"gte": int(since.timestamp())}, "limit": 100}
            )
            return [result_from_object(item) for item in page.auto_paging_iter()]
        except stripe.StripeError as error:
            raise _translate(error) from error


def _translate(error: stripe.StripeError) -> Exception:
    raw = getattr(error, "json_body", None) or {}
    body = raw.get("error") or {} if isinstance(raw, dict) else {}
    code = getattr(error, "code", None) or body.get("code") or ""
    message = getattr(error, "user_message", None) or body.get("message") or str(error)
    status = getattr(error, "http_status", None)
    if isinstance(
        error,
        stripe.APIConnectionError
        | stripe.RateLimitError
        | stripe.AuthenticationError
        | stripe.IdempotencyError,
    ):
        return TransientGatewayError(code or type(error).__name__, message, raw=raw)
    if code in TRANSIENT_CODES or (status is not None and (status >= 500 or status == 409)):
        return TransientGatewayError(code or f"http_{status}", message, raw=raw)
    return PermanentGatewayError(code or "declined", message, raw=raw)


# --- Webhook signatures --------------------------------------------------------------------


def verify_signature(
    payload: bytes, header: str, secret: str, *, tolerance: int, now: float | None = None
) -> bool:
    """Stripe's scheme (`t=…,v1=…`, HMAC-SHA256 of "t.body"), any v1 may match (rotation);
    the timestamp must be within `tolerance` seconds in either direction: the SDK refuses only
    old timestamps, we also refuse ones from the future."""
    if not header or not secret:
        return False
    timestamp = None
    signatures = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not timestamp.isdigit() or not signatures:
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + payload, hashlib.sha256
    ).hexdigest()
    return any(hmac.compare_digest(expected, signature) for signature in signatures)


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    """The header Stripe would send (for tests and local replays)."""
    digest = hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + payload, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"
