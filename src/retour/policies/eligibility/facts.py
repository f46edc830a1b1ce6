"""The typed facts the caller fills for an eligibility evaluation, and the context rules read.

The caller (the returns core) knows what the policies app cannot: how many units are still
returnable (its ledger), how many returns the buyer made lately, which evidence is attached.
It passes them here as plain values; the rules never query anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from retour.markets.regimes import RegimeResult
from retour.markets.regimes.dates import require_aware
from retour.policies.choices import Evidence
from retour.policies.terms import PolicyTerms


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """The order and the buyer, as they stand at the request (the brief's "CaseFacts").

    - `currency`: the order's presentment currency (line values are in it).
    - `deliveries`: the delivery instant of every item of the order (None: still on its way);
      the EU and UK windows, and the policy's "delivered" anchor, count from the last of them.
    - `time_zone`: the buyer's IANA zone when the address gives it; empty: the market's.
    - `region`: the buyer's subdivision (ISO 3166-2 without the country, "CA").
    - `requested_at`: when the buyer asked (the withdrawal notice); None: the evaluation time.
      Pass the original instant when a case is evaluated again later.
    - `customer_returns_last_30_days`: the buyer's return requests in the 30 days before.
    """

    reference: str = ""
    currency: str = ""
    ordered_at: datetime | None = None
    deliveries: tuple[datetime | None, ...] = ()
    time_zone: str = ""
    region: str = ""
    requested_at: datetime | None = None
    customer_returns_last_30_days: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "deliveries", tuple(self.deliveries))
        require_aware(self.ordered_at, "ordered_at")
        require_aware(self.requested_at, "requested_at")
        for index, delivered_at in enumerate(self.deliveries):
            require_aware(delivered_at, f"deliveries[{index}]")


@dataclass(frozen=True, slots=True)
class LineFacts:
    """One order line asked back.

    - `quantity_returnable`: units the ledger still allows (fulfilled minus requested, received
      and kept), filled by the returns core.
    - `unit_value_minor`: what one unit cost the buyer, tax included, in the order's currency.
    - `category_codes`: the product's category code and its ancestors' (`category_lineage`).
    - product flags, and `is_seal_broken` as declared or found; `is_intact` for China.
    - `evidence`: the kinds attached so far ("photo", "video"; a video also counts as a photo).
    - `fault`: the regimes' fault grade (none, minor, major) when staff graded it; None derives
      it from the reason (merchant or carrier fault: minor).
    """

    reference: str
    reason_code: str
    quantity_requested: int
    quantity_returnable: int
    unit_value_minor: int = 0
    delivered_at: datetime | None = None
    shipped_at: datetime | None = None
    category_codes: tuple[str, ...] = ()
    is_final_sale: bool = False
    is_gift_card: bool = False
    is_personalised: bool = False
    is_perishable: bool = False
    is_hygiene_sealed: bool = False
    is_sealed_media: bool = False
    is_seal_broken: bool = False
    is_periodical: bool = False
    is_confirmed_unsuitable: bool = False
    is_intact: bool = True
    evidence: frozenset[str] = field(default_factory=frozenset)
    fault: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "category_codes", tuple(self.category_codes))
        object.__setattr__(self, "evidence", frozenset(self.evidence))
        require_aware(self.delivered_at, "delivered_at")
        require_aware(self.shipped_at, "shipped_at")


@dataclass(frozen=True, slots=True)
class ReasonFacts:
    """What the rules need of the chosen reason (read once from the taxonomy)."""

    code: str
    fault: str
    requires_evidence: str = Evidence.NONE
    kind: str = "return"
    allowed_resolutions: tuple[str, ...] = ()

    @classmethod
    def from_reason(cls, reason) -> ReasonFacts:
        return cls(
            code=reason.code,
            fault=reason.fault,
            requires_evidence=reason.requires_evidence,
            kind=reason.kind,
            allowed_resolutions=tuple(reason.allowed_resolutions or ()),
        )


@dataclass(frozen=True, slots=True)
class Window:
    """The windows of one line: the statutory one, the policy's, and the effective end.

    `return_by` is the later of the two where the statutory right applies (the more generous
    wins), the policy's alone otherwise; None while the window has not started.
    """

    track: str
    statutory_by: datetime | None
    policy_by: datetime | None
    return_by: datetime | None
    ship_back_by: datetime | None
    refund_due_by: datetime | None
    policy_started: bool


@dataclass(frozen=True, slots=True)
class LineContext:
    """Everything one rule may read about one line: facts, policy, law, window."""

    line: LineFacts
    order: OrderFacts
    reason: ReasonFacts
    terms: PolicyTerms
    regime_code: str
    regime: RegimeResult
    window: Window
    channel: str
    at: datetime
    time_zone: ZoneInfo
    guarantee_on_seller: bool
    category_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def track(self) -> str:
        return self.window.track

    @property
    def requested_at(self) -> datetime:
        return self.order.requested_at or self.at
