"""Builders for the eligibility tests: one line, one order, one evaluation."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from retour.markets.models import Market
from retour.policies.eligibility import (
    EligibilityResult,
    LineFacts,
    OrderFacts,
    RuleResult,
    eligibility_evaluate,
)
from retour.policies.models import ReturnPolicyVersion

UTC = dt.UTC
# Monday 3 August 2026, noon in Berlin: the EU's 14 days end on Monday 17 August.
DELIVERED = dt.datetime(2026, 8, 3, 10, 0, tzinfo=UTC)
ORDERED = DELIVERED - dt.timedelta(days=3)
SHIPPED = DELIVERED - dt.timedelta(days=2)
FIVE_DAYS_LATER = DELIVERED + dt.timedelta(days=5)


def line(**changes: Any) -> LineFacts:
    base = LineFacts(
        reference="L1",
        reason_code="no_longer_needed",
        quantity_requested=1,
        quantity_returnable=1,
        unit_value_minor=4990,
        delivered_at=DELIVERED,
        shipped_at=SHIPPED,
    )
    return dataclasses.replace(base, **changes)


def order(market: Market, **changes: Any) -> OrderFacts:
    base = OrderFacts(
        reference="#1001",
        currency=market.currency,
        ordered_at=ORDERED,
        deliveries=(DELIVERED,),
    )
    return dataclasses.replace(base, **changes)


def evaluate(
    version: ReturnPolicyVersion,
    market: Market,
    *,
    at: dt.datetime = FIVE_DAYS_LATER,
    order_facts: OrderFacts | None = None,
    lines: list[LineFacts] | None = None,
    channel: str = "portal",
    **line_changes: Any,
) -> EligibilityResult:
    return eligibility_evaluate(
        policy_version=version,
        market=market,
        order_facts=order_facts or order(market),
        line_facts_list=lines or [line(**line_changes)],
        channel=channel,
        at=at,
    )


def rule(result: EligibilityResult, name: str, line_reference: str = "L1") -> RuleResult:
    return next(r for r in result.results if r.rule == name and r.line == line_reference)


def verdict(result: RuleResult) -> tuple[str, bool, str | None, dict[str, Any]]:
    return result.code, result.eligible, result.severity, dict(result.params)
