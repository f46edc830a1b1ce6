"""store_upsert: creates, updates only what differs, and refuses bad values without a trace."""

import pytest

from retour.core.actors import Actor
from retour.core.exceptions import NotFound
from retour.core.models import DomainEvent
from retour.orders.exceptions import InvalidStore
from retour.orders.models import Store
from retour.orders.selectors import store_get
from retour.orders.services import store_upsert

SYSTEM = Actor.system("tests")
VALUES = {
    "code": "eu-shop",
    "name": "EU shop",
    "platform": "shopify",
    "domain": "eu.example.com",
    "base_currency": "EUR",
}


def store_events():
    return list(
        DomainEvent.objects.filter(aggregate_type="orders.store").values_list("type", flat=True)
    )


def test_create_then_unchanged_then_update_writes_only_what_differs(db):
    created = store_upsert(actor=SYSTEM, **VALUES)
    assert created.outcome == "created"
    assert store_get(code="eu-shop").base_currency == "EUR"

    again = store_upsert(actor=SYSTEM, **VALUES)
    assert again.outcome == "unchanged"
    assert store_events() == ["orders.store.created"]

    updated = store_upsert(actor=SYSTEM, **{**VALUES, "name": "Kestrel EU"})
    assert updated.outcome == "updated"
    assert Store.objects.get(code="eu-shop").name == "Kestrel EU"
    assert store_events() == ["orders.store.created", "orders.store.updated"]
    assert DomainEvent.objects.get(type="orders.store.updated").payload["fields"] == ["name"]


@pytest.mark.parametrize(("field", "value"), [("base_currency", "XYZ"), ("platform", "ebay")])
def test_invalid_values_are_refused_and_change_nothing(db, field, value):
    store_upsert(actor=SYSTEM, **VALUES)
    before = Store.objects.values().get(code="eu-shop")

    with pytest.raises(InvalidStore) as refused:
        store_upsert(actor=SYSTEM, **{**VALUES, field: value})
    assert refused.value.code == "orders.invalid_store"
    assert field in refused.value.extra["errors"]
    assert Store.objects.values().get(code="eu-shop") == before
    assert store_events() == ["orders.store.created"]

    with pytest.raises(InvalidStore):
        store_upsert(actor=SYSTEM, **{**VALUES, "code": "new-shop", field: value})
    assert not Store.objects.filter(code="new-shop").exists()
    assert store_events() == ["orders.store.created"]


def test_store_get_refuses_an_unknown_code(db):
    with pytest.raises(NotFound) as refused:
        store_get(code="nowhere")
    assert refused.value.code == "orders.store_not_found"
