"""Provider webhooks (mounted at /webhooks/payments/): verify, dedupe, record the outcome."""

from __future__ import annotations

import json
import logging

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from retour.core.actors import Actor
from retour.payments.conf import payments_setting
from retour.payments.gateways import paypal as paypal_gateway
from retour.payments.gateways import stripe as stripe_gateway
from retour.payments.gateways.base import TransientGatewayError
from retour.payments.models import Refund, RefundEvent, WebhookReceipt
from retour.payments.services import refund_record_outcome

logger = logging.getLogger(__name__)

STRIPE_REFUND_EVENTS = frozenset(
    {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}
)


def _receipt(provider: str, event_id: str, event_type: str) -> bool:
    """Record a delivery once; False when it was already received (a duplicate)."""
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(
                provider=provider, event_id=event_id, type=event_type[:100]
            )
    except IntegrityError:
        return False
    return True


def _record(provider: str, event_id: str, event_type: str, refund: Refund, result) -> HttpResponse:
    """Record the outcome (deduplicated by the provider's event id under the balance lock),
    then the delivery. Not one transaction: the outcome commits and releases the balance lock
    before the quantity ledger is posted (lock order, docs/money.md)."""
    external_id = f"{provider}:{event_id}"
    if RefundEvent.objects.filter(external_id=external_id).exists():
        _receipt(provider, event_id, event_type)
        return JsonResponse({"status": "duplicate"})
    refund_record_outcome(
        refund=refund,
        result=result,
        source="webhook",
        actor=Actor.system(provider),
        external_id=external_id,
    )
    _receipt(provider, event_id, event_type)
    return JsonResponse({"status": "ok"})


def _find_refund(provider: str, reference: str, refund_id: str) -> Refund | None:
    refund = None
    if reference:
        refund = Refund.objects.filter(gateway=provider, psp_reference=reference).first()
    if refund is None and refund_id.isdigit():
        refund = Refund.objects.filter(gateway=provider, pk=int(refund_id)).first()
    return refund


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    config = payments_setting("stripe")
    payload = request.body
    if not stripe_gateway.verify_signature(
        payload,
        request.headers.get("Stripe-Signature", ""),
        config["webhook_secret"],
        tolerance=int(payments_setting("webhook_tolerance_seconds")),
    ):
        return JsonResponse({"error": "invalid signature"}, status=400)
    try:
        event = json.loads(payload)
    except ValueError:
        return JsonResponse({"error": "invalid body"}, status=400)
    event_id = str(event.get("id") or "")
    event_type = str(event.get("type") or "")
    if not event_id:
        return JsonResponse({"error": "no event id"}, status=400)
    if event_type not in STRIPE_REFUND_EVENTS:
        return JsonResponse({"status": "ignored"})
    obj = (event.get("data") or {}).get("object") or {}
    refund = _find_refund(
        "stripe",
        str(obj.get("id") or ""),
        str((obj.get("metadata") or {}).get("retour_refund_id") or ""),
    )
    if refund is None:
        # Reconciliation reports refunds we do not know; answer 200 so Stripe stops resending.
        return JsonResponse({"status": "unknown refund"})
    return _record("stripe", event_id, event_type, refund, stripe_gateway.result_from_object(obj))


@csrf_exempt
@require_POST
def paypal_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "invalid body"}, status=400)
    headers = {key.upper(): value for key, value in request.headers.items()}
    try:
        verified = paypal_gateway.PayPalGateway().verify_webhook(headers=headers, event=event)
    except TransientGatewayError:
        return JsonResponse({"error": "verification unavailable"}, status=503)
    if not verified:
        return JsonResponse({"error": "invalid signature"}, status=400)
    event_id = str(event.get("id") or "")
    event_type = str(event.get("event_type") or "")
    resource = event.get("resource") or {}
    refund = _find_refund(
        "paypal", str(resource.get("id") or ""), str(resource.get("custom_id") or "")
    )
    if refund is None or not event_id:
        return JsonResponse({"status": "ignored"})
    result = paypal_gateway.result_from_object(resource)
    if event_type == "PAYMENT.CAPTURE.REVERSED":
        result = paypal_gateway.GatewayResult(status="failed", psp_reference=result.psp_reference)
    return _record("paypal", event_id, event_type, refund, result)
