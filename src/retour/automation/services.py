"""The write side of automation: rule changes (versioned and audited) and case decisions.

    rule = rule_create(actor=actor, name="Small size returns", conditions={...}, actions=[...])
    rule_enable(rule=rule, actor=actor)
    decision = case_auto_decide(case=case, actor=actor)   # right after case_submit

Every rule change writes a `RuleVersion` and a `DomainEvent` ("automation.rule.*") in one
transaction. `case_auto_decide` stores one `Decision` per case and applies it through the
returns services; a second call returns the stored decision and applies nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from retour.automation.actions import REJECT_REASONS, validate_actions
from retour.automation.conditions import validate
from retour.automation.engine import evaluate, live_ruleset
from retour.automation.exceptions import (
    CaseNotSubmitted,
    RuleChangeNotAllowed,
    RuleInvalid,
    RuleStale,
)
from retour.automation.facts import facts_for_case, snapshot
from retour.automation.messages import message
from retour.automation.models import Decision, DecisionOutcome, Rule, RuleVersion
from retour.core.actors import Actor
from retour.core.events import NewEvent, record_events
from retour.core.exceptions import ApplicationError
from retour.markets.models import Market
from retour.orders.models import Store
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase
from retour.returns.services import case_approve, case_reject

AUTOMATION_ACTOR = Actor.system("automation")
RULE = "automation.rule"
DECISION = "automation.decision"
TERMS = (
    "name",
    "description",
    "priority",
    "enabled",
    "store_codes",
    "market_codes",
    "conditions",
    "actions",
)


# Rules ----------------------------------------------------------------------------------------


def rule_validate(terms: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every problem of a rule's terms, as {path, code, message} (empty: valid)."""
    from django.utils.translation import gettext as _

    errors = []
    name = str(terms.get("name") or "").strip()
    if not name or len(name) > 200:
        errors.append({"path": "name", "code": "bad_name", "message": _("Give the rule a name.")})
    priority = terms.get("priority", 100)
    if isinstance(priority, bool) or not isinstance(priority, int) or abs(priority) > 1_000_000:
        errors.append(
            {"path": "priority", "code": "bad_priority", "message": _("Give a whole number.")}
        )
    for key, model, label in (
        ("store_codes", Store, _("Unknown store: %(codes)s.")),
        ("market_codes", Market, _("Unknown market: %(codes)s.")),
    ):
        codes = terms.get(key) or []
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            errors.append({"path": key, "code": "bad_scope", "message": _("Give a list of codes.")})
            continue
        known = set(model.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            errors.append(
                {
                    "path": key,
                    "code": "unknown_scope",
                    "message": label % {"codes": ", ".join(unknown)},
                }
            )
    errors += [error.as_dict() for error in validate(terms.get("conditions") or {})]
    errors += [error.as_dict() for error in validate_actions(terms.get("actions"))]
    return errors


def _require_editor(actor: Actor) -> None:
    if actor.is_customer:
        raise RuleChangeNotAllowed()


def _clean(terms: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {key: terms[key] for key in TERMS if key in terms}
    if "name" in cleaned:
        cleaned["name"] = str(cleaned["name"]).strip()
    for key in ("store_codes", "market_codes"):
        if key in cleaned:
            cleaned[key] = sorted(set(cleaned[key] or []))
    if "conditions" in cleaned:
        cleaned["conditions"] = cleaned["conditions"] or {}
    if "actions" in cleaned:
        cleaned["actions"] = [
            {"type": action["type"], "params": dict(action.get("params") or {})}
            for action in cleaned["actions"]
        ]
    return cleaned


def _write_version(rule: Rule, actor: Actor, change: str, note: str, now) -> RuleVersion:
    version = RuleVersion(
        rule=rule,
        number=rule.version,
        change=change,
        note=note,
        created_by_id=actor.id if actor.is_staff else None,
        created_by_name=actor.name,
        created_at=now,
        **{key: getattr(rule, key) for key in TERMS},
    )
    version.save()
    record_events(
        [
            NewEvent(
                aggregate_type=RULE,
                aggregate_id=rule.pk,
                type=f"{RULE}.{change}",
                actor=actor,
                from_status="",
                to_status="enabled" if rule.enabled else "disabled",
                reason=note,
                payload={"version": rule.version, "name": rule.name},
                publish=False,
            )
        ],
        occurred_at=now,
    )
    return version


def rule_create(*, actor: Actor, code: str | None = None, note: str = "", **terms: Any) -> Rule:
    """Create a rule (disabled unless `enabled=True`) after validating its terms."""
    _require_editor(actor)
    cleaned = _clean({"priority": 100, "enabled": False, "conditions": {}, **terms})
    errors = rule_validate(cleaned)
    if errors:
        raise RuleInvalid(extra={"errors": errors})
    now = timezone.now()
    with transaction.atomic():
        rule = Rule.objects.create(code=code or None, version=1, **cleaned)
        _write_version(rule, actor, "created", note, now)
    return rule


def rule_update(
    *, rule: Rule, actor: Actor, expected_version: int | None = None, note: str = "", **terms: Any
) -> Rule:
    """Change a rule's terms: validated, written as the next version. Unchanged terms write
    nothing. A stale `expected_version` is refused (`automation.rule_stale`)."""
    _require_editor(actor)
    with transaction.atomic():
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
        if expected_version is not None and rule.version != expected_version:
            raise RuleStale(extra={"expected": expected_version, "actual": rule.version})
        cleaned = _clean(terms)
        merged = {key: getattr(rule, key) for key in TERMS} | cleaned
        errors = rule_validate(merged)
        if errors:
            raise RuleInvalid(extra={"errors": errors})
        changed = [key for key, value in cleaned.items() if getattr(rule, key) != value]
        if not changed:
            return rule
        now = timezone.now()
        for key in changed:
            setattr(rule, key, cleaned[key])
        rule.version += 1
        rule.save(update_fields=[*changed, "version", "updated_at"])
        change = "updated"
        if changed == ["enabled"]:
            change = "enabled" if rule.enabled else "disabled"
        _write_version(rule, actor, change, note, now)
    return rule


def rule_enable(*, rule: Rule, actor: Actor, note: str = "") -> Rule:
    return rule_update(rule=rule, actor=actor, enabled=True, note=note)


def rule_disable(*, rule: Rule, actor: Actor, note: str = "") -> Rule:
    return rule_update(rule=rule, actor=actor, enabled=False, note=note)


# Decisions ------------------------------------------------------------------------------------


def case_auto_decide(*, case: ReturnCase, actor: Actor) -> Decision:
    """Evaluate the enabled rules for a submitted case, store the Decision and apply it.

    Approve goes through `case_approve`, reject through `case_reject` with the reason code,
    review leaves the case in review (the queue is on the decision). Both as the system actor
    "automation"; `actor` (who asked: the portal's buyer, an agent) is recorded. Idempotent:
    a second call returns the stored decision and applies nothing. A decision the returns core
    refuses to apply (the case moved on meanwhile) is kept with `applied=False` and the code.
    A draft is refused (`automation.case_not_submitted`) and nothing is stored.
    """
    existing = Decision.objects.filter(case_id=case.pk).first()
    if existing is not None:
        return existing
    if ReturnCase.objects.filter(pk=case.pk, status=CaseStatus.DRAFT).exists():
        raise CaseNotSubmitted(extra={"case_id": case.pk})
    ruleset = live_ruleset()
    facts = facts_for_case(case, rates=ruleset.rates)
    try:
        with transaction.atomic():
            locked = ReturnCase.objects.select_for_update().get(pk=case.pk)
            existing = Decision.objects.filter(case_id=case.pk).first()
            if existing is not None:
                return existing
            result = evaluate(ruleset, facts, status=locked.status)
            decision = Decision.objects.create(
                case=locked,
                outcome=result.outcome,
                proposed_outcome=result.proposed,
                queue=result.queue,
                reject_reason_code=result.reject_reason,
                actions=result.actions,
                rules_fired=result.fired,
                facts=snapshot(facts),
                ruleset_version=ruleset.version,
                agent_messages=result.agent,
                buyer_messages=result.buyer,
                applied=result.outcome in (DecisionOutcome.REVIEW, DecisionOutcome.NONE),
                requested_by_kind=actor.kind,
                requested_by_id=actor.id,
            )
            _apply(decision, locked)
            record_events(
                [
                    NewEvent(
                        aggregate_type=DECISION,
                        aggregate_id=decision.pk,
                        type=f"{DECISION}.made",
                        actor=actor,
                        to_status=decision.outcome,
                        payload={
                            "case_id": case.pk,
                            "outcome": decision.outcome,
                            "proposed": decision.proposed_outcome,
                            "queue": decision.queue,
                            "rules": [[rule["id"], rule["version"]] for rule in result.fired],
                            "actions": [action["type"] for action in decision.actions],
                            "applied": decision.applied,
                        },
                    )
                ]
            )
    except IntegrityError:
        # A concurrent call stored the decision first (databases without row locks).
        return Decision.objects.get(case_id=case.pk)
    return decision


def _apply(decision: Decision, case: ReturnCase) -> None:
    if decision.outcome not in (DecisionOutcome.APPROVE, DecisionOutcome.REJECT):
        return
    if decision.outcome == DecisionOutcome.APPROVE and case.status == CaseStatus.APPROVED:
        # The policy approved it at submission: nothing left to apply.
        decision.applied = True
        decision.save(update_fields=["applied", "updated_at"])
        return
    try:
        with transaction.atomic():
            if decision.outcome == DecisionOutcome.APPROVE:
                case_approve(case=case, actor=AUTOMATION_ACTOR)
            else:
                code = decision.reject_reason_code
                case_reject(
                    case=case,
                    actor=AUTOMATION_ACTOR,
                    reason=code if code in REJECT_REASONS else "other",
                )
        decision.applied = True
        fields = ["applied"]
    except ApplicationError as error:
        decision.applied = False
        decision.apply_error = error.code[:100]
        decision.agent_messages = [
            *decision.agent_messages,
            message("apply_failed", error=error.code),
        ]
        fields = ["applied", "apply_error", "agent_messages"]
    decision.save(update_fields=[*fields, "updated_at"])


def rules_install(specs: Sequence[Mapping[str, Any]], *, actor: Actor) -> list[Rule]:
    """Create the rules of `specs` whose `code` does not exist yet (idempotent)."""
    created = []
    existing = set(Rule.objects.filter(code__isnull=False).values_list("code", flat=True))
    for spec in specs:
        if spec["code"] in existing:
            continue
        created.append(rule_create(actor=actor, **spec))
    return created
