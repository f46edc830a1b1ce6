"""EasyPost through its official SDK (`easypost.EasyPostClient`).

Settings: `EASYPOST_API_KEY`, `EASYPOST_API_BASE` (default the live API; tests point it at a
local fake server), `EASYPOST_TIMEOUT` (seconds). Every SDK error (4xx, 5xx, time-out, bad JSON)
becomes `logistics.carrier_error`, raised before anything is written on our side.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

import easypost
from django.conf import settings
from easypost.errors import EasyPostError

from retour.core.money import Money
from retour.logistics.carriers.base import (
    Address,
    LabelResult,
    Rate,
    ShipmentRequest,
    TrackingUpdate,
)
from retour.logistics.exceptions import CarrierError

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.easypost.com/v2"
GRAMS_PER_OUNCE = Decimal("28.349523125")


def _address(address: Address) -> dict:
    return {
        "name": address.name,
        "street1": address.street1,
        "street2": address.street2,
        "city": address.city,
        "state": address.state,
        "zip": address.zip,
        "country": address.country,
        "phone": address.phone,
        "email": address.email,
    }


def _ounces(grams: int) -> float:
    return float((Decimal(grams) / GRAMS_PER_OUNCE).quantize(Decimal("0.1")))


def _minor(amount: str | float | None, currency: str) -> int:
    return Money.from_major(Decimal(str(amount or "0")).normalize(), currency).amount_minor


def _failure(error: Exception, operation: str) -> CarrierError:
    status = getattr(error, "http_status", None)
    logger.warning("logistics.easypost.failed", extra={"operation": operation, "status": status})
    return CarrierError(extra={"carrier": "easypost", "operation": operation, "status": status})


class EasyPostCarrier:
    code = "easypost"

    def __init__(self, *, api_key: str, api_base: str = DEFAULT_API_BASE, timeout: int = 20):
        self.client = easypost.EasyPostClient(api_key, api_base=api_base, timeout=timeout)

    @classmethod
    def from_settings(cls) -> EasyPostCarrier:
        return cls(
            api_key=getattr(settings, "EASYPOST_API_KEY", "") or "",
            api_base=getattr(settings, "EASYPOST_API_BASE", "") or DEFAULT_API_BASE,
            timeout=int(getattr(settings, "EASYPOST_TIMEOUT", 20)),
        )

    def _shipment(self, request: ShipmentRequest):
        params: dict = {
            "reference": request.reference,
            "to_address": _address(request.to_address),
            "from_address": _address(request.from_address),
            "parcel": {"weight": _ounces(request.weight_grams)},
            "options": {"label_format": "PDF", "label_size": "4x6"},
        }
        if request.customs_items:
            params["customs_info"] = {
                "contents_type": "returned_goods",
                "contents_explanation": f"Returned goods, return {request.reference}",
                "customs_certify": True,
                "customs_signer": request.from_address.name,
                "non_delivery_option": "return",
                "restriction_type": "none",
                "customs_items": [
                    {
                        "description": item.description[:200],
                        "quantity": item.quantity,
                        "value": str(Money(item.value_minor, request.currency).to_decimal()),
                        "currency": request.currency,
                        "weight": _ounces(item.weight_grams),
                        "hs_tariff_number": item.hs_code,
                        "origin_country": item.origin_country,
                    }
                    for item in request.customs_items
                ],
            }
        return self.client.shipment.create(**params)

    def rate(self, request: ShipmentRequest) -> list[Rate]:
        try:
            shipment = self._shipment(request)
        except EasyPostError as error:
            raise _failure(error, "rate") from error
        return [
            Rate(
                carrier_name=rate.carrier,
                service=rate.service,
                amount_minor=_minor(rate.rate, rate.currency),
                currency=rate.currency,
                transit_days=getattr(rate, "delivery_days", None),
                reference=rate.id,
            )
            for rate in shipment.rates
        ]

    def create_label(self, request: ShipmentRequest) -> LabelResult:
        try:
            shipment = self._shipment(request)
            rates = [
                rate
                for rate in shipment.rates
                if rate.carrier == request.carrier_name and rate.service == request.service
            ]
            if not rates:
                raise CarrierError(
                    extra={"carrier": "easypost", "operation": "buy", "reason": "no_rate"}
                )
            cheapest = min(rates, key=lambda rate: Decimal(str(rate.rate)))
            bought = self.client.shipment.buy(shipment.id, rate={"id": cheapest.id})
        except EasyPostError as error:
            raise _failure(error, "buy") from error
        selected = bought.selected_rate
        tracker = getattr(bought, "tracker", None)
        postage = getattr(bought, "postage_label", None)
        return LabelResult(
            tracking_number=bought.tracking_code,
            cost_minor=_minor(selected.rate, selected.currency),
            currency=selected.currency,
            carrier_reference=bought.id,
            tracker_reference=getattr(tracker, "id", "") or "",
            label_url=getattr(postage, "label_url", "") or "",
        )

    def void(self, *, tracking_number: str, carrier_reference: str) -> bool:
        try:
            shipment = self.client.shipment.refund(carrier_reference)
        except EasyPostError as error:
            raise _failure(error, "refund") from error
        return getattr(shipment, "refund_status", "") in {"submitted", "refunded"}

    def track(self, *, tracking_number: str, tracker_reference: str) -> list[TrackingUpdate]:
        try:
            tracker = self.client.tracker.retrieve(tracker_reference)
        except EasyPostError as error:
            raise _failure(error, "track") from error
        updates = []
        for detail in getattr(tracker, "tracking_details", []) or []:
            when = getattr(detail, "datetime", None)
            location = getattr(detail, "tracking_location", None)
            updates.append(
                TrackingUpdate(
                    status=detail.status,
                    detail=getattr(detail, "status_detail", "") or "",
                    message=getattr(detail, "message", "") or "",
                    occurred_at=datetime.fromisoformat(when.replace("Z", "+00:00"))
                    if when
                    else None,
                    location=", ".join(
                        part
                        for part in (
                            getattr(location, "city", None),
                            getattr(location, "country", None),
                        )
                        if part
                    ),
                )
            )
        return updates
