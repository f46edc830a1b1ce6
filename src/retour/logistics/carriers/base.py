"""The carrier adapter interface and the plain values it exchanges."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    street1: str
    city: str
    country: str
    street2: str = ""
    state: str = ""
    zip: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class CustomsItem:
    description: str
    quantity: int
    value_minor: int  # total for the line, in the request's currency
    weight_grams: int
    hs_code: str
    origin_country: str


@dataclass(frozen=True, slots=True)
class ShipmentRequest:
    reference: str  # the return number
    sequence: int  # the how-many-th label of this return (1, 2…)
    from_address: Address
    to_address: Address
    weight_grams: int
    carrier_name: str
    service: str
    currency: str
    price_minor: int  # the lane's price for this weight (self-managed labels cost this)
    customs_items: tuple[CustomsItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Rate:
    carrier_name: str
    service: str
    amount_minor: int
    currency: str
    transit_days: int | None = None
    reference: str = ""


@dataclass(frozen=True, slots=True)
class LabelResult:
    tracking_number: str
    cost_minor: int
    currency: str
    carrier_reference: str = ""
    tracker_reference: str = ""
    label_url: str = ""


@dataclass(frozen=True, slots=True)
class TrackingUpdate:
    status: str  # the carrier's own vocabulary
    detail: str = ""
    message: str = ""
    occurred_at: datetime | None = None
    location: str = ""
    extra: dict = field(default_factory=dict)


class CarrierAdapter(Protocol):
    code: str

    def rate(self, request: ShipmentRequest) -> list[Rate]: ...

    def create_label(self, request: ShipmentRequest) -> LabelResult: ...

    def void(self, *, tracking_number: str, carrier_reference: str) -> bool: ...

    def track(self, *, tracking_number: str, tracker_reference: str) -> list[TrackingUpdate]: ...
