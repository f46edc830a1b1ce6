"""Simulation: run a rule set over the returns of a period and show what would change.

The facts are loaded in bulk (`facts_for_cases`) and evaluated by the same `evaluate` as the
live decision, with the status each case had right after its submission; so a case simulated
now and decided live afterwards gets the same outcome. The rule set simulated is compared with
the rules enabled now.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from retour.automation.engine import RuleSet, compile_rules, evaluate, live_ruleset
from retour.automation.exceptions import SimulationPeriodInvalid
from retour.automation.facts import facts_for_cases
from retour.automation.fx import RateTable
from retour.automation.models import DecisionOutcome
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase


@dataclass
class SimulationResult:
    total: int = 0
    candidate: Counter = field(default_factory=Counter)
    current: Counter = field(default_factory=Counter)
    # Value of approved returns per base currency (minor units).
    refunded_candidate: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refunded_current: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    keep_it_candidate: int = 0
    keep_it_current: int = 0
    changed_count: int = 0
    changed: list[dict[str, Any]] = field(default_factory=list)
    by_case: dict[int, str] = field(default_factory=dict)

    @property
    def outcome_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "outcome": outcome,
                "label": label,
                "current": self.current.get(outcome, 0),
                "candidate": self.candidate.get(outcome, 0),
                "difference": self.candidate.get(outcome, 0) - self.current.get(outcome, 0),
            }
            for outcome, label in DecisionOutcome.choices
        ]

    @property
    def refund_rows(self) -> list[dict[str, Any]]:
        currencies = sorted(set(self.refunded_candidate) | set(self.refunded_current))
        return [
            {
                "currency": currency,
                "current": self.refunded_current.get(currency, 0),
                "candidate": self.refunded_candidate.get(currency, 0),
            }
            for currency in currencies
        ]


def simulate(
    rules: Iterable[Mapping[str, Any]],
    *,
    start: datetime,
    end: datetime,
    store_codes: Iterable[str] = (),
    baseline: RuleSet | None = None,
    changed_limit: int = 200,
    keep_cases: bool = False,
) -> SimulationResult:
    """Evaluate `rules` (rule dicts, as `engine.rules_of` gives) over the cases submitted in
    [start, end), and the enabled rules (or `baseline`) beside them."""
    if start >= end:
        raise SimulationPeriodInvalid()
    rates = RateTable.load()
    candidate = compile_rules(rules, rates)
    current = baseline or live_ruleset()
    cases = ReturnCase.objects.filter(submitted_at__gte=start, submitted_at__lt=end).exclude(
        status=CaseStatus.DRAFT
    )
    stores = list(store_codes)
    if stores:
        cases = cases.filter(order__store__code__in=stores)
    ids = cases.order_by("submitted_at", "id").values_list("id", flat=True)
    result = SimulationResult()
    for case_id, facts in facts_for_cases(ids.iterator(chunk_size=2000), rates=rates):
        memo: dict[str, bool] = {}
        new = evaluate(candidate, facts, explain=False, memo=memo)
        old = evaluate(current, facts, explain=False, memo=memo)
        result.total += 1
        result.candidate[new.outcome] += 1
        result.current[old.outcome] += 1
        base = facts["base_currency"]
        value = facts["return_value_base"] or 0
        if new.outcome == DecisionOutcome.APPROVE:
            result.refunded_candidate[base] += value
        if old.outcome == DecisionOutcome.APPROVE:
            result.refunded_current[base] += value
        result.keep_it_candidate += any(a["type"] == "offer_keep_it" for a in new.actions)
        result.keep_it_current += any(a["type"] == "offer_keep_it" for a in old.actions)
        if keep_cases:
            result.by_case[case_id] = new.outcome
        if new.outcome != old.outcome or new.actions != old.actions:
            result.changed_count += 1
            if len(result.changed) < changed_limit:
                result.changed.append(
                    {
                        "case_id": case_id,
                        "current": old.outcome,
                        "candidate": new.outcome,
                        "actions": [action["type"] for action in new.actions],
                    }
                )
    numbers = dict(
        ReturnCase.objects.filter(pk__in=[row["case_id"] for row in result.changed]).values_list(
            "id", "number"
        )
    )
    for row in result.changed:
        row["number"] = numbers.get(row["case_id"], "")
    return result
