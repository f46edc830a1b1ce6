"""Where a return should go: compare every reachable option by its expected net cost.

For one approved return the options are:

- **keep**: the buyer keeps the goods (no label, no handling, no resale): net cost 0. Allowed
  only where the policy sets a keep-it threshold above the goods' value and nothing requires an
  inspection.
- **local**: a parcel to each active local warehouse serving the buyer's country (a hub that
  inspects or resells is a local destination too: the goods may stay there).
- **consolidate**: a parcel to a hub serving the buyer's country, then the hub's consolidated
  freight to the origin warehouse (per kg, customs clearance per unit, duty estimate).
- **direct**: a parcel straight from the buyer to the origin warehouse.

net cost = label + handling (every place that touches the goods) + freight + customs + duties
           − expected resale value at the final destination (price paid × its resale rate)

The refund is the same whatever the route, so it is left out. Every amount is converted into
the return's currency. The cheapest allowed option wins (ties: fewer transit days). Returns
whose goods are evidence (a fault claim, evidence attached) or high-value electronics must come
back to a place that can inspect them: keep-it and destinations without the inspect capability
are then listed but not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from retour.logistics.models import (
    Capability,
    Lane,
    LaneKind,
    RoutingOption,
    Warehouse,
    WarehouseKind,
)

# Electronics worth more than this (USD, converted) per unit must be inspected.
HIGH_VALUE_ELECTRONICS_USD = 150
ELECTRONICS_CATEGORY = "electronics"
# Packaging added to the goods' weight; and the weight assumed for a unit with none recorded.
PACKAGING_GRAMS = 150
DEFAULT_UNIT_GRAMS = 500


# One customs territory: goods moving inside it need no customs declaration.
EU_CUSTOMS_UNION = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "MC",
    ]
)


def crosses_border(origin: str, destination: str) -> bool:
    """True when goods from `origin` to `destination` go through customs."""
    if origin == destination:
        return False
    return not (origin in EU_CUSTOMS_UNION and destination in EU_CUSTOMS_UNION)


def convert_minor(amount_minor: int, source: str, target: str) -> int:
    """Convert with the rates table (automation's, when present), else the fixed reference."""
    if source == target or amount_minor == 0:
        return amount_minor
    try:
        from retour.automation.fx import RateTable

        converted = RateTable.load().convert(amount_minor, source, target, None)
    except Exception:  # the rates app is optional here
        converted = None
    if converted is None:
        from retour.policies.reference_amounts import convert_minor as reference

        converted = reference(amount_minor, source, target)
    if converted is None:
        raise ValueError(f"no rate from {source} to {target}")
    return int(converted)


@dataclass
class Goods:
    """What is coming back: units, weight, value paid (case currency) and what they are."""

    country: str
    currency: str
    units: int
    weight_grams: int
    value_minor: int
    lines: list[dict[str, Any]] = field(default_factory=list)
    must_inspect: bool = False
    inspect_reasons: list[str] = field(default_factory=list)
    keep_threshold_minor: int | None = None


def _cost(amount_minor: int, currency: str, target: str) -> int:
    return convert_minor(amount_minor, currency, target)


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def lane_leg(lane: Lane, goods: Goods) -> dict[str, int] | None:
    """The costs of moving `goods` over `lane`, in the goods' currency (None: overweight)."""
    currency = goods.currency
    costs = {"label": 0, "freight": 0, "customs": 0, "duties": 0}
    if lane.kind == LaneKind.PARCEL:
        price = lane.parcel_price_minor(goods.weight_grams)
        if price is None:
            return None
        costs["label"] = _cost(price, lane.currency, currency)
        customs_units = 1
    else:
        freight = _ceil_div(lane.per_kg_minor * goods.weight_grams, 1000)
        costs["freight"] = _cost(freight, lane.currency, currency)
        customs_units = goods.units
    if lane.customs_fee_minor:
        costs["customs"] = _cost(lane.customs_fee_minor * customs_units, lane.currency, currency)
    if lane.duty_rate_bps:
        costs["duties"] = _ceil_div(goods.value_minor * lane.duty_rate_bps, 10000)
    return costs


def _handling(warehouses: list[Warehouse], goods: Goods) -> int:
    return sum(
        _cost(place.handling_cost_minor * goods.units, place.currency, goods.currency)
        for place in warehouses
    )


def _resale(place: Warehouse, goods: Goods) -> int:
    if not place.has(Capability.RESELL) and place.kind != WarehouseKind.ORIGIN:
        return 0
    return goods.value_minor * place.resale_rate_bps // 10000


def _option(
    option: str,
    *,
    goods: Goods,
    destination: Warehouse | None,
    lanes: list[Lane],
    via: Warehouse | None = None,
) -> dict[str, Any]:
    costs = {"label": 0, "handling": 0, "freight": 0, "customs": 0, "duties": 0, "resale": 0}
    transit = 0
    blocked = ""
    for lane in lanes:
        leg = lane_leg(lane, goods)
        if leg is None:
            blocked = "overweight"
            continue
        for key, value in leg.items():
            costs[key] += value
        transit += lane.transit_days
    if destination is not None:
        places = [via, destination] if via else [destination]
        costs["handling"] = _handling(places, goods)
        costs["resale"] = _resale(destination, goods)
    inspectable = destination is not None and destination.has(Capability.INSPECT)
    if not blocked and goods.must_inspect and not inspectable:
        blocked = "inspection_required"
    threshold = goods.keep_threshold_minor
    if (
        option == RoutingOption.KEEP
        and not blocked
        and (threshold is None or goods.value_minor >= threshold)
    ):
        blocked = "keep_not_allowed"
    net = sum(value for key, value in costs.items() if key != "resale") - costs["resale"]
    return {
        "option": str(option),
        "destination": destination.code if destination else "",
        "destination_name": destination.name if destination else "",
        "via": via.code if via else "",
        "lanes": [lane.code for lane in lanes],
        "parcel_lane": lanes[0].code if lanes else "",
        "costs": costs,
        "net_cost_minor": net,
        "transit_days": transit,
        "allowed": not blocked,
        "blocked": blocked,
    }


def compare(goods: Goods, warehouses: list[Warehouse], lanes: list[Lane]) -> list[dict]:
    """Every option for `goods`, cheapest allowed first, then the blocked ones."""
    parcel_from_buyer = {
        lane.destination_id: lane
        for lane in lanes
        if lane.kind == LaneKind.PARCEL and lane.from_country == goods.country and lane.is_active
    }
    freight_from = {}
    for lane in lanes:
        if lane.kind == LaneKind.FREIGHT and lane.is_active:
            freight_from.setdefault(lane.from_warehouse_id, []).append(lane)
    by_id = {place.pk: place for place in warehouses}
    options = [_option(RoutingOption.KEEP, goods=goods, destination=None, lanes=[])]
    for place in warehouses:
        if not place.is_active:
            continue
        parcel = parcel_from_buyer.get(place.pk)
        if place.kind == WarehouseKind.WAREHOUSE and parcel and place.serves(goods.country):
            options.append(
                _option(RoutingOption.LOCAL, goods=goods, destination=place, lanes=[parcel])
            )
        elif place.kind == WarehouseKind.HUB and parcel and place.serves(goods.country):
            if place.has(Capability.RESELL) or place.has(Capability.INSPECT):
                # The goods may also stay at the hub: inspected and resold locally.
                options.append(
                    _option(RoutingOption.LOCAL, goods=goods, destination=place, lanes=[parcel])
                )
            if not place.has(Capability.CONSOLIDATE):
                continue
            for freight in freight_from.get(place.pk, []):
                origin = by_id.get(freight.destination_id)
                if origin is None or not origin.is_active:
                    continue
                options.append(
                    _option(
                        RoutingOption.CONSOLIDATE,
                        goods=goods,
                        destination=origin,
                        lanes=[parcel, freight],
                        via=place,
                    )
                )
        elif place.kind == WarehouseKind.ORIGIN and parcel:
            options.append(
                _option(RoutingOption.DIRECT, goods=goods, destination=place, lanes=[parcel])
            )
    return sorted(
        options,
        key=lambda item: (not item["allowed"], item["net_cost_minor"], item["transit_days"]),
    )
