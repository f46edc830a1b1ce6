"""Fixtures for the automation tests: an editor, a case builder, a clean rule cache."""

from __future__ import annotations

import pytest

from retour.automation.engine import clear_cache
from retour.core.actors import Actor


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def editor():
    return Actor.system("tests")
