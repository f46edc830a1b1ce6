"""Writes for the buyer's side: order lookup (rate-limited, constant work), one-time access
links, the guided return's submission (orchestrating the returns core, the rules, logistics and
evidence), help requests, photo uploads and the statutory withdrawal with its acknowledgement.

Keyword-only, actor explicit, atomic, an event per change; e-mails leave through the outbox
(`retour.buyers.notifications`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from retour.buyers import documents
from retour.buyers.exceptions import (
    InvalidContact,
    LinkInvalid,
    LookupFailed,
    LookupThrottled,
    NothingToReturn,
    WithdrawalNotAvailable,
)
from retour.buyers.models import (
    AccessLink,
    AccessPurpose,
    CasePreference,
    HelpRequest,
    LookupAttempt,
    LookupScope,
    PendingUpload,
    Withdrawal,
)
from retour.buyers.selectors import order_preview, withdrawal_open
from retour.core.actors import Actor
from retour.core.events import record_event
from retour.core.exceptions import ApplicationError, ValidationFailed
from retour.orders.models import Order
from retour.returns.choices import CaseStatus, ClaimKind, ClaimResolution, Resolution
from retour.returns.models import ReturnCase
from retour.returns.services import case_cancel, case_create, case_submit, claim_open
from retour.returns.types import ClaimLineRequest, LineRequest

logger = logging.getLogger(__name__)

WITHDRAWAL = "buyers.withdrawal"
ACCESS_LINK = "buyers.access_link"
HELP = "buyers.help"
EVENT_WITHDRAWAL_CONFIRMED = "buyers.withdrawal.confirmed"
EVENT_LINK_CREATED = "buyers.access_link.created"
EVENT_HELP_REQUESTED = "buyers.help.requested"

# Rate limits: failed lookups in the window, per client address and per order number.
LOOKUP_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ADDRESS = 20
MAX_FAILURES_PER_ORDER = 5
ACCESS_LINK_TTL = timedelta(minutes=30)
STATUS_LINK_MAX_AGE = timedelta(days=365)
ACCESS_SALT = "retour.buyers.access"
STATUS_SALT = "retour.buyers.status"

PHOTO_TYPES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS_PER_LINE = 5


# Lookup ----------------------------------------------------------------------------------------


def _key(scope: str, value: str) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()


def normalize_order_number(number: str) -> str:
    return "".join((number or "").split()).lstrip("#")


def _number_variants(canonical: str) -> list[str]:
    """The stored forms a typed number may match: with or without "#", as typed or upper-case
    (exact matches, so the order-number index serves the lookup)."""
    forms = {canonical, canonical.upper()}
    return sorted(forms | {f"#{form}" for form in forms})


def _normalize_contact(value: str) -> str:
    """E-mail addresses compare case-insensitively; postal codes without spaces or dashes."""
    value = (value or "").strip().lower()
    if "@" in value:
        return value
    return "".join(ch for ch in value if ch.isalnum())


def lookup_strict_mode() -> bool:
    return bool(getattr(settings, "RETOUR_PORTAL_STRICT_LOOKUP", False))


def order_lookup(
    *, number: str, contact: str, client_address: str, now: datetime | None = None
) -> Order:
    """The order whose number is `number` and whose e-mail or postal code is `contact`.

    Wrong and unknown answer the same (`buyers.lookup_failed`) after the same work: one read of
    the candidates, one keyed digest comparison per candidate contact (against a decoy when
    there is none), one write of the attempt. Failed attempts are limited per client address
    and per order number (`buyers.lookup_throttled`), counted in the database so the limit
    holds across processes.
    """
    now = now or timezone.now()
    canonical = normalize_order_number(number)
    address_key = _key("address", client_address or "unknown")
    order_key = _key("order", canonical.upper())
    since = now - LOOKUP_WINDOW
    counts = _failure_counts(address_key, order_key, since)
    if counts[0] >= MAX_FAILURES_PER_ADDRESS or counts[1] >= MAX_FAILURES_PER_ORDER:
        raise LookupThrottled(extra={"retry_after_seconds": int(LOOKUP_WINDOW.total_seconds())})
    candidates = list(
        Order.objects.filter(number__in=_number_variants(canonical)).values_list(
            "pk", "email", "shipping_postal_code"
        )[:10]
    )
    wanted = _key("contact", _normalize_contact(contact))
    found = None
    pairs = [
        (pk, value)
        for pk, email, postal in candidates or [(None, "decoy@invalid", "decoy")]
        for value in (email, postal)
    ]
    for pk, value in pairs:
        same = hmac.compare_digest(_key("contact", _normalize_contact(value)), wanted)
        if same and value and pk is not None and found is None:
            found = pk
    succeeded = found is not None
    LookupAttempt.objects.bulk_create(
        [
            LookupAttempt(
                scope=LookupScope.ADDRESS, key=address_key, succeeded=succeeded, created_at=now
            ),
            LookupAttempt(
                scope=LookupScope.ORDER, key=order_key, succeeded=succeeded, created_at=now
            ),
        ]
    )
    if not succeeded:
        raise LookupFailed()
    return Order.objects.select_related("store", "customer").get(pk=found)


def _failure_counts(address_key: str, order_key: str, since: datetime) -> tuple[int, int]:
    """Failed attempts per address and per order number since `since` (one query)."""
    from django.db.models import Count, Q

    rows = LookupAttempt.objects.filter(
        created_at__gte=since, succeeded=False, key__in=[address_key, order_key]
    ).aggregate(
        address=Count("pk", filter=Q(scope=LookupScope.ADDRESS, key=address_key)),
        order=Count("pk", filter=Q(scope=LookupScope.ORDER, key=order_key)),
    )
    return rows["address"], rows["order"]


# Links -----------------------------------------------------------------------------------------


def access_link_create(*, order: Order, actor: Actor, language: str) -> AccessLink:
    """A one-time link to the order, e-mailed to the order's address (strict lookup mode)."""
    now = timezone.now()
    with transaction.atomic():
        link = AccessLink.objects.create(
            order=order,
            purpose=AccessPurpose.LOOKUP,
            expires_at=now + ACCESS_LINK_TTL,
            created_at=now,
        )
        record_event(
            aggregate_type=ACCESS_LINK,
            aggregate_id=link.pk,
            type=EVENT_LINK_CREATED,
            actor=actor,
            payload={"order_id": order.pk, "language": language},
        )
    return link


def access_link_token(link: AccessLink) -> str:
    return signing.dumps({"l": link.pk}, salt=ACCESS_SALT, compress=True)


def access_link_redeem(*, token: str) -> Order:
    """The order of a one-time link; the link works once and until it expires."""
    try:
        data = signing.loads(token, salt=ACCESS_SALT, max_age=ACCESS_LINK_TTL.total_seconds())
    except signing.BadSignature:
        raise LinkInvalid() from None
    now = timezone.now()
    with transaction.atomic():
        used = AccessLink.objects.filter(
            pk=data.get("l"), used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not used:
            raise LinkInvalid()
        link = AccessLink.objects.select_related("order").get(pk=data["l"])
    return link.order


def status_token(*, order_id: int, case_id: int | None = None) -> str:
    """The token of the status link in every e-mail: opens the portal for that order only."""
    return signing.dumps({"o": order_id, "c": case_id}, salt=STATUS_SALT, compress=True)


def status_token_read(*, token: str) -> tuple[int, int | None]:
    try:
        data = signing.loads(token, salt=STATUS_SALT, max_age=STATUS_LINK_MAX_AGE.total_seconds())
    except signing.BadSignature:
        raise LinkInvalid() from None
    return int(data["o"]), data.get("c")


# Photos ----------------------------------------------------------------------------------------


class PhotoRejected(ValidationFailed):
    code = "buyers.photo_rejected"

    def __init__(self, message: Any) -> None:
        super().__init__(message)


def _photo_checks_message(kind: str) -> Any:
    from django.utils.translation import gettext_lazy as _

    if kind == "type":
        return _("Send a JPEG or PNG photo.")
    if kind == "size":
        return _("The photo is too large: at most 10 MB.")
    return _("You can send at most 5 photos per item.")


def photo_upload(*, order: Order, order_line_id: int, upload: File, actor: Actor) -> PendingUpload:
    """Check a photo (type from its bytes, not its name; size) and hold it until submission."""
    size = upload.size or 0
    if size <= 0 or size > MAX_PHOTO_BYTES:
        raise PhotoRejected(_photo_checks_message("size"))
    head = upload.read(16)
    upload.seek(0)
    content_type = next(
        (kind for magic, kind in PHOTO_TYPES.items() if head.startswith(magic)), None
    )
    if content_type is None:
        raise PhotoRejected(_photo_checks_message("type"))
    if not order.lines.filter(pk=order_line_id).exists():
        raise ValidationFailed()
    if (
        PendingUpload.objects.filter(order=order, order_line_id=order_line_id).count()
        >= MAX_PHOTOS_PER_LINE
    ):
        raise PhotoRejected(_photo_checks_message("count"))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    path = default_storage.save(f"buyers/pending/{uuid.uuid4().hex}", upload)
    return PendingUpload.objects.create(
        order=order,
        order_line_id=order_line_id,
        path=path,
        original_name=(getattr(upload, "name", "") or "")[:255],
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
    )


def _attach_photos(case: ReturnCase, actor: Actor) -> int:
    try:
        from retour.evidence.services import evidence_attach
    except ImportError:
        return 0
    attached = 0
    line_ids = list(case.lines.values_list("order_line_id", flat=True))
    for pending in PendingUpload.objects.filter(order_id=case.order_id, order_line_id__in=line_ids):
        with default_storage.open(pending.path, "rb") as handle:
            data = handle.read()
        upload = ContentFile(data, name=pending.original_name or "photo")
        upload.content_type = pending.content_type
        evidence_attach(upload=upload, kind="photo", actor=actor, source="portal", case=case)
        default_storage.delete(pending.path)
        pending.delete()
        attached += 1
    return attached


# The guided return -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReturnChoice:
    """One line the buyer asks back, with the answers of the conversation."""

    order_line_id: int
    quantity: int
    reason_code: str
    comment: str = ""
    exchange_variant_id: int | None = None
    answers: dict | None = None


def _line_requests(choices: Sequence[ReturnChoice], resolution: str) -> list[LineRequest]:
    requests = []
    for choice in choices:
        line_resolution = resolution
        if choice.exchange_variant_id is not None:
            line_resolution = Resolution.EXCHANGE
        elif resolution == Resolution.EXCHANGE:
            # An exchange needs a variant; lines without one get their money back.
            line_resolution = Resolution.REFUND
        requests.append(
            LineRequest(
                order_line_id=choice.order_line_id,
                quantity=choice.quantity,
                reason_code=choice.reason_code,
                customer_comment=choice.comment.strip()[:2000],
                resolution=line_resolution,
                exchange_variant_id=choice.exchange_variant_id,
            )
        )
    return requests


def return_draft_create(
    *,
    order: Order,
    actor: Actor,
    choices: Sequence[ReturnChoice],
    resolution: str,
    return_method: str,
    language: str,
) -> ReturnCase:
    """A draft return with the buyer's choices: judged and priced (settlement preview) before
    the buyer confirms; it reserves nothing until `return_submit`."""
    if not choices:
        raise NothingToReturn()
    requested = resolution
    if resolution == Resolution.EXCHANGE and not any(c.exchange_variant_id for c in choices):
        requested = Resolution.REFUND
    with transaction.atomic():
        case = case_create(
            order=order,
            actor=actor,
            lines=_line_requests(choices, resolution),
            requested_resolution=requested,
            return_method=return_method,
            channel="portal",
            submit=False,
        )
        CasePreference.objects.create(
            case=case,
            language=language,
            answers={
                str(choice.order_line_id): choice.answers or {}
                for choice in choices
                if choice.answers
            },
        )
    return case


def return_draft_discard(*, case: ReturnCase, actor: Actor) -> None:
    if case.status == CaseStatus.DRAFT:
        case_cancel(case=case, actor=actor, reason="buyer changed the request")


@dataclass(frozen=True, slots=True)
class Submission:
    case: ReturnCase
    decision: Any = None  # the rules' Decision, when the automation app answered

    @property
    def explanation(self) -> str:
        return str(getattr(self.decision, "buyer_explanation", "") or "")

    def action(self, name: str) -> Any:
        for action in getattr(self.decision, "actions", ()) or ():
            kind = action.get("type") if isinstance(action, dict) else getattr(action, "type", "")
            if kind == name:
                return action
        return None


def return_submit(
    *, case: ReturnCase, actor: Actor, expected_version: int | None = None
) -> Submission:
    """Submit the buyer's draft: the returns core judges it and reserves the units; the photos
    go to the evidence app; the automation rules decide at once where they can; an approved
    return is routed and gets its label. One transaction: the buyer's e-mail (outbox) leaves
    after all of it, in the buyer's language."""
    with transaction.atomic():
        case = case_submit(case=case, actor=actor, expected_version=expected_version)
        _attach_photos(case, actor)
        decision = _auto_decide(case)
        case.refresh_from_db()
        if case.status == CaseStatus.APPROVED:
            _route_and_label(case)
    return Submission(case=case, decision=decision)


def _auto_decide(case: ReturnCase) -> Any:
    if case.status not in (CaseStatus.SUBMITTED, CaseStatus.PENDING_REVIEW):
        return None
    try:
        from retour.automation.services import case_auto_decide
    except ImportError:
        return None
    try:
        with transaction.atomic():
            return case_auto_decide(case=case, actor=Actor.system("automation"))
    except ApplicationError:
        # The rules could not decide (a refusal of theirs): the case stays with the people.
        logger.warning("automatic decision failed for case %s", case.pk, exc_info=True)
        return None


def _route_and_label(case: ReturnCase) -> None:
    try:
        from retour.logistics.services import case_route, label_create
    except ImportError:
        return
    system = Actor.system("portal")
    try:
        with transaction.atomic():
            case_route(case=case, actor=system)
            if case.return_method == "label":
                label_create(case=case, actor=system)
    except ApplicationError:
        # No lane or carrier for this case yet: the return stands, staff issue the label.
        logger.warning("routing or label failed for case %s", case.pk, exc_info=True)


def keep_it_choose(*, case: ReturnCase, actor: Actor) -> Any:
    """The buyer takes the keep-it offer: the return is withdrawn and a keep-it claim opened
    for the same units (refunded without sending anything back)."""
    lines = list(case.lines.all())
    with transaction.atomic():
        case_cancel(case=case, actor=actor, reason="keep it")
        claim = claim_open(
            order=case.order,
            actor=actor,
            kind=ClaimKind.KEEP_IT,
            resolution=ClaimResolution.REFUND,
            lines=[
                ClaimLineRequest(
                    order_line_id=line.order_line_id,
                    quantity=line.quantity_requested,
                    reason_code=line.reason_code,
                    customer_comment=line.customer_comment,
                )
                for line in lines
            ],
            channel="portal",
            idempotency_key=f"keep-it-{case.pk}",
        )
    return claim


def help_request_create(
    *,
    order: Order,
    actor: Actor,
    order_line_id: int | None,
    reason_code: str,
    message: str,
    language: str,
) -> HelpRequest:
    """The buyer asks a person for help instead of returning (the store's support is told)."""
    with transaction.atomic():
        request = HelpRequest.objects.create(
            order=order,
            order_line_id=order_line_id,
            reason_code=reason_code[:64],
            message=message.strip()[:4000],
            language=language,
        )
        record_event(
            aggregate_type=HELP,
            aggregate_id=request.pk,
            type=EVENT_HELP_REQUESTED,
            actor=actor,
            payload={"order_id": order.pk, "language": language},
        )
    return request


# Withdrawal ------------------------------------------------------------------------------------


def _withdrawal_number() -> str:
    return "W-" + secrets.token_hex(5).upper()


def withdrawal_confirm(
    *,
    order: Order,
    actor: Actor,
    name: str,
    email: str,
    language: str,
    now: datetime | None = None,
) -> Withdrawal:
    """Record the buyer's statutory withdrawal from the contract of `order` (EU/UK Art. 11a
    withdrawal function, second step "Confirm withdrawal"), during the withdrawal period.

    No reason is asked. The acknowledgement (PDF with content, date and time) is built here and
    its SHA-256 kept; the e-mail that carries it leaves through the outbox.
    """
    name = (name or "").strip()
    email = (email or "").strip()
    try:
        validate_email(email)
    except Exception:
        raise InvalidContact() from None
    if not name:
        raise InvalidContact()
    now = now or timezone.now()
    preview = order_preview(order=order, at=now)
    if not withdrawal_open(preview, at=now):
        raise WithdrawalNotAvailable()
    market = preview.market
    lines = [
        {
            "order_line": line.line.pk,
            "sku": line.line.sku,
            "title": line.line.title,
            "quantity": line.line.quantity,
        }
        for line in preview.lines
        if line.track == "statutory_withdrawal"
    ]
    with transaction.atomic():
        withdrawal = Withdrawal(
            number=_withdrawal_number(),
            order=order,
            customer_id=order.customer_id,
            name=name[:200],
            email=email,
            lines=lines,
            language=language,
            market=market.code,
            regime=market.regime,
            withdraw_by=preview.withdraw_by,
            confirmed_at=now,
        )
        withdrawal.acknowledgement_sha256 = hashlib.sha256(
            documents.withdrawal_acknowledgement_pdf(withdrawal)
        ).hexdigest()
        withdrawal.save()
        record_event(
            aggregate_type=WITHDRAWAL,
            aggregate_id=withdrawal.pk,
            type=EVENT_WITHDRAWAL_CONFIRMED,
            actor=actor,
            payload={"order_id": order.pk, "number": withdrawal.number, "lines": len(lines)},
        )
    return withdrawal


def withdrawal_mark_acknowledged(*, withdrawal: Withdrawal, at: datetime) -> None:
    Withdrawal.objects.filter(pk=withdrawal.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=at
    )


__all__ = [
    "access_link_create",
    "access_link_redeem",
    "help_request_create",
    "keep_it_choose",
    "order_lookup",
    "photo_upload",
    "return_draft_create",
    "return_draft_discard",
    "return_submit",
    "status_token",
    "withdrawal_confirm",
]


# Housekeeping ----------------------------------------------------------------------------------

PENDING_UPLOAD_TTL = timedelta(days=1)


def buyers_prune(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what no longer serves: lookup attempts older than the rate-limit window, expired
    one-time links, photos of conversations abandoned for a day (run it hourly)."""
    now = now or timezone.now()
    attempts, _ = LookupAttempt.objects.filter(created_at__lt=now - LOOKUP_WINDOW).delete()
    links, _ = AccessLink.objects.filter(expires_at__lt=now).delete()
    stale = list(PendingUpload.objects.filter(created_at__lt=now - PENDING_UPLOAD_TTL))
    for pending in stale:
        default_storage.delete(pending.path)
        pending.delete()
    return {"lookup_attempts": attempts, "access_links": links, "pending_uploads": len(stale)}
