"""The read-mostly admin screens render, search, and refuse adding and deleting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retour.returns import services
from retour.returns.types import ClaimLineRequest
from tests.returns.factories import order_lines, submit_case


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user("boss", superuser=True))
    return client


@pytest.fixture
def records(order, buyer, agent):
    case = submit_case(order, buyer)
    shirt, _cap = order_lines(order)
    claim = services.claim_open(
        order=order,
        actor=buyer,
        kind="damaged",
        resolution="refund",
        lines=[ClaimLineRequest(shirt.pk, 1, "broken")],
    )
    return case, claim


@pytest.mark.parametrize("model", ["returncase", "claim", "exchange", "orderlineledger"])
def test_changelists_render(admin_client, records, model):
    response = admin_client.get(reverse(f"admin:returns_{model}_changelist"))
    assert response.status_code == 200


def test_case_search_by_number_and_email_and_detail_with_timeline(admin_client, records, order):
    case, _claim = records
    url = reverse("admin:returns_returncase_changelist")

    for term in (case.number, order.email, order.number):
        response = admin_client.get(url, {"q": term})
        assert case.number in response.content.decode(), term

    detail = admin_client.get(reverse("admin:returns_returncase_change", args=[case.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "Return requested for 2 units." in body
    assert 'name="status"' not in body  # read-only: no status field to edit


def test_claim_detail_shows_its_timeline(admin_client, records):
    _case, claim = records
    detail = admin_client.get(reverse("admin:returns_claim_change", args=[claim.pk]))
    assert "Claim opened for 1 unit." in detail.content.decode()


def test_nothing_can_be_added_or_deleted(admin_client, records):
    case, _claim = records
    assert admin_client.get(reverse("admin:returns_returncase_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:returns_returncase_delete", args=[case.pk])).status_code
        == 403
    )


def test_case_list_shows_market_and_track_and_filters_by_them(admin_client, records):
    case, _claim = records
    url = reverse("admin:returns_returncase_changelist")
    body = admin_client.get(
        url, {"track": case.track, "market__id__exact": case.market_id}
    ).content.decode()
    assert case.number in body
    assert str(case.market) in body
    assert str(case.get_track_display()) in body
    other_track = next(
        value for value, _label in type(case).track.field.choices if value != case.track
    )
    assert case.number not in admin_client.get(url, {"track": other_track}).content.decode()
