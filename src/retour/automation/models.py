"""Automation rules (versioned), the decisions they produce, and the exchange rates they read.

A `Rule` is the identity of one rule and carries its current terms, denormalised for fast
loading; every change (create, edit, enable, disable) writes a new immutable `RuleVersion`, so
a `Decision` that names (rule id, version) always reads the terms that fired. The rule set's
version is the highest `RuleVersion` id: compiled rule sets are cached under it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retour.core.fields import CurrencyField
from retour.core.models import AppendOnlyModel, TimeStampedModel
from retour.returns.models import ReturnCase


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REVIEW = "review", _("Send to review")
    REJECT = "reject", _("Reject")
    NONE = "none", _("No decision")


class RuleTerms(models.Model):
    """The editable terms of a rule, shared by the rule and each of its versions."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.IntegerField(
        _("priority"), default=100, help_text=_("Lower numbers are evaluated first.")
    )
    enabled = models.BooleanField(_("enabled"), default=False)
    store_codes = models.JSONField(
        _("stores"), default=list, blank=True, help_text=_("Store codes; empty: every store.")
    )
    market_codes = models.JSONField(
        _("markets"), default=list, blank=True, help_text=_("Market codes; empty: every market.")
    )
    conditions = models.JSONField(
        _("conditions"),
        default=dict,
        blank=True,
        help_text=_('A group: {"all": [...]} or {"any": [...]} of {"field", "op", "value"}.'),
    )
    actions = models.JSONField(
        _("actions"),
        default=list,
        help_text=_("A list of actions, each with its type and parameters."),
    )

    class Meta:
        abstract = True


class Rule(RuleTerms, TimeStampedModel):
    """A rule's identity and current terms; `version` is the number of its latest version."""

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Set on the rules Retour ships, so loading them again finds them."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("automation rule")
        verbose_name_plural = _("automation rules")

    def __str__(self) -> str:
        return self.name


class RuleVersion(RuleTerms, AppendOnlyModel):
    """The terms of one rule as they were from `created_at` until the next version."""

    rule = models.ForeignKey(
        Rule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=20)
    note = models.TextField(_("change note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_name = models.CharField(_("changed by (name)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["rule_id", "-number"]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="ruleversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.number}"


class Decision(TimeStampedModel):
    """What the rules decided for one submitted case, and why; one per case.

    `outcome` is the decision applied (after the policy guard); `proposed_outcome` what the
    rules asked for. The explanations are stored as message ids with parameters
    (`agent_messages`, `buyer_messages`) and rendered in the reader's language.
    """

    case = models.OneToOneField(
        ReturnCase,
        verbose_name=_("return"),
        on_delete=models.CASCADE,
        related_name="automation_decision",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    proposed_outcome = models.CharField(
        _("outcome the rules proposed"), max_length=10, choices=DecisionOutcome.choices
    )
    queue = models.CharField(_("review queue"), max_length=64, blank=True)
    reject_reason_code = models.CharField(_("rejection reason"), max_length=64, blank=True)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    rules_fired = models.JSONField(_("rules that fired"), default=list, blank=True)
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    ruleset_version = models.PositiveBigIntegerField(_("rule set version"), default=0)
    agent_messages = models.JSONField(_("explanation for agents"), default=list, blank=True)
    buyer_messages = models.JSONField(_("explanation for the buyer"), default=list, blank=True)
    applied = models.BooleanField(_("applied"), default=False)
    apply_error = models.CharField(_("could not apply"), max_length=100, blank=True)
    requested_by_kind = models.CharField(_("requested by"), max_length=10, blank=True)
    requested_by_id = models.BigIntegerField(_("requested by (id)"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rule decision")
        verbose_name_plural = _("rule decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values), name="decision_outcome_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.outcome}"

    @property
    def agent_explanation(self) -> str:
        from retour.automation.messages import AGENT, render

        return render(self.agent_messages, AGENT)

    @property
    def buyer_explanation(self) -> str:
        from retour.automation.messages import BUYER, render

        return render(self.buyer_messages, BUYER)

    def action(self, kind: str) -> dict | None:
        """The first action of type `kind`, or None."""
        for action in self.actions:
            if action.get("type") == kind:
                return action
        return None


class ExchangeRate(models.Model):
    """One unit of `base` is worth `rate` units of `quote` from `valid_from` on (major units)."""

    base = CurrencyField(verbose_name=_("from currency"))
    quote = CurrencyField(verbose_name=_("to currency"))
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        ordering = ["base", "quote", "-valid_from"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["base", "quote", "valid_from"], name="exchangerate_unique_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchangerate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.valid_from})"
