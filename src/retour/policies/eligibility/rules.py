"""The built-in eligibility rules: pure functions `LineContext -> RuleResult`, in one table.

A rule reads the line's context (facts the caller filled, the policy's terms, the regime's
verdict and the computed windows) and never queries anything. The law comes first in each rule:
a policy restriction (final sale, excluded category, value-based evidence) never refuses a line
on the statutory withdrawal track, and never a fault claim. The registry is a fixed table in
code (no dynamic loading); adding a rule means a function here, a line in RULES, messages in
`messages.py`, and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from retour.markets.regimes import Track
from retour.policies.choices import EVIDENCE_ORDER, Evidence, ReasonKind, Severity
from retour.policies.eligibility import messages as m
from retour.policies.eligibility.facts import LineContext
from retour.policies.eligibility.messages import param_date
from retour.policies.eligibility.results import RuleResult
from retour.policies.reference_amounts import convert_minor

SERIAL_RETURNER_THRESHOLD = 3
SERIAL_RETURNER_DAYS = 30

Rule = Callable[[LineContext], RuleResult]


def _pass(rule: str, ctx: LineContext, code: str, **params: Any) -> RuleResult:
    return RuleResult(rule=rule, code=code, eligible=True, params=params, line=ctx.line.reference)


def _fail(rule: str, ctx: LineContext, code: str, severity: str, **params: Any) -> RuleResult:
    return RuleResult(
        rule=rule,
        code=code,
        eligible=False,
        severity=severity,
        params=params,
        line=ctx.line.reference,
    )


def _statutory(ctx: LineContext) -> bool:
    return ctx.track == Track.STATUTORY_WITHDRAWAL


def _fault(ctx: LineContext) -> bool:
    return ctx.track == Track.FAULT_CLAIM


def rule_delivered(ctx: LineContext) -> RuleResult:
    """The goods reached the buyer (a claim such as "never arrived" needs no delivery)."""
    name = "delivered"
    if ctx.reason.kind == ReasonKind.CLAIM:
        return _pass(name, ctx, m.DELIVERED_CLAIM)
    if ctx.line.delivered_at is not None:
        local = ctx.line.delivered_at.astimezone(ctx.time_zone)
        return _pass(name, ctx, m.DELIVERED_OK, delivered_on=param_date(local))
    if _statutory(ctx):
        # EU/UK: the buyer may withdraw before delivery; refusing would deny the right.
        return _fail(name, ctx, m.DELIVERED_NOT_YET_STATUTORY, Severity.REVIEW)
    return _fail(name, ctx, m.DELIVERED_NOT_YET, Severity.REJECT)


def rule_within_window(ctx: LineContext) -> RuleResult:
    """Requested before the end of the window of the line's track (the more generous wins)."""
    name = "within_window"
    window = ctx.window
    if window.return_by is None:
        return _pass(name, ctx, m.WINDOW_NOT_STARTED, anchor=str(ctx.terms.window_anchor))
    dates = {
        "track": str(window.track),
        "return_by": param_date(window.return_by.astimezone(ctx.time_zone)),
        "statutory_by": param_date(
            window.statutory_by.astimezone(ctx.time_zone) if window.statutory_by else None
        ),
        "policy_by": param_date(
            window.policy_by.astimezone(ctx.time_zone) if window.policy_by else None
        ),
    }
    if ctx.requested_at <= window.return_by:
        return _pass(name, ctx, m.WINDOW_OPEN, **dates)
    if _fault(ctx) and ctx.guarantee_on_seller:
        # The legal guarantee outlasts any return window; its length is not encoded, so a
        # person decides instead of the rule refusing.
        return _fail(name, ctx, m.WINDOW_GUARANTEE_REVIEW, Severity.REVIEW, **dates)
    return _fail(
        name, ctx, m.WINDOW_CLOSED, Severity.REJECT, window_days=ctx.terms.window_days, **dates
    )


def rule_quantity_returnable(ctx: LineContext) -> RuleResult:
    """No more units than the ledger still allows (each unit is returned at most once)."""
    name = "quantity_returnable"
    params = {
        "requested": ctx.line.quantity_requested,
        "returnable": max(ctx.line.quantity_returnable, 0),
    }
    if ctx.line.quantity_requested < 1:
        return _fail(name, ctx, m.QUANTITY_INVALID, Severity.REJECT, **params)
    if ctx.line.quantity_requested > ctx.line.quantity_returnable:
        return _fail(name, ctx, m.QUANTITY_EXCEEDS, Severity.REJECT, **params)
    return _pass(name, ctx, m.QUANTITY_OK, **params)


def rule_not_final_sale(ctx: LineContext) -> RuleResult:
    name = "final_sale"
    if not ctx.line.is_final_sale:
        return _pass(name, ctx, m.FINAL_SALE_OK)
    if _statutory(ctx):
        return _pass(name, ctx, m.FINAL_SALE_STATUTORY)
    if _fault(ctx):
        return _pass(name, ctx, m.FINAL_SALE_FAULT)
    return _fail(name, ctx, m.FINAL_SALE_REFUSED, Severity.REJECT)


def rule_not_gift_card(ctx: LineContext) -> RuleResult:
    name = "gift_card"
    if not ctx.line.is_gift_card:
        return _pass(name, ctx, m.GIFT_CARD_OK)
    if _statutory(ctx) or _fault(ctx):
        # Whether a withdrawal or a guarantee covers a voucher depends on the card: a person
        # decides rather than the rule refusing a right.
        return _fail(name, ctx, m.GIFT_CARD_STATUTORY_REVIEW, Severity.REVIEW)
    return _fail(name, ctx, m.GIFT_CARD_REFUSED, Severity.REJECT)


def rule_category_not_excluded(ctx: LineContext) -> RuleResult:
    name = "excluded_category"
    excluded = set(ctx.terms.excluded_categories)
    code = next((code for code in ctx.line.category_codes if code in excluded), None)
    if code is None:
        return _pass(name, ctx, m.CATEGORY_OK)
    params = {"category": ctx.category_names.get(code, code), "category_code": code}
    if _statutory(ctx):
        return _pass(name, ctx, m.CATEGORY_STATUTORY, **params)
    if _fault(ctx):
        return _pass(name, ctx, m.CATEGORY_FAULT, **params)
    return _fail(name, ctx, m.CATEGORY_EXCLUDED, Severity.REJECT, **params)


def rule_no_statutory_exception(ctx: LineContext) -> RuleResult:
    """Personalised, perishable, unsealed hygiene or media…: where the regime says so."""
    name = "statutory_exception"
    exception = ctx.regime.exception
    if exception is None:
        return _pass(name, ctx, m.EXCEPTION_NONE)
    return _fail(name, ctx, m.EXCEPTION_APPLIES, Severity.REJECT, exception=exception.code)


def evidence_required(ctx: LineContext) -> tuple[str, str | None]:
    """The evidence the policy and the reason ask for, and why (reason, value, both)."""
    by_reason = ctx.reason.requires_evidence
    value = ctx.line.unit_value_minor * max(ctx.line.quantity_requested, 0)
    if ctx.order.currency:
        converted = convert_minor(value, ctx.order.currency, ctx.terms.currency)
    else:
        converted = value
    by_value = Evidence.NONE
    for kind, threshold in (
        (Evidence.VIDEO, ctx.terms.evidence_video_threshold_minor),
        (Evidence.PHOTO, ctx.terms.evidence_photo_threshold_minor),
    ):
        # A value the fixed table cannot convert counts as above the threshold: a person
        # looks at it rather than the rule waving it through.
        if threshold is not None and (converted is None or converted > threshold):
            by_value = kind
            break
    rank = EVIDENCE_ORDER.index
    required = max(by_reason, by_value, key=rank)
    if required == Evidence.NONE:
        return Evidence.NONE, None
    if rank(by_reason) == rank(by_value):
        return required, "reason_and_value"
    return required, "reason" if rank(by_reason) > rank(by_value) else "value"


def rule_evidence(ctx: LineContext) -> RuleResult:
    name = "evidence"
    required, because = evidence_required(ctx)
    if required == Evidence.NONE:
        return _pass(name, ctx, m.EVIDENCE_NOT_NEEDED)
    if _statutory(ctx):
        return _pass(name, ctx, m.EVIDENCE_NOT_REQUIRED_STATUTORY, required=str(required))
    attached = ctx.line.evidence
    satisfied = Evidence.VIDEO in attached or (
        required == Evidence.PHOTO and Evidence.PHOTO in attached
    )
    params = {"required": str(required), "because": because}
    if satisfied:
        return _pass(name, ctx, m.EVIDENCE_PRESENT, **params)
    return _fail(name, ctx, m.EVIDENCE_MISSING, Severity.REVIEW, **params)


def rule_serial_returner(ctx: LineContext) -> RuleResult:
    """Many recent returns: a person looks (never a refusal, never a silent block)."""
    name = "serial_returner"
    count = ctx.order.customer_returns_last_30_days
    params = {"count": count, "days": SERIAL_RETURNER_DAYS, "threshold": SERIAL_RETURNER_THRESHOLD}
    if count >= SERIAL_RETURNER_THRESHOLD:
        return _fail(name, ctx, m.SERIAL_REVIEW, Severity.REVIEW, **params)
    return _pass(name, ctx, m.SERIAL_OK, **params)


RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "delivered": rule_delivered,
        "within_window": rule_within_window,
        "quantity_returnable": rule_quantity_returnable,
        "final_sale": rule_not_final_sale,
        "gift_card": rule_not_gift_card,
        "excluded_category": rule_category_not_excluded,
        "statutory_exception": rule_no_statutory_exception,
        "evidence": rule_evidence,
        "serial_returner": rule_serial_returner,
    }
)
