"""The back-office entrance in a real browser: staff log in and find their way to an order."""

from io import StringIO

import pytest
from django.core.management import call_command

from retour.orders.models import Order
from tests.markets.conftest import install_shipped_markets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "retour-demo"


@pytest.fixture
def demo_store():
    # A transactional test before this one flushed the shipped markets the demo's policies need.
    install_shipped_markets()
    call_command("demo", orders=40, seed=5, force=True, stdout=StringIO())


def log_in(page, username: str, password: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def test_agent_logs_in_searches_filters_and_opens_an_order(demo_store, page):
    log_in(page, "agent", PASSWORD)

    # The admin index, with the order mirror the agent may view.
    page.wait_for_url("**/admin/")
    assert page.locator("h1").inner_text() == "Back office"
    assert "welcome, li" in page.locator("#user-tools").inner_text().lower()
    page.locator("#orders-order").get_by_role("link", name="Orders").click()
    page.wait_for_url("**/admin/orders/order/")
    assert page.locator("#result_list tbody tr").count() == 40

    # Search by order number.
    order = (
        Order.objects.filter(store__code="kestrel-global", shipments__isnull=False)
        .order_by("number")
        .first()
    )
    page.fill("#searchbar", order.number)
    page.press("#searchbar", "Enter")
    page.wait_for_url("**q=*")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("th a").inner_text() == order.number

    # Filter by destination country.
    page.goto("/admin/orders/order/")
    page.locator(
        '#changelist-filter details[data-filter-title="destination country"] a', has_text="DE"
    ).click()
    page.wait_for_url("**destination_country=DE*")
    expected = Order.objects.filter(destination_country="DE").count()
    assert expected > 0
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == expected
    assert set(rows.locator("td.field-destination_country").all_inner_texts()) == {"DE"}

    # Open an order: its lines, payments and shipments are on the page.
    page.goto("/admin/orders/order/")
    page.get_by_role("link", name=order.number, exact=True).click()
    page.wait_for_url(f"**/admin/orders/order/{order.pk}/change/")
    content = page.locator("#content").inner_text()
    assert order.number in content
    for line in order.lines.all():
        assert line.sku in content
    for payment in order.payments.all():
        assert payment.provider_reference in content
    for shipment in order.shipments.all():
        assert shipment.tracking_number in content


def test_wrong_password_shows_the_error_and_does_not_log_in(demo_store, page):
    log_in(page, "agent", "not-the-password")

    error = page.locator(".errornote")
    assert "Please enter the correct username and password" in error.inner_text()
    assert page.url.endswith("/admin/login/")

    page.goto("/admin/")
    assert "/admin/login/" in page.url
    assert page.locator("#id_username").is_visible()
