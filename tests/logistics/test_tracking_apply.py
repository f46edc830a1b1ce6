"""Accept now, apply later: an accepted event survives until a drain applies it, applying twice
changes nothing, and pending events are applied in the order they occurred."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from retour.core.models import DomainEvent
from retour.logistics.models import CarrierTask, Label, TrackingEvent, TrackingOutcome
from retour.logistics.services import label_create
from retour.logistics.tasks import tracking_apply_task
from retour.logistics.tracking import PENDING, tracking_apply_pending
from retour.returns.choices import CaseStatus

from .test_tracking import EASYPOST_SECRET, easypost_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.EASYPOST_WEBHOOK_SECRET = EASYPOST_SECRET


@pytest.fixture
def label(network, routed, agent):
    return label_create(case=routed("DE"), actor=agent)


def accept_only(client, body):
    """POST the event; the test's transaction never commits, so the apply task queued after
    commit never runs: the state right after the accept, as if the process died there."""
    data = json.dumps(body).encode()
    key = unicodedata.normalize("NFKD", EASYPOST_SECRET).encode()
    signature = hmac.new(key, data, hashlib.sha256).hexdigest()
    response = client.post(
        reverse("logistics:easypost-webhook"),
        data=data,
        content_type="application/json",
        headers={"X-Hmac-Signature": f"hmac-sha256-hex={signature}"},
    )
    assert response.status_code == 200
    return response.json()["status"]


def effects():
    return (
        list(DomainEvent.objects.order_by("pk").values_list("pk", "type")),
        list(CarrierTask.objects.order_by("pk").values_list("pk", "kind", "status")),
        list(Label.objects.order_by("pk").values_list("tracking_status", "updated_at")),
        list(TrackingEvent.objects.order_by("pk").values_list("pk", "outcome", "label_id")),
    )


def test_accepted_event_survives_until_the_drain_applies_it(client, label):
    body = easypost_body(label, "in_transit")
    assert accept_only(client, body) == "accepted"
    row = TrackingEvent.objects.get()
    assert row.outcome == PENDING
    assert row.label_id == label.pk  # matched at accept, by tracker id
    label.refresh_from_db()
    assert label.tracking_status == "label_created"
    assert label.case.status == CaseStatus.APPROVED
    assert not DomainEvent.objects.filter(type__startswith="logistics.tracking").exists()
    # A redelivery of the pending event is still a duplicate.
    assert accept_only(client, body) == "duplicate"

    call_command("tracking_apply", stdout=open("/dev/null", "w"))  # noqa: SIM115

    row.refresh_from_db()
    label.refresh_from_db()
    label.case.refresh_from_db()
    assert row.outcome == TrackingOutcome.APPLIED
    assert label.tracking_status == "in_transit"
    assert label.case.status == CaseStatus.IN_TRANSIT
    assert DomainEvent.objects.filter(type="logistics.tracking.first_scan").count() == 1


def test_the_task_drains_pending_events(client, label):
    for status in ("in_transit", "failure"):
        accept_only(client, easypost_body(label, status))
    result = tracking_apply_task.enqueue()
    assert result.return_value == 2
    assert not TrackingEvent.objects.filter(outcome=PENDING).exists()
    assert CarrierTask.objects.get().kind == "exception"


def test_applying_twice_changes_nothing(client, label):
    for status in ("in_transit", "failure", "teleported", "delivered"):
        accept_only(client, easypost_body(label, status))
    assert tracking_apply_pending() == 4
    before = effects()
    assert tracking_apply_pending() == 0
    call_command("tracking_apply", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert effects() == before
    assert DomainEvent.objects.filter(type="logistics.tracking.warehouse_delivery").count() == 1
    assert sorted(CarrierTask.objects.values_list("kind", flat=True)) == ["exception", "review"]


def test_pending_events_are_applied_in_the_order_they_occurred(client, label):
    # Delivered arrives first, its earlier in-transit scan second: both pending at the drain.
    delivered = easypost_body(label, "delivered", when="2026-11-23T15:00:00Z")
    scan = easypost_body(label, "in_transit", when="2026-11-23T09:00:00Z")
    accept_only(client, delivered)
    accept_only(client, scan)
    assert tracking_apply_pending() == 2
    outcomes = dict(TrackingEvent.objects.values_list("event_id", "outcome"))
    # Applied by occurrence, the scan comes first: it is the first scan, not a stale event.
    assert outcomes == {scan["id"]: "applied", delivered["id"]: "applied"}
    label.refresh_from_db()
    assert label.first_scan_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert label.delivered_at == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert label.tracking_status == "delivered"
    # A scan that arrives after the delivery was applied is stale, as before.
    late = easypost_body(label, "in_transit", when="2026-11-23T10:00:00Z")
    accept_only(client, late)
    tracking_apply_pending()
    assert TrackingEvent.objects.get(event_id=late["id"]).outcome == TrackingOutcome.STALE
    label.refresh_from_db()
    assert label.tracking_status == "delivered"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_claimed_event_is_skipped_by_a_concurrent_drain(client, label, network, routed, agent):
    """SKIP LOCKED: while one drain holds an event (here: another connection's open
    transaction), a second drain applies the others and leaves that one pending; it is applied
    once the first releases it."""
    import threading

    from django.db import connection, transaction

    other = label_create(case=routed("DE"), actor=agent)
    held_body = easypost_body(label, "in_transit")
    accept_only(client, held_body)
    accept_only(client, easypost_body(other, "in_transit"))
    # Committed (transaction=True) and the immediate task ran: make both pending again.
    TrackingEvent.objects.update(outcome=PENDING)
    held_pk = TrackingEvent.objects.get(event_id=held_body["id"]).pk
    claimed, release, errors = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                TrackingEvent.objects.select_for_update().filter(pk=held_pk).get()
                claimed.set()
                release.wait(10)
        except Exception as error:  # pragma: no cover (reported below)
            errors.append(error)
            claimed.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    claimed.wait(10)
    try:
        assert tracking_apply_pending() == 1
        assert list(TrackingEvent.objects.filter(outcome=PENDING).values_list("pk", flat=True)) == [
            held_pk
        ]
    finally:
        release.set()
        thread.join()
    assert not errors
    assert tracking_apply_pending() == 1
    assert not TrackingEvent.objects.filter(outcome=PENDING).exists()
