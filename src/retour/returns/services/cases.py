"""Return case commands up to the goods' arrival, and resolving and closing afterwards.

Receipts and inspection are in `receipts.py`, settlement in `settlement.py`. Every function is
one command: keyword-only, actor explicit, atomic, locks taken in the order of `lock_objects`,
one event per change, side effects through the outbox after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from retour.core.actors import Actor
from retour.orders.models import Order
from retour.returns import events, lock_objects
from retour.returns.choices import (
    CaseStatus,
    Channel,
    EligibilitySeverity,
    MovementKind,
)
from retour.returns.exceptions import (
    CaseNotSettled,
    NoLines,
    NotExpired,
    OverrideReasonRequired,
)
from retour.returns.models import ReturnCase, ReturnLine
from retour.returns.numbers import CASE_PREFIX
from retour.returns.services._common import (
    CASE,
    apply_change,
    case_change,
    check_version,
    default_channel,
    insert_numbered,
    record_event,
    require_access,
    require_person,
    require_reason,
    require_staff,
    save_lines,
)
from retour.returns.services._requests import (
    new_line,
    order_lines_of,
    validate_exchange_variants,
    validate_line_requests,
)
from retour.returns.services.exchanges import cancel_live_exchanges
from retour.returns.services.ledger import OrderLedgers, lock_order_ledgers
from retour.returns.transitions import CASE_TRANSITIONS
from retour.returns.types import EligibilityResult, LineRequest


def case_create(
    *,
    order: Order,
    actor: Actor,
    lines: Sequence[LineRequest],
    requested_resolution: str,
    return_method: str,
    channel: str | None = None,
    submit: bool = True,
    idempotency_key: str | None = None,
    destination: str = "",
) -> ReturnCase:
    """Create a return for `order` and submit it, reserving the requested units (Q1).

    With `submit=False` the case stays a draft and reserves nothing. With an `idempotency_key`,
    a repeat of the same request (a double click, a client retry) returns the first case.
    """
    require_access(actor, order.customer_id)
    validate_line_requests(lines, requested_resolution, return_method, channel)
    # Order lines and variants do not change under a return: read them before locking.
    order_lines = order_lines_of(order, lines)
    validate_exchange_variants(lines, order_lines)
    now = timezone.now()
    with transaction.atomic():
        # The ledger lock also serialises two submissions carrying the same idempotency key.
        ledgers = lock_order_ledgers(order.pk, order_line_ids=order_lines)
        if idempotency_key:
            existing = ReturnCase.objects.filter(
                order_id=order.pk, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                ledgers.flush(event=None, occurred_at=now)
                return existing
        if submit:
            for request in lines:
                ledgers.require_returnable(request.order_line_id, request.quantity)
        status = CaseStatus.SUBMITTED if submit else CaseStatus.DRAFT
        case = ReturnCase(
            order_id=order.pk,
            customer_id=order.customer_id,
            channel=channel or default_channel(actor),
            created_by_id=actor.id if actor.is_staff else None,
            status=status,
            requested_resolution=requested_resolution,
            return_method=return_method,
            destination=destination,
            currency=order.presentment_currency,
            idempotency_key=idempotency_key or None,
            version=1,
            submitted_at=now if submit else None,
        )
        insert_numbered(case, prefix=CASE_PREFIX)
        created = ReturnLine.objects.bulk_create(
            [new_line(case, request, order_lines[request.order_line_id]) for request in lines]
        )
        event = record_event(
            aggregate_type=CASE,
            aggregate_id=case.pk,
            event_type=events.CASE_SUBMITTED if submit else events.CASE_CREATED,
            actor=actor,
            from_status="",
            to_status=status,
            now=now,
            payload=_lines_payload(created, "quantity_requested"),
        )
        if submit:
            _reserve(ledgers, created)
        ledgers.flush(event=event, occurred_at=now)
    return case


def case_submit(
    *, case: ReturnCase, actor: Actor, expected_version: int | None = None
) -> ReturnCase:
    """Submit a draft: reserve its requested units on the ledger (Q1)."""
    require_access(actor, case.customer_id)
    # A draft's lines never change, so their order lines can be read before locking.
    order_line_ids = set(
        ReturnLine.objects.filter(case_id=case.pk).values_list("order_line_id", flat=True)
    )
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(case.order_id, order_line_ids=order_line_ids)
        case = lock_objects.case(case.pk)
        check_version(case, expected_version)
        CASE_TRANSITIONS.check("submit", case.status)
        lines = lock_objects.case_lines(case.pk)
        if not lines:
            raise NoLines()
        for line in lines:
            ledgers.require_returnable(line.order_line_id, line.quantity_requested)
        event = apply_change(
            case,
            **case_change("submit", events.CASE_SUBMITTED, actor, now),
            to_status=CaseStatus.SUBMITTED,
            payload=_lines_payload(lines, "quantity_requested"),
        )
        _reserve(ledgers, lines)
        ledgers.flush(event=event, occurred_at=now)
    return case


def case_evaluate(
    *,
    case: ReturnCase,
    actor: Actor,
    results: Sequence[EligibilityResult],
    auto_approve: bool = False,
) -> ReturnCase:
    """Snapshot the eligibility rule results and decide: approved, pending review or rejected.

    All pass → approved when `auto_approve`, else pending review. Any `review` result, or a
    `reject` on a case staff created (rules are advisory for staff) → pending review. A `reject`
    on a case the buyer created → rejected, releasing its units.
    """
    require_staff(actor)
    snapshot = [result.as_dict() for result in results]
    failed = [result for result in results if not result.eligible]
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(case.order_id)
        case = lock_objects.case(case.pk)
        CASE_TRANSITIONS.check("evaluate", case.status)
        buyer_created = case.created_by_id is None and case.channel != Channel.STAFF
        rejecting = [r for r in failed if r.severity == EligibilitySeverity.REJECT]
        if rejecting and buyer_created:
            target = CaseStatus.REJECTED
        elif failed or not auto_approve:
            target = CaseStatus.PENDING_REVIEW
        else:
            target = CaseStatus.APPROVED
        case.eligibility_snapshot = snapshot
        lines = lock_objects.case_lines(case.pk) if target == CaseStatus.REJECTED else []
        event = apply_change(
            case,
            **case_change("evaluate", events.CASE_EVALUATED, actor, now),
            to_status=target,
            reason=", ".join(result.code for result in rejecting) if lines else "",
            payload={"results": snapshot, "auto_approve": auto_approve},
            fields=["eligibility_snapshot"],
        )
        _release_outstanding(ledgers, lines, now)
        ledgers.flush(event=event, occurred_at=now)
    return case


def case_approve(
    *,
    case: ReturnCase,
    actor: Actor,
    override_reason: str = "",
    expires_at: datetime | None = None,
    expected_version: int | None = None,
) -> ReturnCase:
    """Approve a submitted or reviewed return (staff). If any eligibility rule failed, a staff
    member must give an override reason, recorded with their name (P2)."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        case = lock_objects.case(case.pk)
        check_version(case, expected_version)
        CASE_TRANSITIONS.check("approve", case.status, CaseStatus.APPROVED)
        fields = []
        if any(not result.get("eligible", True) for result in case.eligibility_snapshot):
            require_person(actor)
            if not override_reason.strip():
                raise OverrideReasonRequired()
            case.override_by_id = actor.id
            case.override_reason = override_reason.strip()
            fields += ["override_by", "override_reason"]
        if expires_at is not None:
            case.expires_at = expires_at
            fields.append("expires_at")
        apply_change(
            case,
            **case_change("approve", events.CASE_APPROVED, actor, now),
            to_status=CaseStatus.APPROVED,
            payload={
                "overridden": bool(case.override_reason),
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
            fields=fields,
        )
    return case


def case_reject(
    *, case: ReturnCase, actor: Actor, reason: str, expected_version: int | None = None
) -> ReturnCase:
    """Reject a submitted or reviewed return (staff, with a reason), releasing its units."""
    require_staff(actor)
    reason = require_reason(reason)
    return _end_before_shipping(
        case, actor, "reject", events.CASE_REJECTED, CaseStatus.REJECTED, reason, expected_version
    )


def case_cancel(
    *, case: ReturnCase, actor: Actor, reason: str = "", expected_version: int | None = None
) -> ReturnCase:
    """Cancel a return before anything was scanned or received (Q6), releasing its units.

    The buyer may cancel their own return; planned exchanges whose replacement has not shipped
    are canceled with it, and one that already shipped refuses the cancel.
    """
    require_access(actor, case.customer_id)
    return _end_before_shipping(
        case,
        actor,
        "cancel",
        events.CASE_CANCELED,
        CaseStatus.CANCELED,
        reason.strip(),
        expected_version,
    )


def case_expire(*, case: ReturnCase, actor: Actor, now: datetime | None = None) -> ReturnCase:
    """Expire an approved return whose ship-by date passed with nothing sent; release its units."""
    require_staff(actor)
    now = now or timezone.now()
    if case.expires_at is None or now <= case.expires_at:
        # Checked again under the lock; this early refusal saves the locks in the common case.
        CASE_TRANSITIONS.check("expire", case.status)
        raise NotExpired(
            extra={"expires_at": case.expires_at.isoformat() if case.expires_at else None}
        )
    return _end_before_shipping(
        case, actor, "expire", events.CASE_EXPIRED, CaseStatus.EXPIRED, "", None, now=now
    )


def _end_before_shipping(
    case: ReturnCase,
    actor: Actor,
    command: str,
    event_type: str,
    target: str,
    reason: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> ReturnCase:
    now = now or timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(case.order_id)
        case = lock_objects.case(case.pk)
        check_version(case, expected_version)
        CASE_TRANSITIONS.check(command, case.status, target)
        if command == "expire" and (case.expires_at is None or now <= case.expires_at):
            raise NotExpired()
        # A draft reserved nothing: its lines are released without touching the ledger.
        reserved = case.status != CaseStatus.DRAFT
        lines = lock_objects.case_lines(case.pk)
        event = apply_change(
            case,
            **case_change(command, event_type, actor, now),
            to_status=target,
            reason=reason,
            payload=_lines_payload(lines, "quantity_outstanding"),
        )
        _release_outstanding(ledgers if reserved else None, lines, now)
        ledgers.flush(event=event, occurred_at=now)
        cancel_live_exchanges(
            case=case, actor=actor, now=now, keep_shipped=command == "expire", reason=reason
        )
    return case


def case_mark_in_transit(
    *, case: ReturnCase, actor: Actor, carrier: str = "", tracking_number: str = ""
) -> ReturnCase:
    """Record the carrier's first scan of the parcel (from a tracking webhook or staff)."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        case = lock_objects.case(case.pk)
        apply_change(
            case,
            **case_change("mark_in_transit", events.CASE_IN_TRANSIT, actor, now),
            to_status=CaseStatus.IN_TRANSIT,
            payload={"carrier": carrier, "tracking_number": tracking_number},
        )
    return case


def case_mark_lost(*, case: ReturnCase, actor: Actor, reason: str = "") -> ReturnCase:
    """The carrier lost the parcel: its units become kept (not returnable again, settleable)."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(case.order_id)
        case = lock_objects.case(case.pk)
        CASE_TRANSITIONS.check("mark_lost", case.status, CaseStatus.LOST)
        lines = [line for line in lock_objects.case_lines(case.pk) if line.quantity_outstanding > 0]
        payload = _lines_payload(lines, "quantity_outstanding")
        for line in lines:
            quantity = line.quantity_outstanding
            line.quantity_lost += quantity
            ledgers.post(
                line.order_line_id,
                kind=MovementKind.LOSE,
                return_line=line,
                requested=-quantity,
                kept=quantity,
            )
        save_lines(lines, ["quantity_lost"], now)
        event = apply_change(
            case,
            **case_change("mark_lost", events.CASE_LOST, actor, now),
            to_status=CaseStatus.LOST,
            reason=reason.strip(),
            payload=payload,
        )
        ledgers.flush(event=event, occurred_at=now)
    return case


def case_resolve(*, case: ReturnCase, actor: Actor) -> ReturnCase:
    """Resolve a received or lost return once every unit is decided and every accepted or lost
    unit is settled (refunded or exchanged). Dispositions of rejected units come with the
    receiving app and will join this guard then."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        case = lock_objects.case(case.pk)
        CASE_TRANSITIONS.check("resolve", case.status, CaseStatus.RESOLVED)
        unsettled = [
            line.pk
            for line in lock_objects.case_lines(case.pk)
            if line.quantity_undecided or line.quantity_to_settle or line.quantity_outstanding
        ]
        if unsettled:
            raise CaseNotSettled(extra={"return_line_ids": unsettled})
        apply_change(
            case,
            **case_change("resolve", events.CASE_RESOLVED, actor, now),
            to_status=CaseStatus.RESOLVED,
        )
    return case


def case_close(*, case: ReturnCase, actor: Actor) -> ReturnCase:
    """Archive a resolved return."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        case = lock_objects.case(case.pk)
        apply_change(
            case,
            **case_change("close", events.CASE_CLOSED, actor, now),
            to_status=CaseStatus.CLOSED,
        )
    return case


# Helpers ------------------------------------------------------------------------------------


def _lines_payload(lines: Sequence[ReturnLine], attribute: str) -> dict:
    quantities = [
        {"line": line.pk, "order_line": line.order_line_id, "quantity": getattr(line, attribute)}
        for line in lines
    ]
    return {"lines": quantities, "units": sum(item["quantity"] for item in quantities)}


def _reserve(ledgers: OrderLedgers, lines: Sequence[ReturnLine]) -> None:
    for line in lines:
        ledgers.post(
            line.order_line_id,
            kind=MovementKind.REQUEST,
            return_line=line,
            requested=line.quantity_requested,
        )


def _release_outstanding(
    ledgers: OrderLedgers | None, lines: Sequence[ReturnLine], now: datetime
) -> None:
    """Release the units still expected on `lines` (from the ledger too, if it holds them)."""
    changed = []
    for line in lines:
        quantity = line.quantity_outstanding
        if quantity <= 0:
            continue
        line.quantity_released += quantity
        if ledgers is not None:
            ledgers.post(
                line.order_line_id,
                kind=MovementKind.RELEASE,
                return_line=line,
                requested=-quantity,
            )
        changed.append(line)
    save_lines(changed, ["quantity_released"], now)
