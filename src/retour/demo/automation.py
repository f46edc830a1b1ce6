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


def decide_queue(stdout: Any = None) -> None:
    """Run the rules over the demo's waiting returns, as the portal does at submission, so the
    back office shows decisions and their explanations (and some returns approved by a rule)."""
    from retour.automation.models import Decision
    from retour.automation.services import case_auto_decide
    from retour.core.exceptions import ApplicationError
    from retour.returns.choices import CaseStatus
    from retour.returns.models import ReturnCase

    waiting = ReturnCase.objects.filter(status=CaseStatus.PENDING_REVIEW).exclude(
        pk__in=Decision.objects.values("case_id")
    )
    decided = 0
    for case in waiting.order_by("id"):
        try:
            case_auto_decide(case=case, actor=Actor.system("demo"))
        except ApplicationError:
            continue  # the returns core refused (the case moved on): leave it to an agent
        decided += 1
    if stdout is not None:
        stdout.write(f"automation: {decided} demo returns decided by the rules\n")
