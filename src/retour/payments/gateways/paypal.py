"""PayPal Payments v2 refunds over REST (urllib), with `PayPal-Request-Id` as idempotency key."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from retour.core.money import Money
from retour.payments.choices import RefundStatus
from retour.payments.conf import payments_setting
from retour.payments.gateways.base import (
    GatewayResult,
    PermanentGatewayError,
    RefundRequest,
    TransientGatewayError,
)

STATUS = {
    "COMPLETED": RefundStatus.SUCCEEDED,
    "PENDING": RefundStatus.PROCESSING,
    "FAILED": RefundStatus.FAILED,
    "CANCELLED": RefundStatus.CANCELED,
}


def result_from_object(body: Mapping[str, Any]) -> GatewayResult:
    status = STATUS.get(str(body.get("status")), RefundStatus.PROCESSING)
    amount = body.get("amount") or {}
    amount_minor = None
    currency = str(amount.get("currency_code") or "")
    if amount.get("value") is not None and currency:
        amount_minor = Money.from_major(amount["value"], currency).amount_minor
    details = body.get("status_details") or {}
    return GatewayResult(
        status=status,
        psp_reference=str(body.get("id") or ""),
        amount_minor=amount_minor,
        currency=currency,
        failure_code=str(details.get("reason") or "") if status == RefundStatus.FAILED else "",
        raw=dict(body),
    )


class PayPalGateway:
    name = "paypal"

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config = dict(config or payments_setting("paypal"))
        self._token: str | None = None

    # HTTP ------------------------------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        form: bool = False,
        auth: bool = True,
    ) -> tuple[int, dict]:
        url = self.config["api_base"].rstrip("/") + path
        data = None
        all_headers = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            if form:
                data = body.encode()
                all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                all_headers["Content-Type"] = "application/json"
        if auth:
            all_headers["Authorization"] = f"Bearer {self._access_token()}"
        request = urllib.request.Request(url, data=data, headers=all_headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=float(self.config["timeout"])) as response:  # noqa: S310
                return response.status, _json(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _json(error.read())
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            raise TransientGatewayError("timeout", str(error)) from error

    def _access_token(self) -> str:
        if self._token:
            return self._token
        credentials = f"{self.config['client_id']}:{self.config['client_secret']}".encode()
        status, body = self._request(
            "POST",
            "/v1/oauth2/token",
            body="grant_type=client_credentials",
            form=True,
            auth=False,
            headers={"Authorization": "Basic " + base64.b64encode(credentials).decode()},
        )
        if status != 200 or "access_token" not in body:
            raise TransientGatewayError("authentication", f"token request answered {status}")
        self._token = body["access_token"]
        return self._token

    # Refunds ---------------------------------------------------------------------------------
    def create_refund(self, request: RefundRequest) -> GatewayResult:
        body = {
            "amount": {
                "value": request.amount.major_string(),
                "currency_code": request.amount.currency,
            },
            "custom_id": str(request.refund_id),
        }
        if request.note:
            body["note_to_payer"] = request.note[:255]
        status, answer = self._request(
            "POST",
            f"/v2/payments/captures/{quote(request.payment_reference, safe='')}/refund",
            body=body,
            headers={
                "PayPal-Request-Id": request.idempotency_key,
                "Prefer": "return=representation",
            },
        )
        if status in (200, 201):
            return result_from_object(answer)
        raise _error(status, answer)

    def retrieve_refund(self, psp_reference: str) -> GatewayResult:
        status, answer = self._request(
            "GET", f"/v2/payments/refunds/{quote(psp_reference, safe='')}"
        )
        if status == 200:
            return result_from_object(answer)
        raise _error(status, answer)

    def list_refunds(self, *, since: datetime) -> list[GatewayResult]:
        # PayPal has no refund list endpoint in Payments v2; reconciliation retrieves each one.
        return []

    def verify_webhook(self, *, headers: Mapping[str, str], event: Mapping[str, Any]) -> bool:
        """Ask PayPal to verify a webhook's signature (POST verify-webhook-signature)."""
        body = {
            "auth_algo": headers.get("PAYPAL-AUTH-ALGO", ""),
            "cert_url": headers.get("PAYPAL-CERT-URL", ""),
            "transmission_id": headers.get("PAYPAL-TRANSMISSION-ID", ""),
            "transmission_sig": headers.get("PAYPAL-TRANSMISSION-SIG", ""),
            "transmission_time": headers.get("PAYPAL-TRANSMISSION-TIME", ""),
            "webhook_id": self.config["webhook_id"],
            "webhook_event": dict(event),
        }
        if not all(body[key] for key in ("transmission_id", "transmission_sig", "webhook_id")):
            return False
        status, answer = self._request(
            "POST", "/v1/notifications/verify-webhook-signature", body=body
        )
        return status == 200 and answer.get("verification_status") == "SUCCESS"


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _error(status: int, body: Mapping[str, Any]) -> Exception:
    details = body.get("details") or [{}]
    code = str(details[0].get("issue") or body.get("name") or f"http_{status}")
    message = str(details[0].get("description") or body.get("message") or "")
    if status >= 500 or status in (401, 408, 409, 429):
        return TransientGatewayError(code, message, raw=body)
    return PermanentGatewayError(code, message, raw=body)
