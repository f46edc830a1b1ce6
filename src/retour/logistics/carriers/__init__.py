"""Carriers behind one interface: rate, create a label, void it, track it.

`adapter_for(code)` returns the adapter of a lane's carrier: `self` (our own label; the buyer
posts it) or `easypost` (labels bought through EasyPost's official SDK).
"""

from __future__ import annotations

from retour.logistics.carriers.base import (
    Address,
    CarrierAdapter,
    CustomsItem,
    LabelResult,
    Rate,
    ShipmentRequest,
    TrackingUpdate,
)


def adapter_for(code: str) -> CarrierAdapter:
    if code == "easypost":
        from retour.logistics.carriers.easypost import EasyPostCarrier

        return EasyPostCarrier.from_settings()
    if code == "self":
        from retour.logistics.carriers.self_managed import SelfManagedCarrier

        return SelfManagedCarrier()
    raise ValueError(f"unknown carrier {code!r}")


__all__ = [
    "Address",
    "CarrierAdapter",
    "CustomsItem",
    "LabelResult",
    "Rate",
    "ShipmentRequest",
    "TrackingUpdate",
    "adapter_for",
]
