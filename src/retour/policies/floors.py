"""Checking a policy against the statutory floor of its market's regime.

The floor is read from the regime itself, not re-encoded here: each regime exposes a
`StatutoryFloor`, and for what the floor does not state (whether a displayed policy displaces
the right, the exact last day, who pays the return on a fault) the regime is evaluated on a
fixed, synthetic request. A change in `retour.markets.regimes` therefore moves the check with it.

Two kinds of floor points:

- points the law fixes on *every* track a policy can reach (the length of the statutory window
  and what it counts from; who pays the return on a fault where a legal guarantee applies): a
  policy that undercuts them is refused (`BelowStatutoryFloor`);
- points the law fixes only on the statutory withdrawal track (restocking fee, a buyer-paid
  label in Brazil, refund timing, the outbound delivery refund): the policy keeps its term for
  goodwill returns, and `fees.fees_allowed` never applies it on the statutory track.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from retour.markets.regimes import (
    CostBearer,
    Fault,
    ItemFacts,
    RegimeFacts,
    RegimeResult,
    Track,
    WindowAnchor,
    regime_for_code,
)
from retour.policies.choices import LabelPayer, PolicyWindowAnchor
from retour.policies.terms import PolicyTerms

# A Monday: no regime moves a period that starts here past a weekend within 16 days.
SAMPLE_INSTANT = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
SAMPLE_ZONE = ZoneInfo("UTC")

WINDOW_DAYS = "floor.window_days"
WINDOW_ANCHOR = "floor.window_anchor"
LABEL_MERCHANT_FAULT = "floor.label_merchant_fault"
LABEL_CARRIER_FAULT = "floor.label_carrier_fault"

MESSAGES = {
    WINDOW_DAYS: _(
        "The return window of %(days)s days is shorter than the statutory period of "
        "%(floor_days)s days in this market (%(regime)s)."
    ),
    WINDOW_ANCHOR: _(
        "The return window counts from the %(anchor)s, so it can end before the statutory "
        "period, which counts from the %(floor_anchor)s (%(regime)s)."
    ),
    LABEL_MERCHANT_FAULT: _(
        "The buyer would pay the return when the merchant is at fault, but the law of this "
        "market puts that cost on the seller (%(regime)s)."
    ),
    LABEL_CARRIER_FAULT: _(
        "The buyer would pay the return when the carrier is at fault, but the law of this "
        "market puts that cost on the seller (%(regime)s)."
    ),
}

ANCHOR_WORDS = {
    PolicyWindowAnchor.DELIVERED: _("delivery"),
    PolicyWindowAnchor.SHIPPED: _("shipment"),
    PolicyWindowAnchor.ORDERED: _("order date"),
    WindowAnchor.LAST_ITEM_DELIVERED: _("delivery of the order's last item"),
    WindowAnchor.ITEM_DELIVERED: _("delivery of the item"),
    WindowAnchor.PURCHASE: _("purchase"),
}


@dataclass(frozen=True, slots=True)
class FloorViolation:
    """One point on which a policy undercuts the law: a stable code, the field, parameters."""

    code: str
    field: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The explanation in the active language."""
        params = dict(self.params)
        for key in ("anchor", "floor_anchor"):
            if key in params:
                params[key] = str(ANCHOR_WORDS.get(params[key], params[key]))
        if "regime" in params:
            params["regime"] = str(regime_for_code(params["regime"]).label)
        return str(MESSAGES[self.code]) % params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "params": dict(self.params)}


@lru_cache(maxsize=256)
def statutory_sample(
    regime_code: str,
    *,
    return_policy_displayed: bool = False,
    withdrawal_information_given: bool = True,
    return_cost_disclosed: bool = True,
    seller_pays_return: bool = False,
    fault: str = Fault.NONE,
) -> RegimeResult:
    """The regime's verdict on a plain request made on the day of delivery (no exception)."""
    return regime_for_code(regime_code).evaluate(
        RegimeFacts(
            item=ItemFacts(reference="floor-sample", delivered_at=SAMPLE_INSTANT, fault=fault),
            time_zone=SAMPLE_ZONE,
            at=SAMPLE_INSTANT,
            ordered_at=SAMPLE_INSTANT,
            withdrawal_information_given=withdrawal_information_given,
            return_policy_displayed=return_policy_displayed,
            return_cost_disclosed=return_cost_disclosed,
            seller_pays_return=seller_pays_return,
        )
    )


def sample_for_terms(regime_code: str, terms: PolicyTerms) -> RegimeResult:
    return statutory_sample(
        regime_code,
        return_policy_displayed=terms.return_policy_displayed,
        withdrawal_information_given=True,
        return_cost_disclosed=terms.return_cost_disclosed,
        seller_pays_return=terms.label_payer_customer_fault == LabelPayer.SELLER,
    )


def statutory_last_day_offset(regime_code: str, terms: PolicyTerms) -> int | None:
    """Days from delivery to the statutory window's last day (None: no statutory right).

    Japan counts the day of delivery as day 1, so its 8 days end on delivery + 7: a policy of
    7 days from delivery ends on the same day and does not undercut it.
    """
    sample = sample_for_terms(regime_code, terms)
    if sample.track != Track.STATUTORY_WITHDRAWAL or sample.withdraw_by is None:
        return None
    return (sample.withdraw_by.date() - SAMPLE_INSTANT.date()).days


def fault_return_cost(regime_code: str) -> str:
    """Who pays the return of a faulty item under the regime: `seller` or `policy`."""
    return statutory_sample(regime_code, fault=Fault.MINOR).return_cost


def floor_violations(*, terms: PolicyTerms, regime_code: str) -> list[FloorViolation]:
    """Every point on which `terms` would give buyers less than the regime (empty: lawful)."""
    regime = regime_for_code(regime_code)
    floor = regime.floor
    violations: list[FloorViolation] = []
    offset = statutory_last_day_offset(regime_code, terms)
    if offset is not None:
        if terms.window_days < offset:
            violations.append(
                FloorViolation(
                    WINDOW_DAYS,
                    "window_days",
                    {
                        "days": terms.window_days,
                        "floor_days": floor.withdrawal_days,
                        "regime": regime_code,
                    },
                )
            )
        delivery_anchored = floor.anchor in (
            WindowAnchor.LAST_ITEM_DELIVERED,
            WindowAnchor.ITEM_DELIVERED,
        )
        if delivery_anchored and terms.window_anchor != PolicyWindowAnchor.DELIVERED:
            violations.append(
                FloorViolation(
                    WINDOW_ANCHOR,
                    "window_anchor",
                    {
                        "anchor": terms.window_anchor,
                        "floor_anchor": str(floor.anchor),
                        "regime": regime_code,
                    },
                )
            )
    if fault_return_cost(regime_code) == CostBearer.SELLER:
        for code, name in (
            (LABEL_MERCHANT_FAULT, "label_payer_merchant_fault"),
            (LABEL_CARRIER_FAULT, "label_payer_carrier_fault"),
        ):
            if getattr(terms, name) == LabelPayer.BUYER:
                violations.append(FloorViolation(code, name, {"regime": regime_code}))
    return violations
