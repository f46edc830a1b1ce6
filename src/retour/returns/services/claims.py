"""Claim commands: open, approve, deny, cancel, resolve (settling is in `settlement.py`).

A claim brings no goods back. Opening it posts the claimed units as `kept` on the ledger, so
they can be neither returned nor claimed again (Q1); denying or canceling releases them.
Replacements for a claim are recorded as exchanged units when the claim is settled.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.catalog.models import Variant
from retour.core.actors import Actor
from retour.orders.models import Order, OrderLine
from retour.returns import events, lock_objects
from retour.returns.choices import (
    Channel,
    ClaimKind,
    ClaimResolution,
    ClaimStatus,
    MovementKind,
)
from retour.returns.exceptions import (
    ClaimInvalidTransition,
    ClaimNotSettled,
    DuplicateLine,
    InvalidChoice,
    InvalidExchangeVariant,
    InvalidQuantity,
    NoLines,
    UnknownLine,
)
from retour.returns.models import Claim, ClaimLine
from retour.returns.numbers import CLAIM_PREFIX
from retour.returns.services._common import (
    CLAIM,
    apply_change,
    default_channel,
    insert_numbered,
    record_event,
    require_access,
    require_reason,
    require_staff,
)
from retour.returns.services._requests import unit_basis
from retour.returns.services.ledger import OrderLedgers, lock_order_ledgers
from retour.returns.transitions import CLAIM_TRANSITIONS
from retour.returns.types import ClaimLineRequest


def claim_open(
    *,
    order: Order,
    actor: Actor,
    kind: str,
    resolution: str,
    lines: Sequence[ClaimLineRequest],
    channel: str | None = None,
    idempotency_key: str | None = None,
) -> Claim:
    """Open a claim on `order` for units the buyer keeps or never got; they become `kept`.

    With an `idempotency_key`, a repeat of the same request returns the first claim.
    """
    require_access(actor, order.customer_id)
    if kind not in ClaimKind.values:
        raise InvalidChoice(extra={"kind": kind})
    if resolution not in ClaimResolution.values:
        raise InvalidChoice(extra={"resolution": resolution})
    if channel is not None and channel not in Channel.values:
        raise InvalidChoice(extra={"channel": channel})
    _validate_requests(lines)
    # Order lines and variants do not change under a claim: read them before locking.
    order_lines = {
        line.pk: line
        for line in OrderLine.objects.filter(
            order_id=order.pk, pk__in=[request.order_line_id for request in lines]
        )
    }
    missing = sorted({request.order_line_id for request in lines} - set(order_lines))
    if missing:
        raise UnknownLine(extra={"order_line_ids": missing})
    _validate_replacements(lines)
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(order.pk, order_line_ids=order_lines)
        if idempotency_key:
            existing = Claim.objects.filter(
                order_id=order.pk, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                ledgers.flush(event=None, occurred_at=now)
                return existing
        for request in lines:
            ledgers.require_returnable(request.order_line_id, request.quantity)
        claim = Claim(
            order_id=order.pk,
            customer_id=order.customer_id,
            kind=kind,
            status=ClaimStatus.OPEN,
            resolution=resolution,
            channel=channel or default_channel(actor),
            created_by_id=actor.id if actor.is_staff else None,
            currency=order.presentment_currency,
            idempotency_key=idempotency_key or None,
            version=1,
            opened_at=now,
        )
        insert_numbered(claim, prefix=CLAIM_PREFIX)
        created = ClaimLine.objects.bulk_create(
            [
                ClaimLine(
                    claim=claim,
                    order_line_id=request.order_line_id,
                    quantity=request.quantity,
                    reason_code=request.reason_code.strip(),
                    customer_comment=request.customer_comment,
                    replacement_variant_id=request.replacement_variant_id,
                    unit_basis=unit_basis(order_lines[request.order_line_id], claim.currency),
                )
                for request in lines
            ]
        )
        event = record_event(
            aggregate_type=CLAIM,
            aggregate_id=claim.pk,
            event_type=events.CLAIM_OPENED,
            actor=actor,
            from_status="",
            to_status=ClaimStatus.OPEN,
            now=now,
            payload={"kind": kind, **_lines_payload(created)},
        )
        for line in created:
            ledgers.post(
                line.order_line_id, kind=MovementKind.KEEP, claim_line=line, kept=line.quantity
            )
        ledgers.flush(event=event, occurred_at=now)
    return claim


def claim_approve(*, claim: Claim, actor: Actor, reason: str = "") -> Claim:
    """Accept an open claim (staff); its units are then settled and the claim resolved."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        claim = lock_objects.claim(claim.pk)
        apply_change(
            claim,
            **_claim_change("approve", events.CLAIM_APPROVED, actor, now),
            to_status=ClaimStatus.APPROVED,
            reason=reason.strip(),
        )
    return claim


def claim_deny(*, claim: Claim, actor: Actor, reason: str) -> Claim:
    """Deny an open claim (staff, with a reason); its units are released."""
    require_staff(actor)
    reason = require_reason(reason)
    return _end(claim, actor, "deny", events.CLAIM_DENIED, ClaimStatus.DENIED, reason)


def claim_cancel(*, claim: Claim, actor: Actor, reason: str = "") -> Claim:
    """Cancel an open or approved claim (the buyer's own, or staff) while none of its units
    is settled; its units are released."""
    require_access(actor, claim.customer_id)
    return _end(claim, actor, "cancel", events.CLAIM_CANCELED, ClaimStatus.CANCELED, reason.strip())


def claim_resolve(*, claim: Claim, actor: Actor) -> Claim:
    """Resolve an approved claim once every claimed unit is refunded or replaced."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        claim = lock_objects.claim(claim.pk)
        CLAIM_TRANSITIONS.check("resolve", claim.status, ClaimStatus.RESOLVED)
        unsettled = [
            line.pk for line in lock_objects.claim_lines(claim.pk) if line.quantity_to_settle
        ]
        if unsettled:
            raise ClaimNotSettled(extra={"claim_line_ids": unsettled})
        apply_change(
            claim,
            **_claim_change("resolve", events.CLAIM_RESOLVED, actor, now),
            to_status=ClaimStatus.RESOLVED,
        )
    return claim


def _end(
    claim: Claim, actor: Actor, command: str, event_type: str, target: str, reason: str
) -> Claim:
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(claim.order_id)
        claim = lock_objects.claim(claim.pk)
        CLAIM_TRANSITIONS.check(command, claim.status, target)
        lines = lock_objects.claim_lines(claim.pk)
        if any(line.quantity_refunded or line.quantity_exchanged for line in lines):
            raise ClaimInvalidTransition(
                _("A claim with refunded or replaced units cannot be canceled."),
                extra={"command": command, "state": claim.status},
            )
        event = apply_change(
            claim,
            **_claim_change(command, event_type, actor, now),
            to_status=target,
            reason=reason,
            payload=_lines_payload(lines),
        )
        _release(ledgers, lines)
        ledgers.flush(event=event, occurred_at=now)
    return claim


def _release(ledgers: OrderLedgers, lines: Sequence[ClaimLine]) -> None:
    for line in lines:
        ledgers.post(
            line.order_line_id, kind=MovementKind.UNKEEP, claim_line=line, kept=-line.quantity
        )


def _claim_change(command: str, event_type: str, actor: Actor, now) -> dict:
    return {
        "aggregate_type": CLAIM,
        "table": CLAIM_TRANSITIONS,
        "command": command,
        "event_type": event_type,
        "actor": actor,
        "now": now,
    }


def _lines_payload(lines: Sequence[ClaimLine]) -> dict:
    quantities = [
        {"line": line.pk, "order_line": line.order_line_id, "quantity": line.quantity}
        for line in lines
    ]
    return {"lines": quantities, "units": sum(item["quantity"] for item in quantities)}


def _validate_requests(lines: Sequence[ClaimLineRequest]) -> None:
    if not lines:
        raise NoLines()
    seen = set()
    for request in lines:
        if request.order_line_id in seen:
            raise DuplicateLine(extra={"order_line_id": request.order_line_id})
        seen.add(request.order_line_id)
        if request.quantity < 1:
            raise InvalidQuantity(extra={"order_line_id": request.order_line_id})
        require_reason(request.reason_code)


def _validate_replacements(lines: Sequence[ClaimLineRequest]) -> None:
    """A replacement names an existing variant (the same one is fine: damaged goods)."""
    wanted = {r.replacement_variant_id for r in lines if r.replacement_variant_id is not None}
    if wanted and Variant.objects.filter(pk__in=wanted).count() != len(wanted):
        raise InvalidExchangeVariant(extra={"variant_ids": sorted(wanted)})
