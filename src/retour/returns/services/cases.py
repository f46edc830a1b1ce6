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
from retour.returns.choices import CaseStatus, MovementKind
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
    save_with_event,
)
from retour.returns.services._requests import (
    new_line,
    order_lines_of,
    validate_exchange_variants,
    validate_line_requests,
)
from retour.returns.services._rows import insert_rows
from retour.returns.services.eligibility import (
    case_market,
    judge_submission,
    market_and_version,
    order_lines_for_facts,
    require_selectable_reasons,
    snapshot_failed,
)
from retour.returns.services.exchanges import cancel_live_exchanges
from retour.returns.services.ledger import OrderLedgers, lock_order_ledgers
from retour.returns.transitions import CASE_TRANSITIONS
from retour.returns.types import LineRequest


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
    override_reason: str = "",
) -> ReturnCase:
    """Create a return for `order` and submit it: judge it (see `case_submit`) and reserve the
    requested units (Q1) unless it is rejected.

    With `submit=False` the case stays a draft, judged and reserving nothing until submitted.
    With an `idempotency_key`, a repeat of the same request (a double click, a client retry)
    returns the first case. Refused, changing nothing: an order to a country no market covers
    (`markets.no_market_for_country`), a reason that is not an active leaf of kind "return"
    (`policies.reason_not_selectable`).
    """
    require_access(actor, order.customer_id)
    validate_line_requests(lines, requested_resolution, return_method, channel)
    reasons = require_selectable_reasons(request.reason_code for request in lines)
    now = timezone.now()
    version = None
    if submit:
        market, version = market_and_version(order, at=now)
    else:
        market = case_market(order)
    # Order lines and variants do not change under a return: read them before locking.
    facts_lines = order_lines_for_facts(order) if submit else None
    order_lines = order_lines_of(order, lines, known=facts_lines)
    validate_exchange_variants(lines, order_lines)
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
        case = ReturnCase(
            order_id=order.pk,
            customer_id=order.customer_id,
            market_id=market.pk,
            channel=channel or default_channel(actor),
            created_by_id=actor.id if actor.is_staff else None,
            status=CaseStatus.DRAFT,
            requested_resolution=requested_resolution,
            return_method=return_method,
            destination=destination,
            currency=order.presentment_currency,
            idempotency_key=idempotency_key or None,
            version=1,
        )
        new_lines = [
            new_line(case, request, order_lines[request.order_line_id]) for request in lines
        ]
        payload = {}
        reason = ""
        if submit:
            for line in new_lines:
                ledgers.require_returnable(line.order_line_id, line.quantity_requested)
            evaluation = judge_submission(
                case,
                order,
                market,
                new_lines,
                facts_lines,
                ledgers,
                actor,
                now,
                override_reason,
                version=version,
                reasons=reasons,
            )
            payload = evaluation.payload
            reason = evaluation.reason
            case.status = evaluation.decision.status
            case.submitted_at = now
            setattr(case, ReturnCase.STATUS_TIMESTAMPS[case.status], now)
            if case.status == CaseStatus.REJECTED:
                for line in new_lines:
                    line.quantity_released = line.quantity_requested
        insert_numbered(case, prefix=CASE_PREFIX)
        insert_rows(new_lines, transaction.get_connection())
        created = new_lines
        event = record_event(
            aggregate_type=CASE,
            aggregate_id=case.pk,
            event_type=events.CASE_SUBMITTED if submit else events.CASE_CREATED,
            actor=actor,
            from_status="",
            to_status=case.status,
            reason=reason,
            now=now,
            payload=_lines_payload(created, "quantity_requested") | payload,
        )
        if submit and case.status != CaseStatus.REJECTED:
            _reserve(ledgers, created)
        ledgers.flush(event=event, occurred_at=now)
    return case


def case_submit(
    *,
    case: ReturnCase,
    actor: Actor,
    expected_version: int | None = None,
    override_reason: str = "",
) -> ReturnCase:
    """Submit a draft: judge it and reserve its requested units (Q1) unless it is rejected.

    The request is evaluated per line under the policy version in force now for the order's
    store and market (`returns.services.eligibility`); the case keeps that version, the track,
    the deadlines in the buyer's zone and the snapshot of every rule's verdict. Then: eligible →
    pending review (approved at once when a staff member submits); a `review` → pending review;
    a `reject` → rejected for buyers and automations, while a staff member must give an
    `override_reason` (recorded with their name) to approve it instead. One event either way.
    """
    require_access(actor, case.customer_id)
    # A draft's lines never change, so they can be read before locking.
    draft_lines = list(
        ReturnLine.objects.filter(case_id=case.pk).values_list("order_line_id", "reason_code")
    )
    reasons = require_selectable_reasons(code for _line, code in draft_lines)
    order = Order.objects.select_related("store").get(pk=case.order_id)
    now = timezone.now()
    market, version = market_and_version(order, at=now, market_id=case.market_id)
    facts_lines = order_lines_for_facts(order)
    with transaction.atomic():
        ledgers = lock_order_ledgers(
            case.order_id, order_line_ids={line for line, _code in draft_lines}
        )
        case = lock_objects.case(case.pk)
        check_version(case, expected_version)
        CASE_TRANSITIONS.check("submit", case.status)
        lines = lock_objects.case_lines(case.pk)
        if not lines:
            raise NoLines()
        for line in lines:
            ledgers.require_returnable(line.order_line_id, line.quantity_requested)
        evaluation = judge_submission(
            case,
            order,
            market,
            lines,
            facts_lines,
            ledgers,
            actor,
            now,
            override_reason,
            version=version,
            reasons=reasons,
        )
        case.market_id = market.pk
        case.submitted_at = now
        event = save_with_event(
            case,
            aggregate_type=CASE,
            event_type=events.CASE_SUBMITTED,
            actor=actor,
            now=now,
            from_status=case.status,
            to_status=evaluation.decision.status,
            reason=evaluation.reason,
            payload=_lines_payload(lines, "quantity_requested") | evaluation.payload,
            fields=[*evaluation.fields, "market", "submitted_at"],
        )
        if case.status == CaseStatus.REJECTED:
            _release_outstanding(None, lines, now)
        else:
            _reserve(ledgers, lines)
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
        if snapshot_failed(case.eligibility_snapshot):
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
