"""The rule editor in the back office and the case page's rule section."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retour.automation.models import Rule, RuleVersion
from retour.automation.services import case_auto_decide
from retour.core.actors import Actor
from tests.automation.builders import make_case, make_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    user = staff_user("ops", role="admin")
    client.force_login(user)
    session = client.session
    session["backoffice_otp_user"] = user.pk
    session.save()
    return client


@pytest.fixture
def agent_client(client, staff_user):
    client.force_login(staff_user("agent", role="agent"))
    return client


def rule_post(**overrides):
    data = {
        "name": "Small size returns",
        "priority": "20",
        "match": "all",
        "cond-0-field": "return_value",
        "cond-0-op": "lt",
        "cond-0-value": "50 USD",
        "cond-1-field": "reason_groups",
        "cond-1-op": "all_in",
        "cond-1-value": "size_fit",
        "act-0-type": "approve",
        "act-0-params": "prepaid_label=yes",
        "act-1-type": "tag",
        "act-1-params": "tag=size",
        "do": "save",
    }
    data.update(overrides)
    return data


def test_a_rule_is_built_from_rows_and_saved_disabled(admin_client):
    response = admin_client.post(reverse("backoffice:rule_new"), rule_post())
    rule = Rule.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:rule", args=[rule.pk])
    assert rule.enabled is False
    assert rule.conditions == {
        "all": [
            {"field": "return_value", "op": "lt", "value": {"amount": "50", "currency": "USD"}},
            {"field": "reason_groups", "op": "all_in", "value": ["size_fit"]},
        ]
    }
    assert rule.actions == [
        {"type": "approve", "params": {"prepaid_label": True}},
        {"type": "tag", "params": {"tag": "size"}},
    ]
    page = admin_client.get(reverse("backoffice:rule", args=[rule.pk]))
    assert page.status_code == 200
    assert 'value="50 USD"' in page.content.decode()


def test_an_invalid_rule_shows_its_problems_and_is_not_saved(admin_client):
    response = admin_client.post(
        reverse("backoffice:rule_new"), rule_post(**{"cond-0-value": "fifty", "act-0-params": "x"})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "conditions.all[0].value" in body
    assert "actions[0].params" in body
    assert not Rule.objects.exists()


def test_validate_says_valid_without_saving(admin_client):
    response = admin_client.post(reverse("backoffice:rule_new"), rule_post(do="validate"))
    assert "The rule is valid." in response.content.decode()
    assert not Rule.objects.exists()


def test_nested_groups_go_through_the_json_box(admin_client):
    advanced = (
        '{"any": [{"field": "returns_30d", "op": "gte", "value": 3},'
        ' {"all": [{"field": "country", "op": "eq", "value": "DE"}]}]}'
    )
    admin_client.post(reverse("backoffice:rule_new"), rule_post(advanced=advanced))
    assert Rule.objects.get().conditions["any"][0]["field"] == "returns_30d"


def test_preview_on_one_case_shows_the_decision_and_both_explanations(admin_client):
    case = make_case(unit_net_minor=2000)
    response = admin_client.post(
        reverse("backoffice:rule_new"), rule_post(do="preview", case_number=case.number)
    )
    body = response.content.decode()
    assert "this rule fired" in body
    assert "Your return is approved and your prepaid return label is ready." in body
    assert "Small size returns" in body
    assert not Rule.objects.exists()


def test_enable_disable_and_history(admin_client, editor):
    rule = make_rule(editor, actions=[{"type": "approve", "params": {}}], enabled=False)
    admin_client.post(reverse("backoffice:rule_toggle", args=[rule.pk]), {"enabled": "1"})
    admin_client.post(reverse("backoffice:rule_toggle", args=[rule.pk]), {"enabled": "0"})
    rule.refresh_from_db()
    assert (rule.enabled, rule.version) == (False, 3)
    versions = RuleVersion.objects.filter(rule=rule).order_by("number")
    assert [v.change for v in versions] == ["created", "enabled", "disabled"]
    assert versions[1].created_by_name == "ops"
    page = admin_client.get(reverse("backoffice:rule_history", args=[rule.pk]))
    assert "automation.rule.enabled" in page.content.decode()
    listing = admin_client.get(reverse("backoffice:rules"))
    assert rule.name in listing.content.decode()


def test_an_edit_with_a_stale_version_is_refused(admin_client, editor):
    rule = make_rule(editor, actions=[{"type": "approve", "params": {}}], enabled=False)
    admin_client.post(reverse("backoffice:rule", args=[rule.pk]), rule_post(version="1"))
    admin_client.post(
        reverse("backoffice:rule", args=[rule.pk]), rule_post(name="Other", version="1")
    )
    rule.refresh_from_db()
    assert (rule.name, rule.version) == ("Small size returns", 2)


def test_agents_read_rules_but_cannot_change_them(agent_client, editor):
    rule = make_rule(editor, actions=[{"type": "approve", "params": {}}], enabled=False)
    assert agent_client.get(reverse("backoffice:rules")).status_code == 200
    assert agent_client.get(reverse("backoffice:rule", args=[rule.pk])).status_code == 200
    assert agent_client.get(reverse("backoffice:rule_new")).status_code == 403
    assert (
        agent_client.post(
            reverse("backoffice:rule_toggle", args=[rule.pk]), {"enabled": "1"}
        ).status_code
        == 403
    )
    assert (
        agent_client.post(reverse("backoffice:rule", args=[rule.pk]), rule_post()).status_code
        == 403
    )
    rule.refresh_from_db()
    assert (rule.enabled, rule.version) == (False, 1)


def test_the_simulation_page_shows_counts_and_changed_returns(admin_client, editor):
    case = make_case(unit_net_minor=2000)
    rule = make_rule(
        editor, actions=[{"type": "review", "params": {"queue": "sim"}}], enabled=False
    )
    response = admin_client.get(reverse("backoffice:rule_simulate"), {"with": rule.pk})
    assert response.status_code == 200
    response = admin_client.get(
        reverse("backoffice:rule_simulate"),
        {"start": "2000-01-01", "end": "2999-12-31", "rule": [rule.pk]},
    )
    body = response.content.decode()
    assert "1 return simulated" in body
    assert case.number in body
    assert not Rule.objects.get().enabled


def test_the_case_page_shows_the_decision_and_its_explanation(admin_client, editor):
    make_rule(editor, name="Approve all", actions=[{"type": "approve", "params": {}}])
    case = make_case()
    case_auto_decide(case=case, actor=Actor.customer(case.customer_id))
    body = admin_client.get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert "Rule decision" in body
    assert "Rule “Approve all” decided: Approve." in body
    assert "Your return is approved." in body


def test_the_rules_run_from_the_case_page_for_a_case_without_a_decision(admin_client, editor):
    make_rule(editor, actions=[{"type": "review", "params": {"queue": "desk"}}])
    case = make_case()
    page = admin_client.get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert "Run the rules" in page
    response = admin_client.post(reverse("backoffice:rule_case_decide", args=[case.pk]))
    assert response.status_code == 302
    assert case.automation_decision.queue == "desk"


def test_the_admin_lists_rates_rules_and_decisions(client, staff_user, editor):
    from django.contrib import admin

    from retour.automation.models import Decision, ExchangeRate

    user = staff_user("root", role="admin", superuser=True)
    client.force_login(user)
    make_rule(editor, name="Shown", actions=[{"type": "approve", "params": {}}])
    for model in (Rule, RuleVersion, Decision, ExchangeRate):
        assert admin.site.is_registered(model)
        url = reverse(f"admin:automation_{model._meta.model_name}_changelist")
        assert client.get(url, {"q": "x"}).status_code == 200
    assert not admin.site.get_model_admin(Rule).has_change_permission(None)
