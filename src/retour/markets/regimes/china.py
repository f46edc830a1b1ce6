"""China: Consumer Rights and Interests Protection Law, Art. 25, and the SAMR interim measures
on seven-day no-reason returns for online purchases (2017).

Seven days from receipt, counted from the day after signing for the goods. Excluded: custom-made
goods, fresh and perishable goods, audio-visual products and software unsealed by the buyer,
newspapers and periodicals, and other goods unsuitable by nature only if the buyer confirmed
it at purchase. The goods must be intact. The price is refunded within 7 days of receiving the
goods back; the buyer pays the return unless agreed otherwise.
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

WITHDRAWAL_DAYS = 7
REFUND_DAYS = 7

EXCEPTIONS = (
    codes.PERSONALISED,
    codes.PERISHABLE,
    codes.MEDIA_UNSEALED,
    codes.PERIODICAL,
    codes.CONFIRMED_UNSUITABLE,
    codes.NOT_INTACT,
)

FLOOR = StatutoryFloor(
    withdrawal_days=WITHDRAWAL_DAYS,
    anchor=WindowAnchor.ITEM_DELIVERED,
    return_cost=CostBearer.BUYER,
    outbound_shipping=OutboundRefund.POLICY,
    refund_clock=RefundClock.GOODS_BACK,
    refund_days=REFUND_DAYS,
)


def evaluate(facts: RegimeFacts) -> RegimeResult:
    item = facts.item
    if item.fault != Fault.NONE:
        return fault_claim(RegimeCode.CN)
    start = possession_date(facts, last_item=False)
    exception = first_exception(item, EXCEPTIONS)
    if exception is not None:
        return goodwill(RegimeCode.CN, exception=exception, window_starts_on=start)
    withdraw_by = day_end(add_days(start, WITHDRAWAL_DAYS), facts) if start else None
    if is_too_late(withdraw_by, facts):
        return goodwill(RegimeCode.CN, notes=[codes.WINDOW_CLOSED], window_starts_on=start)
    refund_due_by = None
    if facts.goods_received_at is not None:
        received_on = local_date(facts.goods_received_at, facts.time_zone)
        refund_due_by = day_end(add_days(received_on, REFUND_DAYS), facts)
    notes = [codes.WINDOW_NOT_STARTED] if start is None else []
    notes.append(codes.CN_REFUND_AFTER_GOODS)
    return RegimeResult(
        regime=RegimeCode.CN,
        track=Track.STATUTORY_WITHDRAWAL,
        return_cost=CostBearer.SELLER if facts.seller_pays_return else CostBearer.BUYER,
        outbound_shipping=OutboundRefund.POLICY,
        refund_clock=RefundClock.GOODS_BACK,
        window_starts_on=start,
        withdraw_by=withdraw_by,
        refund_due_by=refund_due_by,
        refund_withholding_allowed=True,
        notes=tuple(codes.explain(code) for code in notes),
    )
