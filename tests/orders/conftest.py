"""Fixtures for the order tests: a small catalog, one store, and a valid import record."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.factories import StoreFactory

RECORD: dict[str, Any] = {
    "store": "de-shop",
    "external_id": "5001",
    "number": "#5001",
    "placed_at": "2026-08-01T10:00:00Z",
    "status": "open",
    "currency": "EUR",
    "email": "Anna@Example.de",
    "customer": {"name": "Anna Schmidt", "phone": "", "locale": "de", "country": "DE"},
    "shipping_address": {
        "name": "Anna Schmidt",
        "address1": "Invalidenstraße 1",
        "address2": "",
        "city": "Berlin",
        "region": "",
        "postal_code": "10115",
        "country": "DE",
    },
    "shipping": {"paid": "4.90", "tax": "0.93"},
    "lines": [
        {
            "id": "l1",
            "sku": "TS-M-BLK",
            "title": "T-shirt M black",
            "quantity": 2,
            "unit_paid_net": "16.72",
            "unit_tax": [{"name": "VAT", "rate": "19", "amount": "3.18"}],
            "unit_duty": [{"kind": "import_duty", "amount": "0.50"}],
        },
        {
            "id": "l2",
            "sku": "CAP-RED",
            "quantity": 1,
            "unit_paid_net": "8.40",
            "unit_tax": [{"name": "VAT", "rate": "19", "amount": "1.60"}],
        },
    ],
    "payments": [
        {
            "provider": "stripe",
            "method": "card",
            "reference": "ch_123",
            "amount": "55.62",
            "captured_at": "2026-08-01T10:00:05Z",
        }
    ],
    "shipments": [
        {
            "id": "s1",
            "carrier": "DHL",
            "tracking_number": "00340434161094042557",
            "shipped_at": "2026-08-02T08:00:00+02:00",
            "delivered_at": "2026-08-04T12:30:00Z",
            "lines": [{"line": "l1", "quantity": 2}, {"line": "l2", "quantity": 1}],
        }
    ],
}


@pytest.fixture
def catalog(db):
    """Store `de-shop` and the variants TS-M-BLK and CAP-RED that the record refers to."""
    store = StoreFactory(code="de-shop", name="DE shop", base_currency="EUR")
    shirt = VariantFactory(
        sku="TS-M-BLK",
        product=ProductFactory(title="T-shirt", hs_code="610910", origin_country="CN"),
        options={"size": "M", "colour": "Black"},
        weight_grams=180,
    )
    cap = VariantFactory(
        sku="CAP-RED",
        product=ProductFactory(title="Cap", hs_code="650500", origin_country="VN"),
        options={"colour": "Red"},
        weight_grams=90,
    )
    return {"store": store, "shirt": shirt, "cap": cap}


@pytest.fixture
def record():
    """A fresh deep copy of the valid record, to change one field per test."""

    def make(**changes: Any) -> dict[str, Any]:
        value = copy.deepcopy(RECORD)
        value.update(changes)
        return value

    return make
