"""An agent works the queue in Simplified Chinese, in a real browser: filters, opens a case,
approves it (keyboard), rejects another with a reason, and bulk-approves three."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import translation

from retour.core import roles
from retour.core.actors import Actor
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase
from tests.orders.factories import CustomerFactory
from tests.returns.factories import shipped_order, submit_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "retour-demo-agent"


@pytest.fixture
def queue_data():
    roles.sync_role_permissions()
    agent = get_user_model().objects.create_user(
        username="agent", password=PASSWORD, is_staff=True, first_name="Li", last_name="Na"
    )
    agent.groups.add(Group.objects.get(name=roles.AGENT))
    german = []
    for _ in range(5):
        order = shipped_order((1,))
        german.append(submit_case(order, Actor.customer(order.customer_id)))
    french_order = shipped_order(
        (1,), destination_country="FR", customer=CustomerFactory(locale="fr", country="FR")
    )
    french = submit_case(french_order, Actor.customer(french_order.customer_id))
    return {"german": german, "french": french}


def rows(page):
    return page.locator("#queue-table tbody tr[data-case]")


def test_agent_works_the_queue_in_chinese(queue_data, page):
    page.goto("/backoffice/login/")
    page.fill("#id_username", "agent")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/backoffice/")

    # Switch the back office to Simplified Chinese; the choice is kept on the profile.
    with page.expect_navigation():
        page.select_option("#bo-language", "zh-hans")
    assert page.locator("h1").inner_text() == "待处理事项"
    page.locator(".bo-nav").get_by_role("link", name="队列", exact=True).click()
    page.wait_for_url("**/backoffice/queue/")
    assert page.locator("h1").inner_text() == "退货队列"
    assert rows(page).count() == 6

    # Filter: the German market only.
    page.select_option("#id_market", "de")
    page.click("#filter-submit")
    page.wait_for_url("**market=de*")
    assert rows(page).count() == 5
    assert queue_data["french"].number not in page.locator("#queue-table").inner_text()

    # Open the first case (j moves the selection, o opens it) and approve it with "a".
    page.keyboard.press("j")
    first_number = rows(page).first.locator("a").inner_text()
    page.keyboard.press("o")
    page.wait_for_url("**/backoffice/cases/*/")
    assert page.locator("#case-number").inner_text() == first_number
    assert "退货资格" in page.locator("#eligibility").inner_text()
    with page.expect_navigation():
        page.keyboard.press("a")
    assert f"退货 {first_number} 已批准。" in page.locator(".bo-messages").inner_text()
    with translation.override("zh-hans"):
        approved = str(CaseStatus.APPROVED.label)
    assert page.locator("#case-status").inner_text() == approved

    # Back to the queue ("u"); the approved one left it. Reject the next with a reason.
    page.keyboard.press("u")
    page.wait_for_url("**/backoffice/queue/")
    page.select_option("#id_market", "de")
    page.click("#filter-submit")
    page.wait_for_url("**market=de*")
    assert rows(page).count() == 4
    second_number = rows(page).first.locator("a").inner_text()
    rows(page).first.locator("a").click()
    page.wait_for_url("**/backoffice/cases/*/")
    page.keyboard.press("r")  # focuses the reason field
    page.keyboard.type("商品已使用，无法退货。")
    with page.expect_navigation():
        page.get_by_role("button", name="拒绝").click()
    assert f"退货 {second_number} 已拒绝。" in page.locator(".bo-messages").inner_text()
    assert "商品已使用，无法退货。" in page.locator("#timeline").inner_text()

    # Bulk-approve three from the queue.
    page.goto("/backoffice/queue/?status=pending_review&market=de")
    assert rows(page).count() == 3
    for index in range(3):
        rows(page).nth(index).locator("input[type=checkbox]").check()
    page.select_option("#id_bulk_action", "approve")
    with page.expect_navigation():
        page.get_by_role("button", name="执行").click()
    assert "已完成 3 个，被拒 0 个" in page.locator("#bulk-results").inner_text()
    assert page.locator("#bulk-results tr.bo-pass").count() == 3

    statuses = {case.number: case.status for case in ReturnCase.objects.all()}
    assert statuses[first_number] == CaseStatus.APPROVED
    assert statuses[second_number] == CaseStatus.REJECTED
    german = {case.number for case in queue_data["german"]}
    assert sorted(statuses[number] for number in german) == sorted(
        [CaseStatus.APPROVED] * 4 + [CaseStatus.REJECTED]
    )
    assert statuses[queue_data["french"].number] == CaseStatus.PENDING_REVIEW
