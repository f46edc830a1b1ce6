"""Catalog writes: create or update suppliers, categories, products and variants by their keys.

The catalog is a mirror of what the seller's stores sell, so the writes are upserts keyed by the
store-side identifiers (supplier and category code, product handle, SKU). An upsert that finds
nothing to change writes nothing, which keeps repeated loads (the demo, a catalog sync) cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Category, Product, Supplier, Variant
from retour.core.actors import Actor
from retour.core.events import NewEvent, record_events
from retour.core.exceptions import ValidationFailed

ModelT = TypeVar("ModelT", bound=models.Model)


class InvalidCatalogData(ValidationFailed):
    """`extra["errors"]` maps each refused field to its messages."""

    code = "catalog.invalid_data"
    message = _("The catalog data is not valid.")


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Upserted(Generic[ModelT]):
    instance: ModelT
    outcome: Outcome


def _same(instance: models.Model, name: str, value: Any) -> bool:
    field = instance._meta.get_field(name)
    if field.is_relation:
        # Compare keys, not objects: reading the related row would cost a query per field.
        return getattr(instance, field.attname) == (value.pk if value is not None else None)
    return getattr(instance, name) == value


def _upsert(
    model: type[ModelT], *, lookup: Mapping[str, Any], values: Mapping[str, Any], actor: Actor
) -> Upserted[ModelT]:
    instance = model._default_manager.select_for_update().filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        _validate(instance)
        instance.save(force_insert=True)
        _record(instance, Outcome.CREATED, sorted(values), actor)
        return Upserted(instance, Outcome.CREATED)
    changed = [name for name, value in values.items() if not _same(instance, name, value)]
    if not changed:
        return Upserted(instance, Outcome.UNCHANGED)
    for name in changed:
        setattr(instance, name, values[name])
    _validate(instance)
    instance.save(update_fields=[*changed, "updated_at"])
    _record(instance, Outcome.UPDATED, changed, actor)
    return Upserted(instance, Outcome.UPDATED)


def _validate(instance: models.Model) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        errors = {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
        raise InvalidCatalogData(extra={"model": instance._meta.label, "errors": errors}) from error


def _record(instance: models.Model, outcome: Outcome, fields: list[str], actor: Actor) -> None:
    aggregate = f"catalog.{instance._meta.model_name}"
    record_events(
        [
            NewEvent(
                aggregate_type=aggregate,
                aggregate_id=instance.pk,
                type=f"{aggregate}.{outcome}",
                actor=actor,
                payload={"fields": fields},
                # A mirror of the store's catalog: nothing outside Retour subscribes to it yet.
                publish=False,
            )
        ]
    )


@transaction.atomic
def supplier_upsert(
    *,
    code: str,
    name: str,
    country: str = "CN",
    email: str = "",
    actor: Actor,
) -> Upserted[Supplier]:
    """Create the supplier with this code, or bring its name, country and e-mail up to date."""
    return _upsert(
        Supplier,
        lookup={"code": code},
        values={"name": name, "country": country, "email": email},
        actor=actor,
    )


@transaction.atomic
def category_upsert(
    *,
    code: str,
    name: str,
    parent: Category | None = None,
    actor: Actor,
) -> Upserted[Category]:
    """Create the category with this code (what policies refer to), or update its name."""
    return _upsert(
        Category, lookup={"code": code}, values={"name": name, "parent": parent}, actor=actor
    )


@transaction.atomic
def product_upsert(
    *,
    handle: str,
    title: str,
    category: Category,
    supplier: Supplier | None = None,
    hs_code: str = "",
    origin_country: str = "CN",
    is_final_sale: bool = False,
    is_hygiene_sealed: bool = False,
    is_personalised: bool = False,
    has_battery: bool = False,
    actor: Actor,
) -> Upserted[Product]:
    """Create the product with this handle, or update its data and returnability flags."""
    return _upsert(
        Product,
        lookup={"handle": handle},
        values={
            "title": title,
            "category": category,
            "supplier": supplier,
            "hs_code": hs_code,
            "origin_country": origin_country,
            "is_final_sale": is_final_sale,
            "is_hygiene_sealed": is_hygiene_sealed,
            "is_personalised": is_personalised,
            "has_battery": has_battery,
        },
        actor=actor,
    )


@transaction.atomic
def variant_upsert(
    *,
    product: Product,
    sku: str,
    options: Mapping[str, str],
    list_price_minor: int,
    list_price_currency: str,
    weight_grams: int = 0,
    barcode: str = "",
    is_active: bool = True,
    actor: Actor,
) -> Upserted[Variant]:
    """Create the variant with this SKU, or bring its product, options and price up to date."""
    return _upsert(
        Variant,
        lookup={"sku": sku},
        values={
            "product": product,
            "options": dict(options),
            "list_price_minor": list_price_minor,
            "list_price_currency": list_price_currency,
            "weight_grams": weight_grams,
            "barcode": barcode,
            "is_active": is_active,
        },
        actor=actor,
    )
