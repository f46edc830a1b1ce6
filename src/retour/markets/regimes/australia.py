"""Australia: Australian Consumer Law (Competition and Consumer Act 2010, Schedule 2).

No statutory change-of-mind right: a store's own change-of-mind policy applies and must be
honoured as published. The consumer guarantees (acceptable quality, fit for purpose, matching
the description) cannot be excluded: a major failure lets the buyer choose a refund or a
replacement; for a minor one the business may choose to repair, replace or refund. The business
organises and pays the return where returning would cost the buyer significantly.
"""

from __future__ import annotations

from retour.markets.regimes import explanations as codes
from retour.markets.regimes.common import fault_claim, goodwill, possession_date
from retour.markets.regimes.types import (
    CostBearer,
    Fault,
    OutboundRefund,
    Party,
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
    fault = facts.item.fault
    if fault == Fault.MAJOR:
        return fault_claim(RegimeCode.AU, note=codes.AU_MAJOR_FAILURE, remedy_chosen_by=Party.BUYER)
    if fault == Fault.MINOR:
        return fault_claim(
            RegimeCode.AU, note=codes.AU_MINOR_FAILURE, remedy_chosen_by=Party.SELLER
        )
    return goodwill(
        RegimeCode.AU,
        notes=[codes.AU_NO_CHANGE_OF_MIND],
        window_starts_on=possession_date(facts, last_item=False),
    )
