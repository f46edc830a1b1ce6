"""Rule changes: validated when saved, versioned, audited; refused changes write nothing."""

from __future__ import annotations

import pytest

from retour.automation.exceptions import RuleChangeNotAllowed, RuleInvalid, RuleStale
from retour.automation.models import Rule, RuleVersion
from retour.automation.selectors import rule_audit, rule_versions
from retour.automation.services import rule_create, rule_disable, rule_enable, rule_update
from retour.core.actors import Actor
from retour.core.models import AppendOnlyError, DomainEvent

pytestmark = pytest.mark.django_db

APPROVE = [{"type": "approve", "params": {}}]
SMALL = {
    "all": [{"field": "return_value", "op": "lt", "value": {"amount": "50", "currency": "USD"}}]
}


def nothing_written() -> bool:
    return (
        not Rule.objects.exists()
        and not RuleVersion.objects.exists()
        and not DomainEvent.objects.filter(aggregate_type="automation.rule").exists()
    )


def test_a_rule_is_created_disabled_with_its_first_version_and_audit_row(staff_user):
    user = staff_user("ops", role="admin")
    actor = Actor.for_user(user)
    rule = rule_create(actor=actor, name=" Small ", conditions=SMALL, actions=APPROVE)
    assert (rule.name, rule.enabled, rule.version) == ("Small", False, 1)
    version = rule_versions(rule).get()
    assert (version.number, version.change, version.created_by_id) == (1, "created", user.pk)
    assert version.conditions == SMALL
    event = rule_audit(rule).get()
    assert (event.type, event.actor_id, event.payload["version"]) == (
        "automation.rule.created",
        user.pk,
        1,
    )


@pytest.mark.parametrize(
    ("terms", "path"),
    [
        ({"name": "", "actions": APPROVE}, "name"),
        ({"name": "x", "actions": []}, "actions"),
        ({"name": "x", "actions": APPROVE, "priority": "high"}, "priority"),
        ({"name": "x", "actions": APPROVE, "store_codes": ["no-such-store"]}, "store_codes"),
        ({"name": "x", "actions": APPROVE, "market_codes": ["atlantis"]}, "market_codes"),
        (
            {
                "name": "x",
                "actions": APPROVE,
                "conditions": {"field": "eval", "op": "eq", "value": "1"},
            },
            "conditions.field",
        ),
    ],
)
def test_an_invalid_rule_is_refused_with_the_problems_and_nothing_is_written(editor, terms, path):
    with pytest.raises(RuleInvalid) as refused:
        rule_create(actor=editor, **terms)
    assert refused.value.code == "automation.rule_invalid"
    assert path in [error["path"] for error in refused.value.extra["errors"]]
    assert nothing_written()


def test_a_buyer_cannot_change_rules():
    with pytest.raises(RuleChangeNotAllowed):
        rule_create(actor=Actor.customer(1), name="x", actions=APPROVE)
    assert nothing_written()


def test_every_change_writes_the_next_version_and_keeps_the_old_terms(editor):
    rule = rule_create(actor=editor, name="Small", conditions=SMALL, actions=APPROVE)
    rule = rule_update(rule=rule, actor=editor, priority=5, note="earlier")
    rule = rule_enable(rule=rule, actor=editor)
    rule = rule_disable(rule=rule, actor=editor, note="pause")
    versions = list(rule_versions(rule).values_list("number", "change", "priority", "enabled"))
    assert versions == [
        (4, "disabled", 5, False),
        (3, "enabled", 5, True),
        (2, "updated", 5, False),
        (1, "created", 100, False),
    ]
    assert [event.type for event in rule_audit(rule)] == [
        "automation.rule.disabled",
        "automation.rule.enabled",
        "automation.rule.updated",
        "automation.rule.created",
    ]
    with pytest.raises(AppendOnlyError):
        version = rule_versions(rule).first()
        version.save()


def test_an_unchanged_save_writes_nothing(editor):
    rule = rule_create(actor=editor, name="Small", conditions=SMALL, actions=APPROVE)
    rule_update(rule=rule, actor=editor, name="Small", conditions=SMALL)
    assert RuleVersion.objects.count() == 1


def test_a_stale_edit_is_refused(editor):
    rule = rule_create(actor=editor, name="Small", actions=APPROVE)
    rule_update(rule=rule, actor=editor, name="Smaller", expected_version=1)
    with pytest.raises(RuleStale):
        rule_update(rule=rule, actor=editor, name="Tiny", expected_version=1)
    assert Rule.objects.get().name == "Smaller"
    assert RuleVersion.objects.count() == 2


def test_an_invalid_edit_keeps_the_rule_as_it_was(editor):
    rule = rule_create(actor=editor, name="Small", actions=APPROVE)
    with pytest.raises(RuleInvalid):
        rule_update(rule=rule, actor=editor, actions=[{"type": "approve", "params": {"x": 1}}])
    rule.refresh_from_db()
    assert (rule.version, rule.actions) == (1, APPROVE)
    assert RuleVersion.objects.count() == 1


def test_the_live_rule_set_follows_every_change(editor):
    from retour.automation.engine import live_ruleset

    rule = rule_create(actor=editor, name="Small", actions=APPROVE)
    assert live_ruleset().rules == ()
    rule_enable(rule=rule, actor=editor)
    assert [(r.id, r.version) for r in live_ruleset().rules] == [(rule.pk, 2)]
    assert live_ruleset() is live_ruleset()  # compiled once per version
    rule_update(rule=rule, actor=editor, priority=3)
    assert [r.priority for r in live_ruleset().rules] == [3]
    rule_disable(rule=rule, actor=editor)
    assert live_ruleset().rules == ()
