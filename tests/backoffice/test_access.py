"""The permission matrix: every back-office page and action, for an anonymous visitor, a buyer's
portal session, staff without the permission and staff with it — and that a refused action
changed nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retour.backoffice.views.cases import ACTIONS
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase
from retour.staff.models import CaseNote, CaseTag, SavedView

pytestmark = pytest.mark.django_db

LOGIN = "/backoffice/login/"


def pages(case):
    """(name, url, permission-less role fixture) of every GET page."""
    return [
        ("home", reverse("backoffice:home")),
        ("queue", reverse("backoffice:queue")),
        ("case", reverse("backoffice:case", args=[case.pk])),
    ]


ACTION_POSTS = {
    "approve": {},
    "reject": {"reason": "Worn and washed."},
    "cancel": {"reason": "Buyer asked by phone."},
    "request_evidence": {"message": "Please send a photo of the label."},
    "note": {"text": "Called the buyer."},
    "tag": {"tag": "vip"},
}


def _forbidden(response):
    assert response.status_code == 403
    assert b'id="forbidden"' in response.content


def _to_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("page", ["home", "queue", "case"])
def test_pages_anonymous_go_to_login_and_portal_sessions_are_refused(
    page, case, client, portal_client
):
    url = dict(pages(case))[page]
    _to_login(client.get(url))
    _forbidden(portal_client.get(url))


@pytest.mark.parametrize("page", ["home", "queue", "case"])
def test_pages_refuse_a_non_staff_user(page, case, client, django_user_model):
    user = django_user_model.objects.create_user(username="shopper", password="x")
    client.force_login(user)
    _forbidden(client.get(dict(pages(case))[page]))


@pytest.mark.parametrize("page", ["queue", "case"])
def test_pages_need_the_view_permission(page, case, nobody_client, reader_client):
    url = dict(pages(case))[page]
    _forbidden(nobody_client.get(url))
    response = reader_client.get(url)
    assert response.status_code == 200


def test_home_is_open_to_every_staff_member(nobody_client, agent_client):
    assert nobody_client.get(reverse("backoffice:home")).status_code == 200
    response = agent_client.get(reverse("backoffice:home"))
    assert response.status_code == 200
    assert b'id="home-review"' in response.content


@pytest.mark.parametrize("action", sorted(ACTION_POSTS))
def test_case_actions_matrix(action, case, client, portal_client, reader_client, agent_client):
    url = reverse("backoffice:case_action", args=[case.pk, action])
    data = {**ACTION_POSTS[action], "version": case.version}
    before = (case.status, case.version)

    _to_login(client.post(url, data))
    _forbidden(portal_client.post(url, data))
    _forbidden(reader_client.post(url, data))  # may view, may not change
    case.refresh_from_db()
    assert (case.status, case.version) == before
    assert not CaseNote.objects.exists() and not CaseTag.objects.exists()

    response = agent_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("backoffice:case", args=[case.pk])
    case.refresh_from_db()
    expected = {
        "approve": CaseStatus.APPROVED,
        "reject": CaseStatus.REJECTED,
        "cancel": CaseStatus.CANCELED,
    }.get(action, CaseStatus.PENDING_REVIEW)
    assert case.status == expected
    if action == "note":
        assert CaseNote.objects.get().text == "Called the buyer."
    if action == "request_evidence":
        assert CaseNote.objects.get().kind == CaseNote.Kind.EVIDENCE_REQUEST
    if action == "tag":
        assert list(CaseTag.objects.values_list("tag", flat=True)) == ["vip"]


def test_bulk_matrix(make_case, client, portal_client, reader_client, agent_client):
    cases = [make_case() for _ in range(2)]
    data = {"action": "approve", "cases": [case.pk for case in cases]}
    url = reverse("backoffice:queue_bulk")
    _to_login(client.post(url, data))
    _forbidden(portal_client.post(url, data))
    _forbidden(reader_client.post(url, data))
    assert set(ReturnCase.objects.values_list("status", flat=True)) == {CaseStatus.PENDING_REVIEW}
    assert agent_client.post(url, data).status_code == 200
    assert set(ReturnCase.objects.values_list("status", flat=True)) == {CaseStatus.APPROVED}


def test_saved_views_matrix(client, portal_client, nobody_client, reader_client):
    url = reverse("backoffice:queue_save_view")
    data = {"name": "DE review", "query": "status=pending_review&market=de"}
    _to_login(client.post(url, data))
    _forbidden(portal_client.post(url, data))
    _forbidden(nobody_client.post(url, data))
    assert not SavedView.objects.exists()
    response = reader_client.post(url, data)
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert (view.name, view.query, view.user.username) == ("DE review", data["query"], "reader")


def test_preferences_matrix(client, portal_client, agent_client, agent_user):
    url = reverse("backoffice:preferences")
    data = {"language": "zh-hans", "time_zone": "Asia/Shanghai", "next": "/backoffice/"}
    _to_login(client.post(url, data))
    _forbidden(portal_client.post(url, data))
    response = agent_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == "/backoffice/"
    agent_user.staff_profile.refresh_from_db()
    assert agent_user.staff_profile.language == "zh-hans"
    assert agent_user.staff_profile.time_zone == "Asia/Shanghai"
    page = agent_client.get(reverse("backoffice:home"))
    assert "需要处理".encode() in page.content or page.status_code == 200
    assert b"Asia/Shanghai" in page.content


def test_an_inactive_user_is_logged_out_on_the_next_request(agent_user, agent_client):
    assert agent_client.get(reverse("backoffice:queue")).status_code == 200
    agent_user.is_active = False
    agent_user.save(update_fields=["is_active"])
    _to_login(agent_client.get(reverse("backoffice:queue")))
    # And the session is gone: reactivating does not bring it back.
    agent_user.is_active = True
    agent_user.save(update_fields=["is_active"])
    _to_login(agent_client.get(reverse("backoffice:queue")))


def test_actions_offered_follow_state_and_role(case, agent_client, reader_client):
    url = reverse("backoffice:case", args=[case.pk])
    page = agent_client.get(url).content.decode()
    for action in ("approve", "reject", "cancel", "request_evidence"):
        assert f'id="action-{action}"' in page
    assert 'id="action-override"' not in page  # every rule passed
    assert 'id="no-actions"' not in page
    reader_page = reader_client.get(url).content.decode()
    assert 'id="no-actions"' in reader_page and 'id="action-approve"' not in reader_page

    agent_client.post(
        reverse("backoffice:case_action", args=[case.pk, "reject"]), {"reason": "No."}
    )
    page = agent_client.get(url).content.decode()
    assert 'id="action-approve"' not in page and 'id="action-reject"' not in page
    assert 'id="no-actions"' in page


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_case_action_is_refused_without_the_permission(
    action, case, client, portal_client, nobody_client, reader_client
):
    url = reverse("backoffice:case_action", args=[case.pk, action])
    data = {"reason": "x", "override_reason": "x", "message": "x", "text": "x", "tag": "x"}
    _to_login(client.post(url, data))
    for refused in (portal_client, nobody_client, reader_client):
        _forbidden(refused.post(url, data))
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW and case.version == 1
    assert not CaseNote.objects.exists() and not CaseTag.objects.exists()


def test_deleting_a_saved_view_matrix(client, portal_client, nobody_client, reader_user):
    view = SavedView.objects.create(user=reader_user, name="Mine", query="status=approved")
    url = reverse("backoffice:queue_delete_view", args=[view.pk])
    _to_login(client.post(url))
    _forbidden(portal_client.post(url))
    _forbidden(nobody_client.post(url))
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_get_on_an_action_url_is_not_allowed(case, agent_client):
    response = agent_client.get(reverse("backoffice:case_action", args=[case.pk, "approve"]))
    assert response.status_code == 405
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW


def test_require_warehouse_scopes_staff_to_their_warehouses(staff_user):
    from django.core.exceptions import PermissionDenied

    from retour.backoffice.access import require_warehouse
    from retour.demo import logistics as demo_logistics
    from retour.logistics.models import Warehouse, WarehouseMember

    demo_logistics.load()
    mine, other = Warehouse.objects.order_by("code")[:2]
    operator = staff_user("operator", role="warehouse")
    WarehouseMember.objects.create(warehouse=mine, user=operator)
    require_warehouse(operator, mine)
    require_warehouse(operator, mine.pk)
    with pytest.raises(PermissionDenied):
        require_warehouse(operator, other)
    admin = staff_user("boss", role="admin", superuser=True)
    require_warehouse(admin, other)
