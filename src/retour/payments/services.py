"""The write side of the money domain: settlements, refunds, store credit, triggers, alerts.

The guarantees (docs/money.md):
- a settlement is computed by `planning.plan_settlement` (pure); what the preview shows is what
  `settlement_confirm` freezes (same function, same inputs, a fingerprint to prove it);
- a refund is an intent row with its own idempotency key, written and committed (with the
  payment's balance reserved under `select_for_update`) before any provider is called; the
  provider call happens outside every transaction; its outcome is recorded under the same lock;
- the balance row's CHECK constraint (pending + refunded ≤ captured) is the last line of defence
  for M1; one live refund per settlement and payment (a partial unique index) for M7;
- a failure releases the reservation and raises an alert; a retry is a new attempt with a new
  key; a time-out keeps the attempt and its key, and reconciliation sends it again.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retour.core.actors import Actor
from retour.core.events import NewEvent, record_events
from retour.core.exceptions import ApplicationError
from retour.core.money import Money
from retour.core.transitions import TransitionTable
from retour.orders.models import Customer, Payment
from retour.payments.choices import (
    LIVE_REFUND_STATUSES,
    TRIGGER_ORDER,
    AlertKind,
    Component,
    Destination,
    ExchangeBalanceStatus,
    RefundEventType,
    RefundStatus,
    SettlementStatus,
    StoreCreditKind,
    Trigger,
)
from retour.payments.conf import four_eyes_threshold, payments_setting
from retour.payments.exceptions import (
    InsufficientRefundable,
    InvalidAmount,
    NothingToSettle,
    ReferenceRequired,
    RefundInvalidTransition,
    SecondApproverRequired,
    SettlementChanged,
    SettlementNotOpen,
    StaffOnly,
    StoreCreditInsufficient,
    StoreCreditNotFound,
)
from retour.payments.gateways import (
    GatewayResult,
    PermanentGatewayError,
    RefundRequest,
    TransientGatewayError,
    gateway_for,
)
from retour.payments.models import (
    ExchangeBalance,
    MoneyAlert,
    PaymentBalance,
    Refund,
    RefundEvent,
    Settlement,
    SettlementLine,
    StoreCreditAccount,
    StoreCreditEntry,
)
from retour.payments.planning import allocate_to_payments
from retour.payments.preview import (
    SETTLEABLE_STATUSES,
    SettlementPreview,
    build_claim_preview,
    build_preview,
    payment_slots,
)
from retour.returns.choices import (
    CASE_TERMINAL_STATUSES,
    BalancePolicy,
    CaseStatus,
    ClaimResolution,
    ClaimStatus,
)
from retour.returns.models import Claim, ClaimLine, Exchange, ReturnCase, ReturnLine
from retour.returns.transitions import CASE_TRANSITIONS, CLAIM_TRANSITIONS
from retour.returns.types import ClaimLineSettlement, LineSettlement

logger = logging.getLogger(__name__)

SETTLEMENT = "payments.settlement"
REFUND = "payments.refund"
STORE_CREDIT = "payments.store_credit"
ALERT = "payments.alert"

S = RefundStatus
REFUND_TRANSITIONS = TransitionTable.build(
    name="payments.refund",
    moves={
        "approve": {S.AWAITING_APPROVAL: S.REQUESTED},
        "send": {S.REQUESTED: S.REQUESTED},
        "processing": {(S.REQUESTED, S.PROCESSING, S.REQUIRES_ACTION): S.PROCESSING},
        "requires_action": {(S.REQUESTED, S.PROCESSING, S.REQUIRES_ACTION): S.REQUIRES_ACTION},
        "succeeded": {(S.REQUESTED, S.PROCESSING, S.REQUIRES_ACTION): S.SUCCEEDED},
        "failed": {(S.REQUESTED, S.PROCESSING, S.REQUIRES_ACTION): S.FAILED},
        "canceled": {
            (S.AWAITING_APPROVAL, S.REQUESTED, S.PROCESSING, S.REQUIRES_ACTION): S.CANCELED
        },
        "reversed": {S.SUCCEEDED: S.REVERSED},
        "retry": {(S.FAILED, S.CANCELED): S.FAILED},
    },
    error=RefundInvalidTransition,
    message=_("“%(action)s” is not possible for a refund in the state “%(state)s”."),
    action_labels={
        "approve": _("Approve"),
        "send": _("Send"),
        "processing": _("Mark processing"),
        "requires_action": _("Mark as requiring action"),
        "succeeded": _("Mark succeeded"),
        "failed": _("Mark failed"),
        "canceled": _("Cancel"),
        "reversed": _("Mark reversed"),
        "retry": _("Retry"),
    },
    state_labels=dict(RefundStatus.choices),
)

# The status each event type leads to; other types (sent, info, requested…) keep the status.
EVENT_STATUS = {
    RefundEventType.REQUESTED: S.REQUESTED,
    RefundEventType.APPROVAL_REQUIRED: S.AWAITING_APPROVAL,
    RefundEventType.APPROVED: S.REQUESTED,
    RefundEventType.PROCESSING: S.PROCESSING,
    RefundEventType.REQUIRES_ACTION: S.REQUIRES_ACTION,
    RefundEventType.SUCCEEDED: S.SUCCEEDED,
    RefundEventType.FAILED: S.FAILED,
    RefundEventType.CANCELED: S.CANCELED,
    RefundEventType.REVERSED: S.REVERSED,
}


def status_from_events(event_types: Sequence[str]) -> str:
    """The refund status the event history leads to (Saleor-style: events are the truth)."""
    status = S.REQUESTED
    for event_type in event_types:
        status = EVENT_STATUS.get(event_type, status)
    return status


# --- Helpers ----------------------------------------------------------------------------------


def _require_staff(actor: Actor) -> None:
    if actor.is_customer:
        raise StaffOnly()


def _event(refund: Refund, event_type: str, actor: Actor, **fields) -> RefundEvent:
    return RefundEvent.objects.create(
        refund=refund,
        type=event_type,
        amount_minor=fields.pop("amount_minor", refund.amount_minor),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=actor.name[:200],
        **fields,
    )


def _domain(aggregate: str, pk: int, event_type: str, actor: Actor, **fields) -> NewEvent:
    return NewEvent(
        aggregate_type=aggregate, aggregate_id=pk, type=event_type, actor=actor, **fields
    )


def ensure_balances(order_id: int) -> None:
    """Create the missing balance rows of an order's payments (idempotent, race-safe)."""
    payments = Payment.objects.filter(order_id=order_id, balance__isnull=True)
    rows = [
        PaymentBalance(
            payment=payment, currency=payment.currency, captured_minor=payment.captured_minor
        )
        for payment in payments
    ]
    if rows:
        PaymentBalance.objects.bulk_create(rows, ignore_conflicts=True)


def _lock_balances(payment_ids: Sequence[int]) -> dict[int, PaymentBalance]:
    """Lock balance rows in id order (one order for every caller: no deadlocks)."""
    rows = PaymentBalance.objects.select_for_update().filter(payment_id__in=payment_ids)
    return {row.payment_id: row for row in rows.order_by("payment_id")}


def _gateway_name(payment: Payment, destination: str) -> str:
    if destination == Destination.STORE_CREDIT or payment.provider in ("store_credit", "gift_card"):
        return "store_credit"
    if destination == Destination.BANK_TRANSFER:
        return "manual"
    return payment.provider if payment.provider in ("stripe", "paypal") else "manual"


def _key(settlement_id: int, payment_id: int, attempt: int) -> str:
    return f"retour-refund-{settlement_id}-{payment_id}-{attempt}-{secrets.token_hex(6)}"


def _after_commit(refund_ids: Sequence[int]) -> None:
    """Send the given refunds once the intents are committed (a task; inline in tests)."""
    if not refund_ids:
        return
    from retour.payments.tasks import refund_send_task

    def enqueue() -> None:
        for refund_id in refund_ids:
            try:
                refund_send_task.enqueue(refund_id)
            except Exception:
                # Not lost: reconciliation sends requested refunds that were never sent.
                logger.exception("payments.refund.enqueue_failed", extra={"refund": refund_id})

    transaction.on_commit(enqueue)


# --- Settlements -----------------------------------------------------------------------------


def settlement_preview(
    *,
    case: ReturnCase,
    resolution: str | None = None,
    provisional: bool | None = None,
    damage_deductions: Mapping[int, int] | None = None,
) -> SettlementPreview:
    """What settling the case now would pay (pure computation over reads; writes nothing)."""
    return build_preview(
        case,
        resolution=resolution,
        provisional=provisional,
        damage_deductions=damage_deductions,
    )


def settlement_confirm(
    *,
    case: ReturnCase,
    actor: Actor,
    resolution: str | None = None,
    provisional: bool | None = None,
    damage_deductions: Mapping[int, int] | None = None,
    expected_fingerprint: str | None = None,
    trigger: str = Trigger.MANUAL,
) -> Settlement:
    """Freeze the preview as a Settlement. With `expected_fingerprint` (what the preview showed),
    any change since the preview is refused instead of paying a different amount."""
    _require_staff(actor)
    with transaction.atomic():
        case = (
            ReturnCase.objects.select_for_update(of=("self",))
            .select_related("order", "market")
            .get(pk=case.pk)
        )
        if case.status not in SETTLEABLE_STATUSES:
            raise NothingToSettle(extra={"status": case.status})
        preview = build_preview(
            case,
            resolution=resolution,
            provisional=provisional,
            damage_deductions=damage_deductions,
            trigger=trigger,
        )
        if expected_fingerprint is not None and expected_fingerprint != preview.fingerprint:
            raise SettlementChanged(extra={"fingerprint": preview.fingerprint})
        if preview.is_empty:
            raise NothingToSettle()
        if not preview.fully_allocated:
            raise InsufficientRefundable(extra={"total_minor": preview.total.amount_minor})
        now = timezone.now()
        settlement = Settlement.objects.create(
            order_id=case.order_id,
            case=case,
            currency=preview.currency,
            destination=preview.destination,
            trigger=trigger,
            provisional=preview.provisional,
            total_minor=preview.total.amount_minor,
            bonus_minor=preview.bonus.amount_minor,
            fingerprint=preview.fingerprint,
            rules=dict(preview.rules),
            refund_due_by=case.refund_due_by,
            confirmed_at=now,
            confirmed_by_id=actor.id if actor.is_staff else None,
            confirmed_by_name=actor.name[:200],
        )
        _settlement_lines_create(settlement, preview.plan.lines, "return_line_id")
        record_events(
            [
                _domain(
                    SETTLEMENT,
                    settlement.pk,
                    "payments.settlement.confirmed",
                    actor,
                    to_status=SettlementStatus.CONFIRMED,
                    payload={
                        "case_id": case.pk,
                        "order_id": case.order_id,
                        "total_minor": settlement.total_minor,
                        "currency": settlement.currency,
                        "destination": settlement.destination,
                        "trigger": trigger,
                        "provisional": settlement.provisional,
                    },
                )
            ],
            occurred_at=now,
        )
    return settlement


def settlement_correct(
    *, settlement: Settlement, actor: Actor, amount: Money, reason: str
) -> Settlement:
    """Correct a confirmed settlement with a new one (M10: lines are never edited).

    A positive amount refunds more (issue it with `refunds_issue`; the payments' balances cap
    it); a negative one records that too much was refunded (nothing is charged back here).
    """
    if not actor.is_staff:
        raise StaffOnly()
    if not amount.amount_minor:
        raise InvalidAmount()
    if amount.currency != settlement.currency:
        raise InvalidAmount(extra={"currency": amount.currency})
    reason = (reason or "").strip()
    if not reason:
        raise ReferenceRequired(_("Say why the settlement is corrected."))
    with transaction.atomic():
        original = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if original.status == SettlementStatus.CANCELED:
            raise SettlementNotOpen()
        correction = Settlement.objects.create(
            order_id=original.order_id,
            case_id=original.case_id,
            claim_id=original.claim_id,
            corrects=original,
            currency=original.currency,
            destination=original.destination,
            trigger=Trigger.MANUAL,
            total_minor=amount.amount_minor,
            fingerprint=f"correction-{original.pk}-{timezone.now().timestamp()}",
            rules={"reason": reason},
            confirmed_by_id=actor.id,
            confirmed_by_name=actor.name[:200],
        )
        SettlementLine.objects.create(
            settlement=correction,
            component=Component.CORRECTION,
            label=reason[:300],
            amount_minor=amount.amount_minor,
        )
        record_events(
            [
                _domain(
                    SETTLEMENT,
                    correction.pk,
                    "payments.settlement.corrected",
                    actor,
                    to_status=SettlementStatus.CONFIRMED,
                    reason=reason,
                    payload={"corrects": original.pk, "amount_minor": amount.amount_minor},
                )
            ]
        )
    return correction


def settlement_cancel(*, settlement: Settlement, actor: Actor, reason: str = "") -> Settlement:
    """Cancel a confirmed settlement that has no refund yet (its units become settleable)."""
    _require_staff(actor)
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if settlement.status != SettlementStatus.CONFIRMED or settlement.refunds.exists():
            raise SettlementNotOpen()
        settlement.status = SettlementStatus.CANCELED
        settlement.save(update_fields=["status", "updated_at"])
        record_events(
            [
                _domain(
                    SETTLEMENT,
                    settlement.pk,
                    "payments.settlement.canceled",
                    actor,
                    from_status=SettlementStatus.CONFIRMED,
                    to_status=SettlementStatus.CANCELED,
                    reason=reason,
                )
            ]
        )
    return settlement


def refunds_issue(*, settlement: Settlement, actor: Actor, send: bool = True) -> list[Refund]:
    """Create the settlement's refund intents, reserving each payment's balance under lock.

    Idempotent: a settlement that already has refunds returns them. The provider calls happen
    after commit (`send`), never inside this transaction.
    """
    _require_staff(actor)
    ensure_balances(settlement.order_id)
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        existing = list(settlement.refunds.order_by("id"))
        if existing:
            return existing
        if settlement.status != SettlementStatus.CONFIRMED:
            raise SettlementNotOpen()
        if settlement.total_minor <= 0:
            if settlement.total_minor == 0:
                _settlement_mark_paid(settlement, actor)
            return []
        payments = {
            payment.pk: payment
            for payment in Payment.objects.filter(
                order_id=settlement.order_id, currency=settlement.currency
            )
        }
        balances = _lock_balances(sorted(payments))
        slots = payment_slots(settlement.order_id, settlement.currency)
        split = allocate_to_payments(
            settlement.total_minor, slots, payments_setting("allocation_priority")
        )
        if sum(amount for _, amount in split) != settlement.total_minor:
            raise InsufficientRefundable(extra={"total_minor": settlement.total_minor})
        needs_approval = settlement.total_minor > four_eyes_threshold(settlement.currency)
        refunds = []
        for payment_id, amount in split:
            payment = payments[payment_id]
            refund = _refund_create(
                settlement=settlement,
                payment=payment,
                balance=balances[payment_id],
                amount=amount,
                destination=settlement.destination,
                actor=actor,
                attempt=1,
                needs_approval=needs_approval,
            )
            refunds.append(refund)
        if send:
            _after_commit([refund.pk for refund in refunds if refund.status == S.REQUESTED])
    return refunds


def _refund_create(
    *,
    settlement: Settlement,
    payment: Payment,
    balance: PaymentBalance,
    amount: int,
    destination: str,
    actor: Actor,
    attempt: int,
    needs_approval: bool,
    retry_of: Refund | None = None,
) -> Refund:
    """One refund intent; the caller holds the balance lock."""
    if amount <= 0:
        raise InvalidAmount()
    if amount > balance.available_minor:
        raise InsufficientRefundable(
            extra={"payment_id": payment.pk, "available_minor": balance.available_minor}
        )
    balance.pending_minor += amount
    balance.save(update_fields=["pending_minor", "updated_at"])
    status = S.AWAITING_APPROVAL if needs_approval else S.REQUESTED
    refund = Refund.objects.create(
        settlement=settlement,
        payment=payment,
        destination=destination,
        gateway=_gateway_name(payment, destination),
        amount_minor=amount,
        currency=payment.currency,
        status=status,
        attempt=attempt,
        retry_of=retry_of,
        idempotency_key=_key(settlement.pk, payment.pk, attempt),
        requested_by_kind=actor.kind,
        requested_by_id=actor.id,
        requested_by_name=actor.name[:200],
        needs_approval=needs_approval,
    )
    _event(refund, RefundEventType.REQUESTED, actor, source="service")
    if needs_approval:
        _event(refund, RefundEventType.APPROVAL_REQUIRED, actor, source="service")
    record_events(
        [
            _domain(
                REFUND,
                refund.pk,
                "payments.refund.requested",
                actor,
                to_status=status,
                payload={
                    "settlement_id": settlement.pk,
                    "payment_id": payment.pk,
                    "amount_minor": amount,
                    "currency": refund.currency,
                    "attempt": attempt,
                    "needs_approval": needs_approval,
                },
            )
        ]
    )
    return refund


def refund_approve_second(*, refund: Refund, actor: Actor) -> Refund:
    """Four eyes: a second staff member (not the requester) releases a large refund."""
    if not actor.is_staff:
        raise SecondApproverRequired()
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        REFUND_TRANSITIONS.check("approve", refund.status)
        if refund.requested_by_kind == "staff" and refund.requested_by_id == actor.id:
            raise SecondApproverRequired()
        now = timezone.now()
        refund.status = S.REQUESTED
        refund.approved_by_id = actor.id
        refund.approved_by_name = actor.name[:200]
        refund.approved_at = now
        refund.save(
            update_fields=[
                "status",
                "approved_by_id",
                "approved_by_name",
                "approved_at",
                "updated_at",
            ]
        )
        _event(refund, RefundEventType.APPROVED, actor, source="staff")
        record_events(
            [
                _domain(
                    REFUND,
                    refund.pk,
                    "payments.refund.approved",
                    actor,
                    from_status=S.AWAITING_APPROVAL,
                    to_status=S.REQUESTED,
                )
            ]
        )
        _after_commit([refund.pk])
    return refund


def refund_send(*, refund: Refund, actor: Actor | None = None) -> Refund:
    """Send one requested refund to its provider, outside any transaction, with its key.

    Only a `requested` refund is sent (M7): one the provider accepted (processing), one that
    succeeded or failed, or one awaiting approval is never sent. Sending a requested refund
    again (after a time-out or a crash between the provider's answer and our commit) reuses
    its key, so the provider answers with the refund it already made.
    """
    actor = actor or Actor.system("payments")
    refund = Refund.objects.select_related("payment", "settlement").get(pk=refund.pk)
    if refund.status != S.REQUESTED:
        return refund
    with transaction.atomic():
        Refund.objects.filter(pk=refund.pk).update(sent_at=timezone.now())
        _event(refund, RefundEventType.SENT, actor, source="service")
    if refund.gateway == "store_credit":
        return _refund_to_store_credit(refund, actor)
    request = RefundRequest(
        refund_id=refund.pk,
        idempotency_key=refund.idempotency_key,
        payment_reference=refund.payment.provider_reference,
        amount=Money(refund.amount_minor, refund.currency),
        metadata={"settlement_id": str(refund.settlement_id)},
    )
    try:
        result = gateway_for(refund.gateway).create_refund(request)
    except TransientGatewayError as error:
        with transaction.atomic():
            _event(
                refund,
                RefundEventType.INFO,
                actor,
                source="api",
                payload={"transient": error.code, "message": error.message[:500]},
            )
        return Refund.objects.get(pk=refund.pk)
    except PermanentGatewayError as error:
        result = GatewayResult(
            status=S.FAILED, failure_code=error.code, failure_message=error.message, raw=error.raw
        )
    return refund_record_outcome(refund=refund, result=result, source="api", actor=actor)


def _refund_to_store_credit(refund: Refund, actor: Actor) -> Refund:
    """A refund whose destination is store credit (or a gift card / credit payment)."""
    settlement = refund.settlement
    order = settlement.order
    entry = store_credit_issue(
        customer=order.customer,
        amount=Money(refund.amount_minor, refund.currency),
        actor=actor,
        settlement=settlement,
        refund=refund,
        idempotency_key=f"refund:{refund.idempotency_key}",
        reference=order.number,
    )
    return refund_record_outcome(
        refund=refund,
        result=GatewayResult(status=S.SUCCEEDED, psp_reference=f"store-credit-{entry.pk}"),
        source="store_credit",
        actor=actor,
    )


def refund_record_outcome(
    *,
    refund: Refund,
    result: GatewayResult,
    source: str,
    actor: Actor | None = None,
    external_id: str | None = None,
) -> Refund:
    """Record what the provider says about a refund, moving the balance under its lock.

    Idempotent: the same status again changes nothing; a provider event id is recorded once;
    an outcome that cannot follow the current status (a late "pending" after success) is kept
    as a note and changes nothing.
    """
    actor = actor or Actor.system(source or "payments")
    with transaction.atomic():
        balance = PaymentBalance.objects.select_for_update().get(payment_id=refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if external_id and RefundEvent.objects.filter(external_id=external_id).exists():
            return refund
        target = result.status
        current = refund.status
        if target == S.FAILED and current == S.SUCCEEDED:
            target = S.REVERSED  # Stripe: a succeeded refund may fail later; the money is back
        if result.psp_reference and not refund.psp_reference:
            refund.psp_reference = result.psp_reference
        if target == current or not REFUND_TRANSITIONS.allows(target, current):
            refund.save(update_fields=["psp_reference", "updated_at"])
            _event(
                refund,
                RefundEventType.INFO,
                actor,
                source=source,
                psp_reference=result.psp_reference,
                external_id=external_id,
                payload={"provider_status": target, "kept": current},
            )
            return refund
        now = timezone.now()
        amount = refund.amount_minor
        fields = ["status", "psp_reference", "updated_at"]
        if target == S.SUCCEEDED:
            balance.pending_minor -= amount
            balance.refunded_minor += amount
            refund.succeeded_at = now
            fields.append("succeeded_at")
        elif target in (S.FAILED, S.CANCELED):
            balance.pending_minor -= amount
            refund.failed_at = now
            refund.failure_code = result.failure_code[:100]
            refund.failure_message = result.failure_message
            fields += ["failed_at", "failure_code", "failure_message"]
        elif target == S.REVERSED:
            balance.refunded_minor -= amount
            refund.failure_code = result.failure_code[:100]
            fields.append("failure_code")
        elif target == S.REQUIRES_ACTION:
            refund.failure_code = result.failure_code[:100]
            fields.append("failure_code")
        balance.save(update_fields=["pending_minor", "refunded_minor", "updated_at"])
        refund.status = target
        refund.save(update_fields=fields)
        _event(
            refund,
            target,
            actor,
            source=source,
            psp_reference=result.psp_reference,
            external_id=external_id,
            payload={"failure_code": result.failure_code} if result.failure_code else {},
        )
        record_events(
            [
                _domain(
                    REFUND,
                    refund.pk,
                    f"payments.refund.{target}",
                    actor,
                    from_status=current,
                    to_status=target,
                    payload={
                        "settlement_id": refund.settlement_id,
                        "amount_minor": amount,
                        "currency": refund.currency,
                        "failure_code": refund.failure_code,
                        # What a person can do next: the buyer may choose credit or a transfer.
                        "options": ["store_credit", "bank_transfer"]
                        if target in (S.FAILED, S.CANCELED)
                        else [],
                    },
                )
            ],
            occurred_at=now,
        )
        if target in (S.FAILED, S.REQUIRES_ACTION, S.REVERSED):
            _alert(
                AlertKind.REFUND_FAILED
                if target != S.REQUIRES_ACTION
                else AlertKind.REFUND_REQUIRES_ACTION,
                key=f"{target}:{refund.pk}",
                refund=refund,
                case_id=refund.settlement.case_id,
                detail={"failure_code": refund.failure_code, "gateway": refund.gateway},
                actor=actor,
            )
        settlement = _settlement_refresh(refund.settlement_id, actor)
    if target == S.SUCCEEDED and settlement.status == SettlementStatus.PAID:
        settlement_post_to_ledger(settlement=settlement, actor=actor)
    return refund


def _settlement_refresh(settlement_id: int, actor: Actor) -> Settlement:
    settlement = Settlement.objects.select_for_update().get(pk=settlement_id)
    refunds = list(settlement.refunds.all())
    succeeded = sum(r.amount_minor for r in refunds if r.status == S.SUCCEEDED)
    live = [r for r in refunds if r.status in LIVE_REFUND_STATUSES]
    failed_open = any(
        r.status in (S.FAILED, S.CANCELED)
        and not any(other.retry_of_id == r.pk for other in refunds)
        for r in refunds
    )
    previous = settlement.status
    if succeeded >= settlement.total_minor and live and all(r.status == S.SUCCEEDED for r in live):
        _settlement_mark_paid(settlement, actor)
        return settlement
    if failed_open:
        status = SettlementStatus.FAILED
    elif succeeded:
        status = SettlementStatus.PARTIALLY_PAID
    else:
        status = SettlementStatus.CONFIRMED
    if status != previous:
        settlement.status = status
        settlement.save(update_fields=["status", "updated_at"])
        record_events(
            [
                _domain(
                    SETTLEMENT,
                    settlement.pk,
                    f"payments.settlement.{status}",
                    actor,
                    from_status=previous,
                    to_status=status,
                )
            ]
        )
    return settlement


def _settlement_mark_paid(settlement: Settlement, actor: Actor) -> None:
    previous = settlement.status
    if previous == SettlementStatus.PAID:
        return
    settlement.status = SettlementStatus.PAID
    settlement.paid_at = timezone.now()
    settlement.save(update_fields=["status", "paid_at", "updated_at"])
    record_events(
        [
            _domain(
                SETTLEMENT,
                settlement.pk,
                "payments.settlement.paid",
                actor,
                from_status=previous,
                to_status=SettlementStatus.PAID,
                payload={"case_id": settlement.case_id, "total_minor": settlement.total_minor},
            )
        ]
    )
    if settlement.bonus_minor:
        store_credit_issue(
            customer=settlement.order.customer,
            amount=Money(settlement.bonus_minor, settlement.currency),
            actor=actor,
            kind=StoreCreditKind.BONUS,
            settlement=settlement,
            idempotency_key=f"bonus:{settlement.pk}",
            reference=settlement.order.number,
        )
    MoneyAlert.objects.filter(
        case_id=settlement.case_id,
        kind__in=(AlertKind.DEADLINE_AT_RISK, AlertKind.DEADLINE_MISSED),
        resolved_at__isnull=True,
    ).update(resolved_at=timezone.now())


def settlement_post_to_ledger(*, settlement: Settlement, actor: Actor) -> int:
    """Record a paid settlement's units as refunded on the returns quantity ledger.

    Only accepted (or lost) units can be recorded there (Q5): the units of a provisional
    settlement are posted when inspection accepts them. Idempotent through
    `quantity_posted`; returns the number of units posted now.
    """
    if settlement.status != SettlementStatus.PAID:
        return 0
    if settlement.claim_id is not None:
        return _post_claim_to_ledger(settlement, actor)
    if settlement.case_id is None:
        return 0
    from retour.returns.services import case_lines_settle

    # Lock order: our settlement lines first, then the returns core locks the order's ledgers
    # and the case inside case_lines_settle (never the case before the ledgers: deadlocks).
    with transaction.atomic():
        case = ReturnCase.objects.get(pk=settlement.case_id)
        if not CASE_TRANSITIONS.allows("settle", case.status):
            return 0
        goods = list(
            SettlementLine.objects.select_for_update()
            .filter(settlement=settlement, component=Component.GOODS, return_line__isnull=False)
            .order_by("id")
        )
        lines = {line.pk: line for line in ReturnLine.objects.filter(case=case)}
        plan: list[tuple[SettlementLine, int]] = []
        for row in goods:
            line = lines[row.return_line_id]
            units = min(row.quantity - row.quantity_posted, line.quantity_to_settle)
            if units > 0:
                plan.append((row, units))
        if not plan:
            return 0
        case_lines_settle(
            case=case,
            actor=actor if not actor.is_customer else Actor.system("payments"),
            lines=[
                LineSettlement(return_line_id=row.return_line_id, refunded=units)
                for row, units in plan
            ],
            reference=f"settlement:{settlement.pk}",
        )
        for row, units in plan:
            SettlementLine.objects.filter(pk=row.pk).update(
                quantity_posted=row.quantity_posted + units
            )
    return sum(units for _, units in plan)


def claim_settlement_preview(*, claim: Claim) -> SettlementPreview:
    """What settling an approved claim would refund (pure computation over reads)."""
    return build_claim_preview(claim)


def claim_settlement_confirm(
    *, claim: Claim, actor: Actor, expected_fingerprint: str | None = None
) -> Settlement:
    """Freeze an approved refund claim's preview as a Settlement (see settlement_confirm)."""
    _require_staff(actor)
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(of=("self",)).select_related("order").get(pk=claim.pk)
        )
        if claim.status != ClaimStatus.APPROVED or claim.resolution == ClaimResolution.REPLACEMENT:
            raise NothingToSettle(extra={"status": claim.status})
        preview = build_claim_preview(claim)
        if expected_fingerprint is not None and expected_fingerprint != preview.fingerprint:
            raise SettlementChanged(extra={"fingerprint": preview.fingerprint})
        if preview.is_empty:
            raise NothingToSettle()
        if not preview.fully_allocated:
            raise InsufficientRefundable(extra={"total_minor": preview.total.amount_minor})
        now = timezone.now()
        settlement = Settlement.objects.create(
            order_id=claim.order_id,
            claim=claim,
            currency=preview.currency,
            destination=preview.destination,
            trigger=Trigger.MANUAL,
            total_minor=preview.total.amount_minor,
            fingerprint=preview.fingerprint,
            rules=dict(preview.rules),
            confirmed_at=now,
            confirmed_by_id=actor.id if actor.is_staff else None,
            confirmed_by_name=actor.name[:200],
        )
        _settlement_lines_create(settlement, preview.plan.lines, "claim_line_id")
        record_events(
            [
                _domain(
                    SETTLEMENT,
                    settlement.pk,
                    "payments.settlement.confirmed",
                    actor,
                    to_status=SettlementStatus.CONFIRMED,
                    payload={
                        "claim_id": claim.pk,
                        "order_id": claim.order_id,
                        "total_minor": settlement.total_minor,
                        "currency": settlement.currency,
                    },
                )
            ],
            occurred_at=now,
        )
    return settlement


def _post_claim_to_ledger(settlement: Settlement, actor: Actor) -> int:
    from retour.returns.services import claim_lines_settle

    with transaction.atomic():
        claim = Claim.objects.get(pk=settlement.claim_id)
        if not CLAIM_TRANSITIONS.allows("settle", claim.status):
            return 0
        goods = list(
            SettlementLine.objects.select_for_update()
            .filter(settlement=settlement, component=Component.GOODS, claim_line__isnull=False)
            .order_by("id")
        )
        lines = {line.pk: line for line in ClaimLine.objects.filter(claim=claim)}
        plan = []
        for row in goods:
            units = min(
                row.quantity - row.quantity_posted, lines[row.claim_line_id].quantity_to_settle
            )
            if units > 0:
                plan.append((row, units))
        if not plan:
            return 0
        claim_lines_settle(
            claim=claim,
            actor=actor if not actor.is_customer else Actor.system("payments"),
            lines=[
                ClaimLineSettlement(claim_line_id=row.claim_line_id, refunded=units)
                for row, units in plan
            ],
            reference=f"settlement:{settlement.pk}",
        )
        for row, units in plan:
            SettlementLine.objects.filter(pk=row.pk).update(
                quantity_posted=row.quantity_posted + units
            )
    return sum(units for _, units in plan)


# --- Retries and failure outcomes -------------------------------------------------------------


def refund_retry(*, refund: Refund, actor: Actor, destination: str | None = None) -> Refund:
    """Retry a failed refund as a new attempt with a new key, to the same or another
    destination (the buyer may choose store credit or a bank transfer after a failure)."""
    _require_staff(actor)
    destination = destination or refund.destination
    with transaction.atomic():
        balance = _lock_balances([refund.payment_id])[refund.payment_id]
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("settlement", "payment")
            .get(pk=refund.pk)
        )
        REFUND_TRANSITIONS.check("retry", refund.status)
        if refund.retries.exists():
            raise RefundInvalidTransition(extra={"refund": refund.pk, "retried": True})
        attempt = (
            Refund.objects.filter(settlement=refund.settlement, payment=refund.payment).count() + 1
        )
        new = _refund_create(
            settlement=refund.settlement,
            payment=refund.payment,
            balance=balance,
            amount=refund.amount_minor,
            destination=destination,
            actor=actor,
            attempt=attempt,
            needs_approval=refund.needs_approval and refund.approved_at is None,
            retry_of=refund,
        )
        if refund.approved_at is not None:
            Refund.objects.filter(pk=new.pk).update(
                approved_by_id=refund.approved_by_id,
                approved_by_name=refund.approved_by_name,
                approved_at=refund.approved_at,
            )
        MoneyAlert.objects.filter(refund=refund, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        _settlement_refresh(refund.settlement_id, actor)
        if new.status == S.REQUESTED:
            _after_commit([new.pk])
    return new


def refund_failure_choose(*, refund: Refund, actor: Actor, destination: str) -> Refund:
    """The buyer's answer to a failed refund: store credit (at once) or a bank transfer
    (finance pays and records the reference). Staff may answer for the buyer."""
    if destination not in (Destination.STORE_CREDIT, Destination.BANK_TRANSFER):
        raise InvalidAmount(extra={"destination": destination})
    if actor.is_customer:
        owner = refund.settlement.order.customer_id
        if actor.id != owner:
            raise StaffOnly()
        acting = Actor.system("buyer-choice")
    else:
        acting = actor
    new = refund_retry(refund=refund, actor=acting, destination=destination)
    with transaction.atomic():
        _event(new, RefundEventType.INFO, actor, source="buyer", payload={"chosen": destination})
    return new


def refund_cancel(*, refund: Refund, actor: Actor, reason: str = "") -> Refund:
    """Cancel a refund awaiting approval or action; its reservation is released. A Stripe
    refund waiting for the buyer's action is canceled at Stripe first (nothing is released
    unless Stripe confirms); other provider refunds already sent cannot be canceled here."""
    _require_staff(actor)
    REFUND_TRANSITIONS.check("canceled", refund.status)
    if refund.psp_reference and refund.gateway == "stripe":
        gateway = gateway_for("stripe")
        try:
            result = gateway.cancel_refund(refund.psp_reference)  # type: ignore[attr-defined]
        except (TransientGatewayError, PermanentGatewayError) as error:
            raise RefundInvalidTransition(extra={"provider": error.code}) from error
        return refund_record_outcome(refund=refund, result=result, source="staff", actor=actor)
    if refund.psp_reference and refund.gateway == "paypal":
        raise RefundInvalidTransition(extra={"gateway": refund.gateway})
    return refund_record_outcome(
        refund=refund,
        result=GatewayResult(
            status=S.CANCELED, failure_code="canceled_by_staff", failure_message=reason
        ),
        source="staff",
        actor=actor,
    )


def refund_manual_complete(*, refund: Refund, actor: Actor, reference: str) -> Refund:
    """Finance made the bank transfer (or manual refund) and records its reference."""
    if not actor.is_staff:
        raise StaffOnly()
    reference = (reference or "").strip()
    if not reference:
        raise ReferenceRequired()
    if refund.gateway != "manual":
        raise RefundInvalidTransition(extra={"gateway": refund.gateway})
    Refund.objects.filter(pk=refund.pk).update(bank_reference=reference[:200])
    return refund_record_outcome(
        refund=refund,
        result=GatewayResult(status=S.SUCCEEDED, psp_reference=reference[:200]),
        source="manual",
        actor=actor,
    )


def _alert(
    kind: str,
    *,
    key: str,
    actor: Actor,
    refund: Refund | None = None,
    case_id: int | None = None,
    detail: Mapping | None = None,
) -> MoneyAlert | None:
    """Raise an alert once (by key) and publish it for notifications (finance)."""
    alert, created = MoneyAlert.objects.get_or_create(
        dedupe_key=f"{kind}:{key}",
        defaults={"kind": kind, "refund": refund, "case_id": case_id, "detail": dict(detail or {})},
    )
    if created:
        record_events(
            [
                _domain(
                    ALERT,
                    alert.pk,
                    f"payments.alert.{kind}",
                    actor,
                    payload={
                        "case_id": case_id,
                        "refund_id": refund.pk if refund else None,
                        **dict(detail or {}),
                    },
                )
            ]
        )
        return alert
    return None


def alert_resolve(*, alert: MoneyAlert, actor: Actor) -> MoneyAlert:
    if not actor.is_staff:
        raise StaffOnly()
    MoneyAlert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by_id=actor.id
    )
    alert.refresh_from_db()
    return alert


def refund_deadlines_check(*, now: datetime | None = None) -> list[MoneyAlert]:
    """Alert finance before a statutory refund deadline is missed (and when it was).

    A case counts while it is open and has money not yet paid back: no settlement yet, or a
    settlement that is not paid. Runs from the scheduler; each alert is raised once.
    """
    now = now or timezone.now()
    horizon = now + timedelta(hours=int(payments_setting("deadline_alert_hours")))
    actor = Actor.system("scheduler")
    cases = (
        ReturnCase.objects.filter(refund_due_by__isnull=False, refund_due_by__lte=horizon)
        .exclude(status__in=CASE_TERMINAL_STATUSES)
        .exclude(status=CaseStatus.RESOLVED)
        .order_by("refund_due_by", "id")
    )
    raised = []
    for case in cases:
        if (
            case.settlements.filter(status=SettlementStatus.PAID).exists()
            and not case.settlements.exclude(
                status__in=[SettlementStatus.PAID, SettlementStatus.CANCELED]
            ).exists()
        ):
            continue
        kind = AlertKind.DEADLINE_MISSED if case.refund_due_by < now else AlertKind.DEADLINE_AT_RISK
        with transaction.atomic():
            alert = _alert(
                kind,
                key=str(case.pk),
                actor=actor,
                case_id=case.pk,
                detail={"refund_due_by": case.refund_due_by.isoformat(), "number": case.number},
            )
        if alert:
            raised.append(alert)
    return raised


# --- Refund triggers --------------------------------------------------------------------------

POLICY_TIMING = {
    "on_request": Trigger.ON_REQUEST,
    "first_carrier_scan": Trigger.FIRST_SCAN,
    "warehouse_delivery": Trigger.WAREHOUSE_DELIVERY,
    "inspection": Trigger.INSPECTION,
}


def refund_trigger_for_case(case: ReturnCase) -> str:
    """When this case's refund is due: a rule's `set_refund_trigger` action, else the policy's
    refund timing (clamped to the law at submission, earliest over the lines), else inspection."""
    try:
        from retour.automation.selectors import decision_for_case  # type: ignore[attr-defined]
    except ImportError:
        decision_for_case = None
    if decision_for_case is not None:
        try:
            decision = decision_for_case(case)
        except ApplicationError:
            decision = None
        actions = getattr(decision, "actions", None) or []
        for action in actions:
            if not isinstance(action, Mapping):
                continue
            name = action.get("type") or action.get("action") or action.get("name")
            trigger = action.get("trigger") or (action.get("params") or {}).get("trigger")
            if name == "set_refund_trigger" and trigger in TRIGGER_ORDER:
                return trigger
    timings = [
        POLICY_TIMING.get((line.get("fees") or {}).get("refund_timing"))
        for line in (case.eligibility_snapshot or {}).get("lines", [])
    ]
    timings = [timing for timing in timings if timing]
    if timings:
        return min(timings, key=TRIGGER_ORDER.index)
    return Trigger.INSPECTION


def refund_trigger_fire(*, case: ReturnCase, trigger: str, actor: Actor) -> Settlement | None:
    """The one entry for "something happened that may make a refund due" (idempotent).

    Settles and refunds when `trigger` is at or past the case's trigger: provisionally before
    inspection (requested units), on accepted units at inspection. Posts paid provisional
    settlements to the quantity ledger once inspection accepted their units. Returns the new
    settlement, or None when nothing was due.
    """
    if trigger not in TRIGGER_ORDER:
        raise ValueError(f"unknown trigger {trigger!r}")
    case = ReturnCase.objects.select_related("order", "market").get(pk=case.pk)
    if trigger == Trigger.INSPECTION:
        for paid in case.settlements.filter(status=SettlementStatus.PAID, provisional=True):
            settlement_post_to_ledger(settlement=paid, actor=actor)
    if case.status not in SETTLEABLE_STATUSES:
        return None
    due = refund_trigger_for_case(case)
    if TRIGGER_ORDER.index(trigger) < TRIGGER_ORDER.index(due):
        return None
    if not Payment.objects.filter(order_id=case.order_id).exists():
        return None
    provisional = trigger != Trigger.INSPECTION
    with transaction.atomic():
        try:
            settlement = settlement_confirm(
                case=case, actor=actor, provisional=provisional, trigger=trigger
            )
        except NothingToSettle:
            return None
        refunds_issue(settlement=settlement, actor=actor)
    return settlement


# --- Store credit -----------------------------------------------------------------------------


def _new_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"SC-{body[:4]}-{body[4:8]}-{body[8:]}"


def _account_for(customer: Customer, currency: str) -> StoreCreditAccount:
    account = StoreCreditAccount.objects.filter(customer=customer, currency=currency).first()
    if account is None:
        try:
            with transaction.atomic():
                account = StoreCreditAccount.objects.create(
                    customer=customer, currency=currency, code=_new_code()
                )
        except IntegrityError:
            account = StoreCreditAccount.objects.get(customer=customer, currency=currency)
    return StoreCreditAccount.objects.select_for_update().get(pk=account.pk)


def store_credit_issue(
    *,
    customer: Customer,
    amount: Money,
    actor: Actor,
    kind: str = StoreCreditKind.ISSUE,
    expires_at: datetime | None = None,
    settlement: Settlement | None = None,
    refund: Refund | None = None,
    idempotency_key: str | None = None,
    reference: str = "",
) -> StoreCreditEntry:
    """Add store credit (idempotent by key). Expires after the configured days by default."""
    _require_staff(actor)
    if amount.amount_minor <= 0:
        raise InvalidAmount()
    with transaction.atomic():
        if idempotency_key:
            existing = StoreCreditEntry.objects.filter(idempotency_key=idempotency_key).first()
            if existing:
                return existing
        account = _account_for(customer, amount.currency)
        if expires_at is None and payments_setting("store_credit_expiry_days"):
            expires_at = timezone.now() + timedelta(
                days=int(payments_setting("store_credit_expiry_days"))
            )
        entry = StoreCreditEntry.objects.create(
            account=account,
            kind=kind,
            amount_minor=amount.amount_minor,
            remaining_minor=amount.amount_minor,
            expires_at=expires_at,
            settlement=settlement,
            refund=refund,
            idempotency_key=idempotency_key,
            reference=reference[:200],
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_name=actor.name[:200],
        )
        account.balance_minor += amount.amount_minor
        account.save(update_fields=["balance_minor", "updated_at"])
        record_events(
            [
                _domain(
                    STORE_CREDIT,
                    account.pk,
                    f"payments.store_credit.{kind}",
                    actor,
                    payload={
                        "entry_id": entry.pk,
                        "amount_minor": amount.amount_minor,
                        "currency": amount.currency,
                    },
                )
            ]
        )
    return entry


def store_credit_redeem(
    *,
    code: str,
    amount: Money,
    actor: Actor,
    reference: str = "",
    idempotency_key: str | None = None,
) -> StoreCreditEntry:
    """Spend store credit by code (oldest-expiring grants first); never below zero."""
    if amount.amount_minor <= 0:
        raise InvalidAmount()
    now = timezone.now()
    with transaction.atomic():
        if idempotency_key:
            existing = StoreCreditEntry.objects.filter(idempotency_key=idempotency_key).first()
            if existing:
                return existing
        account = (
            StoreCreditAccount.objects.select_for_update().filter(code=code.strip().upper()).first()
        )
        if account is None:
            raise StoreCreditNotFound()
        if account.currency != amount.currency:
            raise StoreCreditInsufficient(extra={"currency": account.currency})
        grants = list(
            account.entries.filter(remaining_minor__gt=0)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .order_by("expires_at", "id")
        )
        spendable = sum(grant.remaining_minor for grant in grants)
        if amount.amount_minor > spendable:
            raise StoreCreditInsufficient(extra={"spendable_minor": spendable})
        left = amount.amount_minor
        for grant in grants:
            take = min(left, grant.remaining_minor)
            StoreCreditEntry.objects.filter(pk=grant.pk).update(
                remaining_minor=grant.remaining_minor - take
            )
            left -= take
            if not left:
                break
        entry = StoreCreditEntry.objects.create(
            account=account,
            kind=StoreCreditKind.REDEEM,
            amount_minor=-amount.amount_minor,
            idempotency_key=idempotency_key,
            reference=reference[:200],
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_name=actor.name[:200],
        )
        account.balance_minor -= amount.amount_minor
        account.save(update_fields=["balance_minor", "updated_at"])
        record_events(
            [
                _domain(
                    STORE_CREDIT,
                    account.pk,
                    "payments.store_credit.redeem",
                    actor,
                    payload={"entry_id": entry.pk, "amount_minor": -amount.amount_minor},
                )
            ]
        )
    return entry


def store_credit_expire(*, actor: Actor, now: datetime | None = None) -> list[StoreCreditEntry]:
    """Expire what is left of grants past their date (one negative entry per grant)."""
    now = now or timezone.now()
    written = []
    due = StoreCreditEntry.objects.filter(remaining_minor__gt=0, expires_at__lte=now).order_by(
        "account_id", "id"
    )
    for grant_id, account_id in due.values_list("id", "account_id"):
        with transaction.atomic():
            account = StoreCreditAccount.objects.select_for_update().get(pk=account_id)
            grant = StoreCreditEntry.objects.get(pk=grant_id)
            if grant.remaining_minor <= 0:
                continue
            entry = StoreCreditEntry.objects.create(
                account=account,
                kind=StoreCreditKind.EXPIRE,
                amount_minor=-grant.remaining_minor,
                reference=f"grant:{grant.pk}",
                actor_kind=actor.kind,
                actor_id=actor.id,
                actor_name=actor.name[:200],
            )
            StoreCreditEntry.objects.filter(pk=grant.pk).update(remaining_minor=0)
            account.balance_minor -= grant.remaining_minor
            account.save(update_fields=["balance_minor", "updated_at"])
            record_events(
                [
                    _domain(
                        STORE_CREDIT,
                        account.pk,
                        "payments.store_credit.expire",
                        actor,
                        payload={"entry_id": entry.pk, "amount_minor": entry.amount_minor},
                    )
                ]
            )
            written.append(entry)
    return written


# --- Exchanges ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExchangeDifference:
    amount: Money  # positive: the buyer owes it; negative: the seller does


def exchange_price_difference(exchange: Exchange) -> ExchangeDifference:
    """New variants' list price minus what the returned units were paid (gross), per unit."""
    total = 0
    currency = exchange.currency
    for line in exchange.lines.select_related("new_variant", "return_line"):
        basis = line.return_line.unit_basis or {}
        paid = int(basis.get("net_minor", 0)) + int(basis.get("tax_minor", 0))
        variant = line.new_variant
        price = variant.list_price_minor if variant.list_price_currency == currency else paid
        total += (price - paid) * line.quantity
    return ExchangeDifference(Money(total, currency))


def exchange_balance_settle(
    *,
    exchange: Exchange,
    actor: Actor,
    balance_policy: str | None = None,
    payment_link_base: str = "",
    replacement_order_ref: str = "",
) -> ExchangeBalance:
    """Decide the price difference of an exchange: collect it (a payment link), waive it, or
    refund it (a settlement to the original payment). Records the replacement order."""
    _require_staff(actor)
    difference = exchange_price_difference(exchange).amount
    policy = balance_policy or exchange.balance_policy
    with transaction.atomic():
        Exchange.objects.filter(pk=exchange.pk).update(
            price_difference_minor=difference.amount_minor
        )
        balance, _created = ExchangeBalance.objects.select_for_update().get_or_create(
            exchange=exchange,
            defaults={
                "currency": difference.currency,
                "difference_minor": difference.amount_minor,
                "balance_policy": policy,
            },
        )
        balance.difference_minor = difference.amount_minor
        balance.balance_policy = policy
        if replacement_order_ref:
            balance.replacement_order_ref = replacement_order_ref[:100]
        if difference.amount_minor == 0:
            balance.status = ExchangeBalanceStatus.NOTHING_DUE
        elif policy == BalancePolicy.WAIVE:
            balance.status = ExchangeBalanceStatus.WAIVED
        elif difference.amount_minor > 0 and policy == BalancePolicy.COLLECT:
            base = payment_link_base or "/pay/exchange/"
            balance.payment_link_url = f"{base}{exchange.pk}?amount={difference.major_string()}&currency={difference.currency}"
            balance.status = ExchangeBalanceStatus.LINK_SENT
        elif (
            difference.amount_minor < 0
            and policy == BalancePolicy.REFUND
            and balance.settlement_id is None
        ):
            settlement = Settlement.objects.create(
                order_id=exchange.case.order_id,
                case=exchange.case,
                currency=difference.currency,
                total_minor=-difference.amount_minor,
                fingerprint=f"exchange-{exchange.pk}",
                trigger=Trigger.MANUAL,
                confirmed_by_id=actor.id if actor.is_staff else None,
                confirmed_by_name=actor.name[:200],
            )
            SettlementLine.objects.create(
                settlement=settlement,
                component=Component.GOODWILL,
                label=str(_("Exchange price difference")),
                amount_minor=-difference.amount_minor,
            )
            balance.settlement = settlement
            balance.status = ExchangeBalanceStatus.REFUNDED
            refunds_issue(settlement=settlement, actor=actor)
        balance.save()
        record_events(
            [
                _domain(
                    "payments.exchange_balance",
                    balance.pk,
                    "payments.exchange.balance_settled",
                    actor,
                    to_status=balance.status,
                    payload={
                        "exchange_id": exchange.pk,
                        "difference_minor": difference.amount_minor,
                        "currency": difference.currency,
                        "replacement_order_ref": balance.replacement_order_ref,
                    },
                )
            ]
        )
    return balance


def exchange_balance_mark_paid(
    *, balance: ExchangeBalance, actor: Actor, reference: str
) -> ExchangeBalance:
    """The buyer paid the difference through the link (or the store says so)."""
    _require_staff(actor)
    if not reference.strip():
        raise ReferenceRequired()
    ExchangeBalance.objects.filter(pk=balance.pk).update(
        status=ExchangeBalanceStatus.PAID, payment_reference=reference.strip()[:200]
    )
    balance.refresh_from_db()
    return balance


def _settlement_lines_create(settlement: Settlement, lines: Sequence, subject_field: str) -> None:
    """Freeze a plan's lines on a confirmed settlement; `subject_field` names the column the
    plan's line key goes to (a return line for cases, a claim line for claims)."""
    SettlementLine.objects.bulk_create(
        [
            SettlementLine(
                settlement=settlement,
                position=index,
                order_line_id=line.order_line_id,
                component=line.component,
                label=line.label[:300],
                quantity=line.quantity,
                amount_minor=line.amount.amount_minor,
                detail=line.detail,
                **{subject_field: line.key},
            )
            for index, line in enumerate(lines)
        ]
    )
