"""Writes to the order mirror. Other apps and interfaces call these, never the models directly."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from retour.core.actors import Actor
from retour.core.events import NewEvent, record_events
from retour.orders.exceptions import InvalidStore
from retour.orders.importers.files import orders_import_file
from retour.orders.importers.rejections import ImportSummary, Rejection
from retour.orders.importers.service import orders_import_records
from retour.orders.models import Store

__all__ = [
    "ImportSummary",
    "Rejection",
    "StoreUpsert",
    "orders_import_file",
    "orders_import_records",
    "store_upsert",
]

STORE = "orders.store"


@dataclass(frozen=True, slots=True)
class StoreUpsert:
    store: Store
    outcome: str  # created, updated or unchanged


def store_upsert(
    *,
    code: str,
    name: str,
    platform: str,
    domain: str,
    base_currency: str,
    actor: Actor,
    support_email: str = "",
) -> StoreUpsert:
    """Create the store `code` or bring it in line with the values given (the order importer
    only looks stores up). Writes only what differs, with an `orders.store.*` event; an
    unchanged store writes nothing. Invalid values raise `orders.invalid_store` (with the errors
    per field) and change nothing."""
    values = {
        "name": name,
        "platform": platform,
        "domain": domain,
        "base_currency": base_currency,
        "support_email": support_email,
    }
    with transaction.atomic():
        store = Store.objects.select_for_update().filter(code=code).first()
        if store is None:
            store = Store(code=code, **values)
            _validate(store)
            store.save(force_insert=True)
            _record(store, actor, "orders.store.created", sorted(values))
            return StoreUpsert(store, "created")
        changed = [field for field, value in values.items() if getattr(store, field) != value]
        if not changed:
            return StoreUpsert(store, "unchanged")
        for field in changed:
            setattr(store, field, values[field])
        _validate(store)
        store.save(update_fields=[*changed, "updated_at"])
        _record(store, actor, "orders.store.updated", changed)
        return StoreUpsert(store, "updated")


def _validate(store: Store) -> None:
    try:
        store.full_clean()
    except ValidationError as error:
        errors = {
            field: [str(m) for m in messages] for field, messages in error.message_dict.items()
        }
        raise InvalidStore(extra={"errors": errors}) from error


def _record(store: Store, actor: Actor, event_type: str, fields: list[str]) -> None:
    record_events(
        [
            NewEvent(
                aggregate_type=STORE,
                aggregate_id=store.pk,
                type=event_type,
                actor=actor,
                payload={"code": store.code, "fields": fields},
            )
        ]
    )
