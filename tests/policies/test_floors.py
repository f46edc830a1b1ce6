"""A policy may be more generous than the law of its market, never less: refused, nothing saved."""

from __future__ import annotations

import dataclasses

import pytest

from retour.core.models import DomainEvent
from retour.policies.exceptions import BelowStatutoryFloor
from retour.policies.floors import floor_violations
from retour.policies.models import ReturnPolicy, ReturnPolicyVersion
from retour.policies.services import default_terms, return_policy_create, return_policy_update
from retour.policies.terms import policy_terms
from tests.orders.factories import StoreFactory
from tests.policies.factories import SYSTEM, make_policy


@pytest.mark.parametrize(
    ("code", "changes", "expected"),
    [
        # EU: 14 days from the last item's delivery.
        ("de", {"window_days": 13}, [("floor.window_days", "window_days")]),
        (
            "fr",
            {"window_days": 30, "window_anchor": "ordered"},
            [("floor.window_anchor", "window_anchor")],
        ),
        # UK: the same architecture.
        (
            "uk",
            {"window_days": 10, "window_anchor": "shipped"},
            [("floor.window_days", "window_days"), ("floor.window_anchor", "window_anchor")],
        ),
        # Brazil: 7 days from receipt; a fault is the seller's to put right.
        (
            "br",
            {"window_days": 6, "label_payer_merchant_fault": "buyer"},
            [
                ("floor.window_days", "window_days"),
                ("floor.label_merchant_fault", "label_payer_merchant_fault"),
            ],
        ),
        # Japan: 8 days counted from delivery, unless the policy was displayed.
        ("jp", {"window_days": 6}, [("floor.window_days", "window_days")]),
        # China: 7 days from receipt.
        (
            "cn",
            {"window_days": 5, "label_payer_carrier_fault": "buyer"},
            [
                ("floor.window_days", "window_days"),
                ("floor.label_carrier_fault", "label_payer_carrier_fault"),
            ],
        ),
        # Australia: no change-of-mind right, but faults are the seller's (consumer guarantees).
        (
            "au",
            {"label_payer_merchant_fault": "buyer", "label_payer_carrier_fault": "buyer"},
            [
                ("floor.label_merchant_fault", "label_payer_merchant_fault"),
                ("floor.label_carrier_fault", "label_payer_carrier_fault"),
            ],
        ),
    ],
)
def test_a_policy_below_the_floor_is_refused_and_nothing_is_saved(market, code, changes, expected):
    target = market(code)
    terms = dataclasses.replace(default_terms(market=target), **changes)

    with pytest.raises(BelowStatutoryFloor) as refused:
        return_policy_create(store=StoreFactory(), market=target, actor=SYSTEM, terms=terms)

    error = refused.value
    assert error.code == "policies.below_statutory_floor"
    assert [(v.code, v.field) for v in error.violations] == expected
    assert [(v["code"], v["field"]) for v in error.extra["violations"]] == expected
    for violation in error.violations:
        assert violation.message in str(error.message)
    assert ReturnPolicy.objects.count() == 0
    assert ReturnPolicyVersion.objects.count() == 0
    assert not DomainEvent.objects.filter(aggregate_type="policies.return_policy").exists()


def test_the_explanation_names_each_point_in_plain_words(market):
    terms = dataclasses.replace(
        default_terms(market=market("de")),
        window_days=10,
        window_anchor="ordered",
        label_payer_merchant_fault="buyer",
    )

    with pytest.raises(BelowStatutoryFloor) as refused:
        return_policy_create(store=StoreFactory(), market=market("de"), actor=SYSTEM, terms=terms)

    regime = "European Union: Consumer Rights Directive"
    assert str(refused.value.message) == (
        "This return policy gives buyers less than the law of its market requires: "
        f"The return window of 10 days is shorter than the statutory period of 14 days in "
        f"this market ({regime}). "
        "The return window counts from the order date, so it can end before the statutory "
        f"period, which counts from the delivery of the order's last item ({regime}). "
        "The buyer would pay the return when the merchant is at fault, but the law of this "
        f"market puts that cost on the seller ({regime})."
    )
    assert refused.value.extra["violations"][0] == {
        "code": "floor.window_days",
        "field": "window_days",
        "params": {"days": 10, "floor_days": 14, "regime": "eu"},
    }


def test_an_edit_below_the_floor_is_refused_and_the_old_version_stays(market):
    version = make_policy(market("pl"))

    with pytest.raises(BelowStatutoryFloor):
        return_policy_update(
            policy=version.policy,
            actor=SYSTEM,
            terms=dataclasses.replace(policy_terms(version), window_days=7),
        )

    assert list(ReturnPolicyVersion.objects.values_list("number", "window_days")) == [(1, 30)]


@pytest.mark.parametrize(
    ("code", "days"),
    [("de", 14), ("uk", 14), ("br", 7), ("cn", 7), ("jp", 7)],
)
def test_a_window_equal_to_the_law_is_accepted(market, code, days):
    # Japan's 8 days count the day of delivery as the first: they end on delivery + 7.
    version = make_policy(market(code), window_days=days)

    assert version.window_days == days


@pytest.mark.parametrize("code", ["us", "ca", "sg", "au"])
def test_markets_without_a_statutory_window_accept_a_no_returns_policy(market, code):
    version = make_policy(market(code), window_days=0, restocking_fee_bps=2000)

    assert (version.window_days, version.restocking_fee_bps) == (0, 2000)


def test_a_displayed_policy_replaces_the_japanese_statutory_right(market):
    terms = dataclasses.replace(
        default_terms(market=market("jp")), window_days=0, return_policy_displayed=True
    )

    assert floor_violations(terms=terms, regime_code="jp") == []
    assert [v.code for v in floor_violations(terms=terms, regime_code="eu")] == [
        "floor.window_days"
    ]


def test_fees_forbidden_on_a_track_do_not_make_a_policy_unlawful(market):
    # A restocking fee and a buyer-paid label are fine for goodwill returns; `fees_allowed`
    # keeps them off the statutory track (test_fees.py).
    version = make_policy(market("br"), restocking_fee_bps=1500, label_payer_customer_fault="buyer")

    assert (version.restocking_fee_bps, version.label_payer_customer_fault) == (1500, "buyer")
