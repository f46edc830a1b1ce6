"""Simulation over a period: counts per decision, money, changed cases, and agreement with the
live evaluation that follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from retour.automation.defaults import default_rule_specs
from retour.automation.engine import rules_of
from retour.automation.exceptions import SimulationPeriodInvalid
from retour.automation.models import Rule
from retour.automation.services import case_auto_decide, rule_enable, rules_install
from retour.automation.simulation import simulate
from retour.core.actors import Actor
from retour.returns.models import ReturnCase
from tests.automation.builders import make_case
from tests.orders.factories import CustomerFactory
from tests.returns.factories import shipped_order

pytestmark = pytest.mark.django_db


def period():
    now = timezone.now()
    return {"start": now - dt.timedelta(days=1), "end": now + dt.timedelta(minutes=5)}


@pytest.fixture
def history():
    """A mix: small size returns, a dear item, a costly label, damage with a photo, a frequent
    returner, a US request."""
    customer = CustomerFactory()
    cases = [
        make_case(unit_net_minor=3000),
        make_case(unit_net_minor=3500, quantity=2),
        make_case(unit_net_minor=15000),
        make_case(unit_net_minor=900),
        make_case(reason="arrived_damaged", evidence=("photo",)),
        make_case(reason="no_longer_needed", unit_net_minor=2000),
        make_case(unit_net_minor=12000, destination_country="US", presentment_currency="USD"),
    ]
    for _ in range(4):
        cases.append(make_case(order=shipped_order((1,), customer=customer)))
    return cases


def test_the_simulation_counts_decisions_money_and_changed_cases(history, editor):
    rules_install(default_rule_specs(enabled=False), actor=editor)
    candidate = rules_of(Rule.objects.all())
    result = simulate(candidate, **period(), keep_cases=True)
    assert result.total == len(history)
    assert sum(result.current.values()) == sum(result.candidate.values()) == len(history)
    assert result.current == {"none": len(history)}  # nothing enabled yet
    approved = [case for case in history if result.by_case[case.pk] == "approve"]
    assert result.candidate["approve"] == len(approved) > 0
    assert result.candidate["review"] >= 2  # frequent returner, damage flagged by the policy
    expected = sum(
        line.quantity_requested
        * (line.order_line.unit_paid_net_minor + line.order_line.unit_tax_minor)
        for case in approved
        for line in case.lines.select_related("order_line")
    )
    assert dict(result.refunded_candidate) == {"EUR": expected}
    assert result.keep_it_candidate >= 1
    decided = len([case for case in history if result.by_case[case.pk] != "none"])
    assert result.changed_count >= decided
    assert len(result.changed) == result.changed_count
    numbers = {row["number"] for row in result.changed}
    assert numbers <= set(ReturnCase.objects.values_list("number", flat=True))


def test_the_simulation_matches_what_the_live_evaluation_then_does(history, editor):
    rules = rules_install(default_rule_specs(enabled=False), actor=editor)
    simulated = simulate(rules_of(Rule.objects.all()), **period(), keep_cases=True)
    for rule in rules:
        rule_enable(rule=rule, actor=editor)
    live = {
        case.pk: case_auto_decide(case=case, actor=Actor.system("portal")).outcome
        for case in history
    }
    assert simulated.by_case == live
    assert set(live.values()) >= {"approve", "review", "none"}


def test_a_period_or_a_store_limits_the_cases(history, editor):
    old = history[0]
    ReturnCase.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=40))
    rules = rules_of(rules_install(default_rule_specs(), actor=editor))
    assert simulate(rules, **period()).total == len(history) - 1
    store = history[1].order.store.code
    assert simulate(rules, **period(), store_codes=[store]).total == 1
    with pytest.raises(SimulationPeriodInvalid):
        simulate(rules, start=timezone.now(), end=timezone.now() - dt.timedelta(days=1))


def test_a_draft_rule_is_simulated_before_it_exists(history):
    draft = [
        {
            "id": 0,
            "name": "Review everything from Germany",
            "priority": 1,
            "conditions": {"all": [{"field": "country", "op": "eq", "value": "DE"}]},
            "actions": [{"type": "review", "params": {"queue": "de"}}],
        }
    ]
    result = simulate(draft, **period())
    assert result.candidate["review"] == len(history) - 1
    assert result.candidate["none"] == 1
    assert not Rule.objects.exists()
