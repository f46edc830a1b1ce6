"""Fixtures for the returns tests: actors and a shipped order."""

from __future__ import annotations

import pytest

from retour.core.actors import Actor
from tests.returns.factories import shipped_order


@pytest.fixture
def order(db):
    """An order with two lines (3 and 2 units), all shipped."""
    return shipped_order((3, 2))


@pytest.fixture
def buyer(order):
    return Actor.customer(order.customer_id)


@pytest.fixture
def stranger(db):
    from tests.orders.factories import CustomerFactory

    return Actor.customer(CustomerFactory().pk)


@pytest.fixture
def agent(staff_user):
    return Actor.for_user(staff_user("agent", role="agent"))


@pytest.fixture
def system():
    return Actor.system("scheduler")
