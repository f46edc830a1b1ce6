"""Markets without a statutory withdrawal right for distance sales: the policy alone decides.

Used where the research behind Retour found no general change-of-mind right (Canada and the
Southeast Asian markets as shipped). Faults still go to the claim track; their costs follow the
policy, because the warranty law behind them is not encoded.
"""

from __future__ import annotations

from retour.markets.regimes import explanations as codes
from retour.markets.regimes.common import fault_claim, goodwill, possession_date
from retour.markets.regimes.types import (
    CostBearer,
    Fault,
    OutboundRefund,
    RefundClock,
    RegimeCode,
    RegimeFacts,
    RegimeResult,
    StatutoryFloor,
    WindowAnchor,
)

FLOOR = StatutoryFloor(
    withdrawal_days=None,
    anchor=WindowAnchor.NONE,
    return_cost=CostBearer.POLICY,
    outbound_shipping=OutboundRefund.POLICY,
    refund_clock=RefundClock.NONE,
)


def evaluate(facts: RegimeFacts) -> RegimeResult:
    if facts.item.fault != Fault.NONE:
        return fault_claim(RegimeCode.NONE, return_cost=CostBearer.POLICY, note=codes.FAULT_POLICY)
    return goodwill(
        RegimeCode.NONE,
        notes=[codes.NO_STATUTORY_RIGHT],
        window_starts_on=possession_date(facts, last_item=False),
    )
