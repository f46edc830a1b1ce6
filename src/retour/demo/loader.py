"""Load the demo seller: catalog, stores, return policies, staff logins and orders, through the
domain services.

Idempotent at two levels. A run with the seed and size already loaded stops after one query
(the `DemoDataset` marker). Any other run rebuilds the same deterministic data: the catalog
upserts write only what differs and the order importer skips orders whose content is unchanged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retour.catalog import services as catalog_services
from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.demo.catalog_data import CATEGORIES, PRODUCTS, SUPPLIERS, variants
from retour.demo.markets import MARKETS, STORES
from retour.demo.models import DemoDataset
from retour.demo.order_records import HISTORY_DAYS, OrderGenerator
from retour.demo.users import demo_users_ensure
from retour.markets.selectors import market_for_country
from retour.orders.models import Order, Store
from retour.orders.services import ImportSummary, Rejection, orders_import_records, store_upsert
from retour.policies.models import ReturnPolicy
from retour.policies.services import return_policy_create_default

# Bump when the generator's output changes, so that existing demo data is rebuilt once.
GENERATOR_VERSION = 3  # 2: default return policies per store and market; 3: the areas' data
DEFAULT_SEED = 20260801
DEFAULT_ORDERS = 5000
ACTOR = Actor.system("demo")


class DemoLoadFailed(ApplicationError):
    code = "demo.load_failed"
    message = _("The demo data could not be imported: the order importer refused some orders.")


@dataclass
class DemoResult:
    seed: int
    orders: int
    anchor: datetime
    already_loaded: bool
    users_created: list[str]
    catalog: Counter[str] = field(default_factory=Counter)
    stores: Counter[str] = field(default_factory=Counter)
    policies: Counter[str] = field(default_factory=Counter)
    imported: ImportSummary | None = None

    @property
    def period_start(self) -> datetime:
        return self.anchor - timedelta(days=HISTORY_DAYS)


def demo_load(*, seed: int = DEFAULT_SEED, orders: int = DEFAULT_ORDERS) -> DemoResult:
    """Load (or confirm) the demo data for this seed and size."""
    _ensure_shipped_reference_data()
    users_created = demo_users_ensure()
    marker = DemoDataset.objects.order_by("-id").first()
    if marker is not None and _is_loaded(marker, seed=seed, orders=orders):
        return DemoResult(seed, orders, marker.anchor, True, users_created)

    # The first load fixes the end of the order history; later loads keep it (see DemoDataset).
    anchor = marker.anchor if marker else timezone.now().replace(second=0, microsecond=0)
    result = DemoResult(seed, orders, anchor, False, users_created)
    with transaction.atomic():
        result.catalog = _load_catalog()
        result.stores = _load_stores()
        result.policies = _load_policies()

    rejections: list[Rejection] = []
    generator = OrderGenerator(seed=seed, anchor=anchor)
    result.imported = orders_import_records(
        records=enumerate(generator.generate(orders), start=1),
        source="demo",
        on_rejection=rejections.append,
    )
    if rejections:
        raise DemoLoadFailed(
            extra={
                "rejected": result.imported.rejected,
                "first": [
                    f"record {r.line}, {r.field}: {r.message} ({r.code})" for r in rejections[:5]
                ],
            }
        )
    _load_areas()
    DemoDataset.objects.all().delete()
    DemoDataset.objects.create(
        seed=seed,
        orders=orders,
        generator_version=GENERATOR_VERSION,
        anchor=anchor,
        loaded_at=timezone.now(),
    )
    return result


def _ensure_shipped_reference_data() -> None:
    """The shipped markets and reason taxonomy come from data migrations; a database emptied
    since (a flush, a test run) lacks them, and the demo's stores, policies and default rules
    need both. Both installers are idempotent."""
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from retour.markets.models import MarketCountry
    from retour.policies.models import ReturnReason

    schema_editor = SimpleNamespace(connection=connection)
    if not MarketCountry.objects.exists():
        import_module("retour.markets.migrations.0002_shipped_markets").install_shipped_markets(
            apps, schema_editor
        )
    if not ReturnReason.objects.exists():
        import_module(
            "retour.policies.migrations.0002_shipped_return_reasons"
        ).install_shipped_reasons(apps, schema_editor)


def _load_areas() -> None:
    """The data of the areas built on the orders, in the order they depend on each other: the
    returns network (and the warehouse login's membership), the default rules, a queue of
    returns decided by those rules, settlements and refunds in every state, and a few parcels at the receiving desk.
    Each loader is idempotent."""
    from retour.demo import automation, backoffice, logistics, payments, receiving

    logistics.load()
    automation.load()
    backoffice.load()
    automation.decide_queue()
    payments.load()
    receiving.load()


def demo_portal_sample() -> tuple[str, str] | None:
    """(order number, e-mail) of a recently delivered German order with no return yet."""
    order = (
        Order.objects.filter(
            destination_country="DE",
            shipments__delivered_at__isnull=False,
            return_cases__isnull=True,
        )
        .order_by("-placed_at")
        .values_list("number", "email")
        .first()
    )
    return tuple(order) if order else None


def _is_loaded(marker: DemoDataset, *, seed: int, orders: int) -> bool:
    if (marker.seed, marker.orders, marker.generator_version) != (
        seed,
        orders,
        GENERATOR_VERSION,
    ):
        return False
    # Someone may have deleted orders since: then the importer must put them back.
    present = Order.objects.filter(store__code__in=[store.code for store in STORES]).count()
    return present >= orders


def _load_catalog() -> Counter[str]:
    outcomes: Counter[str] = Counter()
    categories = {}
    for code, name in CATEGORIES.items():
        upserted = catalog_services.category_upsert(code=code, name=name, actor=ACTOR)
        categories[code] = upserted.instance
        outcomes[f"category.{upserted.outcome}"] += 1
    suppliers = {}
    for spec in SUPPLIERS:
        upserted = catalog_services.supplier_upsert(
            code=spec.code, name=spec.name, country="CN", email=spec.email, actor=ACTOR
        )
        suppliers[spec.code] = upserted.instance
        outcomes[f"supplier.{upserted.outcome}"] += 1
    products = {}
    for spec in PRODUCTS:
        upserted = catalog_services.product_upsert(
            handle=spec.handle,
            title=spec.title,
            category=categories[spec.category],
            supplier=suppliers[spec.supplier],
            hs_code=spec.hs_code,
            origin_country="CN",
            is_final_sale=spec.is_final_sale,
            is_hygiene_sealed=spec.is_hygiene_sealed,
            is_personalised=spec.is_personalised,
            has_battery=spec.has_battery,
            actor=ACTOR,
        )
        products[spec.code] = upserted.instance
        outcomes[f"product.{upserted.outcome}"] += 1
    for spec in variants():
        upserted = catalog_services.variant_upsert(
            product=products[spec.product.code],
            sku=spec.sku,
            options=spec.options,
            list_price_minor=spec.product.list_price_cents,
            list_price_currency="USD",
            weight_grams=spec.product.weight_grams,
            barcode=spec.barcode,
            actor=ACTOR,
        )
        outcomes[f"variant.{upserted.outcome}"] += 1
    return outcomes


def _load_stores() -> Counter[str]:
    outcomes: Counter[str] = Counter()
    for spec in STORES:
        upserted = store_upsert(
            code=spec.code,
            name=spec.name,
            platform=spec.platform,
            domain=spec.domain,
            base_currency=spec.base_currency,
            support_email=spec.support_email,
            actor=ACTOR,
        )
        outcomes[upserted.outcome] += 1
    return outcomes


def _load_policies() -> Counter[str]:
    """The default return policy of each store in each market it sells to (idempotent)."""
    outcomes: Counter[str] = Counter()
    stores = {
        store.code: store for store in Store.objects.filter(code__in=[s.code for s in STORES])
    }
    for spec in MARKETS.values():
        market = market_for_country(spec.country)
        store = stores[spec.store.code]
        existed = ReturnPolicy.objects.filter(store=store, market=market).exists()
        return_policy_create_default(store=store, market=market, actor=ACTOR)
        outcomes["unchanged" if existed else "created"] += 1
    return outcomes


def demo_markets() -> list[tuple[str, str, str]]:
    """(country, currency, store code) of each demo market, for the summary and the tests."""
    return [(m.country, m.currency, m.store.code) for m in MARKETS.values()]
