"""The warehouse flow in a real browser, by keyboard only (a handheld scanner types like a
keyboard and ends each code with Enter): scan, count a partial receipt, inspect, grade,
dispose; a second receipt completes the case; an empty box opens a dispute.

With RETOUR_DOCS_SCREENSHOTS=1 the test also writes the screenshots of docs/receiving.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from retour.core.roles import sync_role_permissions
from retour.receiving.models import Dispute, InspectedUnit, StockMovement
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase
from tests.fixtures import DEMO_PASSWORD
from tests.receiving.factories import approved_case, make_member, make_warehouse, return_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "img" / "receiving"


def shot(page, name: str) -> None:
    if os.environ.get("RETOUR_DOCS_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def keys(page, *names: str) -> None:
    for name in names:
        page.keyboard.press(name)


def scan(page, code: str) -> None:
    """What the handheld scanner does: type the code, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def go(page, key: str) -> None:
    """Press a key that submits or follows, and wait for the next page to load."""
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.fixture
def operator_login(staff_user, page):
    sync_role_permissions()
    warehouse = make_warehouse()
    make_member(staff_user, warehouse, "picker")
    page.set_viewport_size({"width": 1024, "height": 1366})  # a tablet, upright
    page.goto("/backoffice/login/")
    page.keyboard.type("picker")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/backoffice/")
    return warehouse


def test_scan_count_inspect_grade_dispose_and_complete_by_keyboard(operator_login, page):
    case = approved_case((3, 2), ("apparel", "electronics"), serials={1: ["SN-100", "SN-200"]})
    shirts, phones = return_lines(case)
    shirt_sku, phone_sku = shirts.order_line.sku, phones.order_line.sku

    # Scan the return number from the label: the case opens with what should be inside.
    page.goto("/backoffice/receiving/")
    shot(page, "01-scan")
    scan(page, case.number)
    page.wait_for_url(f"**/receiving/cases/{case.pk}/*")
    assert shirt_sku in page.locator(".rc-lines").inner_text()

    # Count a partial receipt: two shirts scanned one by one, Enter on the empty field saves.
    scan(page, shirt_sku)
    scan(page, shirt_sku)
    assert page.locator(f"#id_count_{shirts.pk}").input_value() == "2"
    shot(page, "02-count")
    go(page, "Enter")
    page.wait_for_url(f"**/inspect/{shirts.pk}/")
    assert ReturnCase.objects.get(pk=case.pk).status == CaseStatus.PARTIALLY_RECEIVED

    # Inspect and grade both shirts at once: grade A, every check ticked, 2 alike units.
    page.keyboard.press("a")  # the grade list is focused: "A: as new"
    for _check in range(4):
        keys(page, "Tab", "Space")
    keys(page, "Tab", "Tab", "Control+a")
    page.keyboard.type("2")
    shot(page, "03-inspect")
    go(page, "Enter")
    page.wait_for_url("**/units/*/dispose/")

    # Dispose of each unit: 1 = restock, 2 = refurbish.
    shot(page, "04-dispose")
    go(page, "1")
    page.wait_for_url("**/units/*/dispose/")
    go(page, "2")
    page.wait_for_url(f"**/receiving/cases/{case.pk}/")
    assert list(StockMovement.objects.order_by("id").values_list("action", "grade")) == [
        ("restock", "A"),
        ("refurbish", "A"),
    ]

    # The second parcel: the last shirt and both phones complete the case.
    scan(page, shirt_sku)
    scan(page, phone_sku)
    scan(page, phone_sku)
    go(page, "Enter")
    page.wait_for_url(f"**/inspect/{shirts.pk}/")
    assert ReturnCase.objects.get(pk=case.pk).status == CaseStatus.RECEIVED

    # Shirt 3: grade B, accepted (the default), one unit: Enter in the quantity field saves.
    page.keyboard.press("b")
    keys(page, *["Tab"] * 6)
    go(page, "Enter")
    page.wait_for_url(f"**/inspect/{phones.pk}/")

    # Phone 1: does not power on, serial swapped: grade D, rejected.
    page.keyboard.press("d")
    keys(page, "Tab", "Tab", "Space", "Tab", "Space", "Tab")  # accessories and screen fine
    page.keyboard.press("r")  # decision: Rejected
    keys(page, "Tab", "Tab")
    page.keyboard.type("SN-999")
    shot(page, "05-inspect-reject")
    go(page, "Enter")
    page.wait_for_url(f"**/inspect/{phones.pk}/")

    # Phone 2: all fine, its serial is the one shipped: grade A, accepted.
    page.keyboard.press("a")
    keys(page, "Tab", "Space", "Tab", "Space", "Tab", "Space", "Tab", "Tab", "Tab")
    page.keyboard.type("SN-200")
    go(page, "Enter")
    page.wait_for_url("**/units/*/dispose/")

    # Dispose of the rest: shirt 3 restocked (as B), phone 1 back to the buyer, phone 2 restocked.
    go(page, "1")
    page.wait_for_url("**/units/*/dispose/")
    assert "Send back to the buyer" in page.locator(".rc-actions").inner_text()
    go(page, "1")
    page.wait_for_url("**/units/*/dispose/")
    go(page, "1")
    page.wait_for_url(f"**/receiving/cases/{case.pk}/")
    shot(page, "06-case-done")

    units = {
        unit.pk: unit for unit in InspectedUnit.objects.select_related("variant").order_by("id")
    }
    assert [(u.variant.sku, u.grade, u.decision, u.disposition) for u in units.values()] == [
        (shirt_sku, "A", "accepted", "restock"),
        (shirt_sku, "A", "accepted", "refurbish"),
        (shirt_sku, "B", "accepted", "restock"),
        (phone_sku, "D", "rejected", "return_to_buyer"),
        (phone_sku, "A", "accepted", "restock"),
    ]
    phone_units = [u for u in units.values() if u.variant.sku == phone_sku]
    assert [u.serial_matches for u in phone_units] == [False, True]
    assert StockMovement.objects.count() == 5
    shirts.refresh_from_db()
    phones.refresh_from_db()
    assert (shirts.quantity_accepted, phones.quantity_accepted, phones.quantity_rejected) == (
        3,
        1,
        1,
    )

    page.goto("/backoffice/receiving/stock/")
    shot(page, "07-stock-ledger")
    assert "restock" in page.locator(".bo-table").first.inner_text()


def test_an_empty_box_opens_a_dispute_by_keyboard(operator_login, page):
    case = approved_case((1,), ("cosmetics",))

    page.goto("/backoffice/receiving/")
    scan(page, case.number)
    page.wait_for_url(f"**/receiving/cases/{case.pk}/*")
    keys(page, "Escape", "e", "Space", "Escape", "w")  # tick "empty", jump to the weight
    page.keyboard.type("180")
    shot(page, "08-empty-box")
    go(page, "Enter")
    page.wait_for_url(f"**/receiving/cases/{case.pk}/")

    dispute = Dispute.objects.get(case=case)
    assert dispute.weight_grams == 180
    assert list(dispute.items.values_list("kind", flat=True)) == ["empty_box"]
    assert ReturnCase.objects.get(pk=case.pk).status == CaseStatus.APPROVED
    assert "dispute" in page.locator(".bo-messages").inner_text()
    shot(page, "09-dispute")
