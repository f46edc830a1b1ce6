"""The rule editor in a real browser: build a rule from rows, validate, save, enable it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from retour.automation.models import Rule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page, staff_user, live_server):
    """An admin's session (second factor done) in the browser."""
    user = staff_user("ops", role="admin")
    client = Client()
    client.force_login(user)
    session = client.session
    session["backoffice_otp_user"] = user.pk
    session.save()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    return page


def test_an_operations_manager_builds_validates_saves_and_enables_a_rule(signed_in):
    page = signed_in
    page.goto("/backoffice/rules/")
    page.get_by_role("link", name="New rule").click()
    page.fill("#id_name", "Frequent returners")
    page.fill("#id_priority", "5")
    page.select_option("select[name=cond-0-field]", "returns_30d")
    page.select_option("select[name=cond-0-op]", "gte")
    page.fill("input[name=cond-0-value]", "3")
    page.select_option("select[name=act-0-type]", "review")
    page.fill("input[name=act-0-params]", "queue=frequent")
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("The rule is valid.").wait_for()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Rule created. It is disabled until you enable it.").wait_for()
    page.get_by_role("button", name="Enable").click()
    page.get_by_text("“Frequent returners” is enabled.").wait_for()
    rule = Rule.objects.get()
    assert (rule.enabled, rule.version, rule.priority) == (True, 2, 5)
    assert rule.conditions == {"all": [{"field": "returns_30d", "op": "gte", "value": 3}]}
    page.goto("/backoffice/rules/")
    assert (
        page.locator("table.bo-table tbody tr").first.inner_text().count("Frequent returners") == 1
    )
