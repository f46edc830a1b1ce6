"""Return cases (the RMA) and their lines."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Variant
from retour.core.fields import CurrencyField
from retour.core.models import TimeStampedModel
from retour.markets.models import Market
from retour.orders.models import Customer, Order, OrderLine
from retour.policies.models import ReturnPolicyVersion
from retour.returns.choices import CaseStatus, CaseTrack, Channel, Resolution, ReturnMethod


class ReturnCase(TimeStampedModel):
    """A buyer's request to send goods back, from submission to closing.

    `status` changes only through the services in `retour.returns.services`, checked against
    `transitions.CASE_TRANSITIONS`; `version` counts the changes (one event row each), so a
    form can pass the version it showed and a stale double click is refused.
    """

    number = models.CharField(
        _("return number"),
        max_length=20,
        unique=True,
        help_text=_("Printed on labels; the last character is a check character."),
    )
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="return_cases"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="return_cases"
    )
    # Resolved from the order's destination country when the case is created; empty only on
    # cases written before markets existed.
    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="return_cases",
    )
    # The policy version the case was judged by at submission (versions are immutable, so
    # later edits of the policy never change how this case was judged).
    policy_version = models.ForeignKey(
        ReturnPolicyVersion,
        verbose_name=_("policy version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="return_cases",
    )
    track = models.CharField(
        _("track"),
        max_length=24,
        choices=CaseTrack.choices,
        blank=True,
        help_text=_("Statutory withdrawal, goodwill policy or fault claim; set at submission."),
    )
    withdraw_by = models.DateTimeField(
        _("statutory withdrawal deadline"),
        null=True,
        blank=True,
        help_text=_("The earliest end of the statutory withdrawal period over the lines."),
    )
    ship_back_by = models.DateTimeField(
        _("ship back by"),
        null=True,
        blank=True,
        help_text=_("The end of the buyer's day by which the goods must be sent."),
    )
    refund_due_by = models.DateTimeField(
        _("refund due by"),
        null=True,
        blank=True,
        help_text=_("The latest lawful refund date, where the law sets one."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the buyer created it."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    requested_resolution = models.CharField(
        _("requested resolution"), max_length=20, choices=Resolution.choices
    )
    return_method = models.CharField(
        _("return method"), max_length=20, choices=ReturnMethod.choices
    )
    destination = models.CharField(
        _("destination"),
        max_length=200,
        blank=True,
        help_text=_("Where the goods go (hub or warehouse); set by logistics routing."),
    )
    expires_at = models.DateTimeField(
        _("ship by"), null=True, blank=True, help_text=_("An approved return expires after this.")
    )
    eligibility_snapshot = models.JSONField(
        _("eligibility results"),
        default=dict,
        blank=True,
        help_text=_("The evaluation at submission (policies' EligibilityResult.snapshot())."),
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    override_reason = models.TextField(_("override reason"), blank=True)
    currency = CurrencyField()
    version = models.PositiveIntegerField(_("version"), default=0)
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=100,
        null=True,
        blank=True,
        help_text=_("Sent by the client on submission; a repeat returns the same case."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_requested_at = models.DateTimeField(_("review requested at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("canceled at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    in_transit_at = models.DateTimeField(_("first carrier scan at"), null=True, blank=True)
    partially_received_at = models.DateTimeField(
        _("first units received at"), null=True, blank=True
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    lost_at = models.DateTimeField(_("lost at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # The timestamp column each status sets the first time it is entered.
    STATUS_TIMESTAMPS = {
        CaseStatus.SUBMITTED: "submitted_at",
        CaseStatus.PENDING_REVIEW: "review_requested_at",
        CaseStatus.APPROVED: "approved_at",
        CaseStatus.REJECTED: "rejected_at",
        CaseStatus.CANCELED: "canceled_at",
        CaseStatus.EXPIRED: "expired_at",
        CaseStatus.IN_TRANSIT: "in_transit_at",
        CaseStatus.PARTIALLY_RECEIVED: "partially_received_at",
        CaseStatus.RECEIVED: "received_at",
        CaseStatus.LOST: "lost_at",
        CaseStatus.RESOLVED: "resolved_at",
        CaseStatus.CLOSED: "closed_at",
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="returncase_unique_idempotency_key_per_order",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="returncase_status_expiry_idx"),
            # Back-office queues over a million cases: one status, the refund deadline first.
            models.Index(fields=["status", "refund_due_by"], name="returncase_status_due_idx"),
            # The back-office queue: one or all statuses, oldest submission (due first) on top,
            # read page by page without sorting a million rows (docs/backoffice.md).
            models.Index(
                fields=["status", "submitted_at", "id"], name="returncase_status_subm_idx"
            ),
            models.Index(fields=["submitted_at", "id"], name="returncase_subm_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class ReturnLine(TimeStampedModel):
    """Units of one order line in one case. No status column: where the units are is read from
    the quantities (requested, received, released, lost, accepted, rejected, refunded, exchanged).

    - released: requested units given back to the returnable pool (canceled, rejected, expired,
      remainder closed); lost: units the carrier lost, kept by nobody but no longer returnable.
    - settled = refunded + exchanged; a case resolves when every line is settled.
    """

    case = models.ForeignKey(
        ReturnCase, verbose_name=_("return"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    quantity_requested = models.PositiveIntegerField(_("requested"))
    quantity_received = models.PositiveIntegerField(_("received"), default=0)
    quantity_released = models.PositiveIntegerField(_("released"), default=0)
    quantity_lost = models.PositiveIntegerField(_("lost in transit"), default=0)
    quantity_accepted = models.PositiveIntegerField(_("accepted"), default=0)
    quantity_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    quantity_refunded = models.PositiveIntegerField(_("refunded"), default=0)
    quantity_exchanged = models.PositiveIntegerField(_("exchanged"), default=0)
    # A `policies.ReturnReason` code, checked to be an active leaf of kind "return" when chosen
    # (P3). A plain code rather than a foreign key: a retired reason stays on old cases.
    reason_code = models.CharField(_("reason"), max_length=64)
    customer_comment = models.TextField(_("customer comment"), blank=True)
    resolution = models.CharField(_("resolution"), max_length=20, choices=Resolution.choices)
    exchange_variant = models.ForeignKey(
        Variant,
        verbose_name=_("exchange for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_codes = models.JSONField(_("inspection decision codes"), default=list, blank=True)
    unit_basis = models.JSONField(
        _("unit basis"),
        default=dict,
        help_text=_("Per unit as paid, copied from the order line: net, tax and duty."),
    )
    serials = models.JSONField(_("serial numbers"), default=list, blank=True)

    class Meta:
        ordering = ["case_id", "order_line_id"]
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "order_line"], name="returnline_unique_per_case"
            ),
            models.CheckConstraint(
                condition=Q(quantity_requested__gte=1), name="returnline_requested_positive"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    F("quantity_received") + F("quantity_released") + F("quantity_lost"),
                    F("quantity_requested"),
                ),
                name="returnline_q2_received_within_requested",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    F("quantity_accepted") + F("quantity_rejected"), F("quantity_received")
                ),
                name="returnline_q3_decided_within_received",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    F("quantity_refunded") + F("quantity_exchanged"),
                    F("quantity_accepted") + F("quantity_lost"),
                ),
                name="returnline_q5_settled_within_accepted",
            ),
            models.CheckConstraint(
                condition=~Q(resolution=Resolution.EXCHANGE) | Q(exchange_variant__isnull=False),
                name="returnline_exchange_names_variant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity_requested} × {self.order_line_id}"

    @property
    def quantity_outstanding(self) -> int:
        """Requested units neither received, released nor lost: still with the buyer or carrier."""
        return (
            self.quantity_requested
            - self.quantity_received
            - self.quantity_released
            - self.quantity_lost
        )

    @property
    def quantity_undecided(self) -> int:
        return self.quantity_received - self.quantity_accepted - self.quantity_rejected

    @property
    def quantity_settled(self) -> int:
        return self.quantity_refunded + self.quantity_exchanged

    @property
    def quantity_to_settle(self) -> int:
        """Accepted or lost units not yet refunded or exchanged."""
        return self.quantity_accepted + self.quantity_lost - self.quantity_settled
