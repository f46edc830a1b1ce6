"""Evaluation: a compiled rule set applied to one case's facts, deterministically.

Rules run in (priority, id) order. Every rule whose scope and conditions match fires; the first
fired rule with a decision (approve / review / reject) decides, later decisions are recorded as
shadowed; other actions accumulate (see `actions`). Then the policy guard: a rule never turns
the policy's verdict against the buyer (see `_guard`). The same pure `evaluate` serves the live
decision and the simulation, which is why they agree.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max

from retour.automation import actions as A
from retour.automation.conditions import Predicate, compile_condition, leaves
from retour.automation.facts import FACTS, MONEY, MONEY_CURRENCY, REFUND_TRIGGERS
from retour.automation.fx import RateTable
from retour.automation.messages import message
from retour.automation.models import DecisionOutcome, ExchangeRate, Rule, RuleVersion
from retour.core.money import Money
from retour.policies.choices import Outcome
from retour.returns.choices import CaseStatus, CaseTrack

_EVIDENCE_STRENGTH = {"photo": 1, "video": 2}
_NONE = DecisionOutcome.NONE.value
# Statuses in which a rule's decision can still be applied.
DECIDABLE = frozenset({CaseStatus.SUBMITTED, CaseStatus.PENDING_REVIEW})


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: int
    version: int
    name: str
    priority: int
    stores: frozenset[str]
    markets: frozenset[str]
    test: Predicate
    tests: tuple[tuple[dict, Predicate], ...]
    actions: tuple[dict, ...]
    decision: dict | None
    # Same key, same verdict on the same facts: the conditions and scope as canonical JSON.
    key: str = ""


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: int
    rules: tuple[CompiledRule, ...]
    rates: RateTable
    # (rule, test, stores, markets) per rule: the hot loop reads tuples, not attributes.
    entries: tuple = ()


@dataclass
class Evaluation:
    outcome: str
    proposed: str
    queue: str = ""
    reject_reason: str = ""
    actions: list[dict] = field(default_factory=list)
    fired: list[dict] = field(default_factory=list)
    agent: list[dict] = field(default_factory=list)
    buyer: list[dict] = field(default_factory=list)


def compile_rules(rows: Iterable[Mapping[str, Any]], rates: RateTable, version: int = 0) -> RuleSet:
    """Compile rule terms (dicts with id, version, name, priority, store_codes, market_codes,
    conditions, actions; drafts may have id 0) into a rule set, sorted for evaluation."""
    compiled = []
    for row in rows:
        conditions = row.get("conditions") or {}
        actions = tuple(
            {"type": action["type"], "params": dict(action.get("params") or {})}
            for action in row.get("actions") or ()
        )
        decision = next((action for action in actions if action["type"] in A.DECISIONS), None)
        compiled.append(
            CompiledRule(
                id=row.get("id") or 0,
                version=row.get("version") or 0,
                name=row.get("name", ""),
                priority=row.get("priority", 100),
                stores=frozenset(row.get("store_codes") or ()),
                markets=frozenset(row.get("market_codes") or ()),
                test=compile_condition(conditions, rates),
                tests=tuple((leaf, compile_condition(leaf, rates)) for leaf in leaves(conditions)),
                actions=actions,
                decision=decision,
                key=json.dumps(conditions, sort_keys=True, default=str),
            )
        )
    compiled.sort(key=lambda rule: (rule.priority, rule.id))
    entries = tuple((rule, rule.test, rule.stores, rule.markets, rule.key) for rule in compiled)
    return RuleSet(version=version, rules=tuple(compiled), rates=rates, entries=entries)


_RULE_FIELDS = (
    "id",
    "version",
    "name",
    "priority",
    "store_codes",
    "market_codes",
    "conditions",
    "actions",
)
_cache: dict[str, RuleSet] = {}
_lock = threading.Lock()


def ruleset_version() -> tuple:
    """A key that changes whenever a rule or a rate changes (every rule change writes a
    version row), so a cached compiled set is never stale; its first item is the highest
    rule version id, the rule set's version number."""
    rules = RuleVersion.objects.aggregate(top=Max("id"), last=Max("created_at"), n=Count("id"))
    rates = ExchangeRate.objects.aggregate(top=Max("id"), n=Count("id"))
    return (rules["top"] or 0, rules["last"], rules["n"], rates["top"], rates["n"])


_cache_keys: dict[str, tuple] = {}


def live_ruleset() -> RuleSet:
    """The enabled rules, compiled once per rule set version (two small queries to check)."""
    key = ruleset_version()
    if _cache_keys.get("live") == key and "live" in _cache:
        return _cache["live"]
    with _lock:
        rows = Rule.objects.filter(enabled=True).values(*_RULE_FIELDS)
        ruleset = compile_rules(rows, RateTable.load(), version=key[0])
        _cache["live"] = ruleset
        _cache_keys["live"] = key
    return ruleset


def clear_cache() -> None:
    _cache.clear()
    _cache_keys.clear()


# Evaluating -----------------------------------------------------------------------------------


def evaluate(
    ruleset: RuleSet,
    facts: Mapping[str, Any],
    *,
    status: str | None = None,
    explain: bool = True,
    memo: dict[str, bool] | None = None,
) -> Evaluation:
    """The decision of `ruleset` on `facts`. `status` is the case's status when the rules run;
    None derives the status the submission led to from the facts (for a simulation). Without
    `explain` neither the explanations nor the fired rules are recorded (a simulation needs
    only the outcome and the actions). A
    `memo` shared by evaluations of the same facts tests each distinct condition once."""
    store = facts["store"]
    market = facts["market"]
    if memo is None:
        fired = [
            rule
            for rule, test, stores, markets, _key in ruleset.entries
            if (not stores or store in stores)
            and (not markets or market in markets)
            and test(facts)
        ]
    else:
        fired = []
        for rule, test, stores, markets, key in ruleset.entries:
            if (stores and store not in stores) or (markets and market not in markets):
                continue
            hit = memo.get(key)
            if hit is None:
                hit = memo[key] = test(facts)
            if hit:
                fired.append(rule)
    result = Evaluation(outcome=_NONE, proposed=_NONE)
    if not explain:
        result.agent = _Sink()
        result.buyer = _Sink()
    decision: dict | None = None
    single: dict[str, dict] = {}
    evidence: dict | None = None
    tags: list[str] = []
    notes: list[dict] = []
    for rule in fired:
        taken = []
        if explain:
            tests = [_test_record(leaf, test, facts) for leaf, test in rule.tests if test(facts)]
            result.agent.append(
                message("rule_matched", rule=rule.name, version=rule.version, tests=tests)
            )
        for action in rule.actions:
            kind = action["type"]
            if kind in A.DECISIONS:
                if decision is None:
                    decision = action
                    taken.append(kind)
                    result.agent.append(message("rule_decided", rule=rule.name, outcome=kind))
                else:
                    result.agent.append(message("decision_shadowed", rule=rule.name, outcome=kind))
            elif kind in A.SINGLE:
                if kind not in single:
                    single[kind] = action
                    taken.append(kind)
            elif kind == "require_evidence":
                strength = _EVIDENCE_STRENGTH[action["params"]["kind"]]
                if evidence is None or strength > _EVIDENCE_STRENGTH[evidence["params"]["kind"]]:
                    evidence = action
                taken.append(kind)
            elif kind == "tag":
                if action["params"]["tag"] not in tags:
                    tags.append(action["params"]["tag"])
                taken.append(kind)
            elif kind == "notify":
                notes.append(action)
                taken.append(kind)
        if explain:
            result.fired.append(
                {"id": rule.id, "version": rule.version, "name": rule.name, "actions": taken}
            )
    if decision is not None:
        result.proposed = decision["type"]
    _guard(result, decision, facts, status)
    _collect(result, single, evidence, tags, notes, facts, ruleset.rates)
    if not fired and explain:
        result.agent.append(message("no_rule_matched"))
    elif decision is None:
        result.agent.append(message("no_decision"))
    return result


class _Sink(list):
    """A list that keeps nothing: explanations nobody will read are not built up."""

    def append(self, item: Any) -> None:
        return None


def _test_record(leaf: dict, test: Predicate, facts: Mapping[str, Any]) -> dict:
    name = leaf["field"]
    record = {"field": name, "op": leaf["op"]}
    if "value" in leaf:
        record["value"] = leaf["value"]
    actual = facts.get(name)
    if isinstance(actual, frozenset | set):
        actual = sorted(actual)
    record["actual"] = actual
    fact = FACTS.get(name)
    if fact is not None and fact.type == MONEY:
        record["currency"] = facts.get(MONEY_CURRENCY[name], "")
    return record


def submission_status(facts: Mapping[str, Any]) -> str:
    """The status a submission left the case in, from its facts (buyer and automated
    submissions: a policy reject rejects, an eligible request under auto-approval approves)."""
    if facts.get("eligibility") == Outcome.REJECT:
        return CaseStatus.REJECTED
    if facts.get("eligibility") == Outcome.ELIGIBLE and facts.get("auto_approved"):
        return CaseStatus.APPROVED
    return CaseStatus.PENDING_REVIEW


def _guard(result: Evaluation, decision: dict | None, facts: Mapping[str, Any], status) -> None:
    """Apply the decision only where the case can take it and never against the buyer:

    - a case no longer submitted or in review keeps its status (decision not applied);
    - approve needs a clean policy verdict (a flagged request needs a person's override);
    - reject only on a goodwill request the policy itself sent to review: never against an
      eligible request, a statutory withdrawal or a fault claim.
    """
    status = status or submission_status(facts)
    if decision is None:
        return
    kind = decision["type"]
    params = decision["params"]
    if status == CaseStatus.APPROVED and kind == A.APPROVE:
        # The policy approved it at submission already: the rule agrees, nothing to apply.
        result.outcome = A.APPROVE
        result.buyer.append(
            message("approved_label" if params.get("prepaid_label") else "approved")
        )
        if params.get("prepaid_label"):
            result.actions.append({"type": "issue_prepaid_label", "params": {}})
        return
    if status not in DECIDABLE:
        result.agent.append(message("guard_status", status=str(status)))
        result.outcome = _NONE
        return
    eligibility = facts.get("eligibility")
    if kind == A.APPROVE and eligibility != Outcome.ELIGIBLE:
        result.agent.append(message("guard_approve_needs_review", codes=[str(eligibility)]))
        kind, params = A.REVIEW, {"queue": "policy"}
    elif kind == A.REJECT and (
        eligibility != Outcome.REVIEW or facts.get("track") != CaseTrack.GOODWILL_POLICY
    ):
        result.agent.append(message("guard_reject_protected"))
        kind, params = A.REVIEW, {"queue": "policy"}
    result.outcome = kind
    if kind == A.REVIEW:
        result.queue = params.get("queue") or A.DEFAULT_QUEUE
        result.agent.append(message("queue", queue=result.queue))
        result.buyer.append(message("review"))
    elif kind == A.REJECT:
        result.reject_reason = params["reason_code"]
        result.buyer.append(message("rejected", reason=result.reject_reason))
    else:
        result.buyer.append(
            message("approved_label" if params.get("prepaid_label") else "approved")
        )
        if params.get("prepaid_label"):
            result.actions.append({"type": "issue_prepaid_label", "params": {}})


def _collect(result, single, evidence, tags, notes, facts, rates: RateTable) -> None:
    # A mixed request has statutory lines: evidence is asked for, not required, there too.
    statutory = facts.get("track") in (CaseTrack.STATUTORY_WITHDRAWAL, CaseTrack.MIXED)
    rejected = result.outcome == DecisionOutcome.REJECT
    if evidence is not None and not rejected:
        kind = evidence["params"]["kind"]
        mandatory = not statutory
        if statutory:
            result.agent.append(message("guard_evidence_optional"))
        present = facts.get("evidence") or frozenset()
        satisfied = kind in present or (kind == "photo" and "video" in present)
        result.actions.append(
            {"type": "require_evidence", "params": {"kind": kind, "mandatory": mandatory}}
        )
        if not satisfied:
            suffix = "required" if mandatory else "optional"
            result.buyer.append(message(f"evidence_{kind}_{suffix}"))
    for kind in (
        "offer_keep_it",
        "offer_exchange",
        "offer_store_credit",
        "set_destination",
        "set_refund_trigger",
        "send_replacement",
    ):
        action = single.get(kind)
        if action is None or rejected:
            continue
        params = dict(action["params"])
        if kind == "set_refund_trigger":
            policy = facts.get("policy_refund_trigger") or "warehouse_delivery"
            if _later(params["trigger"], policy):
                result.agent.append(
                    message("guard_refund_trigger", asked=params["trigger"], policy=policy)
                )
                params["trigger"] = policy
        elif kind == "send_replacement":
            faults = facts.get("faults") or frozenset()
            present = facts.get("evidence") or frozenset()
            if not ({"carrier", "merchant"} & faults and {"photo", "video"} & present):
                result.agent.append(message("guard_replacement"))
                continue
            result.buyer.append(message("replacement"))
        elif kind == "offer_keep_it":
            result.buyer.append(message("keep_it"))
        elif kind == "offer_exchange":
            bonus = params.get("bonus")
            if bonus:
                money = Money.from_major(str(bonus["amount"]), str(bonus["currency"]))
                currency = facts.get("order_currency") or money.currency
                amount = _convert_bonus(money, currency, rates)
                params["bonus"] = {"amount_minor": amount, "currency": currency}
                result.buyer.append(message("exchange", bonus=params["bonus"]))
            else:
                result.buyer.append(message("exchange_plain"))
        elif kind == "offer_store_credit":
            result.buyer.append(message("store_credit", percent=params.get("bonus_percent", 0)))
        result.actions.append({"type": kind, "params": params})
        result.agent.append(message("action", action={"type": kind, "params": params}))
    for tag in tags:
        result.actions.append({"type": "tag", "params": {"tag": tag}})
    for note in notes:
        result.actions.append({"type": "notify", "params": dict(note["params"])})


def _convert_bonus(money: Money, currency: str, rates: RateTable) -> int:
    """A bonus in the order currency at the latest rate (0 when no rate is known)."""
    value = rates.convert(money.amount_minor, money.currency, currency, None)
    return value or 0


_TRIGGER_ORDER = {value: index for index, value in enumerate(REFUND_TRIGGERS)}


def _later(trigger: str, policy: str) -> bool:
    return _TRIGGER_ORDER.get(trigger, 0) > _TRIGGER_ORDER.get(policy, len(_TRIGGER_ORDER))


def rules_of(rows: Sequence[Rule]) -> list[dict]:
    """Rule rows (or unsaved drafts) as the dicts `compile_rules` reads."""
    return [{name: getattr(row, name) for name in _RULE_FIELDS} for row in rows]
