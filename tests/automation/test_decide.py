"""case_auto_decide: stored, applied through the returns services, idempotent; default rules."""

from __future__ import annotations

import pytest

from retour.automation.defaults import default_rule_specs
from retour.automation.models import Decision
from retour.automation.selectors import decision_for_case
from retour.automation.services import case_auto_decide, rules_install
from retour.core.actors import Actor
from retour.core.models import DomainEvent
from retour.returns.models import ReturnCase
from tests.automation.builders import make_case, make_rule
from tests.orders.factories import CustomerFactory
from tests.returns.factories import shipped_order

pytestmark = pytest.mark.django_db


def decide(case):
    return case_auto_decide(case=case, actor=Actor.customer(case.customer_id))


def status(case) -> str:
    return ReturnCase.objects.get(pk=case.pk).status


def case_events(case) -> list[tuple[str, str]]:
    return list(
        DomainEvent.objects.filter(aggregate_type="returns.case", aggregate_id=case.pk)
        .order_by("id")
        .values_list("type", "actor_name")
    )


def test_an_approval_goes_through_case_approve_as_the_automation(editor):
    rule = make_rule(editor, actions=[{"type": "approve", "params": {"prepaid_label": True}}])
    case = make_case()
    decision = decide(case)
    assert (decision.outcome, decision.applied, decision.apply_error) == ("approve", True, "")
    assert status(case) == "approved"
    assert case_events(case)[-1] == ("returns.case.approved", "automation")
    assert decision.rules_fired == [
        {"id": rule.pk, "version": 1, "name": rule.name, "actions": ["approve"]}
    ]
    assert decision.facts["return_value"] == 1318
    assert decision.facts["reasons"] == ["size_too_small"]
    assert decision.requested_by_kind == "customer"
    made = DomainEvent.objects.get(type="automation.decision.made")
    assert made.payload["case_id"] == case.pk
    assert made.payload["rules"] == [[rule.pk, 1]]
    assert decision_for_case(case) == decision


def test_a_second_call_returns_the_stored_decision_and_applies_nothing(editor):
    make_rule(editor, actions=[{"type": "approve", "params": {}}])
    case = make_case()
    first = decide(case)
    events = DomainEvent.objects.count()
    second = case_auto_decide(case=case, actor=Actor.system("portal"))
    assert second.pk == first.pk
    assert DomainEvent.objects.count() == events
    assert Decision.objects.filter(case=case).count() == 1


def _serial_returner_case(**order_fields):
    """A US (goodwill) request from a buyer with three returns this month: the policy flags it."""
    customer = CustomerFactory()
    fields = {"destination_country": "US", "presentment_currency": "USD", "customer": customer}
    fields.update(order_fields)
    for _ in range(3):
        make_case(order=shipped_order((1,), **fields))
    return make_case(order=shipped_order((1,), **fields))


def test_a_rejection_goes_through_case_reject_with_the_reason_code(editor):
    make_rule(editor, actions=[{"type": "reject", "params": {"reason_code": "suspected_abuse"}}])
    case = _serial_returner_case()
    assert (case.track, case.eligibility_snapshot["outcome"]) == ("goodwill_policy", "review")
    decision = decide(case)
    assert (decision.outcome, decision.reject_reason_code, decision.applied) == (
        "reject",
        "suspected_abuse",
        True,
    )
    assert status(case) == "rejected"
    event = DomainEvent.objects.filter(aggregate_id=case.pk, type="returns.case.rejected").get()
    assert (event.reason, event.actor_name) == ("suspected_abuse", "automation")


def test_a_rejection_of_a_statutory_withdrawal_is_turned_into_a_review(editor):
    make_rule(editor, actions=[{"type": "reject", "params": {"reason_code": "other"}}])
    case = make_case()
    decision = decide(case)
    assert (decision.proposed_outcome, decision.outcome, decision.queue) == (
        "reject",
        "review",
        "policy",
    )
    assert status(case) == "pending_review"
    assert not DomainEvent.objects.filter(type="returns.case.rejected").exists()


def test_review_leaves_the_case_in_review_with_its_queue(editor):
    make_rule(editor, actions=[{"type": "review", "params": {"queue": "vip"}}])
    case = make_case()
    events = case_events(case)
    decision = decide(case)
    assert (decision.outcome, decision.queue, decision.applied) == ("review", "vip", True)
    assert status(case) == "pending_review"
    assert case_events(case) == events


def test_disabled_rules_and_rules_of_other_stores_do_not_fire(editor):
    make_rule(
        editor, actions=[{"type": "reject", "params": {"reason_code": "other"}}], enabled=False
    )
    make_rule(
        editor,
        actions=[{"type": "approve", "params": {}}],
        store_codes=[shipped_order().store.code],
    )
    decision = decide(make_case())
    assert (decision.outcome, decision.rules_fired) == ("none", [])
    assert decision.agent_messages[-1]["id"] == "no_rule_matched"


def test_a_case_canceled_before_the_rules_ran_keeps_its_status(editor):
    from retour.returns.services import case_cancel

    make_rule(editor, actions=[{"type": "approve", "params": {}}])
    case = make_case()
    case_cancel(case=case, actor=Actor.customer(case.customer_id))
    decision = decide(case)
    assert (decision.proposed_outcome, decision.outcome) == ("approve", "none")
    assert status(case) == "canceled"


# The default rules --------------------------------------------------------------------------------


@pytest.fixture
def defaults(editor):
    return rules_install(default_rule_specs(), actor=editor)


def test_the_defaults_install_once(defaults, editor):
    assert len(defaults) == 5
    assert rules_install(default_rule_specs(), actor=editor) == []


def test_default_small_size_return_is_approved_with_a_label(defaults):
    decision = decide(make_case(unit_net_minor=3000))
    assert decision.outcome == "approve"
    assert {"type": "issue_prepaid_label", "params": {}} in decision.actions
    assert decision.rules_fired[0]["name"] == "Size returns under USD 50: approve with a label"


def test_default_size_return_above_usd_50_is_not_approved(defaults):
    decision = decide(make_case(unit_net_minor=6000))
    assert decision.outcome == "none"


def test_default_carrier_damage_with_a_photo_sends_the_replacement(defaults):
    decision = decide(make_case(reason="arrived_damaged", evidence=("photo",)))
    assert {"type": "send_replacement", "params": {}} in decision.actions
    assert {"type": "tag", "params": {"tag": "carrier_damage"}} in decision.actions
    # The policy flagged the request at submission (no photo yet): a person approves it.
    assert decision.outcome == "review"


def test_default_carrier_damage_without_a_photo_sends_nothing(defaults):
    decision = decide(make_case(reason="arrived_damaged"))
    assert "send_replacement" not in [action["type"] for action in decision.actions]


def test_default_high_value_item_requires_a_video(defaults):
    us = make_case(unit_net_minor=15000, destination_country="US", presentment_currency="USD")
    assert decide(us).action("require_evidence") == {
        "type": "require_evidence",
        "params": {"kind": "video", "mandatory": True},
    }
    eu = decide(make_case(unit_net_minor=15000))
    assert eu.action("require_evidence")["params"]["mandatory"] is False


def test_default_frequent_returner_goes_to_review(defaults):
    customer = CustomerFactory()
    for _ in range(3):
        make_case(order=shipped_order((1,), customer=customer))
    decision = decide(make_case(order=shipped_order((1,), customer=customer)))
    assert (decision.outcome, decision.queue) == ("review", "frequent_returners")
    assert decision.facts["returns_30d"] == 3
    # the size rule matched too, but the earlier rule's decision stands
    assert "decision_shadowed" in [m["id"] for m in decision.agent_messages]


def test_default_costly_return_shipping_offers_keep_it(defaults):
    decision = decide(make_case(unit_net_minor=1000))
    assert decision.facts["shipping_cost_percent"] == 72
    assert decision.action("offer_keep_it") == {"type": "offer_keep_it", "params": {}}
    assert decision.outcome == "approve"


def test_a_return_the_policy_approved_at_once_is_confirmed_not_approved_twice(editor):
    import dataclasses

    from django.db import transaction

    from retour.policies.models import ReturnPolicy
    from retour.policies.services import return_policy_update
    from retour.policies.terms import policy_terms

    make_rule(editor, actions=[{"type": "approve", "params": {"prepaid_label": True}}])
    order = shipped_order((1,))
    policy = ReturnPolicy.objects.get(store=order.store)
    latest = policy.versions.order_by("-number").first()
    with transaction.atomic():
        return_policy_update(
            policy=policy,
            actor=editor,
            terms=dataclasses.replace(policy_terms(latest), auto_approve_eligible=True),
        )
    case = make_case(order=order)
    assert status(case) == "approved"
    decision = decide(case)
    assert (decision.outcome, decision.applied, decision.apply_error) == ("approve", True, "")
    assert decision.action("issue_prepaid_label") is not None
    assert [event for event, _name in case_events(case)].count("returns.case.approved") == 0


def test_a_draft_is_refused_and_nothing_is_stored(editor):
    from retour.automation.exceptions import CaseNotSubmitted
    from retour.returns.services import case_submit
    from tests.returns.factories import submit_case

    make_rule(editor, actions=[{"type": "approve", "params": {}}])
    order = shipped_order((1,))
    buyer = Actor.customer(order.customer_id)
    draft = submit_case(order, buyer, submit=False)
    with pytest.raises(CaseNotSubmitted):
        decide(draft)
    assert not Decision.objects.exists()
    case_submit(case=draft, actor=buyer)
    assert decide(draft).outcome == "approve"
