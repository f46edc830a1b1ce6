"""Exchanges: a replacement variant for returned units, standard or shipped in advance."""

from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Variant
from retour.core.fields import CurrencyField, MinorAmountField
from retour.core.models import TimeStampedModel
from retour.returns.choices import BalancePolicy, ExchangeStatus
from retour.returns.models.cases import ReturnCase, ReturnLine


class Exchange(TimeStampedModel):
    """Standard: requested → awaiting_return → return_received → replacement_shipped → completed.
    Advance (only when the caller's policy allows it): requested → replacement_shipped →
    awaiting_return → completed, or → unreturned → charged | written_off."""

    case = models.ForeignKey(
        ReturnCase, verbose_name=_("return"), on_delete=models.PROTECT, related_name="exchanges"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ExchangeStatus.choices, default=ExchangeStatus.REQUESTED
    )
    advance_ship = models.BooleanField(_("ship before the return arrives"), default=False)
    balance_policy = models.CharField(
        _("price difference"),
        max_length=10,
        choices=BalancePolicy.choices,
        default=BalancePolicy.COLLECT,
    )
    price_difference_minor = MinorAmountField(
        _("price difference"),
        help_text=_(
            "Positive: the buyer owes it; negative: the seller does. Set by the money app."
        ),
    )
    currency = CurrencyField()
    unreturned_deadline = models.DateTimeField(_("return due by"), null=True, blank=True)
    replacement_order_ref = models.CharField(_("replacement order"), max_length=100, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    awaiting_return_at = models.DateTimeField(_("awaiting return since"), null=True, blank=True)
    return_received_at = models.DateTimeField(_("return received at"), null=True, blank=True)
    replacement_shipped_at = models.DateTimeField(
        _("replacement shipped at"), null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    unreturned_at = models.DateTimeField(_("marked unreturned at"), null=True, blank=True)
    charged_at = models.DateTimeField(_("charged at"), null=True, blank=True)
    written_off_at = models.DateTimeField(_("written off at"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("canceled at"), null=True, blank=True)

    STATUS_TIMESTAMPS = {
        ExchangeStatus.AWAITING_RETURN: "awaiting_return_at",
        ExchangeStatus.RETURN_RECEIVED: "return_received_at",
        ExchangeStatus.REPLACEMENT_SHIPPED: "replacement_shipped_at",
        ExchangeStatus.COMPLETED: "completed_at",
        ExchangeStatus.UNRETURNED: "unreturned_at",
        ExchangeStatus.CHARGED: "charged_at",
        ExchangeStatus.WRITTEN_OFF: "written_off_at",
        ExchangeStatus.CANCELED: "canceled_at",
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=~Q(status=ExchangeStatus.CANCELED),
                name="exchange_one_live_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"exchange {self.pk} of {self.case_id}"


class ExchangeLine(TimeStampedModel):
    exchange = models.ForeignKey(
        Exchange, verbose_name=_("exchange"), on_delete=models.CASCADE, related_name="lines"
    )
    return_line = models.ForeignKey(
        ReturnLine, verbose_name=_("return line"), on_delete=models.PROTECT, related_name="+"
    )
    new_variant = models.ForeignKey(
        Variant, verbose_name=_("new variant"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    quantity_replaced = models.PositiveIntegerField(
        _("replaced"), default=0, help_text=_("Accepted units posted as exchanged on the ledger.")
    )

    class Meta:
        ordering = ["exchange_id", "id"]
        verbose_name = _("exchange line")
        verbose_name_plural = _("exchange lines")
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "return_line"], name="exchangeline_unique_per_exchange"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="exchangeline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(F("quantity_replaced"), F("quantity")),
                name="exchangeline_replaced_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.new_variant_id}"
