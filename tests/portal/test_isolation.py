"""One buyer can never see another's order, return or documents: by order number, by return
number, by document link, by a forged status link."""

from __future__ import annotations

import pytest

from retour.buyers.services import status_token
from retour.core.actors import Actor
from tests.portal.helpers import buyer_order, set_policy
from tests.returns.factories import submit_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_buyers(client):
    mine = buyer_order("DE")
    theirs = buyer_order("DE")
    set_policy(theirs, auto_approve_eligible=True)
    case = submit_case(theirs, Actor.customer(theirs.customer_id))
    client.post("/", {"number": mine.number, "contact": mine.email})
    assert client.session["portal_order_id"] == mine.pk
    return mine, theirs, case


@pytest.mark.parametrize(
    "path",
    [
        "/returns/{number}/",
        "/returns/{number}/label.pdf",
        "/returns/{number}/packing-slip.pdf",
        "/returns/{number}/customs.pdf",
    ],
)
def test_other_buyers_return_and_documents_are_not_found(client, two_buyers, path):
    _mine, _theirs, case = two_buyers
    assert client.get(path.format(number=case.number)).status_code == 404
    assert client.post(f"/returns/{case.number}/keep-it/").status_code == 404


def test_other_order_number_with_my_contact_is_refused(client, two_buyers):
    mine, theirs, _case = two_buyers
    response = client.post("/", {"number": theirs.number, "contact": mine.email})
    assert response.status_code == 200
    assert client.session.get("portal_order_id") != theirs.pk


def test_a_forged_status_link_opens_nothing(client, two_buyers):
    mine, theirs, case = two_buyers
    genuine = status_token(order_id=mine.pk)
    forged = genuine[:-3] + ("aaa" if not genuine.endswith("aaa") else "bbb")
    assert client.get(f"/s/{forged}/").status_code == 410
    # The genuine link of the other order opens that order only (as its e-mail would).
    other = client.__class__()
    response = other.get(f"/s/{status_token(order_id=theirs.pk, case_id=case.pk)}/")
    assert response.status_code == 302 and response["Location"] == f"/returns/{case.number}/"
    assert other.get(f"/returns/{case.number}/").status_code == 200
    assert other.session["portal_order_id"] == theirs.pk


def test_without_a_session_every_page_sends_to_the_lookup(client):
    for path in ("/order/", "/return/", "/return/summary/", "/returns/R-X/", "/withdraw/confirm/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/", path
