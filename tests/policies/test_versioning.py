"""A policy edit writes a new version; a case keeps the version it was judged by."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from retour.core.models import AppendOnlyError, DomainEvent
from retour.markets.exceptions import NoMarketForCountry
from retour.policies.exceptions import EffectiveDateInvalid, InvalidPolicy, PolicyExists
from retour.policies.models import ReturnPolicy, ReturnPolicyVersion
from retour.policies.selectors import (
    return_policy_version_at,
    return_policy_version_for_order,
    return_policy_version_get,
)
from retour.policies.services import (
    default_terms,
    return_policy_create,
    return_policy_create_default,
    return_policy_update,
)
from retour.policies.terms import PolicyTerms, policy_terms
from tests.orders.factories import OrderFactory, StoreFactory
from tests.policies.factories import SYSTEM, make_policy


def test_an_edit_writes_a_new_version_and_the_case_keeps_the_old_one(market):
    de = market("de")
    first = make_policy(de, window_days=30)
    judged_by = first.pk  # what a case stores
    before_edit = timezone.now()

    second = return_policy_update(
        policy=first.policy,
        actor=SYSTEM,
        terms=dataclasses.replace(policy_terms(first), window_days=60, restocking_fee_bps=500),
        note="Longer window for the holidays",
    )

    assert (first.number, second.number) == (1, 2)
    assert second.pk != first.pk
    kept = return_policy_version_get(version_id=judged_by)
    assert (kept.number, kept.window_days, kept.restocking_fee_bps) == (1, 30, 0)
    assert return_policy_version_get(version_id=second.pk).window_days == 60
    store = first.policy.store
    assert return_policy_version_at(store=store, market=de, at=before_edit).pk == first.pk
    assert return_policy_version_at(store=store, market=de, at=timezone.now()).pk == second.pk
    assert ReturnPolicy.objects.count() == 1
    assert ReturnPolicyVersion.objects.count() == 2


def test_versions_are_immutable(market):
    version = make_policy(market("fr"))
    version.window_days = 90

    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        version.delete()

    assert ReturnPolicyVersion.objects.get(pk=version.pk).window_days == 30


def test_identical_terms_write_nothing(market):
    version = make_policy(market("fr"))

    again = return_policy_update(policy=version.policy, actor=SYSTEM, terms=policy_terms(version))

    assert again.pk == version.pk
    assert ReturnPolicyVersion.objects.count() == 1


def test_a_future_version_takes_effect_at_its_date(market):
    first = make_policy(market("at"))
    starts = timezone.now() + dt.timedelta(days=10)

    future = return_policy_update(
        policy=first.policy,
        actor=SYSTEM,
        terms=dataclasses.replace(policy_terms(first), window_days=45),
        effective_from=starts,
    )

    store, at_market = first.policy.store, first.policy.market
    assert return_policy_version_at(store=store, market=at_market, at=timezone.now()) == first
    assert return_policy_version_at(store=store, market=at_market, at=starts) == future


def test_a_version_cannot_start_in_the_past(market):
    first = make_policy(market("at"))

    with pytest.raises(EffectiveDateInvalid) as refused:
        return_policy_update(
            policy=first.policy,
            actor=SYSTEM,
            terms=dataclasses.replace(policy_terms(first), window_days=45),
            effective_from=timezone.now() - dt.timedelta(days=1),
        )

    assert refused.value.code == "policies.effective_date_invalid"
    assert ReturnPolicyVersion.objects.count() == 1


def test_invalid_terms_are_refused_with_every_field_named(market):
    de = market("de")
    terms = PolicyTerms(
        currency="EUR",
        restocking_fee_bps=12_000,
        allowed_resolutions=("refund", "cash"),
        return_methods=(),
        excluded_categories=("no-such-category",),
    )

    with pytest.raises(InvalidPolicy) as refused:
        return_policy_create(store=StoreFactory(), market=de, actor=SYSTEM, terms=terms)

    assert refused.value.code == "policies.invalid_policy"
    assert refused.value.extra["errors"] == {
        "restocking_fee_bps": ["must be between 0 and 10000"],
        "allowed_resolutions": ["unknown: cash"],
        "return_methods": ["allow at least one return method"],
        "excluded_categories": ["unknown: no-such-category"],
    }
    assert ReturnPolicy.objects.count() == 0


def test_one_policy_per_store_and_market(market):
    version = make_policy(market("de"))

    with pytest.raises(PolicyExists):
        make_policy(market("de"), store=version.policy.store)

    assert ReturnPolicyVersion.objects.count() == 1


def test_creating_and_editing_write_events(market):
    first = make_policy(market("de"))
    second = return_policy_update(
        policy=first.policy,
        actor=SYSTEM,
        terms=dataclasses.replace(policy_terms(first), window_days=45),
        note="longer",
    )

    events = list(
        DomainEvent.objects.filter(
            aggregate_type="policies.return_policy", aggregate_id=first.policy_id
        ).order_by("id")
    )
    assert [event.type for event in events] == [
        "policies.policy.created",
        "policies.policy.version_created",
    ]
    assert events[1].payload["changes"] == {"window_days": [30, 45]}
    assert events[1].payload["version_id"] == second.pk
    assert events[1].reason == "longer"
    assert events[1].actor_kind == "system"


def test_the_default_policy_is_idempotent(market):
    store = StoreFactory()
    first = return_policy_create_default(store=store, market=market("jp"), actor=SYSTEM)
    again = return_policy_create_default(store=store, market=market("jp"), actor=SYSTEM)

    assert again.pk == first.pk
    assert ReturnPolicyVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "currency", "video_minor", "customer_payer", "timing"),
    [
        ("de", "EUR", 9000, "buyer", "first_carrier_scan"),
        ("uk", "GBP", 8000, "buyer", "first_carrier_scan"),
        ("br", "BRL", 55000, "seller", "on_request"),
        ("jp", "JPY", 15000, "buyer", "warehouse_delivery"),
        ("cn", "CNY", 70000, "buyer", "warehouse_delivery"),
        ("au", "AUD", 15000, "buyer", "warehouse_delivery"),
        ("us", "USD", 10000, "buyer", "warehouse_delivery"),
        ("vn", "VND", 2500000, "buyer", "warehouse_delivery"),
        ("hu", "HUF", 3600000, "buyer", "first_carrier_scan"),
    ],
)
def test_default_terms_respect_each_market(
    market, code, currency, video_minor, customer_payer, timing
):
    terms = default_terms(market=market(code))

    assert terms.currency == currency
    assert terms.window_days == 30
    assert terms.window_anchor == "delivered"
    assert terms.evidence_video_threshold_minor == video_minor
    assert terms.label_payer_customer_fault == customer_payer
    assert (terms.label_payer_merchant_fault, terms.label_payer_carrier_fault) == (
        "seller",
        "seller",
    )
    assert terms.refund_timing == timing
    assert terms.restocking_fee_bps == 0


def test_a_currency_missing_from_the_table_gets_no_value_threshold(shipped):
    from tests.markets.factories import MarketFactory

    market = MarketFactory(code="ch-test", currency="ISK", regime="none")

    assert default_terms(market=market).evidence_video_threshold_minor is None


def test_the_policy_of_an_order_follows_its_destination(market):
    version = make_policy(market("fr"))
    order = OrderFactory(store=version.policy.store, destination_country="FR")
    stray = OrderFactory(store=version.policy.store, destination_country="AQ")

    assert return_policy_version_for_order(order=order, at=timezone.now()) == version
    with pytest.raises(NoMarketForCountry):
        return_policy_version_for_order(order=stray, at=timezone.now())
