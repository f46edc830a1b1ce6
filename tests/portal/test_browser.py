"""The portal in Chromium: full returns in five languages, exchange, keep-it, a refused item,
the EU withdrawal, lookup failures with the rate limit, and one buyer never seeing another's
order; axe-core checks the main pages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core import mail

from retour.buyers.models import Withdrawal
from retour.returns.models import Claim, ReturnCase
from tests.portal.helpers import axe_check, buyer_order, lookup, set_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "img" / "portal"
APPROVED = {
    "en": "Approved",
    "de": "Genehmigt",
    "ja": "承認済み",
    "pt-br": "Aprovado",
    "zh-hans": "已批准",
}
COUNTRY = {"en": "US", "de": "DE", "ja": "JP", "pt-br": "BR", "zh-hans": "CN"}


def shot(page, name: str, enabled: bool) -> None:
    if enabled:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def choose_language(page, language: str) -> None:
    page.goto("/")
    page.select_option("#lang-select", language)
    page.locator("form.lang button").click()
    page.wait_for_load_state()


def open_order(page, order) -> None:
    page.fill("#id_number", order.number)
    page.fill("#id_contact", order.email)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url("**/order/")


def send(page) -> None:
    page.locator("#ask button[type=submit]").click()


def return_one(page, order, *, reason: str = "no_longer_needed") -> None:
    line = order.lines.order_by("id").first()
    page.select_option(f"#qty-{line.pk}", "1")
    page.locator("main form button.primary").click()
    page.wait_for_url("**/return/")
    page.check(f"#reason-{reason}")
    send(page)


@pytest.mark.parametrize("language", ["en", "de", "ja", "pt-br", "zh-hans"])
def test_full_return_in_the_buyers_language(page, language):
    order = buyer_order(COUNTRY[language])
    set_policy(order, auto_approve_eligible=True)
    screenshots = language == "en"
    if screenshots:  # the screenshots in docs/portal.md show the phone layout
        page.set_viewport_size({"width": 414, "height": 860})
    choose_language(page, language)
    assert page.locator("html").get_attribute("lang") == language
    shot(page, "1-lookup", screenshots)
    open_order(page, order)
    axe_check(page)
    shot(page, "2-items", screenshots)
    return_one(page, order)
    page.locator("#comment").wait_for()
    page.fill("#comment", "Zu spät gekauft" if language == "de" else "ok")
    shot(page, "3-conversation", screenshots)
    send(page)
    page.wait_for_url("**/return/resolution/")
    axe_check(page)
    page.check("input[name=resolution][value=refund]")
    page.check("input[name=method][value=label]")
    shot(page, "4-resolution", screenshots)
    page.locator("main form button.primary").click()
    page.wait_for_url("**/return/summary/")
    assert page.locator("#money-total").inner_text().strip()
    shot(page, "5-summary", screenshots)
    page.locator("main form button.primary").click()
    page.wait_for_url("**/returns/*/")
    assert page.locator("#case-status").inner_text().strip() == APPROVED[language]
    axe_check(page)
    shot(page, "6-decision", screenshots)
    case = ReturnCase.objects.get(order=order)
    assert case.status == "approved"
    assert case.channel == "portal"
    assert case.buyer_preference.language == language
    emails = [message for message in mail.outbox if case.number in message.subject]
    assert emails and emails[0].extra_headers["Content-Language"] == language
    assert "/s/" in emails[0].body


def test_exchange_for_another_size(page):
    order = buyer_order("DE")
    set_policy(order, auto_approve_eligible=True)
    line = order.lines.order_by("id").first()
    wanted = line.variant.product.variants.get(options={"size": "L"})
    lookup(page, order)
    page.wait_for_url("**/order/")
    return_one(page, order, reason="size_too_small")
    page.locator(f"#variant-{wanted.pk}").wait_for()
    page.check(f"#variant-{wanted.pk}")
    send(page)
    page.locator("#comment").wait_for()
    send(page)
    page.wait_for_url("**/return/resolution/")
    page.check("input[name=resolution][value=exchange]")
    page.locator("main form button.primary").click()
    page.wait_for_url("**/return/summary/")
    page.locator("main form button.primary").click()
    page.wait_for_url("**/returns/*/")
    returned = ReturnCase.objects.get(order=order).lines.get()
    assert returned.resolution == "exchange"
    assert returned.exchange_variant_id == wanted.pk


def test_keep_it_offer(page):
    order = buyer_order("DE")
    set_policy(order, auto_approve_eligible=True, keep_it_threshold_minor=100_000)
    lookup(page, order)
    page.wait_for_url("**/order/")
    return_one(page, order)
    page.locator("#comment").wait_for()
    send(page)
    page.wait_for_url("**/return/resolution/")
    page.check("input[name=resolution][value=refund]")
    page.locator("main form button.primary").click()
    page.wait_for_url("**/return/summary/")
    page.locator("main form button.primary").click()
    page.wait_for_url("**/returns/*/")
    page.locator("form.offer button").click()
    page.locator("#kept").wait_for()
    case = ReturnCase.objects.get(order=order)
    assert case.status == "canceled"
    claim = Claim.objects.get(order=order)
    assert claim.kind == "keep_it"
    assert claim.lines.get().quantity == 1


def test_refused_item_shows_why(page):
    order = buyer_order("US", delivered_days_ago=200)
    lookup(page, order)
    page.wait_for_url("**/order/")
    item = page.locator(".item.no")
    assert item.count() == 1
    assert "ended on" in item.locator(".why").inner_text()
    assert page.locator("main form button.primary").count() == 0
    axe_check(page)


def test_eu_withdrawal_two_steps_with_acknowledgement(page, client):
    from pypdf import PdfReader

    from retour.markets.selectors import market_for_country

    order = buyer_order("DE")
    market = market_for_country("DE")
    policy_page = client.get(f"/policy/{order.store.code}/{market.code}/?lang=en").content.decode()
    assert "Withdraw from contract here" in policy_page
    page.goto("/")
    page.get_by_role("link", name="Withdraw from contract here").click()
    page.wait_for_url("**/withdraw/")
    axe_check(page)
    page.fill("#id_number", order.number)
    page.fill("#id_contact", order.shipping_postal_code)
    page.fill("#id_name", "Erika Mustermann")
    page.fill("#id_email", "erika@example.com")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url("**/withdraw/confirm/")
    shot(page, "7-withdrawal-confirm", True)
    assert Withdrawal.objects.count() == 0  # nothing until "Confirm withdrawal"
    page.get_by_role("button", name="Confirm withdrawal").click()
    page.locator("#withdrawal-done").wait_for()
    withdrawal = Withdrawal.objects.get(order=order)
    assert withdrawal.name == "Erika Mustermann"
    message = next(m for m in mail.outbox if withdrawal.number in m.subject)
    assert message.to == ["erika@example.com"]
    _name, content, kind = message.attachments[0]
    assert kind == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert withdrawal.number in text and order.number in text
    flat = " ".join(text.split())
    assert withdrawal.confirmed_at.strftime("%Y-%m-%d %H:%M:%S") in flat  # date and time
    withdrawal.refresh_from_db()
    assert withdrawal.acknowledged_at is not None


def test_lookup_failure_and_rate_limit(page):
    order = buyer_order("DE")
    for _attempt in range(5):
        lookup(page, order, contact="wrong@example.com")
        assert page.locator("#lookup-error").is_visible()
    lookup(page, order)  # right details, but this order number is locked for now
    assert "Too many attempts" in page.locator("#lookup-error").inner_text()
    assert "/order/" not in page.url


def test_one_buyer_never_sees_another_order(page):
    mine = buyer_order("DE")
    theirs = buyer_order("DE")
    set_policy(theirs, auto_approve_eligible=True)
    from retour.core.actors import Actor
    from tests.returns.factories import submit_case

    case = submit_case(theirs, Actor.customer(theirs.customer_id))
    lookup(page, mine)
    page.wait_for_url("**/order/")
    for path in (
        f"/returns/{case.number}/",
        f"/returns/{case.number}/packing-slip.pdf",
        f"/returns/{case.number}/label.pdf",
    ):
        response = page.goto(path)
        assert response.status == 404, path
    lookup(page, theirs, contact=mine.email)
    assert page.locator("#lookup-error").is_visible()
