"""The demo loader of the automation area is idempotent and enables the default rules."""

from __future__ import annotations

import io

import pytest

from retour.automation.models import ExchangeRate, Rule
from retour.demo.automation import load

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_default_rules_and_rates_once():
    out = io.StringIO()
    load(out)
    load(out)
    assert Rule.objects.filter(enabled=True).count() == 5
    assert Rule.objects.filter(code="small_size_return_approve").exists()
    assert ExchangeRate.objects.filter(base="USD", quote="EUR").count() == 1
    assert "5 default rules" in out.getvalue()
