"""Claims in the back office: the queue, the claim page and its decisions, with the same
permission matrix as returns."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retour.core.actors import Actor
from retour.returns import services
from retour.returns.choices import ClaimKind, ClaimResolution, ClaimStatus
from retour.returns.types import ClaimLineRequest
from tests.returns.factories import order_lines, shipped_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    order = shipped_order((2,))
    line = order_lines(order)[0]
    return services.claim_open(
        order=order,
        actor=Actor.customer(order.customer_id),
        kind=ClaimKind.DAMAGED,
        resolution=ClaimResolution.REFUND,
        lines=[ClaimLineRequest(line.pk, 1, "arrived_broken")],
    )


def test_claim_pages_matrix(claim, client, portal_client, nobody_client, reader_client):
    for url in (reverse("backoffice:claims"), reverse("backoffice:claim", args=[claim.pk])):
        assert client.get(url).status_code == 302
        assert portal_client.get(url).status_code == 403
        assert nobody_client.get(url).status_code == 403
        response = reader_client.get(url)
        assert response.status_code == 200 and claim.number in response.content.decode()
    assert (
        'id="no-actions"'
        in reader_client.get(reverse("backoffice:claim", args=[claim.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("action", "data", "status"),
    [
        ("approve", {}, ClaimStatus.APPROVED),
        ("deny", {"reason": "Photo shows use."}, ClaimStatus.DENIED),
    ],
)
def test_claim_decisions_matrix(
    claim, client, portal_client, reader_client, agent_client, action, data, status
):
    url = reverse("backoffice:claim_action", args=[claim.pk, action])
    assert client.post(url, data).status_code == 302
    assert portal_client.post(url, data).status_code == 403
    assert reader_client.post(url, data).status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN
    response = agent_client.post(url, data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == status


def test_denying_without_a_reason_is_refused_plainly(claim, agent_client):
    response = agent_client.post(reverse("backoffice:claim_action", args=[claim.pk, "deny"]), {})
    assert response.status_code == 409
    assert "returns.reason_required" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN


def test_the_claim_queue_filters_by_status(claim, agent_client):
    assert claim.number in agent_client.get(reverse("backoffice:claims")).content.decode()
    approved = agent_client.get(reverse("backoffice:claims"), {"status": "approved"})
    assert claim.number not in approved.content.decode()
