"""Eligibility: a fixed registry of rules, evaluated per line with the market's law in context.

    from retour.policies.eligibility import LineFacts, OrderFacts, eligibility_evaluate

    result = eligibility_evaluate(policy_version=version, market=market, order_facts=...,
                                  line_facts_list=[...], channel="portal", at=timezone.now())
    case.eligibility_snapshot = result.snapshot()

See docs/policies.md for every rule and code.
"""

from retour.policies.eligibility.evaluate import eligibility_evaluate
from retour.policies.eligibility.facts import LineFacts, OrderFacts, ReasonFacts
from retour.policies.eligibility.gather import line_facts_for, order_facts_for
from retour.policies.eligibility.messages import AGENT, BUYER, explain
from retour.policies.eligibility.results import (
    Deadlines,
    EligibilityResult,
    LineEligibility,
    RuleResult,
)
from retour.policies.eligibility.rules import (
    RULES,
    SERIAL_RETURNER_DAYS,
    SERIAL_RETURNER_THRESHOLD,
)

__all__ = [
    "AGENT",
    "BUYER",
    "RULES",
    "SERIAL_RETURNER_DAYS",
    "SERIAL_RETURNER_THRESHOLD",
    "Deadlines",
    "EligibilityResult",
    "LineEligibility",
    "LineFacts",
    "OrderFacts",
    "ReasonFacts",
    "RuleResult",
    "eligibility_evaluate",
    "explain",
    "line_facts_for",
    "order_facts_for",
]
