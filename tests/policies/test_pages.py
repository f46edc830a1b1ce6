"""The public return-policy page and its JSON: generated from the data, in the buyer's language."""

from __future__ import annotations

import re

import pytest

from tests.catalog.factories import CategoryFactory
from tests.orders.factories import StoreFactory
from tests.policies.factories import make_policy


@pytest.fixture
def store(db):
    return StoreFactory(code="kestrel", name="Kestrel Living")


def test_the_page_states_the_policy_and_the_law(client, market, store):
    CategoryFactory(code="cosmetics", name="Cosmetics")
    make_policy(
        market("de"),
        store=store,
        excluded_categories=("cosmetics",),
        restocking_fee_bps=250,
        return_label_fee_minor=595,
        store_credit_bonus_bps=1000,
    )

    response = client.get("/policy/kestrel/de/?lang=en")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<title>Return policy of Kestrel Living for Germany</title>" in html
    for sentence in (
        "You can return items within 30 days of delivery. When an order arrives in several "
        "parcels, the days count from the last parcel.",
        "After you ask for a return, please send the items within 14 days.",
        "Items of these categories cannot be returned under this policy: Cosmetics.",
        "Ways to send items back: Prepaid label and Drop-off point.",
        "If you return an item because you changed your mind or it did not fit, €5.95 for the "
        "return label is deducted from your refund.",
        "A restocking fee of 2.5% of the item&#x27;s price applies to change-of-mind returns "
        "under this policy.",
        "You can choose: Refund to the original payment, Store credit, or Exchange.",
        "If you choose store credit, we add 10% to it.",
        "We refund as soon as the carrier scans your parcel.",
        "For items worth more than €90.00 we ask for a short video of the item.",
        "We ask for a photo when you give one of these reasons: Colour differs from the photos, "
        "Not as described, Arrived damaged, Defective or does not work, Parts or accessories "
        "missing, Wrong item sent, Damaged in transit, or Item missing from the parcel.",
        "These exclusions do not limit your statutory right of withdrawal (see below).",
        "You may withdraw from your purchase without giving any reason within 14 days of the day "
        "you, or someone you name, receive the last item of your order.",
        "You pay the direct cost of sending the items back.",
        "No restocking fee applies.",
        "Directive 2011/83/EU (Consumer Rights Directive)",
    ):
        assert sentence in html, sentence
    assert 'href="/static/policies/policy.css"' in html
    assert 'href="/policy/kestrel/de.json?lang=en"' in html


def test_the_page_uses_only_its_own_stylesheet(client, market, store):
    make_policy(market("fr"), store=store)

    html = client.get("/policy/kestrel/fr/").content.decode()

    assert re.findall(r'(?:href|src)="(https?:)?//', html) == []
    assert "style=" not in html
    assert "<style" not in html
    assert "<script" not in html


@pytest.mark.parametrize(
    ("query", "headers", "language"),
    [
        ("?lang=de", {}, "de"),
        ("?lang=pt-br", {"HTTP_ACCEPT_LANGUAGE": "fr"}, "pt-br"),
        ("", {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}, "fr"),
        ("", {}, "de"),  # nothing asked: the market's language
        ("?lang=xx", {}, "de"),  # a language the site does not serve is ignored
    ],
)
def test_the_language_is_chosen_from_the_query_the_browser_or_the_market(
    client, market, store, query, headers, language
):
    make_policy(market("de"), store=store)

    response = client.get(f"/policy/kestrel/de/{query}", **headers)

    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert f'<html lang="{language}">' in response.content.decode()
    assert "Accept-Language" in response.headers["Vary"]


def test_the_page_links_every_served_language(client, market, store):
    make_policy(market("de"), store=store)

    html = client.get("/policy/kestrel/de/?lang=en").content.decode()

    for code in ("en", "zh-hans", "de", "fr", "es", "ja", "pt-br"):
        assert f'href="?lang={code}"' in html
    assert 'href="?lang=en" hreflang="en" lang="en" aria-current="true"' in html


def test_the_json_carries_the_same_data(client, market, store):
    version = make_policy(market("br"), store=store, return_policy_displayed=True)

    response = client.get("/policy/kestrel/br.json?lang=en")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["language"] == "en"
    assert data["store"] == {"code": "kestrel", "name": "Kestrel Living"}
    assert data["market"] == {"code": "br", "name": "Brazil", "currency": "BRL", "regime": "br"}
    assert data["policy_version"]["id"] == version.pk
    assert data["window"] == {"days": 30, "anchor": "delivered", "ship_back_days": 14}
    assert data["costs"]["label_payer"] == {
        "customer_fault": "seller",
        "merchant_fault": "seller",
        "carrier_fault": "seller",
    }
    assert data["evidence"]["video_above"] == {
        "amount_minor": 55000,
        "currency": "BRL",
        "formatted": "R$550.00",
    }
    assert data["statutory"]["withdrawal_right"] is True
    assert data["statutory"]["withdrawal_days"] == 7
    assert data["statutory"]["on_withdrawal"]["outbound_shipping_refund"] == "all_paid"
    assert [section["id"] for section in data["sections"]] == [
        "window",
        "what",
        "costs",
        "refunds",
        "statutory",
    ]
    assert data["sections"][4]["paragraphs"][:2] == [
        "You may withdraw from your purchase within 7 days of receiving the product, without "
        "giving any reason.",
        "Everything you paid, delivery included, is refunded at once with monetary correction, "
        "and we pay for the return.",
    ]


def test_the_json_follows_the_language_switch(client, market, store):
    make_policy(market("jp"), store=store)

    english = client.get("/policy/kestrel/jp.json?lang=en").json()
    japanese = client.get("/policy/kestrel/jp.json?lang=ja")

    assert japanese.headers["Content-Language"] == "ja"
    assert japanese.json()["language"] == "ja"
    assert english["evidence"]["video_above"]["formatted"] == "¥15,000"
    assert japanese.json()["window"] == english["window"]


@pytest.mark.parametrize(
    ("code", "displayed", "sentence"),
    [
        (
            "jp",
            False,
            "You may cancel your purchase within 8 days of delivery; the day of delivery counts "
            "as the first day. Under this right you pay the cost of the return.",
        ),
        (
            "jp",
            True,
            "This return policy is shown with our offers and on the final confirmation screen, so "
            "it applies instead of the 8-day statutory return right for mail-order purchases.",
        ),
        (
            "us",
            False,
            "This policy is not marked as displayed at checkout, so buyers in California have the "
            "30-day right.",
        ),
        (
            "au",
            False,
            "Australian law gives no right to return an item because you changed your mind; where "
            "this policy offers it, we honour it as published.",
        ),
        (
            "cn",
            False,
            "We refund the price within 7 days of receiving the goods back.",
        ),
        (
            "uk",
            False,
            "We refund everything you paid, including the standard delivery cost, to the same "
            "means of payment within 14 days after we receive the items back or you show that you "
            "sent them, whichever comes first.",
        ),
        (
            "sg",
            False,
            "The law of this market gives no general right to return online purchases; this "
            "policy applies. Faulty items are handled under our warranty and local law.",
        ),
    ],
)
def test_the_statutory_rights_in_plain_words(client, market, store, code, displayed, sentence):
    make_policy(market(code), store=store, return_policy_displayed=displayed)

    data = client.get(f"/policy/kestrel/{code}.json?lang=en").json()

    assert sentence in data["sections"][4]["paragraphs"]


@pytest.mark.parametrize(
    "path",
    [
        "/policy/nowhere/de/",
        "/policy/kestrel/atlantis/",
        "/policy/kestrel/fr/",  # no policy in France
    ],
)
def test_a_missing_store_market_or_policy_is_not_found(client, market, store, path):
    make_policy(market("de"), store=store)

    assert client.get(path).status_code == 404


def test_the_json_explains_what_is_missing(client, market, store):
    response = client.get("/policy/kestrel/fr.json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "policies.policy_not_found"


def test_only_get_is_allowed(client, market, store):
    make_policy(market("de"), store=store)

    assert client.post("/policy/kestrel/de/").status_code == 405
    assert client.post("/policy/kestrel/de.json").status_code == 405
