"""Per-import caches of what each batch needs from the database: stores, variants, customers.

Caches are bounded (emptied when full) so that memory stays flat on any file size; a miss costs
one `IN (…)` query per batch, never one query per order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from retour.catalog.models import Variant
from retour.orders.importers.parse import ParsedOrder
from retour.orders.importers.sql import Writer
from retour.orders.models import Customer, Store

CACHE_LIMIT = 50_000
CUSTOMER_FIELDS = ["created_at", "updated_at", "email", "name", "phone", "locale", "country"]


@dataclass(frozen=True, slots=True)
class VariantSnapshot:
    """What an order line copies from the catalog when the record leaves it out."""

    id: int
    title: str
    hs_code: str
    origin_country: str
    weight_grams: int


@dataclass(slots=True)
class CustomerRow:
    id: int
    name: str
    phone: str
    locale: str
    country: str


def _bounded_put(cache: dict, key: object, value: object) -> None:
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value


class Lookups:
    def __init__(self) -> None:
        self._stores: dict[str, int] = {}
        self._variants: dict[str, VariantSnapshot] = {}
        self._customers: dict[str, CustomerRow] = {}
        # E-mails written in the open transaction: forgotten if it rolls back.
        self._pending_customers: set[str] = set()

    def store_ids(self, codes: Iterable[str]) -> dict[str, int]:
        missing = {code for code in codes if code not in self._stores}
        if missing:
            for store_id, code in Store.objects.filter(code__in=missing).values_list("id", "code"):
                self._stores[code] = store_id
        return self._stores

    def variants(self, skus: Iterable[str]) -> dict[str, VariantSnapshot]:
        missing = {sku for sku in skus if sku not in self._variants}
        if missing:
            rows = Variant.objects.filter(sku__in=missing).values_list(
                "id",
                "sku",
                "options",
                "weight_grams",
                "product__title",
                "product__hs_code",
                "product__origin_country",
            )
            for variant_id, sku, options, weight, title, hs_code, origin in rows:
                label = " / ".join(str(value) for value in (options or {}).values())
                _bounded_put(
                    self._variants,
                    sku,
                    VariantSnapshot(
                        id=variant_id,
                        title=f"{title} ({label})" if label else title,
                        hs_code=hs_code,
                        origin_country=origin,
                        weight_grams=weight,
                    ),
                )
        return {sku: self._variants[sku] for sku in skus if sku in self._variants}

    def customer_ids(
        self, orders: Iterable[ParsedOrder], *, writer: Writer, now: Any
    ) -> dict[str, int]:
        """Create or update the buyers of these orders (last order wins); return id per e-mail.

        Runs inside the batch's transaction. Empty values in a record never erase known ones.
        """
        wanted: dict[str, ParsedOrder] = {}
        for order in orders:
            wanted[order.email] = order
        missing = [email for email in wanted if email not in self._customers]
        if missing:
            rows = Customer.objects.filter(email__in=missing).values_list(
                "id", "email", "name", "phone", "locale", "country"
            )
            for customer_id, email, name, phone, locale, country in rows:
                _bounded_put(
                    self._customers, email, CustomerRow(customer_id, name, phone, locale, country)
                )
        to_create: list[tuple[str, ParsedOrder]] = []
        to_update: list[tuple] = []
        for email, order in wanted.items():
            known = self._customers.get(email)
            if known is None:
                to_create.append((email, order))
                continue
            name = order.customer_name or known.name
            phone = order.customer_phone or known.phone
            locale = order.customer_locale or known.locale
            country = order.customer_country or known.country
            if (name, phone, locale, country) != (
                known.name,
                known.phone,
                known.locale,
                known.country,
            ):
                to_update.append((name, phone, locale, country, now, known.id))
                self._pending_customers.add(email)
                known.name, known.phone, known.locale, known.country = name, phone, locale, country
        if to_create:
            rows = []
            for customer_id, (email, order) in zip(
                writer.allocate_ids(Customer, len(to_create)), to_create, strict=True
            ):
                row = CustomerRow(
                    customer_id,
                    order.customer_name,
                    order.customer_phone,
                    order.customer_locale or "en",
                    order.customer_country or order.destination_country,
                )
                rows.append(
                    (customer_id, now, now, email, row.name, row.phone, row.locale, row.country)
                )
                self._pending_customers.add(email)
                _bounded_put(self._customers, email, row)
            writer.insert(Customer, CUSTOMER_FIELDS, rows)
        writer.update(Customer, ["name", "phone", "locale", "country", "updated_at"], to_update)
        ids: dict[str, int] = {}
        for email in wanted:
            row = self._customers.get(email)
            if row is None:  # evicted by a full cache in this very batch: ask once more
                row_id = Customer.objects.values_list("id", flat=True).get(email=email)
                ids[email] = row_id
            else:
                ids[email] = row.id
        return ids

    def commit(self) -> None:
        self._pending_customers.clear()

    def rollback(self) -> None:
        """The batch's transaction failed: what it wrote about customers is no longer true."""
        for email in self._pending_customers:
            self._customers.pop(email, None)
        self._pending_customers.clear()
