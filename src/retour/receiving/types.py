"""Typed inputs of the receiving services."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CountedUnits:
    """Units of one return line the operator counted in a parcel (may exceed what is expected:
    the excess is recorded as extra items)."""

    return_line_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """Something in the parcel that does not belong to the return, or an empty box."""

    kind: str  # a DiscrepancyKind
    quantity: int = 1
    description: str = ""
    return_line_id: int | None = None
