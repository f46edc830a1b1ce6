"""Labels through the carrier adapters: the self-managed label, EasyPost over real HTTP against
a fake API (failures included: nothing is stored), voiding and expiry releasing quantities."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from retour.core.actors import Actor
from retour.core.models import DomainEvent
from retour.logistics.exceptions import (
    CarrierError,
    LabelExists,
    LabelNotVoidable,
    NoShipmentNeeded,
    NotRouted,
)
from retour.logistics.models import Label, LabelStatus
from retour.logistics.selectors import label_for_case
from retour.logistics.services import label_create, label_void, labels_expire
from retour.returns.choices import CaseStatus

pytestmark = pytest.mark.django_db


def test_self_managed_label_for_an_eu_return(network, routed, agent):
    case = routed("DE")
    label = label_create(case=case, actor=agent)
    assert label.carrier == "self"
    assert label.tracking_number == f"{case.number}-1"
    assert label.destination.code == "eu-pl"
    assert (label.cost_minor, label.currency) == (420, "EUR")
    assert label.status == LabelStatus.CREATED
    assert label_for_case(case) == label
    event = DomainEvent.objects.get(type="logistics.label.created", aggregate_id=label.pk)
    assert event.payload["case_id"] == case.pk
    with pytest.raises(LabelExists):
        label_create(case=case, actor=agent)
    assert Label.objects.filter(case_id=case.pk).count() == 1


def test_label_needs_a_routing_and_a_shipment(network, make_case, agent):
    from retour.logistics.services import case_route

    case = make_case("DE")
    with pytest.raises(NotRouted):
        label_create(case=case, actor=agent)
    type(case.policy_version).objects.filter(pk=case.policy_version_id).update(
        keep_it_threshold_minor=100000
    )
    case.refresh_from_db()
    case_route(case=case, actor=agent, override_destination="keep", reason="cheaper to keep")
    with pytest.raises(NoShipmentNeeded):
        label_create(case=case, actor=agent)
    assert not Label.objects.exists()


def test_easypost_label_is_bought_through_the_sdk(easypost_network, fake_easypost, routed, agent):
    case = routed("US", paid=2500)
    label = label_create(case=case, actor=agent)
    assert label.carrier == "easypost"
    assert label.tracking_number.startswith("9400")
    assert label.carrier_reference.startswith("shp_")
    assert label.tracker_reference.startswith("trk_")
    assert label.label_url.endswith(".pdf")
    # The cheapest rate of the lane's carrier and service: USPS GroundAdvantage at USD 5.99.
    assert (label.cost_minor, label.currency) == (599, "USD")
    created, bought = fake_easypost.requests
    assert created["path"] == "/v2/shipments"
    assert created["authorization"] == "Bearer EZTK_test_key"
    shipment = created["body"]["shipment"]
    assert shipment["reference"] == case.number
    assert shipment["to_address"]["city"] == "Edison"
    assert shipment["from_address"]["city"] == "San Francisco"
    assert "customs_info" not in shipment  # domestic
    assert bought["path"].endswith("/buy")


def test_cross_border_easypost_label_carries_customs_info(
    easypost_network, fake_easypost, make_case, agent
):
    from retour.logistics.models import Lane
    from retour.logistics.services import case_route

    Lane.objects.filter(code="us-to-cn-sz").update(service="GroundAdvantage")
    case = make_case("US", paid=4000)
    case_route(case=case, actor=agent, override_destination="cn-sz", reason="supplier")
    label_create(case=case, actor=agent)
    customs = fake_easypost.requests[0]["body"]["shipment"]["customs_info"]
    assert customs["contents_type"] == "returned_goods"
    (item,) = customs["customs_items"]
    assert item["hs_tariff_number"] == "620520"
    assert item["origin_country"] == "CN"
    assert item["value"] == "40.00"
    assert item["currency"] == "USD"


@pytest.mark.parametrize("failure", [422, 500, "timeout"])
def test_carrier_failure_stores_nothing(easypost_network, fake_easypost, routed, agent, failure):
    case = routed("US")
    events = DomainEvent.objects.count()
    fake_easypost.fail("/shipments", failure)
    with pytest.raises(CarrierError) as raised:
        label_create(case=case, actor=agent)
    assert raised.value.code == "logistics.carrier_error"
    assert not Label.objects.exists()
    assert DomainEvent.objects.count() == events


def test_buy_failure_stores_nothing(easypost_network, fake_easypost, routed, agent):
    case = routed("US")
    fake_easypost.fail("/buy", 422)
    with pytest.raises(CarrierError):
        label_create(case=case, actor=agent)
    assert not Label.objects.exists()


def test_void_refunds_at_easypost_and_frees_the_case(
    easypost_network, fake_easypost, routed, agent
):
    case = routed("US")
    label = label_create(case=case, actor=agent)
    voided = label_void(label=label, actor=agent, reason="wrong size box")
    assert voided.status == LabelStatus.VOIDED
    assert fake_easypost.requests[-1]["path"].endswith(
        f"/shipments/{label.carrier_reference}/refund"
    )
    again = label_create(case=case, actor=agent)
    assert again.pk != label.pk


def test_void_failure_changes_nothing(easypost_network, fake_easypost, routed, agent):
    case = routed("US")
    label = label_create(case=case, actor=agent)
    fake_easypost.fail("/refund", 500)
    with pytest.raises(CarrierError):
        label_void(label=label, actor=agent)
    label.refresh_from_db()
    assert label.status == LabelStatus.CREATED


def test_used_label_cannot_be_voided(network, routed, agent):
    case = routed("DE")
    label = label_create(case=case, actor=agent)
    Label.objects.filter(pk=label.pk).update(status=LabelStatus.IN_USE)
    label.refresh_from_db()
    with pytest.raises(LabelNotVoidable):
        label_void(label=label, actor=agent)


def test_unused_label_expires_and_releases_the_quantities(network, routed, agent, settings):
    settings.LOGISTICS_LABEL_VALID_DAYS = 5
    case = routed("DE")
    label = label_create(case=case, actor=agent)
    assert label.expires_at <= timezone.now() + dt.timedelta(days=5)
    assert labels_expire(now=timezone.now() + dt.timedelta(days=4)) == 0
    later = timezone.now() + dt.timedelta(days=6)
    assert labels_expire(now=later) == 1
    label.refresh_from_db()
    case.refresh_from_db()
    assert label.status == LabelStatus.EXPIRED
    assert case.status in (CaseStatus.EXPIRED, CaseStatus.CANCELED)
    line = case.lines.get()
    assert line.quantity_released == line.quantity_requested
    assert labels_expire(now=later) == 0  # idempotent


def test_expiry_after_the_ship_by_date_expires_the_return(network, routed, agent):
    from retour.returns.models import ReturnCase

    case = routed("DE")
    ship_by = timezone.now() + dt.timedelta(days=3)
    ReturnCase.objects.filter(pk=case.pk).update(expires_at=ship_by)
    case.refresh_from_db()
    label = label_create(case=case, actor=agent)
    assert label.expires_at == ship_by
    labels_expire(now=ship_by + dt.timedelta(hours=1), actor=Actor.system("scheduler"))
    case.refresh_from_db()
    assert case.status == CaseStatus.EXPIRED


def test_polling_easypost_tracking_records_each_scan_once(
    easypost_network, fake_easypost, routed, agent
):
    from retour.logistics.models import TrackingEvent
    from retour.logistics.tracking import label_track_refresh

    case = routed("US")
    label = label_create(case=case, actor=agent)
    shipment = fake_easypost.shipments[label.carrier_reference]
    shipment["tracker"]["tracking_details"].append(
        {
            "object": "TrackingDetail",
            "status": "in_transit",
            "status_detail": "arrived_at_facility",
            "message": "Arrived at USPS facility",
            "datetime": "2026-11-23T09:30:00Z",
            "tracking_location": {"city": "Kearny", "country": "US"},
        }
    )
    assert label_track_refresh(label) == 2
    assert label_track_refresh(label) == 0  # the same scans again: nothing new
    assert TrackingEvent.objects.filter(label=label).count() == 2
    label.refresh_from_db()
    case.refresh_from_db()
    assert label.tracking_status == "in_transit"
    assert case.status == CaseStatus.IN_TRANSIT
    fake_easypost.fail("/trackers/", 500)
    with pytest.raises(CarrierError):
        label_track_refresh(label)
