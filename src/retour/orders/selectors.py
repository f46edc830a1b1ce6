"""Reads of the order mirror for other apps and interfaces."""

from __future__ import annotations

from retour.orders.exceptions import StoreNotFound
from retour.orders.models import Store


def store_get(*, code: str) -> Store:
    """The store with this code, or `orders.store_not_found`."""
    store = Store.objects.filter(code=code).first()
    if store is None:
        raise StoreNotFound(extra={"store": code})
    return store
