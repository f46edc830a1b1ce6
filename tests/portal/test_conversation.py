"""The guided conversation, one question at a time: follow-ups per reason, offers that avoid a
return (how-to, a person), photo checks, and amounts that come from the settlement preview."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from retour.buyers.models import CasePreference, HelpRequest, PendingUpload
from retour.buyers.selectors import settlement_preview
from retour.returns.models import ReturnCase
from tests.portal.helpers import PNG, buyer_order

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def started(client):
    order = buyer_order("DE", quantities=(2, 1))
    order.store.support_email = "support@store.example"
    order.store.save()
    client.cookies["django_language"] = "en"  # the buyer chose English (order to Germany)
    client.post("/", {"number": order.number, "contact": order.email})
    first, second = order.lines.order_by("id")
    client.post("/order/", {f"qty_{first.pk}": "2", f"qty_{second.pk}": "1"})
    return order, first, second


def test_a_reason_must_be_a_leaf(client, started):
    assert client.post("/return/", {"answer": "size_fit"}).status_code == 400  # a heading
    assert client.post("/return/", {"answer": "never_arrived"}).status_code == 400  # a claim
    assert client.post("/return/", {"answer": "size_too_small"}).status_code == 302


def test_howto_that_helps_keeps_the_item_and_a_person_can_be_asked(client, started):
    order, _first, second = started
    client.post("/return/", {"answer": "dont_know_how_to_use"})
    page = client.get("/return/").content.decode()
    assert "quick start guide" in page
    client.post("/return/", {"answer": "solved"})  # first line: kept
    client.post("/return/", {"answer": "dont_know_how_to_use"})
    response = client.post("/return/", {"answer": "help", "message": "How do I pair it?"})
    assert response["Location"] == "/order/"  # nothing left to return
    help_request = HelpRequest.objects.get(order=order)
    assert help_request.order_line_id == second.pk and "pair" in help_request.message
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([order.email, "support@store.example"])
    assert not ReturnCase.objects.filter(order=order).exists()


def test_fault_reason_asks_what_is_wrong_and_checks_photos(client, started):
    order, first, _second = started
    client.post("/return/", {"answer": "defective"})
    assert "Describe the problem" in client.get("/return/").content.decode()
    # A photo is required for this reason.
    assert client.post("/return/", {"answer": "It does not switch on"}).status_code == 400
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00not an image", content_type="image/png")
    assert client.post("/return/photo/", {"photo": fake}).status_code == 400
    huge = SimpleUploadedFile("big.png", PNG + b"\0" * (10 * 1024 * 1024), content_type="image/png")
    assert client.post("/return/photo/", {"photo": huge}).status_code == 400
    assert not PendingUpload.objects.exists()
    good = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    assert client.post("/return/photo/", {"photo": good}).status_code == 302
    assert PendingUpload.objects.get().order_line_id == first.pk
    assert client.post("/return/", {"answer": "It does not switch on"}).status_code == 302
    client.post("/return/", {"answer": "thanks"})  # comment
    client.post("/return/", {"answer": "no_longer_needed"})
    client.post("/return/", {"answer": ""})
    response = client.post("/return/resolution/", {"resolution": "refund", "method": "label"})
    assert response["Location"] == "/return/summary/"
    case = ReturnCase.objects.get(order=order)
    preference = CasePreference.objects.get(case=case)
    assert preference.answers[str(first.pk)]["problem"] == "It does not switch on"
    assert preference.language == "en"


def test_summary_amounts_are_the_settlement_preview(client, started):
    order, _first, _second = started
    for answer in ("no_longer_needed", "", "no_longer_needed", ""):
        client.post("/return/", {"answer": answer})
    client.post("/return/resolution/", {"resolution": "refund", "method": "label"})
    case = ReturnCase.objects.get(order=order, status="draft")
    page = client.get("/return/summary/").content.decode()
    preview = settlement_preview(case=case)
    assert preview.source == "payments" and preview.total.amount_minor > 0
    assert f'id="money-total">{preview.total.format("en")}<' in page
    client.post("/return/summary/", {"version": case.version})
    case.refresh_from_db()
    assert case.status == "pending_review"
    judged = settlement_preview(case=case)
    assert (
        f'id="case-money-total">{judged.total.format("en")}<'
        in client.get(f"/returns/{case.number}/").content.decode()
    )
    # The goods and tax the buyer was shown are what the judged return pays.
    assert [row for row in judged.rows if row[0] in ("Items", "Tax")] == [
        row for row in preview.rows if row[0] in ("Items", "Tax")
    ]


def test_a_refused_return_says_why(client):
    from retour.catalog.models import Product
    from retour.core.actors import Actor
    from tests.returns.factories import submit_case

    order = buyer_order("US")
    line = order.lines.get()
    Product.objects.filter(pk=line.variant.product_id).update(is_final_sale=True)
    client.cookies["django_language"] = "en"
    client.post("/", {"number": order.number, "contact": order.email})
    page = client.get("/order/").content.decode()
    assert "sold as final sale and cannot be returned" in page
    assert f'name="qty_{line.pk}"' not in page  # nothing to select
    case = submit_case(order, Actor.customer(order.customer_id))
    assert case.status == "rejected"
    page = client.get(f"/returns/{case.number}/").content.decode()
    assert "We cannot accept this return." in page
    assert "sold as final sale and cannot be returned" in page
