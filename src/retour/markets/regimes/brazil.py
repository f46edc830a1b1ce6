"""Brazil: Código de Defesa do Consumidor (Lei 8.078/1990) art. 49 and Decreto 7.962/2013.

Seven days from receipt for anything bought outside a shop (the internet included). Everything
paid "a qualquer título" comes back at once, monetarily corrected, freight included, so the
seller also bears the return. The statute lists no exceptions. Days are counted from the day
after receipt (Código Civil art. 132).
"""

from __future__ import annotations

from retour.markets.regimes import explanations as codes
from retour.markets.regimes.common import (
    day_end,
    fault_claim,
    goodwill,
    has_any_exception_flag,
    is_too_late,
    notice_date,
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

WITHDRAWAL_DAYS = 7

FLOOR = StatutoryFloor(
    withdrawal_days=WITHDRAWAL_DAYS,
    anchor=WindowAnchor.ITEM_DELIVERED,
    return_cost=CostBearer.SELLER,
    outbound_shipping=OutboundRefund.ALL_PAID,
    refund_clock=RefundClock.IMMEDIATE,
    refund_days=0,
)


def evaluate(facts: RegimeFacts) -> RegimeResult:
    if facts.item.fault != Fault.NONE:
        return fault_claim(RegimeCode.BR)
    notes: list[str] = []
    if has_any_exception_flag(facts.item):
        notes.append(codes.BR_NO_EXCEPTIONS)
    start = possession_date(facts, last_item=False)
    withdraw_by = day_end(add_days(start, WITHDRAWAL_DAYS), facts) if start else None
    if start is None:
        notes.append(codes.WINDOW_NOT_STARTED)
    elif is_too_late(withdraw_by, facts):
        return goodwill(RegimeCode.BR, notes=[codes.WINDOW_CLOSED], window_starts_on=start)
    notes.append(codes.BR_REFUND_IMMEDIATE)
    # "De imediato": the refund is due on the day of the notice itself.
    return RegimeResult(
        regime=RegimeCode.BR,
        track=Track.STATUTORY_WITHDRAWAL,
        return_cost=CostBearer.SELLER,
        outbound_shipping=OutboundRefund.ALL_PAID,
        refund_clock=RefundClock.IMMEDIATE,
        window_starts_on=start,
        withdraw_by=withdraw_by,
        refund_due_by=day_end(notice_date(facts), facts),
        notes=tuple(codes.explain(code) for code in notes),
    )
