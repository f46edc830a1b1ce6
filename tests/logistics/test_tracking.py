"""Tracking webhooks: signatures, mapping of every upstream status, idempotency by event id,
no regression after delivery, effects on the return, tasks for exceptions and customs holds."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import unicodedata

import pytest
from django.test import TestCase
from django.urls import reverse

from retour.core.models import DomainEvent
from retour.logistics import views
from retour.logistics.models import (
    CarrierTask,
    Label,
    LabelStatus,
    TaskKind,
    TrackingEvent,
    TrackingOutcome,
    TrackingStatus,
)
from retour.logistics.services import label_create
from retour.logistics.tracking import (
    AFTERSHIP_SUBTAG,
    AFTERSHIP_TAG,
    EASYPOST_STATUS,
    normalise_aftership,
    normalise_easypost,
)
from retour.returns.choices import CaseStatus

pytestmark = pytest.mark.django_db

EASYPOST_SECRET = "ep-webhook-secret-ü"
AFTERSHIP_SECRET = "as-webhook-secret"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.EASYPOST_WEBHOOK_SECRET = EASYPOST_SECRET
    settings.AFTERSHIP_WEBHOOK_SECRET = AFTERSHIP_SECRET


def easypost_body(label, status, detail="", *, event_id=None, when="2026-11-23T10:00:00Z"):
    return {
        "id": event_id or f"evt_{next(_ids):012d}",
        "object": "Event",
        "mode": "test",
        "description": "tracker.updated",
        "status": "completed",
        "result": {
            "id": label.tracker_reference or "trk_unknown",
            "object": "Tracker",
            "tracking_code": label.tracking_number,
            "carrier": label.carrier_name,
            "status": status,
            "status_detail": detail,
            "updated_at": when,
            "tracking_details": [
                {
                    "object": "TrackingDetail",
                    "status": status,
                    "status_detail": detail,
                    "message": f"Carrier says {status}",
                    "datetime": when,
                    "tracking_location": {"city": "Edison", "state": "NJ", "country": "US"},
                }
            ],
        },
    }


def aftership_body(label, tag, subtag="", *, event_id=None):
    return {
        "event": "tracking_update",
        "event_id": event_id or f"4ee5a2b0-0000-4000-8000-{next(_ids):012d}",
        "is_tracking_first_tag": False,
        "ts": 1795000000,
        "msg": {
            "id": "as-trk-1",
            "tracking_number": label.tracking_number,
            "slug": label.carrier_name.lower(),
            "tag": tag,
            "subtag": subtag or f"{tag}_001",
            "checkpoints": [
                {
                    "checkpoint_time": "2026-11-23T09:00:00+01:00",
                    "message": "Parcel update",
                    "location": "Stryków, PL",
                }
            ],
        },
    }


def post_easypost(client, body, secret=EASYPOST_SECRET, raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    # EasyPost signs with the NFKD form of the secret (as its SDK's validate_webhook checks).
    key = unicodedata.normalize("NFKD", secret).encode()
    signature = hmac.new(key, data, hashlib.sha256).hexdigest()
    # The test's transaction never commits: run the after-commit work (queueing the apply task,
    # which the test settings run at once) as the request's commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("logistics:easypost-webhook"),
            data=data,
            content_type="application/json",
            headers={"X-Hmac-Signature": f"hmac-sha256-hex={signature}"},
        )


def post_aftership(client, body, secret=AFTERSHIP_SECRET):
    data = json.dumps(body).encode()
    digest = hmac.new(secret.encode(), data, hashlib.sha256).digest()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("logistics:aftership-webhook"),
            data=data,
            content_type="application/json",
            headers={"aftership-hmac-sha256": base64.b64encode(digest).decode()},
        )


@pytest.fixture
def label(network, routed, agent):
    case = routed("DE")
    return label_create(case=case, actor=agent)


# Mapping ------------------------------------------------------------------------------------


def test_every_upstream_status_maps_to_a_defined_state():
    known = set(TrackingStatus.values)
    for status in EASYPOST_STATUS:
        assert normalise_easypost(status) in known
    for tag in AFTERSHIP_TAG:
        assert normalise_aftership(tag) in known
    for subtag in AFTERSHIP_SUBTAG:
        assert normalise_aftership("Exception", subtag) in known
    assert normalise_easypost("cancelled") == normalise_easypost("canceled") == "exception"
    assert normalise_aftership("Exception", "Exception_004") == "customs_hold"
    assert normalise_aftership("Exception", "Exception_013") == "lost"
    assert normalise_easypost("teleported") == "needs_review"
    assert normalise_aftership("Teleported") == "needs_review"


# Signatures ---------------------------------------------------------------------------------


def test_easypost_signature_is_required_and_checked(client, label):
    body = easypost_body(label, "in_transit")
    assert post_easypost(client, body, secret="wrong").status_code == 401
    response = client.post(
        reverse("logistics:easypost-webhook"), data=body, content_type="application/json"
    )
    assert response.status_code == 401
    data = json.dumps(body).encode()
    key = unicodedata.normalize("NFKD", EASYPOST_SECRET).encode()
    signature = hmac.new(key, data, hashlib.sha256).hexdigest()
    reserialised = json.dumps(body, indent=2).encode()  # same JSON, other bytes
    response = client.post(
        reverse("logistics:easypost-webhook"),
        data=reserialised,
        content_type="application/json",
        headers={"X-Hmac-Signature": f"hmac-sha256-hex={signature}"},
    )
    assert response.status_code == 401
    assert not TrackingEvent.objects.exists()


def test_aftership_signature_mismatch_is_refused(client, label):
    body = aftership_body(label, "InTransit")
    assert post_aftership(client, body, secret="other").status_code == 401
    assert not TrackingEvent.objects.exists()


def test_signatures_are_compared_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(views.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    assert views.aftership_signature_valid(b"{}", "abc", "secret") is False
    assert calls


def test_malformed_and_oversized_bodies(client, label):
    assert post_easypost(client, None, raw=b"not json").status_code == 400
    assert (
        post_easypost(client, {"id": "evt_1", "description": "tracker.updated"}).status_code == 400
    )
    big = b"{" + b" " * (views.MAX_BODY_BYTES + 10) + b"}"
    assert post_easypost(client, None, raw=big).status_code == 413
    assert not TrackingEvent.objects.exists()


def test_other_easypost_events_are_acknowledged_and_ignored(client, label):
    body = {"id": "evt_batch", "object": "Event", "description": "batch.updated", "result": {}}
    response = post_easypost(client, body)
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"


# Effects ------------------------------------------------------------------------------------


def outcome_of(body) -> str:
    """The stored outcome of an event (the webhook only accepts; a task applies)."""
    return TrackingEvent.objects.get(event_id=body.get("id") or body.get("event_id")).outcome


def test_first_scan_moves_the_return_in_transit(client, label):
    body = easypost_body(label, "in_transit")
    response = post_easypost(client, body)
    assert response.status_code == 200
    assert response.json() == {"status": "accepted"}
    assert outcome_of(body) == TrackingOutcome.APPLIED
    label.refresh_from_db()
    case = label.case
    case.refresh_from_db()
    assert label.status == LabelStatus.IN_USE
    assert label.tracking_status == "in_transit"
    assert label.first_scan_at is not None
    assert case.status == CaseStatus.IN_TRANSIT
    scan = DomainEvent.objects.get(type="logistics.tracking.first_scan")
    assert scan.payload["case_id"] == case.pk
    assert DomainEvent.objects.filter(type="returns.case.in_transit").count() == 1
    # A second scan is stored but does not repeat the first-scan effects.
    post_easypost(client, easypost_body(label, "in_transit"))
    assert DomainEvent.objects.filter(type="logistics.tracking.first_scan").count() == 1
    assert TrackingEvent.objects.count() == 2


def test_duplicate_event_ids_are_ignored(client, label):
    body = easypost_body(label, "in_transit", event_id="evt_same")
    first = post_easypost(client, body)
    second = post_easypost(client, body)
    assert first.json()["status"] == "accepted"
    assert second.status_code == 200
    assert second.json()["status"] == "duplicate"
    assert TrackingEvent.objects.count() == 1
    assert DomainEvent.objects.filter(type="logistics.tracking.first_scan").count() == 1


def test_late_in_transit_never_undoes_delivered(client, label):
    post_easypost(client, easypost_body(label, "in_transit"))
    post_easypost(client, easypost_body(label, "delivered"))
    body = easypost_body(label, "in_transit", when="2026-11-22T08:00:00Z")
    late = post_easypost(client, body)
    assert late.json() == {"status": "accepted"}
    assert outcome_of(body) == TrackingOutcome.STALE
    label.refresh_from_db()
    assert label.tracking_status == "delivered"
    assert label.delivered_at is not None
    delivery = DomainEvent.objects.get(type="logistics.tracking.warehouse_delivery")
    assert delivery.payload["warehouse"] == "eu-pl"
    assert delivery.payload["case_id"] == label.case_id


def test_delivery_as_first_event_also_counts_as_first_scan(client, label):
    post_aftership(client, aftership_body(label, "Delivered"))
    label.case.refresh_from_db()
    assert label.case.status == CaseStatus.IN_TRANSIT
    types = set(DomainEvent.objects.values_list("type", flat=True))
    assert {"logistics.tracking.first_scan", "logistics.tracking.warehouse_delivery"} <= types


def test_exception_and_customs_hold_open_one_task_each(client, label):
    post_aftership(client, aftership_body(label, "InTransit"))
    post_aftership(client, aftership_body(label, "Exception", "Exception_004"))
    post_aftership(client, aftership_body(label, "Exception", "Exception_004"))
    post_easypost(client, easypost_body(label, "failure", "address_not_found"))
    kinds = sorted(CarrierTask.objects.values_list("kind", flat=True))
    assert kinds == [TaskKind.CUSTOMS_HOLD, TaskKind.EXCEPTION]
    task = CarrierTask.objects.get(kind=TaskKind.CUSTOMS_HOLD)
    assert task.case_id == label.case_id
    assert "Exception_004" in task.summary
    # The parcel moves on after the hold: in transit again, then delivered.
    post_aftership(client, aftership_body(label, "InTransit"))
    label.refresh_from_db()
    assert label.tracking_status == "in_transit"


def test_unknown_status_goes_to_review_without_changing_anything(client, label):
    body = easypost_body(label, "teleported")
    response = post_easypost(client, body)
    assert response.status_code == 200
    assert outcome_of(body) == TrackingOutcome.REVIEW
    label.refresh_from_db()
    assert label.tracking_status == "label_created"
    assert label.status == LabelStatus.CREATED
    event = TrackingEvent.objects.get()
    assert event.status == "needs_review"
    assert CarrierTask.objects.get().kind == TaskKind.REVIEW


def test_unmatched_tracking_number_is_stored(client, label):
    label.tracking_number = "NOT-OURS"
    label.tracker_reference = ""
    body = easypost_body(label, "in_transit")
    post_easypost(client, body)
    assert outcome_of(body) == TrackingOutcome.UNMATCHED
    assert TrackingEvent.objects.get().label is None


def test_recycled_tracking_code_reaches_the_right_label(client, network, routed, agent):
    old_case = routed("DE")
    old = label_create(case=old_case, actor=agent)
    new_case = routed("DE")
    new = label_create(case=new_case, actor=agent)
    Label.objects.filter(pk=old.pk).update(
        tracking_number="9400RECYCLED",
        tracker_reference="trk_old",
        tracking_status="delivered",
        carrier="easypost",
    )
    Label.objects.filter(pk=new.pk).update(
        tracking_number="9400RECYCLED", tracker_reference="trk_new", carrier="easypost"
    )
    new.refresh_from_db()
    post_easypost(client, easypost_body(new, "in_transit"))
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.tracking_status == "in_transit"
    assert old.tracking_status == "delivered"
    new_case.refresh_from_db()
    assert new_case.status == CaseStatus.IN_TRANSIT
