"""The money ledger: settlements (frozen refund plans), refunds with their events, the balance of
each payment, store credit, alerts and webhook receipts.

Amounts are integer minor units of the row's currency (retour.core.money). Balances change only
in `retour.payments.services`, under `select_for_update` of the PaymentBalance row.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retour.core.fields import CurrencyField, MinorAmountField
from retour.core.models import TimeStampedModel
from retour.orders.models import Customer, Order, OrderLine, Payment
from retour.payments.choices import (
    LIVE_REFUND_STATUSES,
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
from retour.returns.models import Claim, ClaimLine, Exchange, ReturnCase, ReturnLine


class Settlement(TimeStampedModel):
    """A confirmed refund plan. Its lines never change (M10); a correction is a new settlement
    that names the one it corrects."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="settlements"
    )
    case = models.ForeignKey(
        ReturnCase,
        verbose_name=_("return"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SettlementStatus.choices,
        default=SettlementStatus.CONFIRMED,
    )
    currency = CurrencyField()
    destination = models.CharField(
        _("refund to"), max_length=20, choices=Destination.choices, default=Destination.ORIGINAL
    )
    trigger = models.CharField(
        _("trigger"), max_length=20, choices=Trigger.choices, default=Trigger.MANUAL
    )
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Refunded before the goods were inspected."),
    )
    total_minor = MinorAmountField(_("total"))
    bonus_minor = MinorAmountField(_("store credit bonus"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    rules = models.JSONField(_("rules applied"), default=dict, blank=True)
    refund_due_by = models.DateTimeField(_("refund due by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    confirmed_by_id = models.BigIntegerField(_("confirmed by"), null=True, blank=True)
    confirmed_by_name = models.CharField(_("confirmed by"), max_length=200, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_minor__gte=0) | Q(corrects__isnull=False),
                name="settlement_total_not_negative_unless_correction",
            ),
            models.CheckConstraint(condition=Q(bonus_minor__gte=0), name="settlement_bonus_gte_0"),
        ]
        indexes = [models.Index(fields=["status", "refund_due_by"], name="settlement_due_idx")]

    def __str__(self) -> str:
        return f"S-{self.pk}"


class SettlementLine(models.Model):
    """One component of a settlement: goods, tax, duty, shipping or a deduction (negative).

    Written once at confirmation. `quantity_posted` is the only column that moves: how many of
    the line's goods units the returns quantity ledger has recorded as refunded.
    """

    settlement = models.ForeignKey(
        Settlement, verbose_name=_("settlement"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    return_line = models.ForeignKey(
        ReturnLine,
        verbose_name=_("return line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claim_line = models.ForeignKey(
        ClaimLine,
        verbose_name=_("claim line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order_line = models.ForeignKey(
        OrderLine,
        verbose_name=_("order line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    component = models.CharField(_("component"), max_length=20, choices=Component.choices)
    label = models.CharField(_("label"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    amount_minor = MinorAmountField(_("amount"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    quantity_posted = models.PositiveIntegerField(_("posted to the quantity ledger"), default=0)

    class Meta:
        ordering = ["settlement_id", "position", "id"]
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(F("quantity_posted"), F("quantity")),
                name="settlementline_posted_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.amount_minor}"


class PaymentBalance(models.Model):
    """What is left to refund on one payment (M1): captured ≥ pending + refunded, always."""

    payment = models.OneToOneField(
        Payment,
        verbose_name=_("payment"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="balance",
    )
    currency = CurrencyField()
    captured_minor = MinorAmountField(_("captured"))
    pending_minor = MinorAmountField(_("refund pending"))
    refunded_minor = MinorAmountField(_("refunded"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment balance")
        verbose_name_plural = _("payment balances")
        constraints = [
            models.CheckConstraint(condition=Q(pending_minor__gte=0), name="balance_pending_gte_0"),
            models.CheckConstraint(
                condition=Q(refunded_minor__gte=0), name="balance_refunded_gte_0"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    F("pending_minor") + F("refunded_minor"), F("captured_minor")
                ),
                name="balance_m1_refunds_within_captured",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.available_minor}"

    @property
    def available_minor(self) -> int:
        return self.captured_minor - self.pending_minor - self.refunded_minor


class Refund(TimeStampedModel):
    """One attempt to pay money back against one payment. A retry is a new row (attempt + 1,
    new idempotency key); the status is derived from the RefundEvent rows."""

    settlement = models.ForeignKey(
        Settlement, verbose_name=_("settlement"), on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    destination = models.CharField(
        _("refund to"), max_length=20, choices=Destination.choices, default=Destination.ORIGINAL
    )
    gateway = models.CharField(_("gateway"), max_length=20)
    amount_minor = MinorAmountField(_("amount"))
    currency = CurrencyField()
    status = models.CharField(
        _("status"), max_length=20, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    attempt = models.PositiveIntegerField(_("attempt"), default=1)
    retry_of = models.ForeignKey(
        "self",
        verbose_name=_("retry of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retries",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    psp_reference = models.CharField(_("provider reference"), max_length=200, blank=True)
    failure_code = models.CharField(_("failure code"), max_length=100, blank=True)
    failure_message = models.TextField(_("failure message"), blank=True)
    requested_by_kind = models.CharField(_("requested by (kind)"), max_length=10)
    requested_by_id = models.BigIntegerField(_("requested by"), null=True, blank=True)
    requested_by_name = models.CharField(_("requested by"), max_length=200, blank=True)
    needs_approval = models.BooleanField(_("needs a second approval"), default=False)
    approved_by_id = models.BigIntegerField(_("approved by"), null=True, blank=True)
    approved_by_name = models.CharField(_("approved by"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    bank_reference = models.CharField(_("bank transfer reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive"),
            # M7: one live refund per settlement and payment; a retry only after a failure.
            models.UniqueConstraint(
                fields=["settlement", "payment"],
                condition=Q(status__in=LIVE_REFUND_STATUSES),
                name="refund_one_live_per_settlement_payment",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="refund_status_idx"),
            models.Index(fields=["psp_reference"], name="refund_psp_reference_idx"),
        ]

    def __str__(self) -> str:
        return f"R-{self.pk}"


class RefundEvent(models.Model):
    """Append-only history of one refund; the refund's status is derived from it."""

    refund = models.ForeignKey(
        Refund, verbose_name=_("refund"), on_delete=models.CASCADE, related_name="events"
    )
    type = models.CharField(_("type"), max_length=20, choices=RefundEventType.choices)
    amount_minor = MinorAmountField(_("amount"))
    psp_reference = models.CharField(_("provider reference"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, blank=True)
    external_id = models.CharField(
        _("provider event id"), max_length=200, null=True, blank=True, unique=True
    )
    actor_kind = models.CharField(_("actor kind"), max_length=10, blank=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor name"), max_length=200, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)

    class Meta:
        ordering = ["refund_id", "occurred_at", "id"]
        verbose_name = _("refund event")
        verbose_name_plural = _("refund events")

    def __str__(self) -> str:
        return f"{self.refund_id} {self.type}"


class StoreCreditAccount(TimeStampedModel):
    """A buyer's store credit in one currency, with the code a store can accept later."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="store_credit_accounts",
    )
    currency = CurrencyField()
    code = models.CharField(_("code"), max_length=32, unique=True)
    balance_minor = MinorAmountField(_("balance"))

    class Meta:
        ordering = ["customer_id", "currency"]
        verbose_name = _("store credit account")
        verbose_name_plural = _("store credit accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "currency"], name="storecredit_one_account_per_currency"
            ),
            models.CheckConstraint(
                condition=Q(balance_minor__gte=0), name="storecredit_balance_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class StoreCreditEntry(models.Model):
    """One movement of store credit (+ issue or bonus, − redeem or expire).

    Issued grants carry `remaining_minor` (what is left of them, spent oldest-expiring first)
    and `expires_at`; the account's balance is the sum of the entries.
    """

    account = models.ForeignKey(
        StoreCreditAccount,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=StoreCreditKind.choices)
    amount_minor = MinorAmountField(_("amount"))
    remaining_minor = MinorAmountField(_("remaining"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    settlement = models.ForeignKey(
        Settlement,
        verbose_name=_("settlement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="store_credit_entries",
    )
    refund = models.ForeignKey(
        Refund,
        verbose_name=_("refund"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="store_credit_entries",
    )
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=255, null=True, blank=True, unique=True
    )
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    actor_kind = models.CharField(_("actor kind"), max_length=10, blank=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["account_id", "created_at", "id"]
        verbose_name = _("store credit entry")
        verbose_name_plural = _("store credit entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining_minor__gte=0), name="storecreditentry_remaining_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_minor}"


class MoneyAlert(TimeStampedModel):
    """Something finance must act on: a failed refund, a deadline close or missed, a mismatch."""

    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices)
    case = models.ForeignKey(
        ReturnCase,
        verbose_name=_("return"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="money_alerts",
    )
    refund = models.ForeignKey(
        Refund,
        verbose_name=_("refund"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    dedupe_key = models.CharField(_("key"), max_length=200, unique=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("money alert")
        verbose_name_plural = _("money alerts")

    def __str__(self) -> str:
        return self.dedupe_key


class WebhookReceipt(models.Model):
    """A provider webhook delivery accepted once (providers deliver duplicates)."""

    provider = models.CharField(_("provider"), max_length=20)
    event_id = models.CharField(_("event id"), max_length=200)
    type = models.CharField(_("type"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook receipt")
        verbose_name_plural = _("webhook receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="webhookreceipt_unique_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"


class ExchangeBalance(TimeStampedModel):
    """The price difference of an exchange and what was done about it; the replacement order
    the store created is recorded here for the store's books."""

    exchange = models.OneToOneField(
        Exchange, verbose_name=_("exchange"), on_delete=models.PROTECT, related_name="balance"
    )
    currency = CurrencyField()
    difference_minor = MinorAmountField(
        _("price difference"), help_text=_("Positive: the buyer owes it; negative: the seller.")
    )
    balance_policy = models.CharField(_("price difference"), max_length=10)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ExchangeBalanceStatus.choices,
        default=ExchangeBalanceStatus.OPEN,
    )
    payment_link_url = models.URLField(_("payment link"), max_length=500, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=200, blank=True)
    settlement = models.ForeignKey(
        Settlement,
        verbose_name=_("settlement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replacement_order_ref = models.CharField(_("replacement order"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("exchange balance")
        verbose_name_plural = _("exchange balances")

    def __str__(self) -> str:
        return f"{self.exchange_id}: {self.difference_minor}"
