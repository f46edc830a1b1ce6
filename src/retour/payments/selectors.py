"""The read side of the money domain."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from retour.orders.models import Customer
from retour.payments.choices import LIVE_REFUND_STATUSES, RefundStatus
from retour.payments.models import (
    MoneyAlert,
    PaymentBalance,
    Refund,
    Settlement,
    StoreCreditAccount,
    StoreCreditEntry,
)
from retour.returns.models import ReturnCase


def settlements_for_case(case: ReturnCase) -> QuerySet[Settlement]:
    return (
        Settlement.objects.filter(case=case)
        .prefetch_related("lines")
        .order_by("confirmed_at", "id")
    )


def settlement_list() -> QuerySet[Settlement]:
    return Settlement.objects.select_related("order", "case").order_by("-confirmed_at", "-id")


def refunds_for_case(case: ReturnCase) -> QuerySet[Refund]:
    return (
        Refund.objects.filter(settlement__case=case)
        .select_related("payment", "settlement")
        .order_by("created_at", "id")
    )


def refunds_failing() -> QuerySet[Refund]:
    """Refunds a person must act on: failed (and not retried yet) or requiring action."""
    retried = Refund.objects.filter(retry_of=OuterRef("pk"))
    return (
        Refund.objects.filter(
            Q(status__in=[RefundStatus.FAILED, RefundStatus.CANCELED], failed_at__isnull=False)
            | Q(status=RefundStatus.REQUIRES_ACTION)
        )
        .exclude(failure_code="canceled_by_staff")
        .exclude(Exists(retried))
        .select_related("payment", "settlement", "settlement__case")
        .order_by("created_at", "id")
    )


def refund_list() -> QuerySet[Refund]:
    """Every refund, those needing action first, then newest first."""
    return Refund.objects.select_related("payment", "settlement", "settlement__case").order_by(
        "-created_at", "-id"
    )


def refunds_awaiting_approval() -> QuerySet[Refund]:
    return refund_list().filter(status=RefundStatus.AWAITING_APPROVAL)


def payment_balances(order_id: int) -> QuerySet[PaymentBalance]:
    return PaymentBalance.objects.filter(payment__order_id=order_id).select_related("payment")


def refunded_live_total(payment_id: int) -> int:
    """Σ live refunds of a payment (requested, processing, requires action, succeeded)."""
    return sum(
        Refund.objects.filter(payment_id=payment_id, status__in=LIVE_REFUND_STATUSES).values_list(
            "amount_minor", flat=True
        )
    )


def store_credit_accounts() -> QuerySet[StoreCreditAccount]:
    return StoreCreditAccount.objects.select_related("customer").order_by("-updated_at", "-id")


def store_credit_for_customer(customer: Customer) -> QuerySet[StoreCreditAccount]:
    return StoreCreditAccount.objects.filter(customer=customer)


def store_credit_entries(account: StoreCreditAccount) -> QuerySet[StoreCreditEntry]:
    return account.entries.order_by("-created_at", "-id")


def alerts_open() -> QuerySet[MoneyAlert]:
    return MoneyAlert.objects.filter(resolved_at__isnull=True).select_related("case", "refund")
