"""Fixtures for the logistics tests: the demo network, staff, approved returns."""

from __future__ import annotations

import pytest

from retour.core.actors import Actor
from retour.returns.choices import CaseStatus
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import shipped_order, submit_case

US_ADDRESS = {
    "destination_country": "US",
    "presentment_currency": "USD",
    "shipping_address1": "500 Market St",
    "shipping_city": "San Francisco",
    "shipping_region": "CA",
    "shipping_postal_code": "94105",
}


@pytest.fixture
def network(db):
    from retour.demo import logistics as demo_logistics

    demo_logistics.load()
    from retour.logistics.models import Warehouse

    return {place.code: place for place in Warehouse.objects.all()}


@pytest.fixture
def staff(staff_user):
    return staff_user("agent", role="agent")


@pytest.fixture
def agent(staff):
    return Actor.for_user(staff)


@pytest.fixture
def make_case(agent):
    """An approved return: `country` DE (EUR) or US (USD); `paid` per unit (minor units);
    `category` of the product; `quantity` units returned."""

    def make(
        country: str = "DE",
        *,
        paid: int = 1672,
        category: str = "apparel",
        quantity: int = 1,
        weight: int = 300,
        has_battery: bool = False,
        title: str = "Linen shirt",
        language: str = "de",
        **order_fields,
    ):
        from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory

        fields = dict(US_ADDRESS) if country == "US" else {}
        fields.update(order_fields)
        order = shipped_order((), **fields)
        customer = order.customer
        customer.locale = language
        customer.save(update_fields=["locale"])
        product = ProductFactory(
            category=CategoryFactory(code=category, name=category.title()),
            has_battery=has_battery,
            title=title,
            hs_code="851830" if category == "electronics" else "620520",
        )
        variant = VariantFactory(product=product, weight_grams=weight)
        line = OrderLineFactory(
            order=order, variant=variant, quantity=quantity, unit_paid_net_minor=paid
        )
        from tests.orders.factories import ShipmentLineFactory

        ShipmentLineFactory(shipment=order.shipments.first(), order_line=line, quantity=quantity)
        case = submit_case(order, agent, {line.pk: quantity})
        assert case.status == CaseStatus.APPROVED, case.status
        return case

    return make


@pytest.fixture
def fake_easypost(settings):
    from tests.logistics.fake_easypost import FakeEasyPost

    fake = FakeEasyPost().start()
    settings.EASYPOST_API_KEY = "EZTK_test_key"
    settings.EASYPOST_API_BASE = fake.api_base
    settings.EASYPOST_TIMEOUT = 1
    yield fake
    fake.stop()


@pytest.fixture
def easypost_network(network, fake_easypost):
    """The demo network with its US lanes bought through (the fake) EasyPost."""
    from retour.logistics.models import Lane

    Lane.objects.filter(from_country="US").update(carrier="easypost")
    return network


@pytest.fixture
def routed(make_case, agent):
    """An approved, routed return."""
    from retour.logistics.services import case_route

    def make(country: str = "DE", **kwargs):
        case = make_case(country, **kwargs)
        case_route(case=case, actor=agent)
        return case

    return make
