"""Reads of the automation app."""

from __future__ import annotations

from django.db.models import QuerySet

from retour.automation.models import Decision, Rule, RuleVersion
from retour.core.models import DomainEvent
from retour.returns.models import ReturnCase


def decision_for_case(case: ReturnCase) -> Decision | None:
    return Decision.objects.filter(case_id=case.pk).first()


def rules_list() -> QuerySet[Rule]:
    """Every rule in evaluation order (priority, then id)."""
    return Rule.objects.order_by("priority", "id")


def rule_get(rule_id: int) -> Rule:
    return Rule.objects.get(pk=rule_id)


def rule_versions(rule: Rule) -> QuerySet[RuleVersion]:
    return RuleVersion.objects.filter(rule_id=rule.pk).order_by("-number")


def rule_audit(rule: Rule) -> QuerySet[DomainEvent]:
    """The audit trail of a rule: who changed what, when (newest first)."""
    return DomainEvent.objects.filter(
        aggregate_type="automation.rule", aggregate_id=rule.pk
    ).order_by("-occurred_at", "-id")
