"""The demo returns network: local warehouses, an EU consolidation hub and the Shenzhen origin.

Prices are believable 2026 list prices, not quotes: a US return to New Jersey costs USD 5.99,
an EU return to the Polish hub EUR 4.20, the hub's consolidated freight to Shenzhen EUR 3.80 per
kg plus clearance, and a parcel straight from a buyer to Shenzhen a third of a cheap item's
price. Idempotent: rows are upserted by code.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from retour.logistics.models import Lane, Warehouse, WarehouseMember

EU_COUNTRIES = ["DE", "FR", "AT", "BE", "NL", "IT", "ES", "PL", "CZ", "IE", "PT", "LU"]

WAREHOUSES: list[dict[str, Any]] = [
    {
        "code": "us-nj",
        "name": "Kestrel Returns East",
        "kind": "warehouse",
        "contact_name": "Returns desk",
        "address1": "300 Raritan Center Pkwy",
        "city": "Edison",
        "region": "NJ",
        "postal_code": "08837",
        "country": "US",
        "phone": "+1 732 555 0142",
        "countries_served": ["US"],
        "capabilities": ["inspect", "resell"],
        "handling_cost_minor": 150,
        "currency": "USD",
        "resale_rate_bps": 5500,
    },
    {
        "code": "eu-pl",
        "name": "Kestrel EU Returns Hub",
        "kind": "hub",
        "contact_name": "Returns hub",
        "address1": "ul. Magazynowa 5",
        "city": "Stryków",
        "region": "Łódzkie",
        "postal_code": "95-010",
        "country": "PL",
        "phone": "+48 42 555 01 80",
        "countries_served": EU_COUNTRIES,
        "capabilities": ["inspect", "refurbish", "resell", "consolidate"],
        "handling_cost_minor": 90,
        "currency": "EUR",
        "resale_rate_bps": 5000,
    },
    {
        "code": "gb-mk",
        "name": "Kestrel UK Returns",
        "kind": "warehouse",
        "contact_name": "Returns",
        "address1": "Unit 4, Kiln Farm",
        "city": "Milton Keynes",
        "postal_code": "MK11 3LF",
        "country": "GB",
        "countries_served": ["GB"],
        "capabilities": ["inspect", "resell"],
        "handling_cost_minor": 120,
        "currency": "GBP",
        "resale_rate_bps": 5000,
    },
    {
        "code": "jp-chiba",
        "name": "Kestrel Japan Returns",
        "kind": "warehouse",
        "contact_name": "Henpin center",
        "address1": "2-1 Shinminato, Mihama-ku",
        "city": "Chiba",
        "region": "Chiba",
        "postal_code": "261-0002",
        "country": "JP",
        "countries_served": ["JP"],
        "capabilities": ["inspect", "resell"],
        "handling_cost_minor": 180,
        "currency": "JPY",
        "resale_rate_bps": 5000,
    },
    {
        "code": "cn-sz",
        "name": "Kestrel Origin Warehouse Shenzhen",
        "kind": "origin",
        "contact_name": "Returns receiving",
        "address1": "No. 8 Pingshan Industrial Road, Longgang District",
        "city": "Shenzhen",
        "region": "Guangdong",
        "postal_code": "518118",
        "country": "CN",
        "phone": "+86 755 5555 0188",
        "countries_served": [],
        "capabilities": ["inspect", "refurbish", "resell"],
        "handling_cost_minor": 400,
        "currency": "CNY",
        "resale_rate_bps": 6500,
    },
]


def _bands(*pairs: tuple[int, int]) -> list[dict[str, int]]:
    return [{"max_grams": grams, "price_minor": price} for grams, price in pairs]


def _lanes(us_carrier: str) -> list[dict[str, Any]]:
    lanes: list[dict[str, Any]] = [
        {
            "code": "us-to-us-nj",
            "kind": "parcel",
            "from_country": "US",
            "destination": "us-nj",
            "carrier": us_carrier,
            "carrier_name": "USPS",
            "service": "GroundAdvantage",
            "currency": "USD",
            "price_bands": _bands((1000, 599), (2000, 799), (5000, 1199), (10000, 1899)),
            "transit_days": 4,
        },
        {
            "code": "us-to-cn-sz",
            "kind": "parcel",
            "from_country": "US",
            "destination": "cn-sz",
            "carrier": us_carrier,
            "carrier_name": "USPS",
            "service": "FirstClassPackageInternationalService",
            "currency": "USD",
            "price_bands": _bands((1000, 2450), (2000, 3890), (4000, 6900)),
            "customs_fee_minor": 0,
            "duty_rate_bps": 500,
            "transit_days": 25,
        },
        {
            "code": "eu-pl-to-cn-sz",
            "kind": "freight",
            "from_warehouse": "eu-pl",
            "destination": "cn-sz",
            "carrier": "self",
            "carrier_name": "Sino-Euro Rail Freight",
            "service": "Consolidated rail",
            "currency": "EUR",
            "per_kg_minor": 380,
            "customs_fee_minor": 35,
            "duty_rate_bps": 300,
            "transit_days": 28,
        },
        {
            "code": "de-to-cn-sz",
            "kind": "parcel",
            "from_country": "DE",
            "destination": "cn-sz",
            "carrier": "self",
            "carrier_name": "DHL",
            "service": "Paket International",
            "currency": "EUR",
            "price_bands": _bands((1000, 1699), (2000, 2899), (5000, 4699)),
            "duty_rate_bps": 500,
            "transit_days": 21,
        },
        {
            "code": "gb-to-gb-mk",
            "kind": "parcel",
            "from_country": "GB",
            "destination": "gb-mk",
            "carrier": "self",
            "carrier_name": "Royal Mail",
            "service": "Tracked Returns 48",
            "currency": "GBP",
            "price_bands": _bands((2000, 395), (10000, 695)),
            "transit_days": 2,
        },
        {
            "code": "jp-to-jp-chiba",
            "kind": "parcel",
            "from_country": "JP",
            "destination": "jp-chiba",
            "carrier": "self",
            "carrier_name": "Yamato",
            "service": "TA-Q-BIN",
            "currency": "JPY",
            "price_bands": _bands((2000, 800), (5000, 1100), (10000, 1500)),
            "transit_days": 1,
        },
        {
            "code": "au-to-cn-sz",
            "kind": "parcel",
            "from_country": "AU",
            "destination": "cn-sz",
            "carrier": "self",
            "carrier_name": "Australia Post",
            "service": "International Standard",
            "currency": "AUD",
            "price_bands": _bands((500, 2490), (1000, 3190), (2000, 4590)),
            "duty_rate_bps": 500,
            "transit_days": 14,
        },
        {
            "code": "br-to-cn-sz",
            "kind": "parcel",
            "from_country": "BR",
            "destination": "cn-sz",
            "carrier": "self",
            "carrier_name": "Correios",
            "service": "Exporta Fácil",
            "currency": "BRL",
            "price_bands": _bands((1000, 8990), (2000, 13990)),
            "duty_rate_bps": 500,
            "transit_days": 30,
        },
    ]
    # Every EU country the hub serves posts to the hub at the same price.
    for country in EU_COUNTRIES:
        lanes.append(
            {
                "code": f"{country.lower()}-to-eu-pl",
                "kind": "parcel",
                "from_country": country,
                "destination": "eu-pl",
                "carrier": "self",
                "carrier_name": "DHL" if country == "DE" else "GLS",
                "service": "Retoure Online" if country == "DE" else "ShopReturn",
                "currency": "EUR",
                "price_bands": _bands((2000, 420), (5000, 690), (10000, 990)),
                "transit_days": 3 if country in ("DE", "CZ", "AT") else 4,
            }
        )
    return lanes


def load(stdout: Any = None) -> None:
    """Upsert the demo network and give the demo warehouse login the EU hub."""
    us_carrier = "easypost" if getattr(settings, "EASYPOST_API_KEY", "") else "self"
    with transaction.atomic():
        places = {}
        for spec in WAREHOUSES:
            fields = {key: value for key, value in spec.items() if key != "code"}
            places[spec["code"]], _ = Warehouse.objects.update_or_create(
                code=spec["code"], defaults=fields
            )
        for spec in _lanes(us_carrier):
            fields = {key: value for key, value in spec.items() if key != "code"}
            fields["destination"] = places[fields["destination"]]
            if "from_warehouse" in fields:
                fields["from_warehouse"] = places[fields["from_warehouse"]]
            Lane.objects.update_or_create(code=spec["code"], defaults=fields)
        from django.contrib.auth import get_user_model

        operator = get_user_model().objects.filter(username="warehouse").first()
        if operator is not None:
            WarehouseMember.objects.get_or_create(warehouse=places["eu-pl"], user=operator)
    if stdout is not None:
        stdout.write(
            f"Logistics: {len(WAREHOUSES)} warehouses and hubs, {Lane.objects.count()} lanes."
        )
