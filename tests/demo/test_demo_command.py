"""`retour demo` against the real database: what it loads, that it loads it once, and when not."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F, Sum

from retour.catalog.models import Category, Product, Supplier, Variant
from retour.demo.models import DemoDataset
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment, ShipmentLine, Store

pytestmark = pytest.mark.django_db

ORDERS = 40


def run_demo(**options) -> str:
    out = StringIO()
    call_command("demo", stdout=out, **{"orders": ORDERS, "seed": 11, "force": True, **options})
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [
        *apps.get_app_config("catalog").get_models(),
        *apps.get_app_config("orders").get_models(),
        *apps.get_app_config("demo").get_models(),
        *apps.get_app_config("auth").get_models(),
    ]
    return {model._meta.label: model._default_manager.count() for model in models}


def test_loads_stores_catalog_and_orders():
    output = run_demo()

    assert "Demo store loaded (seed 11, 40 orders)" in output
    assert "Orders: 40 created, 0 updated, 0 unchanged, 0 rejected." in output
    stores = {s.code: (s.platform, s.base_currency) for s in Store.objects.all()}
    assert stores == {"kestrel-eu": ("shopify", "EUR"), "kestrel-global": ("custom", "USD")}
    assert Order.objects.count() == ORDERS
    assert Supplier.objects.count() == 6
    assert set(Category.objects.values_list("code", flat=True)) == {
        "apparel",
        "shoes",
        "electronics",
        "appliances",
        "cosmetics",
    }
    assert Product.objects.count() == 34
    assert Variant.objects.count() == 206
    assert set(Product.objects.values_list("origin_country", flat=True)) == {"CN"}
    assert not Product.objects.filter(hs_code="").exists()
    for flag in ("is_final_sale", "is_hygiene_sealed", "is_personalised", "has_battery"):
        assert Product.objects.filter(**{flag: True}).exists(), flag
    assert set(Supplier.objects.values_list("country", flat=True)) == {"CN"}


def test_every_market_gets_orders_in_its_currency():
    run_demo(orders=300)

    pairs = set(
        Order.objects.values_list("destination_country", "presentment_currency", "store__code")
    )
    assert pairs == {
        ("US", "USD", "kestrel-global"),
        ("JP", "JPY", "kestrel-global"),
        ("BR", "BRL", "kestrel-global"),
        ("AU", "AUD", "kestrel-global"),
        ("GB", "GBP", "kestrel-eu"),
        ("DE", "EUR", "kestrel-eu"),
        ("FR", "EUR", "kestrel-eu"),
    }


def test_payments_equal_what_each_order_cost():
    run_demo(orders=120)

    line_totals = dict(
        OrderLine.objects.values("order_id")
        .annotate(
            total=Sum(
                (F("unit_paid_net_minor") + F("unit_tax_minor") + F("unit_duty_minor"))
                * F("quantity")
            )
        )
        .values_list("order_id", "total")
    )
    paid = dict(
        Payment.objects.values("order_id")
        .annotate(total=Sum("captured_minor"))
        .values_list("order_id", "total")
    )
    assert len(paid) == 120
    for order in Order.objects.all():
        cost = line_totals[order.pk] + order.shipping_paid_minor + order.shipping_tax_minor
        assert paid[order.pk] == cost, order.number
    assert set(Payment.objects.values_list("currency", flat=True)) == set(
        Order.objects.values_list("presentment_currency", flat=True)
    )
    assert Shipment.objects.filter(delivered_at__isnull=False).exists()
    assert ShipmentLine.objects.exists()


def test_second_run_changes_nothing_and_says_so():
    run_demo()
    before = row_counts()
    marker = DemoDataset.objects.get()

    output = run_demo()

    assert "Demo store already loaded (seed 11, 40 orders): nothing to do." in output
    assert row_counts() == before
    assert DemoDataset.objects.get().loaded_at == marker.loaded_at


def test_a_deleted_order_comes_back_identical_and_the_rest_is_left_alone():
    run_demo()
    # An order nobody returned: the demo's returns protect theirs (PROTECT keeps history).
    order = Order.objects.filter(return_cases__isnull=True).order_by("number").first()
    snapshot = (order.external_id, order.number, order.placed_at, order.email, order.source_version)
    order.delete()

    output = run_demo()

    assert "Orders: 1 created, 0 updated, 39 unchanged, 0 rejected." in output
    again = Order.objects.get(external_id=snapshot[0])
    assert (
        again.external_id,
        again.number,
        again.placed_at,
        again.email,
        again.source_version,
    ) == (snapshot)


# Committed transactions: emptying the database with `flush` (TRUNCATE on PostgreSQL) cannot run
# inside the test's transaction while the demo's deferred foreign-key checks are pending.
@pytest.mark.django_db(transaction=True)
def test_the_same_seed_builds_the_same_orders_as_a_fresh_load():
    run_demo()
    first = list(
        Order.objects.order_by("placed_at").values_list(
            "number", "email", "destination_country", "source_version"
        )
    )
    marker = DemoDataset.objects.get()
    anchor = marker.anchor
    # Empty the database (orders, and everything the areas built on them), keep only the marker
    # with its anchor, then load again.
    call_command("flush", "--noinput", verbosity=0)
    DemoDataset.objects.create(
        seed=marker.seed,
        orders=marker.orders,
        generator_version=0,
        anchor=anchor,
        loaded_at=marker.loaded_at,
    )
    assert not Order.objects.exists() and not Customer.objects.exists()

    run_demo()

    assert DemoDataset.objects.get().anchor == anchor
    again = list(
        Order.objects.order_by("placed_at").values_list(
            "number", "email", "destination_country", "source_version"
        )
    )
    assert again == first


def test_creates_the_demo_staff_in_their_groups():
    output = run_demo()

    users = {
        user.username: user
        for user in get_user_model().objects.prefetch_related("groups").order_by("username")
    }
    assert sorted(users) == ["admin", "agent", "finance", "warehouse"]
    for name, user in users.items():
        assert user.is_staff
        assert user.check_password("retour-demo")
        assert [group.name for group in user.groups.all()] == [name]
    assert users["admin"].is_superuser
    assert not users["agent"].is_superuser
    assert "Demo logins (password 'retour-demo'): admin, agent, warehouse, finance" in output
    assert "http://127.0.0.1:8000/admin/" in output


def test_an_existing_user_keeps_the_password_it_has():
    user = get_user_model().objects.create_user(username="agent", password="changed-on-purpose")

    run_demo()

    user.refresh_from_db()
    assert user.check_password("changed-on-purpose")
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["agent"]


def test_refuses_without_debug_and_changes_nothing(settings):
    settings.DEBUG = False
    before = row_counts()

    with pytest.raises(CommandError, match="DEBUG is false"):
        call_command("demo", orders=ORDERS, stdout=StringIO())

    assert row_counts() == before
    assert not get_user_model().objects.exists()


def test_runs_without_force_when_debug_is_on(settings):
    settings.DEBUG = True
    out = StringIO()

    call_command("demo", orders=5, seed=3, stdout=out)

    assert Order.objects.count() == 5


def test_refuses_a_size_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        run_demo(orders=0)
    assert not Order.objects.exists()
