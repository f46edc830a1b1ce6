"""The terms of a return policy as one typed value: what services take and versions store.

`PolicyTerms` is what a caller hands to `return_policy_create` / `return_policy_update`
(`dataclasses.replace(policy_terms(version), window_days=60)` for an edit); `policy_terms`
reads it back from a stored version. Amounts are minor units of `currency`, the market's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from retour.core.money import UnknownCurrency, normalize_currency
from retour.policies.choices import (
    POLICY_OUTBOUND_CHOICES,
    LabelPayer,
    PolicyWindowAnchor,
    RefundTiming,
    Resolution,
    ReturnMethod,
)
from retour.policies.exceptions import InvalidPolicy

BPS_MAX = 10_000
WINDOW_DAYS_MAX = 3650
SHIP_BACK_DAYS_MAX = 365

TERM_FIELDS = (
    "currency",
    "window_days",
    "window_anchor",
    "ship_back_days",
    "allowed_resolutions",
    "return_methods",
    "restocking_fee_bps",
    "label_payer_customer_fault",
    "label_payer_merchant_fault",
    "label_payer_carrier_fault",
    "return_label_fee_minor",
    "refund_timing",
    "outbound_shipping_refund",
    "evidence_photo_threshold_minor",
    "evidence_video_threshold_minor",
    "keep_it_threshold_minor",
    "excluded_categories",
    "store_credit_bonus_bps",
    "advance_exchange_allowed",
    "auto_approve_eligible",
    "withdrawal_information_given",
    "return_policy_displayed",
    "return_cost_disclosed",
)


@dataclass(frozen=True, slots=True)
class PolicyTerms:
    currency: str
    window_days: int = 30
    window_anchor: str = PolicyWindowAnchor.DELIVERED
    ship_back_days: int = 14
    allowed_resolutions: tuple[str, ...] = (
        Resolution.REFUND,
        Resolution.STORE_CREDIT,
        Resolution.EXCHANGE,
    )
    return_methods: tuple[str, ...] = (ReturnMethod.LABEL, ReturnMethod.DROP_OFF)
    restocking_fee_bps: int = 0
    label_payer_customer_fault: str = LabelPayer.BUYER
    label_payer_merchant_fault: str = LabelPayer.SELLER
    label_payer_carrier_fault: str = LabelPayer.SELLER
    return_label_fee_minor: int | None = None
    refund_timing: str = RefundTiming.WAREHOUSE_DELIVERY
    outbound_shipping_refund: str = "merchant_fault"
    evidence_photo_threshold_minor: int | None = None
    evidence_video_threshold_minor: int | None = None
    keep_it_threshold_minor: int | None = None
    excluded_categories: tuple[str, ...] = field(default=())
    store_credit_bonus_bps: int = 0
    advance_exchange_allowed: bool = False
    auto_approve_eligible: bool = False
    withdrawal_information_given: bool = True
    return_policy_displayed: bool = False
    return_cost_disclosed: bool = True

    def __post_init__(self) -> None:
        # Lists arrive from forms and JSON; keep the value hashable and order-stable.
        for name in ("allowed_resolutions", "return_methods", "excluded_categories"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(dict.fromkeys(str(item) for item in value)))

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for name in ("allowed_resolutions", "return_methods", "excluded_categories"):
            data[name] = list(data[name])
        return data


def policy_terms(version: Any) -> PolicyTerms:
    """The terms of a stored version (or of any object with the same attributes)."""
    return PolicyTerms(**{name: getattr(version, name) for name in TERM_FIELDS})


def _subset(errors: dict[str, list[str]], name: str, values: Sequence[str], allowed) -> None:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        errors.setdefault(name, []).append("unknown: " + ", ".join(unknown))


def validate_terms(terms: PolicyTerms, *, known_categories: Sequence[str] | None = None) -> None:
    """Refuse terms that are not a valid policy at all (InvalidPolicy, with every field named).

    This is about shape, not law: whether the terms undercut the statutory floor is
    `floors.floor_violations`.
    """
    errors: dict[str, list[str]] = {}
    try:
        normalize_currency(terms.currency)
    except UnknownCurrency:
        errors["currency"] = ["unknown currency"]

    def check_range(name: str, low: int, high: int | None) -> None:
        value = getattr(terms, name)
        if isinstance(value, bool) or not isinstance(value, int):
            errors.setdefault(name, []).append("must be a whole number")
        elif value < low or (high is not None and value > high):
            errors.setdefault(name, []).append(f"must be between {low} and {high}")

    check_range("window_days", 0, WINDOW_DAYS_MAX)
    check_range("ship_back_days", 1, SHIP_BACK_DAYS_MAX)
    check_range("restocking_fee_bps", 0, BPS_MAX)
    check_range("store_credit_bonus_bps", 0, BPS_MAX)
    for name in (
        "return_label_fee_minor",
        "evidence_photo_threshold_minor",
        "evidence_video_threshold_minor",
        "keep_it_threshold_minor",
    ):
        if getattr(terms, name) is not None:
            check_range(name, 0, None)
    if terms.window_anchor not in PolicyWindowAnchor.values:
        errors["window_anchor"] = ["unknown anchor"]
    if terms.refund_timing not in RefundTiming.values:
        errors["refund_timing"] = ["unknown timing"]
    if terms.outbound_shipping_refund not in POLICY_OUTBOUND_CHOICES:
        errors["outbound_shipping_refund"] = ["unknown choice"]
    for name in (
        "label_payer_customer_fault",
        "label_payer_merchant_fault",
        "label_payer_carrier_fault",
    ):
        if getattr(terms, name) not in LabelPayer.values:
            errors[name] = ["unknown payer"]
    _subset(errors, "allowed_resolutions", terms.allowed_resolutions, Resolution.values)
    _subset(errors, "return_methods", terms.return_methods, ReturnMethod.values)
    if not terms.allowed_resolutions:
        errors.setdefault("allowed_resolutions", []).append("allow at least one resolution")
    if not terms.return_methods:
        errors.setdefault("return_methods", []).append("allow at least one return method")
    if known_categories is not None:
        _subset(errors, "excluded_categories", terms.excluded_categories, set(known_categories))
    for name in (
        "advance_exchange_allowed",
        "auto_approve_eligible",
        "withdrawal_information_given",
    ):
        if not isinstance(getattr(terms, name), bool):
            errors[name] = ["must be true or false"]
    if errors:
        raise InvalidPolicy(extra={"errors": errors})
