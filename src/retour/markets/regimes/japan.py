"""Japan: Act on Specified Commercial Transactions, Art. 15-3 (mail-order return right).

Mail order has no cooling-off; instead the buyer may cancel within 8 days counted from delivery
(the day of delivery is day 1, so the last day is delivery + 7), unless the seller displayed its
own return provision clearly in the advertisement and on the final confirmation screen. Under
the statutory right the buyer pays the return. The law sets no refund deadline.
"""

from __future__ import annotations

from retour.markets.regimes import explanations as codes
from retour.markets.regimes.common import (
    day_end,
    fault_claim,
    goodwill,
    is_too_late,
    possession_date,
)
from retour.markets.regimes.dates import add_days
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

WITHDRAWAL_DAYS = 8

FLOOR = StatutoryFloor(
    withdrawal_days=WITHDRAWAL_DAYS,
    anchor=WindowAnchor.ITEM_DELIVERED,
    return_cost=CostBearer.BUYER,
    outbound_shipping=OutboundRefund.POLICY,
    refund_clock=RefundClock.NONE,
)


def evaluate(facts: RegimeFacts) -> RegimeResult:
    if facts.item.fault != Fault.NONE:
        return fault_claim(RegimeCode.JP)
    start = possession_date(facts, last_item=False)
    if facts.return_policy_displayed:
        return goodwill(RegimeCode.JP, notes=[codes.JP_POLICY_DISPLAYED], window_starts_on=start)
    # "Counted from the day of delivery": that day is the first of the eight.
    withdraw_by = day_end(add_days(start, WITHDRAWAL_DAYS - 1), facts) if start else None
    if is_too_late(withdraw_by, facts):
        return goodwill(RegimeCode.JP, notes=[codes.WINDOW_CLOSED], window_starts_on=start)
    return RegimeResult(
        regime=RegimeCode.JP,
        track=Track.STATUTORY_WITHDRAWAL,
        return_cost=CostBearer.BUYER,
        outbound_shipping=OutboundRefund.POLICY,
        window_starts_on=start,
        withdraw_by=withdraw_by,
        notes=(codes.explain(codes.WINDOW_NOT_STARTED),) if start is None else (),
    )
