"""Builders for the portal tests: buyers' orders in several markets, with sizes to exchange."""

from __future__ import annotations

from retour.catalog.models import Variant
from tests.catalog.factories import VariantFactory
from tests.returns.factories import shipped_order

COUNTRY_LANGUAGE = {"DE": "de", "JP": "ja", "BR": "pt-br", "CN": "zh-hans", "US": "en", "FR": "fr"}
CURRENCY = {
    "DE": "EUR",
    "JP": "JPY",
    "BR": "BRL",
    "CN": "CNY",
    "US": "USD",
    "FR": "EUR",
    "GB": "GBP",
}


def buyer_order(country: str = "DE", quantities=(2,), *, delivered_days_ago: int = 3, **fields):
    """A delivered order to `country` whose first line's product also comes in two other sizes."""
    fields.setdefault("presentment_currency", CURRENCY.get(country, "EUR"))
    order = shipped_order(
        quantities,
        destination_country=country,
        delivered_days_ago=delivered_days_ago,
        **fields,
    )
    line = order.lines.order_by("id").first()
    product = line.variant.product
    Variant.objects.filter(pk=line.variant_id).update(options={"size": "M"})
    for size in ("L", "XL"):
        VariantFactory(product=product, options={"size": size})
    return order


def set_policy(order, **changes):
    """Write the next version of the order's policy with `changes` to its terms."""
    import dataclasses

    from retour.core.actors import Actor
    from retour.markets.selectors import market_for_country
    from retour.policies.models import ReturnPolicy
    from retour.policies.services import return_policy_update
    from retour.policies.terms import policy_terms

    policy = ReturnPolicy.objects.get(
        store=order.store, market=market_for_country(order.destination_country)
    )
    current = policy.versions.order_by("-number").first()
    return return_policy_update(
        policy=policy,
        actor=Actor.system("tests"),
        terms=dataclasses.replace(policy_terms(current), **changes),
    )


def lookup(page, order, contact=None):
    page.goto("/")
    page.get_by_label("Order number", exact=False).first.fill(order.number)
    page.locator("#id_contact").fill(contact or order.email)
    page.locator("form.card button[type=submit]").click()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def axe_check(page):
    """Run axe-core (shipped in axe-playwright-python) on the page; fail on serious issues."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in ("serious", "critical")
    ]
    assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in serious]
