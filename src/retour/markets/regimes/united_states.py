"""United States: no general statutory return right for online sales; the policy applies.

California Civil Code §1723: a retailer whose policy does not give a full cash or credit refund,
or an equal exchange, for at least 7 days must display it conspicuously (on order forms for
distance sales). If it did not, the buyer may return the goods for a full refund within 30 days
of purchase. Food, perishables and customised goods are exempt. Warranty law for faulty goods
varies by state, so fault claims follow the policy here.
"""

from __future__ import annotations

from retour.markets.regimes import explanations as codes
from retour.markets.regimes.common import (
    day_end,
    fault_claim,
    first_exception,
    goodwill,
    is_too_late,
    possession_date,
)
from retour.markets.regimes.dates import add_days, local_date
from retour.markets.regimes.types import (
    CostBearer,
    Fault,
    OutboundRefund,
    RefundClock,
    RegimeCode,
    RegimeFacts,
    RegimeResult,
    StatutoryFloor,
    Track,
    WindowAnchor,
)

CALIFORNIA = "CA"
CALIFORNIA_RETURN_DAYS = 30
CALIFORNIA_EXEMPT = (codes.PERSONALISED, codes.PERISHABLE, codes.HYGIENE_UNSEALED)

FLOOR = StatutoryFloor(
    withdrawal_days=None,
    anchor=WindowAnchor.NONE,
    return_cost=CostBearer.POLICY,
    outbound_shipping=OutboundRefund.POLICY,
    refund_clock=RefundClock.NONE,
)


def _california_undisplayed(facts: RegimeFacts) -> RegimeResult:
    # The 30 days run from the purchase; without its date, from delivery (later, so never less).
    anchor_instant = facts.ordered_at or facts.item.delivered_at
    start = local_date(anchor_instant, facts.time_zone) if anchor_instant else None
    withdraw_by = day_end(add_days(start, CALIFORNIA_RETURN_DAYS), facts) if start else None
    if is_too_late(withdraw_by, facts):
        return goodwill(
            RegimeCode.US,
            notes=[codes.WINDOW_CLOSED, codes.US_CALIFORNIA_DISPLAY_RULE],
            window_starts_on=start,
        )
    return RegimeResult(
        regime=RegimeCode.US,
        track=Track.STATUTORY_WITHDRAWAL,
        return_cost=CostBearer.POLICY,
        outbound_shipping=OutboundRefund.POLICY,
        window_starts_on=start,
        withdraw_by=withdraw_by,
        notes=(codes.explain(codes.US_CALIFORNIA_UNDISPLAYED),),
    )


def evaluate(facts: RegimeFacts) -> RegimeResult:
    if facts.item.fault != Fault.NONE:
        return fault_claim(RegimeCode.US, return_cost=CostBearer.POLICY, note=codes.FAULT_POLICY)
    in_california = facts.region == CALIFORNIA
    if in_california and not facts.return_policy_displayed:
        exemption = first_exception(facts.item, CALIFORNIA_EXEMPT)
        if exemption is None:
            return _california_undisplayed(facts)
        return goodwill(
            RegimeCode.US,
            exception=exemption,
            notes=[codes.US_POLICY_BASED, codes.US_CALIFORNIA_DISPLAY_RULE],
        )
    notes = [codes.US_POLICY_BASED]
    if in_california:
        notes.append(codes.US_CALIFORNIA_DISPLAY_RULE)
    return goodwill(
        RegimeCode.US, notes=notes, window_starts_on=possession_date(facts, last_item=False)
    )
