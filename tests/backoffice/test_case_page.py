"""The case page: what it shows (order, eligibility, timeline, history, notes, times in two
zones) and its actions through the services, with refusals shown plainly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from retour.core.actors import Actor
from retour.core.models import DomainEvent
from retour.returns.choices import CaseStatus, Resolution, ReturnMethod
from retour.returns.models import ReturnCase
from retour.returns.services import case_create
from retour.returns.types import LineRequest
from retour.staff.models import CaseNote, StaffProfile
from tests.returns.factories import order_lines, shipped_order

pytestmark = pytest.mark.django_db


def page_of(client, case) -> str:
    response = client.get(reverse("backoffice:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def act(client, case, action, **data):
    return client.post(reverse("backoffice:case_action", args=[case.pk, action]), data)


def damaged_case() -> ReturnCase:
    """A return whose photo rule failed (reason "arrived_damaged", no photo): needs an override."""
    order = shipped_order((1,))
    return case_create(
        order=order,
        actor=Actor.customer(order.customer_id),
        lines=[
            LineRequest(order_line_id=line.pk, quantity=1, reason_code="arrived_damaged")
            for line in order_lines(order)
        ],
        requested_resolution=Resolution.REFUND,
        return_method=ReturnMethod.LABEL,
    )


def test_the_page_shows_order_lines_eligibility_timeline_and_history(make_case, agent_client):
    case = make_case(quantities=(2, 1))
    earlier = ReturnCase.objects.create(
        number="R-OLDER-00001",
        order=case.order,
        customer=case.customer,
        channel="portal",
        requested_resolution="refund",
        return_method="label",
        currency="EUR",
        status=CaseStatus.CLOSED,
    )
    ReturnCase.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - dt.timedelta(days=60)
    )
    page = page_of(agent_client, case)
    assert case.number in page and case.order.number in page
    for line in case.order.lines.all():
        assert line.sku in page
    assert 'id="eligibility"' in page and "eligibility.delivered.ok" in page
    assert "Return requested for 2 units." in page  # the timeline, rendered for staff
    assert 'id="history-30">1<' in page  # this return only
    assert 'id="history-90">2<' in page  # and the one 60 days ago
    assert "R-OLDER-00001" in page


def test_times_are_shown_in_the_agent_zone_and_the_buyer_zone(case, agent_client, agent_user):
    StaffProfile.objects.create(user=agent_user, time_zone="Asia/Shanghai")
    page = page_of(agent_client, case)
    shanghai = timezone.localtime(case.submitted_at, dt.timezone(dt.timedelta(hours=8)))
    berlin = case.submitted_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert shanghai.strftime("%Y-%m-%d %H:%M") in page
    assert f"buyer {berlin.strftime('%m-%d %H:%M')}" in page
    assert "Asia/Shanghai" in page


def test_approve_goes_through_the_service_and_records_the_agent(case, agent_client, agent_user):
    response = act(agent_client, case, "approve", version=case.version)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    event = DomainEvent.objects.filter(aggregate_id=case.pk, type="returns.case.approved").get()
    assert (event.actor_kind, event.actor_id) == ("staff", agent_user.pk)
    page = agent_client.get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert f"Return {case.number} approved." in page


def test_a_stale_version_is_refused_with_the_service_message(case, agent_client):
    act(agent_client, case, "note", text="First look.")
    stale = case.version - 1
    response = act(agent_client, case, "approve", version=stale)
    assert response.status_code == 409
    assert "changed in the meantime" in response.content.decode()
    assert "returns.stale_version" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW


def test_reject_needs_a_reason(case, agent_client):
    response = act(agent_client, case, "reject", reason="  ", version=case.version)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW
    act(agent_client, case, "reject", reason="Worn.", version=case.version)
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED


def test_an_action_the_state_no_longer_allows_is_refused_plainly(case, agent_client):
    act(agent_client, case, "cancel", version=case.version)
    response = act(agent_client, case, "approve")
    assert response.status_code == 409
    assert 'id="action-error"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELED


def test_failed_rules_offer_only_the_override_which_needs_a_reason(agent_client, agent_user):
    case = damaged_case()
    page = page_of(agent_client, case)
    assert 'id="action-override"' in page and 'id="action-approve"' not in page
    assert "eligibility.evidence.missing" in page
    # A plain approve is not offered and is refused if posted anyway.
    assert act(agent_client, case, "approve").status_code == 409
    assert act(agent_client, case, "override", override_reason="").status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW
    response = act(agent_client, case, "override", override_reason="Photo sent by e-mail.")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert (case.override_reason, case.override_by_id) == ("Photo sent by e-mail.", agent_user.pk)


def test_notes_tags_and_evidence_requests(case, agent_client):
    act(agent_client, case, "note", text="Buyer called twice.")
    act(agent_client, case, "request_evidence", message="A photo of the damage, please.")
    act(agent_client, case, "tag", tag="VIP")
    assert act(agent_client, case, "tag", tag="not a tag!").status_code == 409
    page = page_of(agent_client, case)
    assert "Buyer called twice." in page and "A photo of the damage, please." in page
    assert '<span class="bo-tag">vip</span>' in page
    kinds = list(CaseNote.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["note", "evidence_request"]
    published = DomainEvent.objects.get(type="staff.evidence_requested")
    assert published.aggregate_id == case.pk and published.reason.startswith("A photo")
    # Notes stay internal: the buyer's timeline of the return does not list them.
    from retour.returns.selectors import case_timeline

    buyer_view = case_timeline(case=case, language="en", audience="customer")
    assert all("staff." not in entry.type for entry in buyer_view)
    act(agent_client, case, "untag", tag="vip")
    assert '<span class="bo-tag">vip</span>' not in page_of(agent_client, case)
    assert act(agent_client, case, "note", text=" ").status_code == 400


def test_an_unknown_case_or_action_is_a_404(agent_client, case):
    assert agent_client.get(reverse("backoffice:case", args=[999999])).status_code == 404
    assert act(agent_client, case, "explode").status_code == 404
