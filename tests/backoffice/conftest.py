"""Fixtures of the back-office tests: staff in each role, a buyer's portal session, cases."""

from __future__ import annotations

import pytest
from django.test import Client

from retour.backoffice.access import OTP_SESSION_KEY, PORTAL_SESSION_KEY
from retour.core.actors import Actor
from tests.returns.factories import shipped_order, submit_case


def staff_client(user, *, second_factor: bool = True) -> Client:
    client = Client()
    client.force_login(user)
    if second_factor:
        session = client.session
        session[OTP_SESSION_KEY] = user.pk
        session.save()
    return client


@pytest.fixture
def agent_user(staff_user):
    return staff_user("agent", role="agent")


@pytest.fixture
def reader_user(staff_user):
    return staff_user("reader", role="read-only")


@pytest.fixture
def agent_client(agent_user):
    return staff_client(agent_user)


@pytest.fixture
def reader_client(reader_user):
    return staff_client(reader_user)


@pytest.fixture
def nobody_client(db, django_user_model):
    """A staff member in no role: staff, but without any permission."""
    user = django_user_model.objects.create_user(username="nobody", password="x", is_staff=True)
    return staff_client(user)


@pytest.fixture
def portal_client(db):
    """A buyer's portal session: no user, the order they looked up in the session."""
    order = shipped_order((1,))
    client = Client()
    session = client.session
    session[PORTAL_SESSION_KEY] = order.pk
    session.save()
    return client


@pytest.fixture
def make_case(db):
    """A return the buyer submitted (pending review), one unit of each line."""

    def make(quantities=(2,), **order_fields):
        order = shipped_order(quantities, **order_fields)
        return submit_case(order, Actor.customer(order.customer_id))

    return make


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The back office caches reference lists for a minute; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
