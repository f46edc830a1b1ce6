"""Claims: after-sales cases with no goods coming back (damaged, missing, never arrived, keep it).

Opening a claim posts its units as `kept` on the ledger, so they can be neither returned nor
claimed twice; denying or canceling it releases them.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Variant
from retour.core.fields import CurrencyField
from retour.core.models import TimeStampedModel
from retour.orders.models import Customer, Order, OrderLine
from retour.returns.choices import Channel, ClaimKind, ClaimResolution, ClaimStatus


class Claim(TimeStampedModel):
    number = models.CharField(_("claim number"), max_length=20, unique=True)
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="claims"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="claims"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ClaimKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.OPEN
    )
    resolution = models.CharField(_("resolution"), max_length=20, choices=ClaimResolution.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    currency = CurrencyField()
    version = models.PositiveIntegerField(_("version"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    denied_at = models.DateTimeField(_("denied at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("canceled at"), null=True, blank=True)

    STATUS_TIMESTAMPS = {
        ClaimStatus.OPEN: "opened_at",
        ClaimStatus.APPROVED: "approved_at",
        ClaimStatus.DENIED: "denied_at",
        ClaimStatus.RESOLVED: "resolved_at",
        ClaimStatus.CANCELED: "canceled_at",
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="claim_unique_idempotency_key_per_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ClaimLine(TimeStampedModel):
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    quantity_refunded = models.PositiveIntegerField(_("refunded"), default=0)
    quantity_exchanged = models.PositiveIntegerField(_("replaced"), default=0)
    # A plain code until the reasons taxonomy (policies) arrives.
    reason_code = models.CharField(_("reason"), max_length=64)
    customer_comment = models.TextField(_("customer comment"), blank=True)
    replacement_variant = models.ForeignKey(
        Variant,
        verbose_name=_("replacement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replacement_order_ref = models.CharField(_("replacement order"), max_length=100, blank=True)
    unit_basis = models.JSONField(_("unit basis"), default=dict)

    class Meta:
        ordering = ["claim_id", "order_line_id"]
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "order_line"], name="claimline_unique_per_claim"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="claimline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    F("quantity_refunded") + F("quantity_exchanged"), F("quantity")
                ),
                name="claimline_settled_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line_id}"

    @property
    def quantity_to_settle(self) -> int:
        return self.quantity - self.quantity_refunded - self.quantity_exchanged
