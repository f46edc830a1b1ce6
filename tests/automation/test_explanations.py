"""Explanations: stored as message ids with parameters, rendered in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from retour.automation.engine import compile_rules, evaluate
from retour.automation.messages import AGENT, BUYER, render, render_lines
from retour.automation.services import case_auto_decide
from retour.core.actors import Actor
from tests.automation.builders import make_case, make_rule
from tests.automation.facts_base import base_facts, rates

SMALL_SIZE = {
    "all": [
        {"field": "return_value", "op": "lt", "value": {"amount": "50", "currency": "USD"}},
        {"field": "reason_groups", "op": "all_in", "value": ["size_fit"]},
    ]
}


def run(actions, conditions=SMALL_SIZE, **facts):
    rule = {
        "id": 1,
        "version": 3,
        "name": "Small size",
        "conditions": conditions,
        "actions": actions,
    }
    return evaluate(compile_rules([rule], rates()), base_facts(**facts), status="pending_review")


def test_the_agent_reads_which_rule_matched_on_which_facts_and_what_it_decided():
    result = run([{"type": "approve", "params": {"prepaid_label": True}}])
    with translation.override("en"):
        lines = render_lines(result.agent, AGENT)
    assert lines == [
        "Rule “Small size” (version 3) matched: Value returned is less than $50.00 (€40.00); "
        "Reason groups has only Size or fit (Size or fit).",
        "Rule “Small size” decided: Approve.",
    ]
    assert render(result.buyer, BUYER, "en") == (
        "Your return is approved and your prepaid return label is ready."
    )


def test_the_same_explanation_reads_in_german_and_japanese():
    result = run([{"type": "approve", "params": {"prepaid_label": True}}])
    german = render_lines(result.agent, AGENT, "de")
    assert german[0].startswith(
        "Regel „Small size“ (Version 3) traf zu: Rückgabewert ist kleiner als"
    )
    assert "40,00\xa0€" in german[0] and "Größe oder Passform" in german[0]
    assert german[1] == "Regel „Small size“ entschied: Genehmigen."
    assert (
        render(result.buyer, BUYER, "ja")
        == "返品が承認され、送料前払いの返品ラベルをご用意しました。"
    )
    assert render(result.buyer, BUYER, "pt-br") == (
        "Sua devolução foi aprovada e sua etiqueta de devolução pré-paga está pronta."
    )


def test_a_rejection_tells_the_buyer_why_in_their_language():
    result = run(
        [{"type": "reject", "params": {"reason_code": "not_returnable"}}],
        conditions={},
        eligibility="review",
    )
    assert render(result.buyer, BUYER, "en") == (
        "We cannot accept this return. This item cannot be returned."
    )
    assert render(result.buyer, BUYER, "fr") == (
        "Nous ne pouvons pas accepter ce retour. Cet article ne peut pas être retourné."
    )


def test_the_guard_explains_why_the_rule_did_not_decide_as_written():
    result = run([{"type": "reject", "params": {"reason_code": "other"}}], conditions={})
    agent = render(result.agent, AGENT, "en")
    assert "may not reject a request that the policy accepts or the law protects" in agent
    assert "Review queue: policy." in agent
    assert (
        render(result.buyer, BUYER, "es")
        == "Nuestro equipo revisará su solicitud y le responderá pronto."
    )


def test_offers_are_explained_with_amounts_in_the_readers_format():
    result = run(
        [
            {"type": "offer_exchange", "params": {"bonus": {"amount": "10", "currency": "EUR"}}},
            {"type": "offer_store_credit", "params": {"bonus_percent": 15}},
        ],
        conditions={},
    )
    assert render_lines(result.buyer, BUYER, "en") == [
        "Prefer an exchange? You get a bonus of €10.00.",
        "Choose store credit and get 15 % extra.",
    ]
    assert render_lines(result.buyer, BUYER, "de")[0] == (
        "Lieber umtauschen? Sie erhalten einen Bonus von 10,00\xa0€."
    )


@pytest.mark.django_db
def test_a_stored_decision_renders_in_the_language_active_when_read(editor):
    make_rule(editor, name="Approve all", actions=[{"type": "approve", "params": {}}])
    case = make_case()
    decision = case_auto_decide(case=case, actor=Actor.customer(case.customer_id))
    with translation.override("en"):
        assert decision.buyer_explanation == "Your return is approved."
        assert "Rule “Approve all” decided: Approve." in decision.agent_explanation
    with translation.override("zh-hans"):
        assert decision.buyer_explanation == "您的退货已获批准。"
        assert "规则“Approve all”的决定：批准。" in decision.agent_explanation
