"""Statutory regimes as code: the legal floor per buyer country, separate from goodwill policy.

Use `regime_for_code(code).evaluate(RegimeFacts(...))`; see docs/markets.md for each regime.
"""

from retour.markets.regimes.registry import REGIMES, regime_for_code
from retour.markets.regimes.types import (
    CostBearer,
    Explanation,
    Fault,
    ItemFacts,
    OutboundRefund,
    Party,
    RefundClock,
    Regime,
    RegimeCode,
    RegimeFacts,
    RegimeResult,
    StatutoryFloor,
    Track,
    WindowAnchor,
)

__all__ = [
    "REGIMES",
    "CostBearer",
    "Explanation",
    "Fault",
    "ItemFacts",
    "OutboundRefund",
    "Party",
    "RefundClock",
    "Regime",
    "RegimeCode",
    "RegimeFacts",
    "RegimeResult",
    "StatutoryFloor",
    "Track",
    "WindowAnchor",
    "regime_for_code",
]
