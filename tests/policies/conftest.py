"""Fixtures for the policies tests: the shipped markets and reasons, even after a flush."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest

from tests.markets.conftest import install_shipped_markets


def install_shipped_reasons() -> None:
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("retour.policies.migrations.0002_shipped_return_reasons")
    migration.install_shipped_reasons(apps, SimpleNamespace(connection=connection))


@pytest.fixture
def shipped(db) -> None:
    """The shipped markets and the shipped reasons taxonomy."""
    install_shipped_markets()
    install_shipped_reasons()


@pytest.fixture
def market(shipped):
    """Look up a shipped market by code."""
    from retour.markets.models import Market

    return lambda code: Market.objects.get(code=code)
