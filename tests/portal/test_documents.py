"""An approved return's papers: routed and labelled at submission, downloadable as PDFs in the
buyer's language from the return's page, by that buyer only."""

from __future__ import annotations

import pytest
from django.core import mail

from retour.returns.models import ReturnCase
from tests.portal.helpers import buyer_order, set_policy

pytestmark = pytest.mark.django_db(transaction=True)


def _return_one(client, order):
    line = order.lines.order_by("id").first()
    client.post("/", {"number": order.number, "contact": order.email})
    client.post("/order/", {f"qty_{line.pk}": "1"})
    client.post("/return/", {"answer": "no_longer_needed"})
    client.post("/return/", {"answer": ""})
    client.post("/return/resolution/", {"resolution": "refund", "method": "label"})
    case = ReturnCase.objects.get(order=order)
    return client.post("/return/summary/", {"version": case.version})


def test_approved_return_has_label_packing_slip_and_papers(client):
    from retour.demo import logistics as demo_logistics

    demo_logistics.load()
    order = buyer_order("DE")
    set_policy(order, auto_approve_eligible=True)
    client.cookies["django_language"] = "de"
    response = _return_one(client, order)
    case = ReturnCase.objects.get(order=order)
    assert response["Location"] == f"/returns/{case.number}/"
    assert case.status == "approved"
    page = client.get(f"/returns/{case.number}/").content.decode()
    assert f"/returns/{case.number}/label.pdf" in page
    assert f"/returns/{case.number}/packing-slip.pdf" in page
    for kind in ("label", "packing-slip"):
        document = client.get(f"/returns/{case.number}/{kind}.pdf")
        assert document.status_code == 200
        assert document["Content-Type"] == "application/pdf"
        assert document.content.startswith(b"%PDF")
    # The buyer's e-mail (German) carries the status link that opens this return.
    message = next(m for m in mail.outbox if case.number in m.subject)
    assert message.extra_headers["Content-Language"] == "de"
    link = next(word for word in message.body.split() if "/s/" in word)
    other = client.__class__()
    opened = other.get(link.split("localhost:8000", 1)[-1])
    assert opened["Location"] == f"/returns/{case.number}/"


def test_the_rules_decide_at_once_and_offer_keep_it(client):
    from retour.automation.services import rule_create
    from retour.core.actors import Actor
    from retour.returns.models import Claim

    order = buyer_order("DE")  # the default policy approves nothing by itself
    rule_create(
        actor=Actor.system("tests"),
        name="Cheap change of mind: approve, keep it",
        enabled=True,
        priority=1,
        conditions={"all": [{"field": "reason_groups", "op": "all_in", "value": ["changed_mind"]}]},
        actions=[{"type": "approve", "params": {}}, {"type": "offer_keep_it", "params": {}}],
    )
    client.cookies["django_language"] = "en"
    _return_one(client, order)
    case = ReturnCase.objects.get(order=order)
    assert case.status == "approved"
    page = client.get(f"/returns/{case.number}/").content.decode()
    assert "Keep it and get refunded" in page
    assert client.post(f"/returns/{case.number}/keep-it/").status_code == 200
    assert Claim.objects.get(order=order).kind == "keep_it"
    case.refresh_from_db()
    assert case.status == "canceled"
