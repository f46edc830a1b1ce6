"""Fixtures for the markets tests."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest


def install_shipped_markets() -> None:
    """Run the shipped-markets data migration's function (idempotent) on the test database."""
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("retour.markets.migrations.0002_shipped_markets")
    migration.install_shipped_markets(apps, SimpleNamespace(connection=connection))


@pytest.fixture
def shipped_markets(db) -> None:
    """The shipped markets, even if a transactional test elsewhere flushed the migration data."""
    install_shipped_markets()
