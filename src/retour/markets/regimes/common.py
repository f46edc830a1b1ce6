"""Building blocks shared by the regimes: exceptions, windows, and the non-statutory results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from retour.markets.regimes import explanations as codes
from retour.markets.regimes.dates import end_of_day, local_date
from retour.markets.regimes.explanations import explain
from retour.markets.regimes.types import (
    CostBearer,
    Explanation,
    ItemFacts,
    OutboundRefund,
    Party,
    RegimeFacts,
    RegimeResult,
    Track,
)

EXCEPTION_TESTS: dict[str, Callable[[ItemFacts], bool]] = {
    codes.PERSONALISED: lambda item: item.is_personalised,
    codes.PERISHABLE: lambda item: item.is_perishable,
    # A sealed product is excluded only once unsealed: the seal, not the product, is the test.
    codes.HYGIENE_UNSEALED: lambda item: item.is_hygiene_sealed and item.is_seal_broken,
    codes.MEDIA_UNSEALED: lambda item: item.is_sealed_media and item.is_seal_broken,
    codes.PERIODICAL: lambda item: item.is_periodical,
    codes.CONFIRMED_UNSUITABLE: lambda item: item.is_confirmed_unsuitable,
    codes.NOT_INTACT: lambda item: not item.is_intact,
}


def first_exception(item: ItemFacts, exception_codes: Sequence[str]) -> Explanation | None:
    """The first of the regime's exceptions (in the law's order) that applies to the item."""
    for code in exception_codes:
        if EXCEPTION_TESTS[code](item):
            return explain(code)
    return None


def has_any_exception_flag(item: ItemFacts) -> bool:
    return any(test(item) for test in EXCEPTION_TESTS.values())


def possession_date(facts: RegimeFacts, *, last_item: bool) -> date | None:
    """The buyer's local date of possession: of the last item, or of this item alone.

    None while a counted item is still on its way: the period has not started.
    """
    deliveries = facts.deliveries if last_item else (facts.item.delivered_at,)
    if not deliveries or any(delivered_at is None for delivered_at in deliveries):
        return None
    return max(local_date(delivered_at, facts.time_zone) for delivered_at in deliveries)


def day_end(day: date | None, facts: RegimeFacts) -> datetime | None:
    return end_of_day(day, facts.time_zone) if day is not None else None


def notice_date(facts: RegimeFacts) -> date | None:
    if facts.withdrawal_notified_at is None:
        return None
    return local_date(facts.withdrawal_notified_at, facts.time_zone)


def is_too_late(withdraw_by: datetime | None, facts: RegimeFacts) -> bool:
    """A notice sent (or a request made) after the window's last instant is too late."""
    return withdraw_by is not None and facts.notice_or_now > withdraw_by


def goodwill(
    regime: str,
    *,
    exception: Explanation | None = None,
    notes: Sequence[str] = (),
    window_starts_on: date | None = None,
) -> RegimeResult:
    """No statutory right applies: the seller's return policy alone decides."""
    return RegimeResult(
        regime=regime,
        track=Track.GOODWILL_POLICY,
        return_cost=CostBearer.POLICY,
        outbound_shipping=OutboundRefund.POLICY,
        window_starts_on=window_starts_on,
        exception=exception,
        notes=tuple(explain(code) for code in notes),
    )


def fault_claim(
    regime: str,
    *,
    return_cost: CostBearer = CostBearer.SELLER,
    note: str = codes.FAULT_LEGAL_GUARANTEE,
    remedy_chosen_by: Party | None = None,
) -> RegimeResult:
    """A reported fault goes to the guarantee track, whatever the withdrawal exceptions say."""
    return RegimeResult(
        regime=regime,
        track=Track.FAULT_CLAIM,
        return_cost=return_cost,
        outbound_shipping=OutboundRefund.POLICY,
        notes=(explain(note),),
        remedy_chosen_by=remedy_chosen_by,
    )
