"""Facts built from a real case: amounts and currencies, history, delivery, evidence, catalog."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from retour.automation.facts import (
    FACTS,
    facts_for_case,
    facts_for_cases,
    register_shipping_cost_estimator,
    snapshot,
    unregister_shipping_cost_estimator,
)
from retour.automation.models import ExchangeRate
from retour.returns.models import ReturnCase
from tests.automation.builders import make_case
from tests.orders.factories import CustomerFactory, StoreFactory
from tests.returns.factories import shipped_order

pytestmark = pytest.mark.django_db


def test_every_registered_fact_is_filled_with_its_type():
    case = make_case(evidence=("photo",))
    facts = facts_for_case(case)
    assert set(FACTS) <= set(facts)
    kinds = {"money": int, "integer": int, "string": str, "enum": str, "boolean": bool}
    for name, fact in FACTS.items():
        if fact.type == "set":
            assert isinstance(facts[name], frozenset), name
        elif facts[name] is not None:
            assert isinstance(facts[name], kinds[fact.type]), name
    assert facts["reasons"] == {"size_too_small"}
    assert facts["reason_groups"] == {"size_fit"}
    assert facts["faults"] == {"customer"}
    assert facts["evidence"] == {"photo"}
    assert facts["track"] == "statutory_withdrawal"
    assert facts["eligibility"] == "eligible"
    assert facts["channel"] == "portal"
    assert (facts["market"], facts["country"]) == ("de", "DE")
    assert facts["days_since_delivery"] == 3
    assert facts["units"] == facts["lines"] == 1
    line = case.lines.get().order_line
    assert facts["skus"] == {line.sku}
    assert facts["categories"] >= {line.variant.product.category.code}
    assert facts["suppliers"] == {line.variant.product.supplier.code}


def test_amounts_in_the_order_and_the_base_currency_at_the_rate_of_the_day():
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.80"), valid_from=dt.date(2020, 1, 1)
    )
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.50"), valid_from=dt.date(2999, 1, 1)
    )
    store = StoreFactory(base_currency="USD")
    case = make_case(unit_net_minor=4000, quantity=2, store=store)
    facts = facts_for_case(case)
    assert (facts["order_currency"], facts["base_currency"]) == ("EUR", "USD")
    assert facts["return_value"] == 8000
    assert facts["item_value"] == 4000
    assert facts["return_value_base"] == 10000  # EUR 80.00 at USD 1 = EUR 0.80
    assert facts["item_value_base"] == 5000


def test_return_shipping_cost_and_its_share_of_the_value():
    case = make_case(unit_net_minor=1000)
    facts = facts_for_case(case)
    # No estimator, no label fee on the default policy: USD 8 in euros (reference table).
    assert facts["return_shipping_cost"] == 720
    assert facts["shipping_cost_percent"] == 72

    def estimator(values):
        return 250 if values["country"] == "DE" else None

    register_shipping_cost_estimator(estimator)
    try:
        facts = facts_for_case(case)
    finally:
        unregister_shipping_cost_estimator(estimator)
    assert (facts["return_shipping_cost"], facts["shipping_cost_percent"]) == (250, 25)


def test_the_buyers_history_counts_other_returns_and_orders_before_this_request():
    customer = CustomerFactory()
    now = timezone.now()
    earlier = [make_case(order=shipped_order((1,), customer=customer)) for _ in range(4)]
    ReturnCase.objects.filter(pk=earlier[0].pk).update(submitted_at=now - dt.timedelta(days=10))
    ReturnCase.objects.filter(pk=earlier[1].pk).update(submitted_at=now - dt.timedelta(days=45))
    ReturnCase.objects.filter(pk=earlier[2].pk).update(submitted_at=now - dt.timedelta(days=200))
    ReturnCase.objects.filter(pk=earlier[3].pk).update(
        submitted_at=now - dt.timedelta(days=5), status="canceled"
    )
    case = make_case(order=shipped_order((1,), customer=customer))
    facts = facts_for_case(case)
    assert facts["returns_30d"] == 1
    assert facts["returns_90d"] == 2
    assert facts["lifetime_orders"] == 5


def test_the_bulk_loader_and_the_single_loader_agree():
    customer = CustomerFactory()
    cases = [make_case(order=shipped_order((2,), customer=customer)) for _ in range(3)]
    cases.append(make_case(reason="arrived_damaged", evidence=("photo", "video")))
    bulk = dict(facts_for_cases([case.pk for case in cases], chunk_size=2))
    assert list(bulk) == [case.pk for case in cases]
    for case in cases:
        assert bulk[case.pk] == facts_for_case(case)


def test_the_snapshot_is_json_safe():
    import json

    facts = facts_for_case(make_case(evidence=("video", "photo")))
    data = snapshot(facts)
    assert data["evidence"] == ["photo", "video"]
    json.dumps(data)
