"""Our own label: the destination address and the return number, printed by us; the buyer posts
it with any carrier. Nothing upstream to call: rating is the lane's price, voiding always works,
and tracking comes from the warehouse's receipt, not from a carrier."""

from __future__ import annotations

from retour.logistics.carriers.base import LabelResult, Rate, ShipmentRequest, TrackingUpdate


class SelfManagedCarrier:
    code = "self"

    def rate(self, request: ShipmentRequest) -> list[Rate]:
        return [Rate(request.carrier_name, request.service, request.price_minor, request.currency)]

    def create_label(self, request: ShipmentRequest) -> LabelResult:
        return LabelResult(
            tracking_number=f"{request.reference}-{request.sequence}",
            cost_minor=request.price_minor,
            currency=request.currency,
        )

    def void(self, *, tracking_number: str, carrier_reference: str) -> bool:
        return True

    def track(self, *, tracking_number: str, tracker_reference: str) -> list[TrackingUpdate]:
        return []
