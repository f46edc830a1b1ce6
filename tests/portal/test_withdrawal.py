"""The EU/UK withdrawal function: offered only where and while the law gives the right; two
steps; works for guest orders; the acknowledgement is a PDF with content, date and time."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from retour.buyers.models import Withdrawal
from tests.portal.helpers import buyer_order

pytestmark = pytest.mark.django_db(transaction=True)


def _identify(client, order, **extra):
    data = {
        "number": order.number,
        "contact": order.email,
        "name": "A. Buyer",
        "email": "ack@example.com",
    }
    return client.post("/withdraw/", data | extra)


def test_orders_outside_the_eu_and_uk_have_no_withdrawal_function(client):
    order = buyer_order("US")
    response = _identify(client, order)
    assert response.status_code == 200
    assert "withdraw-error" in response.content.decode()
    assert client.get("/withdraw/confirm/").status_code == 302
    assert not Withdrawal.objects.exists()


def test_after_the_statutory_period_it_is_refused(client):
    order = buyer_order("DE", delivered_days_ago=40)
    response = _identify(client, order)
    assert "withdraw-error" in response.content.decode()
    assert not Withdrawal.objects.exists()


def test_before_delivery_the_buyer_may_already_withdraw(client):
    order = buyer_order("DE", delivered_days_ago=None)
    assert _identify(client, order)["Location"] == "/withdraw/confirm/"


def test_uk_order_two_steps_and_a_japanese_acknowledgement(client):
    order = buyer_order("GB")
    client.cookies["django_language"] = "ja"
    assert _identify(client, order, contact=order.shipping_postal_code).status_code == 302
    page = client.get("/withdraw/confirm/").content.decode()
    assert "撤回を確定する" in page or "Confirm withdrawal" in page
    assert not Withdrawal.objects.exists()
    done = client.post("/withdraw/confirm/")
    withdrawal = Withdrawal.objects.get()
    assert done["Location"] == f"/withdraw/{withdrawal.number}/"
    assert withdrawal.language == "ja" and withdrawal.regime == "uk"
    message = mail.outbox[-1]
    assert message.extra_headers["Content-Language"] == "ja"
    pdf = message.attachments[0][1]
    assert client.get(f"/withdraw/{withdrawal.number}/acknowledgement.pdf").content == pdf
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == withdrawal.acknowledgement_sha256
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert withdrawal.number in text and order.number in text
