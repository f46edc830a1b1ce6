"""Order lookup without an account: same answer and same work for wrong and unknown, rate limits
per client address and per order number, sessions limited to one order, strict mode links."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from retour.buyers.models import AccessLink, LookupAttempt
from retour.buyers.services import MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_ORDER
from tests.portal.helpers import buyer_order

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _post(client, number, contact, address="10.0.0.1"):
    return client.post("/", {"number": number, "contact": contact}, REMOTE_ADDR=address)


def _page(response) -> str:
    return CSRF.sub(r"\1…", response.content.decode())


def test_success_by_email_or_postal_code_opens_a_session_for_that_order(client):
    order = buyer_order("DE")
    response = _post(client, order.number.lstrip("#"), order.email.upper())
    assert response.status_code == 302 and response["Location"] == "/order/"
    assert client.session["portal_order_id"] == order.pk
    other = client.__class__()
    response = _post(other, order.number, " 10115 ")
    assert response.status_code == 302
    assert other.session["portal_order_id"] == order.pk


def test_wrong_and_unknown_get_the_same_answer_after_the_same_work(client):
    order = buyer_order("DE")
    with CaptureQueriesContext(connection) as wrong_queries:
        wrong = _post(client, order.number, "someone@example.com", "10.0.0.2")
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = _post(client, "#999999", "someone@example.com", "10.0.0.3")
    assert wrong.status_code == unknown.status_code == 200
    # The same page, but for the number the buyer typed (echoed back in the form).
    assert _page(wrong).replace(order.number, "N") == _page(unknown).replace("#999999", "N")
    assert "portal_order_id" not in client.session
    shape = lambda queries: [q["sql"].split()[0] for q in queries]  # noqa: E731
    assert shape(wrong_queries.captured_queries) == shape(unknown_queries.captured_queries)


def test_rate_limit_per_order_number(client):
    order = buyer_order("DE")
    for index in range(MAX_FAILURES_PER_ORDER):
        assert _post(client, order.number, "x@example.com", f"10.1.0.{index}").status_code == 200
    blocked = _post(client, order.number, order.email, "10.1.1.1")
    assert blocked.status_code == 429
    assert "portal_order_id" not in client.session


def test_rate_limit_per_client_address(client):
    order = buyer_order("DE")
    for index in range(MAX_FAILURES_PER_ADDRESS):
        _post(client, f"#{90000 + index}", "x@example.com", "10.2.0.1")
    assert _post(client, order.number, order.email, "10.2.0.1").status_code == 429
    # Another address still gets in: the limit is per address.
    assert _post(client, order.number, order.email, "10.2.0.2").status_code == 302
    assert not LookupAttempt.objects.filter(key__contains="10.2.0.1").exists()  # hashed keys


@pytest.mark.django_db(transaction=True)
def test_strict_mode_sends_a_one_time_link(client, settings):
    settings.RETOUR_PORTAL_STRICT_LOOKUP = True
    order = buyer_order("DE")
    answer = _post(client, order.number, order.email)
    wrong = _post(client, order.number, "other@example.com", "10.3.0.1")
    assert answer.status_code == wrong.status_code == 200
    assert "portal_order_id" not in client.session
    assert AccessLink.objects.filter(order=order).count() == 1
    message = mail.outbox[-1]
    assert message.to == [order.email]
    link = re.search(r"http://\S+/a/(\S+)/", message.body)
    path = f"/a/{link.group(1)}/"
    assert client.get(path).status_code == 302
    assert client.session["portal_order_id"] == order.pk
    again = client.__class__()
    assert again.get(path).status_code == 410  # works once
    assert "portal_order_id" not in again.session


def test_prune_keeps_only_what_the_rate_limit_still_counts(client):
    import datetime as dt

    from django.utils import timezone

    from retour.buyers.services import buyers_prune

    order = buyer_order("DE")
    _post(client, order.number, "x@example.com")
    old = timezone.now() - dt.timedelta(hours=1)
    LookupAttempt.objects.update(created_at=old)
    _post(client, order.number, "y@example.com")
    assert buyers_prune()["lookup_attempts"] == 2
    assert LookupAttempt.objects.count() == 2  # the recent attempt (address and order rows)
