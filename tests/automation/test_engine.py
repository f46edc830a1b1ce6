"""Evaluation: every action, conflicting rules, scope, and the policy guard (no database)."""

from __future__ import annotations

import pytest

from retour.automation.actions import validate_actions
from retour.automation.engine import compile_rules, evaluate
from tests.automation.facts_base import base_facts, rates

ALWAYS: dict = {}


def rule(rule_id, actions, conditions=ALWAYS, priority=100, **terms):
    return {
        "id": rule_id,
        "version": 1,
        "name": f"R{rule_id}",
        "priority": priority,
        "conditions": conditions,
        "actions": [{"type": kind, "params": params} for kind, params in actions],
        **terms,
    }


def run(rules, status="pending_review", **facts):
    return evaluate(compile_rules(rules, rates()), base_facts(**facts), status=status)


def action_types(result):
    return [action["type"] for action in result.actions]


# Decisions ------------------------------------------------------------------------------------


def test_approve_with_a_prepaid_label():
    result = run([rule(1, [("approve", {"prepaid_label": True})])])
    assert (result.outcome, result.proposed) == ("approve", "approve")
    assert action_types(result) == ["issue_prepaid_label"]
    assert result.fired == [{"id": 1, "version": 1, "name": "R1", "actions": ["approve"]}]


def test_review_keeps_its_queue_and_defaults_to_general():
    assert run([rule(1, [("review", {"queue": "fraud"})])]).queue == "fraud"
    assert run([rule(1, [("review", {})])]).queue == "general"


def test_reject_with_a_reason_code_on_a_goodwill_request_the_policy_sent_to_review():
    result = run(
        [rule(1, [("reject", {"reason_code": "suspected_abuse"})])],
        eligibility="review",
        track="goodwill_policy",
    )
    assert (result.outcome, result.reject_reason) == ("reject", "suspected_abuse")
    assert result.buyer == [{"id": "rejected", "params": {"reason": "suspected_abuse"}}]


def test_no_rule_no_decision():
    result = run([rule(1, [("approve", {})], {"field": "returns_30d", "op": "gt", "value": 9})])
    assert (result.outcome, result.fired, result.actions) == ("none", [], [])
    assert result.agent[-1]["id"] == "no_rule_matched"


# Conflicts --------------------------------------------------------------------------------------


def test_the_first_matching_decision_wins_by_priority_not_by_position():
    rules = [
        rule(1, [("approve", {})], priority=50),
        rule(2, [("review", {"queue": "risk"})], priority=10),
        rule(3, [("reject", {"reason_code": "other"})], priority=90),
    ]
    result = run(rules, eligibility="review", track="goodwill_policy")
    assert (result.outcome, result.queue) == ("review", "risk")
    assert [item["id"] for item in result.fired] == [2, 1, 3]
    assert [item["actions"] for item in result.fired] == [["review"], [], []]
    shadowed = [m["params"]["rule"] for m in result.agent if m["id"] == "decision_shadowed"]
    assert shadowed == ["R1", "R3"]


def test_equal_priorities_are_ordered_by_id_whatever_the_input_order():
    rules = [rule(7, [("review", {"queue": "b"})]), rule(3, [("review", {"queue": "a"})])]
    assert run(rules).queue == "a"
    assert run(list(reversed(rules))).queue == "a"


def test_non_decision_actions_accumulate_and_single_valued_ones_keep_the_first():
    rules = [
        rule(
            1,
            [("tag", {"tag": "vip"}), ("set_destination", {"warehouse_code": "BER-1"})],
            priority=1,
        ),
        rule(2, [("approve", {}), ("tag", {"tag": "size"})], priority=2),
        rule(
            3,
            [("tag", {"tag": "vip"}), ("set_destination", {"warehouse_code": "RTM-2"})],
            priority=3,
        ),
        rule(4, [("notify", {"to": "team", "message": "look"})], priority=4),
        rule(5, [("notify", {"to": "email", "address": "ops@example.com"})], priority=5),
    ]
    result = run(rules)
    assert result.outcome == "approve"
    destinations = [a for a in result.actions if a["type"] == "set_destination"]
    assert destinations == [{"type": "set_destination", "params": {"warehouse_code": "BER-1"}}]
    assert [a["params"]["tag"] for a in result.actions if a["type"] == "tag"] == ["vip", "size"]
    assert [a["params"]["to"] for a in result.actions if a["type"] == "notify"] == ["team", "email"]
    assert result.fired[2]["actions"] == ["tag"]


def test_the_strictest_evidence_wins():
    rules = [
        rule(1, [("require_evidence", {"kind": "photo"})], priority=1),
        rule(2, [("require_evidence", {"kind": "video"})], priority=2),
        rule(3, [("require_evidence", {"kind": "photo"})], priority=3),
    ]
    result = run(rules)
    assert result.actions == [
        {"type": "require_evidence", "params": {"kind": "video", "mandatory": True}}
    ]
    assert result.buyer == [{"id": "evidence_video_required", "params": {}}]


def test_evidence_already_attached_is_not_asked_again():
    result = run(
        [rule(1, [("require_evidence", {"kind": "photo"})])], evidence=frozenset({"video"})
    )
    assert action_types(result) == ["require_evidence"]
    assert result.buyer == []


# Scope -------------------------------------------------------------------------------------------


def test_scope_by_store_and_market():
    rules = [
        rule(1, [("review", {"queue": "other-store"})], store_codes=["elsewhere"], priority=1),
        rule(2, [("review", {"queue": "us-only"})], market_codes=["us"], priority=2),
        rule(
            3,
            [("review", {"queue": "here"})],
            store_codes=["shop"],
            market_codes=["de"],
            priority=3,
        ),
    ]
    assert run(rules).queue == "here"
    assert run(rules, market="us", store="x").queue == "us-only"


# Other actions ----------------------------------------------------------------------------------


def test_offers_keep_it_exchange_with_a_bonus_and_store_credit():
    rules = [
        rule(
            1,
            [
                ("offer_keep_it", {}),
                ("offer_exchange", {"bonus": {"amount": "10", "currency": "USD"}}),
                ("offer_store_credit", {"bonus_percent": 15}),
            ],
        )
    ]
    result = run(rules)
    params = {a["type"]: a["params"] for a in result.actions}
    assert params["offer_keep_it"] == {}
    # USD 10 in the order's currency at USD 1 = EUR 0.90
    assert params["offer_exchange"] == {"bonus": {"amount_minor": 900, "currency": "EUR"}}
    assert params["offer_store_credit"] == {"bonus_percent": 15}
    assert [m["id"] for m in result.buyer] == ["keep_it", "exchange", "store_credit"]


def test_an_exchange_without_a_bonus():
    result = run([rule(1, [("offer_exchange", {})])])
    assert result.actions == [{"type": "offer_exchange", "params": {}}]
    assert result.buyer == [{"id": "exchange_plain", "params": {}}]


@pytest.mark.parametrize("trigger", ["on_request", "first_scan", "warehouse_delivery"])
def test_a_refund_trigger_no_later_than_the_policy_is_kept(trigger):
    result = run([rule(1, [("set_refund_trigger", {"trigger": trigger})])])
    assert result.actions == [{"type": "set_refund_trigger", "params": {"trigger": trigger}}]


def test_a_later_refund_trigger_than_the_policy_is_clamped_to_the_policy():
    result = run(
        [rule(1, [("set_refund_trigger", {"trigger": "inspection"})])],
        policy_refund_trigger="first_scan",
    )
    assert result.actions == [{"type": "set_refund_trigger", "params": {"trigger": "first_scan"}}]
    assert "guard_refund_trigger" in [m["id"] for m in result.agent]


def test_a_replacement_is_sent_for_carrier_damage_with_a_photo_only():
    rules = [rule(1, [("send_replacement", {})])]
    sent = run(rules, faults=frozenset({"carrier"}), evidence=frozenset({"photo"}))
    assert action_types(sent) == ["send_replacement"]
    assert sent.buyer == [{"id": "replacement", "params": {}}]
    no_photo = run(rules, faults=frozenset({"carrier"}))
    buyer_fault = run(rules, evidence=frozenset({"photo"}))
    for result in (no_photo, buyer_fault):
        assert action_types(result) == []
        assert "guard_replacement" in [m["id"] for m in result.agent]


def test_destination_tag_and_notify_are_passed_through():
    result = run(
        [
            rule(
                1,
                [
                    ("set_destination", {"warehouse_code": "NL-RTM"}),
                    ("tag", {"tag": "bulky"}),
                    ("notify", {"to": "buyer", "message": "Thanks"}),
                ],
            )
        ]
    )
    assert result.actions == [
        {"type": "set_destination", "params": {"warehouse_code": "NL-RTM"}},
        {"type": "tag", "params": {"tag": "bulky"}},
        {"type": "notify", "params": {"to": "buyer", "message": "Thanks"}},
    ]


# The policy guard --------------------------------------------------------------------------------


def test_approve_on_a_request_the_policy_flagged_goes_to_review():
    result = run([rule(1, [("approve", {})])], eligibility="review")
    assert (result.proposed, result.outcome, result.queue) == ("approve", "review", "policy")
    assert "guard_approve_needs_review" in [m["id"] for m in result.agent]


@pytest.mark.parametrize(
    ("eligibility", "track"),
    [
        ("eligible", "goodwill_policy"),
        ("eligible", "statutory_withdrawal"),
        ("review", "statutory_withdrawal"),
        ("review", "fault_claim"),
        ("review", "mixed"),
    ],
)
def test_a_rule_never_rejects_what_the_policy_accepts_or_the_law_protects(eligibility, track):
    result = run(
        [rule(1, [("reject", {"reason_code": "other"}), ("offer_keep_it", {})])],
        eligibility=eligibility,
        track=track,
    )
    assert (result.proposed, result.outcome) == ("reject", "review")
    assert result.reject_reason == ""
    assert "guard_reject_protected" in [m["id"] for m in result.agent]
    assert action_types(result) == ["offer_keep_it"]


def test_a_rejection_drops_the_offers_it_would_contradict():
    result = run(
        [
            rule(
                1,
                [
                    ("reject", {"reason_code": "other"}),
                    ("offer_keep_it", {}),
                    ("tag", {"tag": "x"}),
                ],
            )
        ],
        eligibility="review",
    )
    assert result.outcome == "reject"
    assert action_types(result) == ["tag"]


@pytest.mark.parametrize("track", ["statutory_withdrawal", "mixed"])
def test_evidence_on_a_statutory_withdrawal_is_asked_for_not_required(track):
    result = run([rule(1, [("require_evidence", {"kind": "video"})])], track=track)
    assert result.actions == [
        {"type": "require_evidence", "params": {"kind": "video", "mandatory": False}}
    ]
    assert result.buyer == [{"id": "evidence_video_optional", "params": {}}]


@pytest.mark.parametrize("status", ["approved", "rejected", "canceled"])
def test_a_case_that_moved_on_keeps_its_status(status):
    result = run(
        [rule(1, [("reject", {"reason_code": "other"}), ("tag", {"tag": "x"})])], status=status
    )
    assert (result.proposed, result.outcome) == ("reject", "none")
    assert action_types(result) == ["tag"]


def test_without_a_status_the_submission_status_is_derived_from_the_facts():
    rules = [rule(1, [("review", {"queue": "x"})])]
    approved_at_submission = base_facts(auto_approved=True)
    result = evaluate(compile_rules(rules, rates()), approved_at_submission)
    assert result.outcome == "none"  # the policy approved it at submission already
    assert evaluate(compile_rules(rules, rates()), base_facts()).outcome == "review"
    rejected_at_submission = base_facts(eligibility="reject")
    assert evaluate(compile_rules(rules, rates()), rejected_at_submission).outcome == "none"


def test_an_approval_the_policy_already_gave_is_confirmed_not_reapplied():
    result = run([rule(1, [("approve", {"prepaid_label": True})])], status="approved")
    assert result.outcome == "approve"
    assert action_types(result) == ["issue_prepaid_label"]


# Action validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        {"type": "approve", "params": {"prepaid_label": True}},
        {"type": "review", "params": {"queue": "frequent_returners"}},
        {"type": "reject", "params": {"reason_code": "not_returnable"}},
        {"type": "require_evidence", "params": {"kind": "photo"}},
        {"type": "offer_keep_it", "params": {}},
        {"type": "offer_exchange", "params": {"bonus": {"amount": "5", "currency": "EUR"}}},
        {"type": "offer_store_credit", "params": {"bonus_percent": 10}},
        {"type": "set_destination", "params": {"warehouse_code": "DE-BER"}},
        {"type": "set_refund_trigger", "params": {"trigger": "first_scan"}},
        {"type": "send_replacement", "params": {}},
        {"type": "tag", "params": {"tag": "vip"}},
        {"type": "notify", "params": {"to": "email", "address": "ops@example.com"}},
    ],
)
def test_each_action_validates(action):
    assert validate_actions([action]) == []


@pytest.mark.parametrize(
    "actions",
    [
        [],
        [{"type": "run_python", "params": {"code": "1"}}],
        [{"type": "approve", "params": {"prepaid_label": "yes"}}],
        [{"type": "review", "params": {"queue": "Not A Slug"}}],
        [{"type": "reject", "params": {}}],
        [{"type": "reject", "params": {"reason_code": "because"}}],
        [{"type": "require_evidence", "params": {"kind": "selfie"}}],
        [{"type": "offer_exchange", "params": {"bonus": 5}}],
        [{"type": "offer_store_credit", "params": {"bonus_percent": 150}}],
        [{"type": "set_destination", "params": {"warehouse_code": ""}}],
        [{"type": "set_refund_trigger", "params": {"trigger": "never"}}],
        [{"type": "tag", "params": {"tag": "Has Spaces"}}],
        [{"type": "notify", "params": {"to": "email", "address": "nope"}}],
        [{"type": "notify", "params": {"to": "everyone"}}],
        [{"type": "offer_keep_it", "params": {"amount": 1}}],
        [{"type": "approve", "params": {}}, {"type": "review", "params": {}}],
    ],
)
def test_invalid_actions_are_refused(actions):
    assert validate_actions(actions)


def test_warehouse_codes_are_checked_by_a_registered_checker():
    from retour.automation.actions import register_warehouse_checker, unregister_warehouse_checker

    def known(code):
        return code == "DE-BER"

    register_warehouse_checker(known)
    try:
        good = [{"type": "set_destination", "params": {"warehouse_code": "DE-BER"}}]
        bad = [{"type": "set_destination", "params": {"warehouse_code": "XX-NOPE"}}]
        assert validate_actions(good) == []
        assert validate_actions(bad)
    finally:
        unregister_warehouse_checker(known)
