"""The queue: each filter, due-time order, saved views, bulk decisions with a result per item,
and a bounded number of queries per page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from retour.core.actors import Actor
from retour.returns.choices import CaseStatus, Resolution, ReturnMethod
from retour.returns.models import ReturnCase
from retour.returns.services import case_create
from retour.returns.types import LineRequest
from retour.staff.models import SavedView
from tests.orders.factories import CustomerFactory, StoreFactory
from tests.returns.factories import order_lines, shipped_order

pytestmark = pytest.mark.django_db
QUEUE = "/backoffice/queue/"


def numbers(response) -> list[str]:
    return [row["case"].number for row in response.context["rows"]]


def returned(order, reason: str = "size_too_small", quantity: int = 1, **kwargs) -> ReturnCase:
    return case_create(
        order=order,
        actor=Actor.customer(order.customer_id),
        lines=[
            LineRequest(order_line_id=line.pk, quantity=quantity, reason_code=reason)
            for line in order_lines(order)
        ],
        requested_resolution=Resolution.REFUND,
        return_method=ReturnMethod.LABEL,
        **kwargs,
    )


def test_default_view_is_pending_review_oldest_due_first(make_case, agent_client):
    first, second, third = make_case(), make_case(), make_case()
    ReturnCase.objects.filter(pk=second.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=3)
    )
    ReturnCase.objects.filter(pk=third.pk).update(status=CaseStatus.APPROVED)
    response = agent_client.get(QUEUE)
    assert numbers(response) == [second.number, first.number]
    assert response.context["count"] == 2
    assert b"bo-overdue" in response.content  # the one submitted three days ago is past its SLA
    newest = agent_client.get(QUEUE, {"status": "pending_review", "sort": "-due"})
    assert numbers(newest) == [first.number, second.number]
    every = agent_client.get(QUEUE, {"status": ""})
    assert sorted(numbers(every)) == sorted([first.number, second.number, third.number])


def test_filters_market_store_language_reason_value_tag_and_number(make_case, agent_client):
    store = StoreFactory(code="nordic")
    german = make_case()  # DE, EUR, buyer language de, reason size_too_small, 1 × 10.00
    french_order = shipped_order(
        (1,),
        destination_country="FR",
        store=store,
        customer=CustomerFactory(locale="fr", country="FR"),
    )
    french = returned(french_order, reason="colour_differs")
    expensive = returned(shipped_order((5,)), quantity=5)
    agent_client.post(reverse("backoffice:case_action", args=[expensive.pk, "tag"]), {"tag": "vip"})

    def only(params):
        return sorted(numbers(agent_client.get(QUEUE, {"status": "", **params})))

    assert only({"market": "fr"}) == [french.number]
    assert only({"store": "nordic"}) == [french.number]
    assert only({"language": "fr"}) == [french.number]
    assert only({"reason": "colour_differs"}) == [french.number]
    assert only({"tag": "vip"}) == [expensive.number]
    assert only({"q": german.number.lower()}) == [german.number]
    assert only({"q": french_order.number}) == [french.number]
    # Requested value: 5 units requested against 1 unit for the others.
    expensive_value = sum(
        line.quantity_requested * line.unit_basis["net_minor"] for line in expensive.lines.all()
    )
    threshold = expensive_value / 100
    assert only({"value_min": str(threshold)}) == [expensive.number]
    assert set(only({"value_min": "0"})) == {german.number, french.number, expensive.number}


def test_due_before_filter(make_case, agent_client):
    old, new = make_case(), make_case()
    ReturnCase.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=5))
    limit = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")
    response = agent_client.get(QUEUE, {"status": "pending_review", "due_before": limit})
    assert numbers(response) == [old.number]
    assert new.number not in response.content.decode()


def test_invalid_filters_are_reported_not_crashing(agent_client):
    response = agent_client.get(QUEUE, {"status": "nonsense", "value_min": "-3"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"status", "value_min"}
    assert response.context["rows"] == []


def test_saved_views_are_private_and_reload_the_filters(agent_client, reader_client):
    query = "status=approved&market=de"
    agent_client.post(
        reverse("backoffice:queue_save_view"), {"name": "DE approved", "query": query}
    )
    page = agent_client.get(QUEUE).content.decode()
    assert f'href="?{query.replace("&", "&amp;")}"' in page
    assert "DE approved" not in reader_client.get(QUEUE).content.decode()
    view = SavedView.objects.get()
    agent_client.post(reverse("backoffice:queue_delete_view", args=[view.pk]))
    assert not SavedView.objects.exists()


def test_bulk_approve_reports_each_item(make_case, agent_client):
    ok_one, ok_two = make_case(), make_case()
    decided = make_case()
    agent_client.post(
        reverse("backoffice:case_action", args=[decided.pk, "reject"]), {"reason": "No."}
    )
    response = agent_client.post(
        reverse("backoffice:queue_bulk"),
        {"action": "approve", "cases": [ok_one.pk, decided.pk, ok_two.pk, 999999]},
    )
    assert response.status_code == 200
    results = {result["id"]: result for result in response.context["bulk_results"]}
    assert results[ok_one.pk]["ok"] and results[ok_two.pk]["ok"]
    assert not results[decided.pk]["ok"]
    assert results[decided.pk]["code"] == "returns.case.invalid_transition"
    assert not results[999999]["ok"]
    assert response.context["bulk_done"] == 2 and response.context["bulk_failed"] == 2
    statuses = dict(ReturnCase.objects.values_list("pk", "status"))
    assert statuses[ok_one.pk] == statuses[ok_two.pk] == CaseStatus.APPROVED
    assert statuses[decided.pk] == CaseStatus.REJECTED


def test_bulk_reject_needs_a_reason_and_changes_nothing_without(make_case, agent_client):
    case = make_case()
    response = agent_client.post(
        reverse("backoffice:queue_bulk"), {"action": "reject", "cases": [case.pk]}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW
    response = agent_client.post(
        reverse("backoffice:queue_bulk"),
        {"action": "reject", "cases": [case.pk], "reason": "Used item."},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    assert response.context["bulk_results"][0]["ok"]


def test_bulk_approve_of_a_case_with_failed_rules_asks_for_an_override(agent_client):
    order = shipped_order((1,))
    case = returned(order, reason="arrived_damaged")  # needs a photo: a rule fails
    assert case.eligibility_snapshot["failed"]
    response = agent_client.post(
        reverse("backoffice:queue_bulk"), {"action": "approve", "cases": [case.pk]}
    )
    result = response.context["bulk_results"][0]
    assert not result["ok"] and result["code"] == "returns.override_reason_required"
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW


def test_queue_queries_do_not_grow_with_the_page(make_case, agent_client):
    for _ in range(3):
        make_case()
    agent_client.get(QUEUE)  # warm the reference-list cache and the session
    with CaptureQueriesContext(connection) as small:
        agent_client.get(QUEUE)
    for _ in range(6):
        make_case(quantities=(1, 1))
    with CaptureQueriesContext(connection) as large:
        response = agent_client.get(QUEUE)
    assert len(response.context["rows"]) == 9
    assert len(large) == len(small) <= 12


def test_due_order_follows_each_markets_first_response_promise(agent_client):
    from retour.markets.models import Market

    german_order = shipped_order((1,))
    french_order = shipped_order(
        (1,), destination_country="FR", customer=CustomerFactory(locale="fr", country="FR")
    )
    german, french = returned(german_order), returned(french_order)
    Market.objects.filter(code="fr").update(first_response_hours=2)
    now = timezone.now()
    # German: submitted 20 h ago, due in 4 h. French: submitted 10 h ago, due 8 h ago.
    ReturnCase.objects.filter(pk=german.pk).update(submitted_at=now - dt.timedelta(hours=20))
    ReturnCase.objects.filter(pk=french.pk).update(submitted_at=now - dt.timedelta(hours=10))
    response = agent_client.get(QUEUE)
    assert numbers(response) == [french.number, german.number]
    overdue = [row["overdue"] for row in response.context["rows"]]
    assert overdue == [True, False]


def test_a_bulk_action_is_limited_to_two_hundred_returns(case, agent_client):
    ids = [case.pk, *range(10_000_000, 10_000_200)]
    response = agent_client.post(
        reverse("backoffice:queue_bulk"), {"action": "approve", "cases": ids}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW
