"""EU and UK: the 14-day right of withdrawal (cancellation) for distance sales.

EU: Consumer Rights Directive 2011/83/EU, Art. 9, 10, 13, 14 and 16; periods counted under
Regulation 1182/71 (recital 41), so a period ending on a Saturday or Sunday runs to Monday.
UK: Consumer Contracts (Information, Cancellation and Additional Charges) Regulations 2013
(SI 2013/3134), reg. 28, 30, 31, 34 and 35: same architecture, but the refund clock for goods
runs from their return (or proof of dispatch), and the regulations count plain days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from retour.markets.regimes import explanations as codes
from retour.markets.regimes.common import (
    day_end,
    fault_claim,
    first_exception,
    goodwill,
    is_too_late,
    notice_date,
    possession_date,
)
from retour.markets.regimes.dates import add_days, add_months, local_date, roll_past_weekend
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

WITHDRAWAL_DAYS = 14
EXTENSION_MONTHS = 12
RETURN_DAYS = 14
REFUND_DAYS = 14

# Art. 16 (c), (d), (e), (i), (j) CRD; reg. 28 CCR: the exceptions that concern physical goods.
EXCEPTIONS = (
    codes.PERSONALISED,
    codes.PERISHABLE,
    codes.HYGIENE_UNSEALED,
    codes.MEDIA_UNSEALED,
    codes.PERIODICAL,
)


@dataclass(frozen=True, slots=True)
class _Rules:
    code: str
    roll_weekends: bool
    refund_clock: RefundClock


EU_RULES = _Rules(code=RegimeCode.EU, roll_weekends=True, refund_clock=RefundClock.NOTICE)
UK_RULES = _Rules(
    code=RegimeCode.UK, roll_weekends=False, refund_clock=RefundClock.GOODS_BACK_OR_PROOF
)

FLOOR_EU = StatutoryFloor(
    withdrawal_days=WITHDRAWAL_DAYS,
    anchor=WindowAnchor.LAST_ITEM_DELIVERED,
    return_cost=CostBearer.BUYER,
    outbound_shipping=OutboundRefund.STANDARD,
    refund_clock=RefundClock.NOTICE,
    refund_days=REFUND_DAYS,
)
FLOOR_UK = StatutoryFloor(
    withdrawal_days=WITHDRAWAL_DAYS,
    anchor=WindowAnchor.LAST_ITEM_DELIVERED,
    return_cost=CostBearer.BUYER,
    outbound_shipping=OutboundRefund.STANDARD,
    refund_clock=RefundClock.GOODS_BACK_OR_PROOF,
    refund_days=REFUND_DAYS,
)


def _last_day(rules: _Rules, day: date) -> date:
    return roll_past_weekend(day) if rules.roll_weekends else day


def _withdrawal_end(rules: _Rules, facts: RegimeFacts, start: date) -> tuple[date, str | None]:
    """The window's last day and, when it was extended, the note that says why."""
    initial_end = _last_day(rules, add_days(start, WITHDRAWAL_DAYS))
    if facts.withdrawal_information_given:
        return initial_end, None
    told_at = facts.withdrawal_information_given_late_at
    if told_at is not None:
        told_on = local_date(told_at, facts.time_zone)
        if told_on <= start:
            # Told before the period even started: as good as told with the order.
            return initial_end, None
        if told_on <= add_months(start, EXTENSION_MONTHS):
            end = _last_day(rules, add_days(told_on, WITHDRAWAL_DAYS))
            return end, codes.WINDOW_EXTENDED_LATE_INFORMATION
    # Art. 10(1) / reg. 31: twelve months after the end of the initial period.
    return _last_day(rules, add_months(initial_end, EXTENSION_MONTHS)), codes.WINDOW_EXTENDED


def _refund_due_by(rules: _Rules, facts: RegimeFacts) -> tuple[datetime | None, bool]:
    """The refund deadline and whether the seller may withhold the refund until goods/proof."""
    notified_on = notice_date(facts)
    withholding = not facts.seller_collects
    back_or_proof = [
        instant for instant in (facts.goods_received_at, facts.dispatch_proved_at) if instant
    ]
    released_on = local_date(min(back_or_proof), facts.time_zone) if back_or_proof else None

    if rules.refund_clock == RefundClock.GOODS_BACK_OR_PROOF and withholding:
        # UK reg. 34(5): 14 days after the goods are back or dispatch is proved.
        if released_on is None:
            return None, True
        return day_end(_last_day(rules, add_days(released_on, REFUND_DAYS)), facts), True

    if notified_on is None:
        return None, withholding
    due_on = _last_day(rules, add_days(notified_on, REFUND_DAYS))
    if withholding and released_on is not None and released_on > due_on:
        # Art. 13(3): withheld lawfully until the goods or the proof came; due from then on.
        due_on = released_on
    return day_end(due_on, facts), withholding


def evaluate(rules: _Rules, facts: RegimeFacts) -> RegimeResult:
    item = facts.item
    if item.fault != Fault.NONE:
        return fault_claim(rules.code)
    exception = first_exception(item, EXCEPTIONS)
    start = possession_date(facts, last_item=True)
    if exception is not None:
        return goodwill(rules.code, exception=exception, window_starts_on=start)

    notes: list[str] = []
    withdraw_by = None
    if start is None:
        notes.append(codes.WINDOW_NOT_STARTED_LAST_ITEM)
    else:
        end, extension_note = _withdrawal_end(rules, facts, start)
        withdraw_by = day_end(end, facts)
        if extension_note:
            notes.append(extension_note)
        if is_too_late(withdraw_by, facts):
            return goodwill(rules.code, notes=[codes.WINDOW_CLOSED], window_starts_on=start)

    notified_on = notice_date(facts)
    ship_back_by = None
    if notified_on is not None and not facts.seller_collects:
        ship_back_by = day_end(_last_day(rules, add_days(notified_on, RETURN_DAYS)), facts)
    refund_due_by, withholding = _refund_due_by(rules, facts)
    if withholding:
        notes.append(
            codes.REFUND_AFTER_GOODS_OR_PROOF
            if rules.refund_clock == RefundClock.GOODS_BACK_OR_PROOF
            else codes.REFUND_WITHHOLDING
        )
    # Art. 14(1): the buyer bears the direct return cost only if told so and not relieved of it.
    buyer_pays = facts.return_cost_disclosed and not facts.seller_pays_return
    return RegimeResult(
        regime=rules.code,
        track=Track.STATUTORY_WITHDRAWAL,
        return_cost=CostBearer.BUYER if buyer_pays else CostBearer.SELLER,
        outbound_shipping=OutboundRefund.STANDARD,
        refund_clock=rules.refund_clock if withholding else RefundClock.NOTICE,
        window_starts_on=start,
        withdraw_by=withdraw_by,
        ship_back_by=ship_back_by,
        refund_due_by=refund_due_by,
        refund_withholding_allowed=withholding,
        notes=tuple(codes.explain(code) for code in notes),
        # Art. 14(2): no liability for diminished value if not told of the right.
        diminished_value_deductible=facts.withdrawal_information_given,
    )


def evaluate_eu(facts: RegimeFacts) -> RegimeResult:
    return evaluate(EU_RULES, facts)


def evaluate_uk(facts: RegimeFacts) -> RegimeResult:
    return evaluate(UK_RULES, facts)
