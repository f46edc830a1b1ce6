"""A plain facts dict for pure engine tests (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from retour.automation.fx import RateTable


def base_facts(**overrides):
    facts = {
        "case_id": 1,
        "store": "shop",
        "market": "de",
        "country": "DE",
        "channel": "portal",
        "track": "goodwill_policy",
        "eligibility": "eligible",
        "auto_approved": False,
        "resolution": "refund",
        "return_method": "label",
        "reasons": frozenset({"size_too_small"}),
        "reason_groups": frozenset({"size_fit"}),
        "faults": frozenset({"customer"}),
        "categories": frozenset({"shoes", "apparel"}),
        "skus": frozenset({"SKU-1"}),
        "suppliers": frozenset({"acme"}),
        "order_currency": "EUR",
        "base_currency": "EUR",
        "return_value": 4000,
        "return_value_base": 4000,
        "item_value": 4000,
        "item_value_base": 4000,
        "return_shipping_cost": 700,
        "shipping_cost_percent": 17,
        "days_since_delivery": 5,
        "returns_30d": 0,
        "returns_90d": 1,
        "lifetime_orders": 4,
        "evidence": frozenset(),
        "units": 1,
        "lines": 1,
        "policy_refund_trigger": "warehouse_delivery",
    }
    facts.update(overrides)
    return facts


def rates(usd_eur: str = "0.9") -> RateTable:
    """USD 1 = EUR `usd_eur` from 2020 on."""
    return RateTable(rates={("USD", "EUR"): ([dt.date(2020, 1, 1)], [Decimal(usd_eur)])})
