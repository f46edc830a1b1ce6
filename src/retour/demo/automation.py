"""Demo automation: the default rules (enabled) and the demo exchange rates. Idempotent.

The lead wires `load` into the demo loader after the stores and markets exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation

from retour.automation.defaults import default_rule_specs
from retour.automation.fx import install_demo_rates
from retour.automation.services import rules_install
from retour.core.actors import Actor


def load(stdout: Any = None) -> None:
    rates = install_demo_rates(dt.date(2025, 1, 1))
    # The rules' names are stored as written: in English, as the other demo data.
    with translation.override("en"):
        created = rules_install(default_rule_specs(enabled=True), actor=Actor.system("demo"))
    if stdout is not None:
        stdout.write(f"automation: {len(created)} default rules, {rates} exchange rates\n")
