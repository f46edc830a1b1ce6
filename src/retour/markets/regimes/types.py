"""The typed inputs and outputs of every statutory regime.

A regime is a pure function `RegimeFacts -> RegimeResult`: no database, no clock, no settings.
The caller (the returns core) gathers the facts of one order line, with the delivery dates of the
whole order, and stores the result on the case so that the decision can be explained later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from retour.markets.exceptions import InvalidRegimeFacts
from retour.markets.regimes.dates import require_aware, zone


class RegimeCode(models.TextChoices):
    EU = "eu", _("European Union: Consumer Rights Directive")
    UK = "uk", _("United Kingdom: Consumer Contracts Regulations 2013")
    BR = "br", _("Brazil: Consumer Defence Code, art. 49")
    JP = "jp", _("Japan: Act on Specified Commercial Transactions, art. 15-3")
    CN = "cn", _("China: Consumer Rights and Interests Protection Law, art. 25")
    AU = "au", _("Australia: Australian Consumer Law")
    US = "us", _("United States: policy-based")
    NONE = "none", _("No statutory withdrawal right")


class Track(models.TextChoices):
    STATUTORY_WITHDRAWAL = "statutory_withdrawal", _("Statutory withdrawal")
    GOODWILL_POLICY = "goodwill_policy", _("Goodwill return policy")
    FAULT_CLAIM = "fault_claim", _("Fault or guarantee claim")


class CostBearer(models.TextChoices):
    BUYER = "buyer", _("The buyer pays the return")
    SELLER = "seller", _("The seller pays the return")
    POLICY = "policy", _("The return policy decides who pays the return")


class OutboundRefund(models.TextChoices):
    ALL_PAID = "all_paid", _("Everything paid is refunded, delivery included")
    STANDARD = "standard", _("The standard delivery cost is refunded (not an express supplement)")
    POLICY = "policy", _("The return policy decides whether delivery is refunded")


class RefundClock(models.TextChoices):
    NONE = "none", _("The law sets no refund deadline")
    IMMEDIATE = "immediate", _("Refund at once")
    NOTICE = "notice", _("Refund within the period after the withdrawal notice")
    GOODS_BACK = "goods_back", _("Refund within the period after the goods are back")
    GOODS_BACK_OR_PROOF = (
        "goods_back_or_proof",
        _(
            "Refund within the period after the goods are back or proof of dispatch, whichever is first"
        ),
    )


class WindowAnchor(models.TextChoices):
    LAST_ITEM_DELIVERED = "last_item_delivered", _("Delivery of the order's last item")
    ITEM_DELIVERED = "item_delivered", _("Delivery of the item")
    PURCHASE = "purchase", _("Purchase")
    NONE = "none", _("No statutory window")


class Fault(models.TextChoices):
    NONE = "none", _("No fault reported")
    MINOR = "minor", _("Minor fault")
    MAJOR = "major", _("Major fault")


class Party(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")


@dataclass(frozen=True, slots=True)
class Explanation:
    """A stable machine code plus its translated sentence (rendered in the active language)."""

    code: str
    message: str | Promise

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """One order line as the law sees it.

    `is_seal_broken` is what the buyer declared or the warehouse found; it matters only together
    with `is_hygiene_sealed` or `is_sealed_media`. `is_confirmed_unsuitable` is China's case of
    goods the buyer confirmed at purchase to be unsuitable for a no-reason return.
    """

    reference: str = ""
    delivered_at: datetime | None = None
    is_personalised: bool = False
    is_perishable: bool = False
    is_hygiene_sealed: bool = False
    is_sealed_media: bool = False
    is_seal_broken: bool = False
    is_periodical: bool = False
    is_confirmed_unsuitable: bool = False
    is_intact: bool = True
    fault: Fault = Fault.NONE

    def __post_init__(self) -> None:
        require_aware(self.delivered_at, "item.delivered_at")
        if self.fault not in Fault.values:
            raise InvalidRegimeFacts(extra={"field": "item.fault", "value": repr(self.fault)})


@dataclass(frozen=True, slots=True)
class RegimeFacts:
    """Everything a regime needs to judge one line, at one instant, for one buyer.

    - `time_zone`: the buyer's IANA zone (the market's unless the address says better); every
      deadline ends at the end of a day in this zone.
    - `at`: the instant of the evaluation (usually now). A withdrawal notice, when there is one,
      is what must reach inside the window, so `withdrawal_notified_at` is used instead.
    - `order_deliveries`: the delivery instant of every item of the order (None: not delivered
      yet). Empty means "just this item". The EU and UK count from the last of them.
    - `region`: the buyer's subdivision, ISO 3166-2 without the country ("CA" for California).
    - `withdrawal_information_given`: the buyer was told of the withdrawal right with the order;
      if not, `withdrawal_information_given_late_at` is when they were told afterwards, if ever.
    - `return_policy_displayed`: the seller's return policy was shown clearly at checkout and on
      the order confirmation (Japan's special provision; California's display rule).
    - `return_cost_disclosed`: the buyer was told before ordering that they pay the return.
    - `seller_pays_return`: the seller agreed to bear the return cost.
    - `seller_collects`: the seller offered to collect the goods itself.
    """

    item: ItemFacts
    time_zone: ZoneInfo
    at: datetime
    order_deliveries: tuple[datetime | None, ...] = ()
    ordered_at: datetime | None = None
    region: str = ""
    withdrawal_information_given: bool = True
    withdrawal_information_given_late_at: datetime | None = None
    return_policy_displayed: bool = False
    return_cost_disclosed: bool = True
    seller_pays_return: bool = False
    seller_collects: bool = False
    withdrawal_notified_at: datetime | None = None
    goods_received_at: datetime | None = None
    dispatch_proved_at: datetime | None = None

    def __post_init__(self) -> None:
        if isinstance(self.time_zone, str):
            object.__setattr__(self, "time_zone", zone(self.time_zone))
        if not isinstance(self.time_zone, ZoneInfo):
            raise InvalidRegimeFacts(extra={"field": "time_zone", "value": repr(self.time_zone)})
        if self.at is None:
            raise InvalidRegimeFacts(extra={"field": "at", "value": "None"})
        for name in (
            "at",
            "ordered_at",
            "withdrawal_information_given_late_at",
            "withdrawal_notified_at",
            "goods_received_at",
            "dispatch_proved_at",
        ):
            require_aware(getattr(self, name), name)
        object.__setattr__(self, "order_deliveries", tuple(self.order_deliveries))
        for index, delivered_at in enumerate(self.order_deliveries):
            require_aware(delivered_at, f"order_deliveries[{index}]")
        if self.withdrawal_information_given and self.withdrawal_information_given_late_at:
            # Information given late means it was not given with the order: say one or the other.
            raise InvalidRegimeFacts(
                extra={"field": "withdrawal_information_given_late_at", "value": "set while given"}
            )
        region = (self.region or "").strip().upper()
        object.__setattr__(self, "region", region.split("-", 1)[-1])

    @property
    def deliveries(self) -> tuple[datetime | None, ...]:
        """The order's deliveries, or this item's alone when the order's were not given."""
        return self.order_deliveries or (self.item.delivered_at,)

    @property
    def notice_or_now(self) -> datetime:
        return self.withdrawal_notified_at or self.at


@dataclass(frozen=True, slots=True)
class RegimeResult:
    """What the law makes of one line: the track, its deadlines, its costs, and why.

    Deadlines are aware datetimes at the end of a day in the buyer's zone; None where the law
    gives none or the clock has not started. `refund_withholding_allowed`: the seller may hold
    the refund until the goods are back or dispatch is proved, even past `refund_due_by`.
    """

    regime: str
    track: Track
    return_cost: CostBearer
    outbound_shipping: OutboundRefund
    refund_clock: RefundClock = RefundClock.NONE
    window_starts_on: date | None = None
    withdraw_by: datetime | None = None
    ship_back_by: datetime | None = None
    refund_due_by: datetime | None = None
    refund_withholding_allowed: bool = False
    exception: Explanation | None = None
    notes: tuple[Explanation, ...] = ()
    remedy_chosen_by: Party | None = None
    diminished_value_deductible: bool = False

    @property
    def is_statutory_withdrawal(self) -> bool:
        return self.track == Track.STATUTORY_WITHDRAWAL

    @property
    def note_codes(self) -> tuple[str, ...]:
        return tuple(note.code for note in self.notes)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-safe snapshot (codes, not sentences: they are re-rendered in any language)."""

        def instant(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "regime": str(self.regime),
            "track": str(self.track),
            "return_cost": str(self.return_cost),
            "outbound_shipping": str(self.outbound_shipping),
            "refund_clock": str(self.refund_clock),
            "window_starts_on": self.window_starts_on.isoformat()
            if self.window_starts_on
            else None,
            "withdraw_by": instant(self.withdraw_by),
            "ship_back_by": instant(self.ship_back_by),
            "refund_due_by": instant(self.refund_due_by),
            "refund_withholding_allowed": self.refund_withholding_allowed,
            "exception": self.exception.code if self.exception else None,
            "notes": list(self.note_codes),
            "remedy_chosen_by": str(self.remedy_chosen_by) if self.remedy_chosen_by else None,
            "diminished_value_deductible": self.diminished_value_deductible,
        }


@dataclass(frozen=True, slots=True)
class StatutoryFloor:
    """The legal minimum a goodwill policy in this regime may never undercut (read by policies)."""

    withdrawal_days: int | None
    anchor: WindowAnchor
    return_cost: CostBearer
    outbound_shipping: OutboundRefund
    refund_clock: RefundClock
    refund_days: int | None = None


@dataclass(frozen=True, slots=True)
class Regime:
    code: str
    label: str | Promise
    sources: tuple[str, ...]
    floor: StatutoryFloor
    evaluator: Callable[[RegimeFacts], RegimeResult] = field(repr=False)

    def evaluate(self, facts: RegimeFacts) -> RegimeResult:
        return self.evaluator(facts)
