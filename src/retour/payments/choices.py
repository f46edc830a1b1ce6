"""Statuses and enumerations of the money domain; each value is a stable code stored in rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Component(models.TextChoices):
    """What one settlement line is: a refunded part of the price or a deduction (negative)."""

    GOODS = "goods", _("Goods")
    TAX = "tax", _("Tax")
    DUTY = "duty", _("Duties")
    SHIPPING = "shipping", _("Original delivery")
    RESTOCKING_FEE = "restocking_fee", _("Restocking fee")
    LABEL_DEDUCTION = "label_deduction", _("Return label")
    DAMAGE_DEDUCTION = "damage_deduction", _("Deduction for damage")
    GOODWILL = "goodwill", _("Goodwill")
    CORRECTION = "correction", _("Correction")


DEDUCTIONS = frozenset(
    {Component.RESTOCKING_FEE, Component.LABEL_DEDUCTION, Component.DAMAGE_DEDUCTION}
)


class SettlementStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")  # frozen; refunds not all done yet
    PARTIALLY_PAID = "partially_paid", _("Partially paid")  # some refunds succeeded
    PAID = "paid", _("Paid")  # every refund succeeded
    FAILED = "failed", _("Needs action")  # a refund failed; someone must choose what next
    CANCELED = "canceled", _("Canceled")  # canceled before any refund existed


class Destination(models.TextChoices):
    """Where a settlement's money goes."""

    ORIGINAL = "original", _("Original payment method")
    STORE_CREDIT = "store_credit", _("Store credit")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


class RefundStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting a second approval")
    REQUESTED = "requested", _("Requested")  # intent written, balance reserved; not confirmed
    PROCESSING = "processing", _("Processing")  # the provider accepted it, outcome pending
    REQUIRES_ACTION = "requires_action", _("Requires action")  # buyer or finance must act
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")  # reservation released; may be retried as a new attempt
    CANCELED = "canceled", _("Canceled")  # reservation released
    REVERSED = "reversed", _("Reversed")  # succeeded, then reversed by the provider


# Statuses that hold money against the payment (reserved or paid): at most one per
# settlement and payment (M7), and never more than captured in total (M1).
LIVE_REFUND_STATUSES = (
    RefundStatus.AWAITING_APPROVAL,
    RefundStatus.REQUESTED,
    RefundStatus.PROCESSING,
    RefundStatus.REQUIRES_ACTION,
    RefundStatus.SUCCEEDED,
)
PENDING_REFUND_STATUSES = (
    RefundStatus.AWAITING_APPROVAL,
    RefundStatus.REQUESTED,
    RefundStatus.PROCESSING,
    RefundStatus.REQUIRES_ACTION,
)
FAILING_REFUND_STATUSES = (RefundStatus.FAILED, RefundStatus.REQUIRES_ACTION)


class RefundEventType(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVAL_REQUIRED = "approval_required", _("Second approval required")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent to the provider")
    PROCESSING = "processing", _("Processing")
    REQUIRES_ACTION = "requires_action", _("Requires action")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Canceled")
    REVERSED = "reversed", _("Reversed")
    INFO = "info", _("Note")


class Trigger(models.TextChoices):
    """When a return's refund is issued (automation rules may set it per case)."""

    ON_REQUEST = "on_request", _("When the return is requested (provisional)")
    FIRST_SCAN = "first_scan", _("At the carrier's first scan")
    WAREHOUSE_DELIVERY = "warehouse_delivery", _("On delivery to the warehouse")
    INSPECTION = "inspection", _("After inspection")
    MANUAL = "manual", _("By a staff member")


TRIGGER_ORDER = (
    Trigger.ON_REQUEST,
    Trigger.FIRST_SCAN,
    Trigger.WAREHOUSE_DELIVERY,
    Trigger.INSPECTION,
)


class StoreCreditKind(models.TextChoices):
    ISSUE = "issue", _("Issued")
    BONUS = "bonus", _("Bonus for choosing credit")
    REDEEM = "redeem", _("Redeemed")
    EXPIRE = "expire", _("Expired")


class AlertKind(models.TextChoices):
    REFUND_FAILED = "refund_failed", _("Refund failed")
    REFUND_REQUIRES_ACTION = "refund_requires_action", _("Refund requires action")
    DEADLINE_AT_RISK = "deadline_at_risk", _("Refund deadline close")
    DEADLINE_MISSED = "deadline_missed", _("Refund deadline missed")
    RECONCILIATION = "reconciliation", _("Provider and ledger disagree")


class ExchangeBalanceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    LINK_SENT = "link_sent", _("Payment link sent")
    PAID = "paid", _("Paid")
    WAIVED = "waived", _("Waived")
    REFUNDED = "refunded", _("Refunded")
    NOTHING_DUE = "nothing_due", _("Nothing due")
