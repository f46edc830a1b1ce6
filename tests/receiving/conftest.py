"""Fixtures of the receiving tests: a warehouse, an operator who works there, an approved return."""

from __future__ import annotations

import pytest

from retour.core.actors import Actor
from tests.receiving.factories import approved_case, make_member, make_warehouse


@pytest.fixture
def warehouse(db):
    return make_warehouse()


@pytest.fixture
def other_warehouse(db):
    return make_warehouse("pl-returns", country="PL")


@pytest.fixture
def operator_user(staff_user, warehouse):
    return make_member(staff_user, warehouse)


@pytest.fixture
def operator(operator_user):
    return Actor.for_user(operator_user)


@pytest.fixture
def outsider(staff_user, other_warehouse):
    """A warehouse operator of another warehouse."""
    return Actor.for_user(make_member(staff_user, other_warehouse, "elsewhere"))


@pytest.fixture
def case(db):
    """An approved return of 3 shirts (apparel) and 2 phones (electronics)."""
    return approved_case()
