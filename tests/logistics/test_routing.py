"""Routing: every option is compared by expected net cost within the constraints; the choice
and the comparison are stored; rules and staff override; refused overrides change nothing."""

from __future__ import annotations

import pytest

from retour.core.actors import Actor
from retour.logistics.exceptions import (
    InspectionRequired,
    KeepNotAllowed,
    NoRoute,
    NotApproved,
    ReasonRequired,
    UnknownWarehouse,
)
from retour.logistics.models import RoutingDecision
from retour.logistics.selectors import routing_for_case
from retour.logistics.services import case_route, goods_for_case

pytestmark = pytest.mark.django_db


def by_key(decision):
    return {(item["option"], item["destination"]): item for item in decision.comparison}


def test_cheap_eu_item_stays_at_the_polish_hub(network, make_case, agent):
    case = make_case("DE", paid=1672, weight=300)
    decision = case_route(case=case, actor=agent)
    options = by_key(decision)
    local = options[("local", "eu-pl")]
    consolidate = options[("consolidate", "cn-sz")]
    direct = options[("direct", "cn-sz")]
    # Label EUR 4.20, hub handling EUR 0.90, resale 50 % of EUR 16.72 = 8.36.
    assert local["costs"]["label"] == 420
    assert local["costs"]["handling"] == 90
    assert local["costs"]["resale"] == 836
    assert local["net_cost_minor"] == 420 + 90 - 836
    # Direct to Shenzhen: DHL International EUR 16.99 + 5 % duty on 16.72.
    assert direct["costs"]["label"] == 1699
    assert direct["costs"]["duties"] == 84
    assert direct["transit_days"] == 21
    assert consolidate["transit_days"] == 3 + 28
    assert consolidate["via"] == "eu-pl"
    assert decision.option == "local"
    assert decision.destination.code == "eu-pl"
    assert decision.lane.code == "de-to-eu-pl"
    assert decision.net_cost_minor == local["net_cost_minor"]
    assert decision.source == "auto"
    assert local["chosen"] is True
    # Keep-it is listed but the default policy sets no keep-it threshold.
    assert options[("keep", "")]["allowed"] is False
    assert options[("keep", "")]["blocked"] == "keep_not_allowed"
    assert routing_for_case(case) == decision


def test_valuable_item_is_consolidated_back_to_origin(network, make_case, agent):
    case = make_case("DE", paid=12000, weight=400, category="home")
    decision = case_route(case=case, actor=agent)
    options = by_key(decision)
    consolidate = options[("consolidate", "cn-sz")]
    local = options[("local", "eu-pl")]
    # Freight EUR 3.80/kg over 0.55 kg (0.4 + packaging) = 209; clearance 35; duty 3 % = 360.
    assert consolidate["costs"]["freight"] == 209
    assert consolidate["costs"]["customs"] == 35
    assert consolidate["costs"]["duties"] == 360
    assert consolidate["net_cost_minor"] < local["net_cost_minor"]
    assert decision.option == "consolidate"
    assert decision.destination.code == "cn-sz"
    assert decision.lane.code == "de-to-eu-pl"  # the parcel leg goes to the hub


def test_us_buyer_ships_to_new_jersey_in_dollars(network, make_case, agent):
    case = make_case("US", paid=2500, weight=300)
    decision = case_route(case=case, actor=agent)
    local = by_key(decision)[("local", "us-nj")]
    assert local["costs"]["label"] == 599
    assert decision.currency == "USD"
    assert decision.destination.code == "us-nj"


def test_high_value_electronics_must_be_inspected(network, make_case, agent):
    from retour.logistics.models import Warehouse

    Warehouse.objects.filter(code="eu-pl").update(capabilities=["resell", "consolidate"])
    case = make_case("DE", paid=25000, category="electronics", title="ANC Earbuds")
    goods = goods_for_case(case)
    assert goods.must_inspect
    decision = case_route(case=case, actor=agent)
    options = by_key(decision)
    assert options[("local", "eu-pl")]["blocked"] == "inspection_required"
    assert options[("keep", "")]["blocked"] == "inspection_required"
    assert decision.must_inspect
    assert decision.destination.code == "cn-sz"
    before = RoutingDecision.objects.count()
    with pytest.raises(InspectionRequired):
        case_route(case=case, actor=agent, override_destination="eu-pl", reason="closer")
    assert RoutingDecision.objects.count() == before


def test_keep_it_wins_under_the_policy_threshold(network, make_case, agent):
    case = make_case("DE", paid=300, weight=100)
    version = case.policy_version
    type(version).objects.filter(pk=version.pk).update(keep_it_threshold_minor=1000)
    case.refresh_from_db()
    decision = case_route(case=case, actor=agent)
    assert decision.option == "keep"
    assert decision.destination is None
    assert decision.net_cost_minor == 0


def test_staff_override_needs_a_reason_and_a_known_reachable_warehouse(network, make_case, agent):
    case = make_case("DE")
    case_route(case=case, actor=agent)
    count = RoutingDecision.objects.count()
    with pytest.raises(ReasonRequired):
        case_route(case=case, actor=agent, override_destination="cn-sz")
    with pytest.raises(UnknownWarehouse):
        case_route(case=case, actor=agent, override_destination="nowhere", reason="x")
    with pytest.raises(NoRoute):
        case_route(case=case, actor=agent, override_destination="us-nj", reason="x")
    with pytest.raises(KeepNotAllowed):
        case_route(case=case, actor=agent, override_destination="keep", reason="x")
    assert RoutingDecision.objects.count() == count
    decision = case_route(
        case=case, actor=agent, override_destination="cn-sz", reason="supplier wants it back"
    )
    assert decision.source == "staff"
    assert decision.destination.code == "cn-sz"
    assert decision.reason == "supplier wants it back"
    assert routing_for_case(case) == decision


def test_only_approved_returns_are_routed_and_buyers_cannot(network, make_case, agent):
    from retour.returns.exceptions import StaffOnly
    from retour.returns.services import case_cancel

    case = make_case("DE")
    with pytest.raises(StaffOnly):
        case_route(case=case, actor=Actor.customer(case.customer_id))
    case_cancel(case=case, actor=agent)
    case.refresh_from_db()
    with pytest.raises(NotApproved):
        case_route(case=case, actor=agent)
    assert not RoutingDecision.objects.filter(case_id=case.pk).exists()


def test_no_network_for_the_country_is_no_route(db, make_case, agent):
    case = make_case("DE")
    with pytest.raises(NoRoute):
        case_route(case=case, actor=agent)


def test_approval_routes_the_return_through_the_outbox(
    network, agent, django_capture_on_commit_callbacks
):
    from tests.returns.factories import shipped_order, submit_case

    order = shipped_order((1,))
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_case(order, agent)
    decision = routing_for_case(case)
    assert decision is not None
    assert decision.actor_name == "routing"
