"""Catalog upserts: create by key, update only what differs, write nothing when nothing does."""

import pytest

from retour.catalog.models import Category, Product, Supplier, Variant
from retour.catalog.services import (
    InvalidCatalogData,
    Outcome,
    category_upsert,
    product_upsert,
    supplier_upsert,
    variant_upsert,
)
from retour.core.actors import Actor
from retour.core.models import DomainEvent
from tests.catalog.factories import CategoryFactory, ProductFactory, SupplierFactory, VariantFactory

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("catalog-sync")


def test_supplier_is_created_then_left_alone_then_updated():
    created = supplier_upsert(code="acme", name="Acme Ltd.", email="a@acme.example", actor=ACTOR)
    same = supplier_upsert(code="acme", name="Acme Ltd.", email="a@acme.example", actor=ACTOR)
    renamed = supplier_upsert(code="acme", name="Acme Co.", email="a@acme.example", actor=ACTOR)

    assert [created.outcome, same.outcome, renamed.outcome] == [
        Outcome.CREATED,
        Outcome.UNCHANGED,
        Outcome.UPDATED,
    ]
    supplier = Supplier.objects.get()
    assert (supplier.code, supplier.name, supplier.country) == ("acme", "Acme Co.", "CN")
    events = list(
        DomainEvent.objects.filter(aggregate_type="catalog.supplier").values_list(
            "type", "aggregate_id", "actor_kind", "actor_name", "payload"
        )
    )
    assert events == [
        (
            "catalog.supplier.created",
            supplier.pk,
            "system",
            "catalog-sync",
            {"fields": ["country", "email", "name"]},
        ),
        ("catalog.supplier.updated", supplier.pk, "system", "catalog-sync", {"fields": ["name"]}),
    ]


def test_unchanged_upsert_writes_no_row():
    category = CategoryFactory(code="shoes", name="Shoes")
    stamp = Category.objects.get().updated_at

    result = category_upsert(code="shoes", name="Shoes", actor=ACTOR)

    assert result.outcome == Outcome.UNCHANGED
    assert result.instance == category
    assert Category.objects.get().updated_at == stamp
    assert not DomainEvent.objects.exists()


def test_product_flags_and_customs_data_are_updated_in_place():
    product = ProductFactory(handle="power-bank", has_battery=False, hs_code="850760")

    result = product_upsert(
        handle="power-bank",
        title="Power Bank",
        category=product.category,
        supplier=product.supplier,
        hs_code="850760",
        has_battery=True,
        is_final_sale=True,
        actor=ACTOR,
    )

    assert result.outcome == Outcome.UPDATED
    product.refresh_from_db()
    assert (product.title, product.has_battery, product.is_final_sale, product.hs_code) == (
        "Power Bank",
        True,
        True,
        "850760",
    )
    assert DomainEvent.objects.get().payload == {
        "fields": ["title", "is_final_sale", "has_battery"]
    }


def test_product_moved_to_another_category_is_an_update():
    product = ProductFactory(handle="tee")
    other = CategoryFactory(code="apparel")

    result = product_upsert(
        handle="tee",
        title=product.title,
        category=other,
        supplier=product.supplier,
        hs_code=product.hs_code,
        actor=ACTOR,
    )

    assert result.outcome == Outcome.UPDATED
    assert Product.objects.get().category == other


def test_variant_upsert_keys_on_sku():
    variant = VariantFactory(sku="TEE-M-BLK", list_price_minor=1999, list_price_currency="USD")

    same = variant_upsert(
        product=variant.product,
        sku="TEE-M-BLK",
        options=variant.options,
        list_price_minor=1999,
        list_price_currency="USD",
        weight_grams=variant.weight_grams,
        actor=ACTOR,
    )
    cheaper = variant_upsert(
        product=variant.product,
        sku="TEE-M-BLK",
        options=variant.options,
        list_price_minor=1799,
        list_price_currency="USD",
        weight_grams=variant.weight_grams,
        actor=ACTOR,
    )

    assert (same.outcome, cheaper.outcome) == (Outcome.UNCHANGED, Outcome.UPDATED)
    assert Variant.objects.get().list_price_minor == 1799


def test_invalid_data_is_refused_and_nothing_is_written():
    SupplierFactory(code="acme", name="Acme", country="CN")

    with pytest.raises(InvalidCatalogData) as refused:
        supplier_upsert(code="acme", name="Acme", country="XX", actor=ACTOR)
    assert refused.value.code == "catalog.invalid_data"
    assert refused.value.extra == {
        "model": "catalog.Supplier",
        "errors": {"country": ["XX is not an ISO 3166 country code."]},
    }
    with pytest.raises(InvalidCatalogData) as refused:
        supplier_upsert(code="new one", name="Bad code", actor=ACTOR)
    assert list(refused.value.extra["errors"]) == ["code"]

    assert list(Supplier.objects.values_list("code", "country")) == [("acme", "CN")]
    assert not DomainEvent.objects.exists()
