"""Carrier webhook endpoints (mounted at /webhooks/carriers/): EasyPost and AfterShip.

Both check the signature over the raw body with a constant-time comparison before parsing,
answer 401 when it is missing or wrong, 400 for a body that is not an event, 413 for an
oversized body, and 200 for a stored event or a duplicate (so the sender stops retrying).

Accepting is cheap and durable: the parsed event is stored as pending with one idempotent
INSERT (`tracking.tracking_accept`) and applied afterwards by a task (`tracking_apply_task`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from easypost.errors import SignatureVerificationError
from easypost.util import validate_webhook

from retour.logistics.tracking import (
    MalformedEvent,
    parse_aftership,
    parse_easypost,
    tracking_accept,
)

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 512 * 1024


def _refuse(status: int, code: str) -> JsonResponse:
    return JsonResponse({"error": code}, status=status)


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return True
    return length > MAX_BODY_BYTES


def _accept(event) -> JsonResponse:
    if event is None:
        return JsonResponse({"status": "ignored"})
    if tracking_accept(event) is None:
        return JsonResponse({"status": "duplicate"})
    return JsonResponse({"status": "accepted"})


def aftership_signature_valid(body: bytes, header: str, secret: str) -> bool:
    if not secret or not header:
        return False
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode("ascii")
    return hmac.compare_digest(expected.encode("ascii"), header.strip().encode("ascii", "ignore"))


@csrf_exempt
@require_POST
def easypost_webhook(request: HttpRequest) -> JsonResponse:
    if _too_large(request):
        return _refuse(413, "too_large")
    secret = getattr(settings, "EASYPOST_WEBHOOK_SECRET", "") or ""
    body = request.body
    if not secret:
        return _refuse(401, "not_configured")
    try:
        payload = validate_webhook(body, request.headers, secret)
    except SignatureVerificationError:
        return _refuse(401, "signature")
    except (ValueError, UnicodeDecodeError):
        return _refuse(400, "malformed")
    try:
        event = parse_easypost(payload)
    except MalformedEvent:
        return _refuse(400, "malformed")
    return _accept(event)


@csrf_exempt
@require_POST
def aftership_webhook(request: HttpRequest) -> JsonResponse:
    if _too_large(request):
        return _refuse(413, "too_large")
    secret = getattr(settings, "AFTERSHIP_WEBHOOK_SECRET", "") or ""
    body = request.body
    if not aftership_signature_valid(
        body, request.headers.get("aftership-hmac-sha256", ""), secret
    ):
        return _refuse(401, "signature")
    try:
        payload = json.loads(body)
        event = parse_aftership(payload)
    except (ValueError, MalformedEvent):
        return _refuse(400, "malformed")
    return _accept(event)
