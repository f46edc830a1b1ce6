"""Back-office logistics: the network scoped to the user's warehouses, the case panel (routing
comparison, label, tracking, tasks) and its actions; refused actions change nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from retour.backoffice.access import OTP_SESSION_KEY
from retour.logistics.models import (
    CarrierTask,
    Label,
    LabelStatus,
    RoutingDecision,
    WarehouseMember,
)
from retour.logistics.selectors import warehouses_for_user
from retour.logistics.services import label_create

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[OTP_SESSION_KEY] = user.pk
    session.save()
    return client


@pytest.fixture
def admin(staff_user):
    return staff_user("ops", role="admin", superuser=True)


@pytest.fixture
def admin_client(admin):
    return client_for(admin)


def test_warehouses_for_user_is_scoped_by_membership(network, staff_user, admin):
    operator = staff_user("picker", role="warehouse")
    assert list(warehouses_for_user(operator)) == []
    WarehouseMember.objects.create(warehouse=network["eu-pl"], user=operator)
    assert [place.code for place in warehouses_for_user(operator)] == ["eu-pl"]
    assert warehouses_for_user(admin).count() == len(network)
    from django.contrib.auth.models import AnonymousUser, Permission

    assert list(warehouses_for_user(AnonymousUser())) == []
    agent = staff_user("helper", role="agent")
    agent.user_permissions.add(Permission.objects.get(codename="access_all_warehouses"))
    from django.contrib.auth import get_user_model

    agent = get_user_model().objects.get(pk=agent.pk)  # fresh permission cache
    assert warehouses_for_user(agent).count() == len(network)


def test_home_lists_only_the_operators_warehouses(network, staff_user):
    operator = staff_user("picker", role="warehouse")
    WarehouseMember.objects.create(warehouse=network["eu-pl"], user=operator)
    response = client_for(operator).get(reverse("backoffice:logistics_home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kestrel EU Returns Hub" in body
    assert "Kestrel Returns East" not in body
    assert "eu-pl-to-cn-sz" in body


def test_case_panel_shows_the_comparison_and_the_actions(admin_client, network, routed):
    case = routed("DE")
    response = admin_client.get(reverse("backoffice:case", args=[case.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="logistics"' in body
    assert "eu-pl" in body and "cn-sz" in body
    assert reverse("backoffice:logistics_case_label", args=[case.pk]) in body


def test_staff_override_route_label_documents_and_void(admin_client, network, routed):
    case = routed("US")
    url = reverse("backoffice:logistics_case_route", args=[case.pk])
    response = admin_client.post(url, {"destination": "cn-sz", "reason": "supplier recall"})
    assert response.status_code == 302
    decision = RoutingDecision.objects.filter(case_id=case.pk).order_by("-id").first()
    assert (decision.source, decision.destination.code) == ("staff", "cn-sz")
    response = admin_client.post(reverse("backoffice:logistics_case_label", args=[case.pk]))
    assert response.status_code == 302
    label = Label.objects.get(case_id=case.pk)
    for kind in ("label", "slip", "customs"):
        response = admin_client.get(
            reverse("backoffice:logistics_case_document", args=[case.pk, kind])
        )
        assert response.status_code == 200, kind
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    response = admin_client.post(
        reverse("backoffice:logistics_label_void", args=[label.pk]), {"reason": "box"}
    )
    label.refresh_from_db()
    assert label.status == LabelStatus.VOIDED


def test_refused_override_shows_the_error_and_stores_nothing(admin_client, network, routed):
    case = routed("DE")
    count = RoutingDecision.objects.count()
    response = admin_client.post(
        reverse("backoffice:logistics_case_route", args=[case.pk]),
        {"destination": "us-nj", "reason": "why not"},
        follow=True,
    )
    assert "No lane reaches this destination" in response.content.decode()
    assert RoutingDecision.objects.count() == count


def test_agent_with_view_only_cannot_act(network, routed, staff_user):
    case = routed("DE")
    agent = staff_user("viewer", role="read-only")
    client = client_for(agent)
    count = RoutingDecision.objects.count()
    response = client.post(
        reverse("backoffice:logistics_case_route", args=[case.pk]),
        {"destination": "cn-sz", "reason": "x"},
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("backoffice:logistics_case_label", args=[case.pk])).status_code == 403
    )
    assert RoutingDecision.objects.count() == count
    assert not Label.objects.exists()


def test_tasks_are_listed_and_closed(admin_client, network, routed, agent):
    case = routed("DE")
    label = label_create(case=case, actor=agent)
    task = CarrierTask.objects.create(
        kind="customs_hold", label=label, case=case, summary="Held in customs: test"
    )
    body = admin_client.get(reverse("backoffice:logistics_home")).content.decode()
    assert "Held in customs: test" in body
    admin_client.post(
        reverse("backoffice:logistics_task_resolve", args=[task.pk]), {"note": "paid duties"}
    )
    task.refresh_from_db()
    assert task.status == "done"
    assert task.resolution_note == "paid duties"


def test_warehouse_operator_cannot_close_another_warehouses_task(
    network, routed, agent, staff_user
):
    from django.contrib.auth.models import Permission

    case = routed("DE")
    label = label_create(case=case, actor=agent)
    task = CarrierTask.objects.create(kind="exception", label=label, case=case, summary="x")
    operator = staff_user("picker", role="warehouse")
    operator.user_permissions.add(Permission.objects.get(codename="change_carriertask"))
    WarehouseMember.objects.create(warehouse=network["us-nj"], user=operator)
    response = client_for(operator).post(
        reverse("backoffice:logistics_task_resolve", args=[task.pk]), {"note": "no"}
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "open"
