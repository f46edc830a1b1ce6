"""Typed inputs of the returns services: narrow values in, so interfaces never pass dicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LineRequest:
    """Units of one order line asked back in a return."""

    order_line_id: int
    quantity: int
    reason_code: str
    customer_comment: str = ""
    resolution: str | None = None  # defaults to the case's requested resolution
    exchange_variant_id: int | None = None
    serials: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class ReceivedUnits:
    """Units of one return line that arrived in one receipt session."""

    return_line_id: int
    quantity: int
    serials: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class InspectionDecision:
    """Received units of one return line accepted or rejected at inspection."""

    return_line_id: int
    accepted: int = 0
    rejected: int = 0
    codes: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class LineSettlement:
    """Accepted (or lost) units of one return line refunded or exchanged."""

    return_line_id: int
    refunded: int = 0
    exchanged: int = 0


@dataclass(frozen=True, slots=True)
class ClaimLineRequest:
    """Units of one order line claimed (damaged, missing, never arrived, keep it)."""

    order_line_id: int
    quantity: int
    reason_code: str
    customer_comment: str = ""
    replacement_variant_id: int | None = None


@dataclass(frozen=True, slots=True)
class ClaimLineSettlement:
    """Claimed units of one claim line refunded or replaced."""

    claim_line_id: int
    refunded: int = 0
    exchanged: int = 0
    replacement_order_ref: str = ""
