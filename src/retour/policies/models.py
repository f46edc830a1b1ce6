"""Return policies (per store and market, versioned) and the reasons taxonomy.

A `ReturnPolicy` is the identity of "the policy of this store in this market". Its terms live in
`ReturnPolicyVersion` rows, which are written once and never changed: an edit writes the next
version. A case stores the id of the version it was judged by, so a later edit never changes
how an old case reads.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from retour.core.fields import CurrencyField
from retour.core.models import AppendOnlyModel, TimeStampedModel
from retour.markets.models import Market
from retour.orders.models import Store
from retour.policies.choices import (
    POLICY_OUTBOUND_CHOICES,
    Evidence,
    Fault,
    LabelPayer,
    PolicyWindowAnchor,
    ReasonKind,
    RefundTiming,
)
from retour.policies.taxonomy import shipped_label

BPS_MAX = 10_000

reason_code_validator = RegexValidator(
    r"^[a-z0-9]+(_[a-z0-9]+)*$",
    _("Use lower-case letters, digits and single underscores, for example size_too_small."),
)


class ReturnPolicy(TimeStampedModel):
    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="return_policies"
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="return_policies"
    )

    class Meta:
        ordering = ["store_id", "market_id"]
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")
        constraints = [
            models.UniqueConstraint(fields=["store", "market"], name="policy_one_per_store_market")
        ]

    def __str__(self) -> str:
        return f"{self.store.code} × {self.market.code}"


class ReturnPolicyVersion(AppendOnlyModel):
    """One immutable set of terms, in force from `effective_from` until the next version."""

    policy = models.ForeignKey(
        ReturnPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateTimeField(_("in force from"), db_index=True)
    currency = CurrencyField(help_text=_("The currency of the amounts below: the market's."))
    window_days = models.PositiveSmallIntegerField(
        _("return window (days)"), validators=[MaxValueValidator(3650)]
    )
    window_anchor = models.CharField(
        _("window counts from"),
        max_length=16,
        choices=PolicyWindowAnchor.choices,
        default=PolicyWindowAnchor.DELIVERED,
    )
    ship_back_days = models.PositiveSmallIntegerField(
        _("ship back within (days)"),
        default=14,
        validators=[MaxValueValidator(365)],
        help_text=_("Days after the request to send the goods, where the law sets no period."),
    )
    allowed_resolutions = models.JSONField(_("allowed resolutions"), default=list)
    return_methods = models.JSONField(_("return methods"), default=list)
    restocking_fee_bps = models.PositiveIntegerField(
        _("restocking fee (basis points)"),
        default=0,
        validators=[MaxValueValidator(BPS_MAX)],
        help_text=_("1000 = 10 %. Charged only on change-of-mind returns where the law allows."),
    )
    label_payer_customer_fault = models.CharField(
        _("label paid by, customer's fault"),
        max_length=8,
        choices=LabelPayer.choices,
        default=LabelPayer.BUYER,
    )
    label_payer_merchant_fault = models.CharField(
        _("label paid by, merchant's fault"),
        max_length=8,
        choices=LabelPayer.choices,
        default=LabelPayer.SELLER,
    )
    label_payer_carrier_fault = models.CharField(
        _("label paid by, carrier's fault"),
        max_length=8,
        choices=LabelPayer.choices,
        default=LabelPayer.SELLER,
    )
    return_label_fee_minor = models.BigIntegerField(
        _("label fee charged to the buyer (minor units)"),
        null=True,
        blank=True,
        help_text=_("Empty: the label's actual cost. Deducted only where the buyer pays."),
    )
    refund_timing = models.CharField(
        _("refund timing"),
        max_length=24,
        choices=RefundTiming.choices,
        default=RefundTiming.WAREHOUSE_DELIVERY,
    )
    outbound_shipping_refund = models.CharField(
        _("refund the original delivery"),
        max_length=16,
        choices=[(choice.value, choice.label) for choice in POLICY_OUTBOUND_CHOICES],
        default="merchant_fault",
    )
    evidence_photo_threshold_minor = models.BigIntegerField(
        _("photo needed above (minor units)"), null=True, blank=True
    )
    evidence_video_threshold_minor = models.BigIntegerField(
        _("video needed above (minor units)"), null=True, blank=True
    )
    keep_it_threshold_minor = models.BigIntegerField(
        _("keep it below (minor units)"),
        null=True,
        blank=True,
        help_text=_("Items worth less may be kept instead of sent back. Empty: never."),
    )
    excluded_categories = models.JSONField(
        _("excluded categories"),
        default=list,
        blank=True,
        help_text=_("Catalog category codes not accepted on goodwill returns."),
    )
    store_credit_bonus_bps = models.PositiveIntegerField(
        _("store credit bonus (basis points)"), default=0, validators=[MaxValueValidator(BPS_MAX)]
    )
    advance_exchange_allowed = models.BooleanField(_("advance exchange allowed"), default=False)
    auto_approve_eligible = models.BooleanField(
        _("approve eligible requests at once"),
        default=False,
        help_text=_(
            "A buyer's request that passes every eligibility rule is approved without waiting "
            "for an agent. Requests needing review or failing a rule still go to a person."
        ),
    )
    withdrawal_information_given = models.BooleanField(
        _("withdrawal information given"),
        default=True,
        help_text=_("The checkout tells buyers of their statutory withdrawal right."),
    )
    return_policy_displayed = models.BooleanField(
        _("return policy displayed at checkout"),
        default=False,
        help_text=_(
            "Shown clearly in the offer and on the final confirmation screen (Japan, California)."
        ),
    )
    return_cost_disclosed = models.BooleanField(
        _("return cost disclosed"),
        default=True,
        help_text=_("Buyers are told before ordering that they pay the return where they do."),
    )
    note = models.TextField(_("change note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["policy_id", "-number"]
        verbose_name = _("return policy version")
        verbose_name_plural = _("return policy versions")
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique"),
            models.CheckConstraint(
                condition=Q(restocking_fee_bps__lte=BPS_MAX)
                & Q(store_credit_bonus_bps__lte=BPS_MAX),
                name="policy_version_bps_range",
            ),
            models.CheckConstraint(
                condition=Q(window_anchor__in=PolicyWindowAnchor.values),
                name="policy_version_anchor_known",
            ),
            models.CheckConstraint(
                condition=Q(refund_timing__in=RefundTiming.values),
                name="policy_version_refund_timing_known",
            ),
            models.CheckConstraint(
                condition=(
                    (Q(return_label_fee_minor__isnull=True) | Q(return_label_fee_minor__gte=0))
                    & (
                        Q(evidence_photo_threshold_minor__isnull=True)
                        | Q(evidence_photo_threshold_minor__gte=0)
                    )
                    & (
                        Q(evidence_video_threshold_minor__isnull=True)
                        | Q(evidence_video_threshold_minor__gte=0)
                    )
                    & (Q(keep_it_threshold_minor__isnull=True) | Q(keep_it_threshold_minor__gte=0))
                ),
                name="policy_version_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} v{self.number}"


class ReturnReason(TimeStampedModel):
    """A node of the reasons tree. Only leaves may be chosen, and only while active.

    Shipped reasons (`is_shipped`) take their label from the code's gettext table, so they are
    translated by the normal catalogues; reasons a seller adds carry `labels` per language.
    """

    code = models.CharField(
        _("code"), max_length=64, unique=True, validators=[reason_code_validator]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    labels = models.JSONField(
        _("labels"),
        default=dict,
        blank=True,
        help_text=_('Per language, English required: {"en": "Too tight", "de": "Zu eng"}.'),
    )
    is_shipped = models.BooleanField(_("shipped with Retour"), default=False, editable=False)
    fault = models.CharField(_("fault"), max_length=10, choices=Fault.choices)
    requires_evidence = models.CharField(
        _("evidence needed"), max_length=8, choices=Evidence.choices, default=Evidence.NONE
    )
    allowed_resolutions = models.JSONField(
        _("allowed resolutions"),
        default=list,
        blank=True,
        help_text=_("Empty: whatever the policy allows."),
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=ReasonKind.choices, default=ReasonKind.RETURN
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Retired reasons stay on old cases.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("return reason")
        verbose_name_plural = _("return reasons")
        constraints = [
            models.CheckConstraint(condition=Q(fault__in=Fault.values), name="reason_fault_known"),
            models.CheckConstraint(
                condition=Q(requires_evidence__in=Evidence.values), name="reason_evidence_known"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReasonKind.values), name="reason_kind_known"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="reason_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (English, then the code, as fallbacks)."""
        if self.is_shipped:
            text = shipped_label(self.code)
            if text is not None:
                return str(text)
        language = (get_language() or settings.LANGUAGE_CODE).lower()
        labels = {key.lower(): value for key, value in (self.labels or {}).items() if value}
        for candidate in (language, language.split("-")[0], "en"):
            if candidate in labels:
                return labels[candidate]
        return self.code
