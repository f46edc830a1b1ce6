"""The receiving screens over HTTP: scan, count, inspect, dispose, parcels, disputes, stock, CSV,
and that staff see and act only in their own warehouses."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from retour.receiving import services
from retour.receiving.models import (
    Dispute,
    InspectedUnit,
    Receipt,
    StockMovement,
    UnidentifiedParcel,
)
from retour.receiving.types import CountedUnits
from retour.returns.choices import CaseStatus
from tests.receiving.factories import make_label, photo, return_lines


@pytest.fixture
def client_in(client, operator_user):
    client.force_login(operator_user)
    return client


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("backoffice:receiving_home"))
    assert response.status_code == 302
    assert "/backoffice/login/" in response["Location"]


def test_an_agent_without_receiving_rights_cannot_count(client, staff_user, case):
    client.force_login(staff_user("agent", role="agent"))
    response = client.post(reverse("backoffice:receiving_receive", args=[case.pk]), {})
    assert response.status_code == 403
    assert not Receipt.objects.exists()


def test_staff_without_a_warehouse_are_told_so(client, staff_user, db):
    client.force_login(staff_user("loner", role="warehouse"))
    response = client.get(reverse("backoffice:receiving_home"))
    assert response.status_code == 200
    assert b"not a member of any warehouse" in response.content


def test_scanning_a_number_opens_the_case(client_in, case):
    response = client_in.get(reverse("backoffice:receiving_scan"), {"code": case.number.lower()})
    assert response.status_code == 302
    assert reverse("backoffice:receiving_case", args=[case.pk]) in response["Location"]
    page = client_in.get(response["Location"])
    assert page.status_code == 200
    for line in return_lines(case):
        assert line.order_line.sku.encode() in page.content


def test_scanning_a_tracking_number_opens_the_case(client_in, case, warehouse):
    make_label(case, warehouse, "JJD1234567890")
    response = client_in.get(reverse("backoffice:receiving_scan"), {"code": "JJD1234567890"})
    assert reverse("backoffice:receiving_case", args=[case.pk]) in response["Location"]


def test_an_unknown_code_leads_to_recording_a_parcel(client_in):
    response = client_in.get(reverse("backoffice:receiving_scan"), {"code": "XYZ-000"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("backoffice:receiving_parcel_new"))
    assert b'value="XYZ-000"' in response.content
    assert b"Nothing matches" in response.content

    created = client_in.post(
        reverse("backoffice:receiving_parcel_new"),
        {
            "scanned_code": "XYZ-000",
            "sender_name": "Marie Curie",
            "sender_email": "marie@example.fr",
            "order_reference": "#2001",
            "weight_grams": "450",
            "photos": [photo()],
        },
    )
    parcel = UnidentifiedParcel.objects.get()
    assert created["Location"] == reverse("backoffice:receiving_parcel", args=[parcel.pk])
    listing = client_in.get(reverse("backoffice:receiving_parcels"), {"q": "marie@"})
    assert parcel.number.encode() in listing.content
    assert parcel.photos.count() == 1


def test_attaching_a_parcel_by_return_number(client_in, case, warehouse, operator):
    parcel = services.parcel_register(warehouse=warehouse, actor=operator, sender_name="X")
    response = client_in.post(
        reverse("backoffice:receiving_parcel", args=[parcel.pk]), {"code": case.number}
    )
    assert response["Location"] == reverse("backoffice:receiving_case", args=[case.pk])
    parcel.refresh_from_db()
    assert parcel.case_id == case.pk


def test_count_inspect_dispose_over_http(client_in, case):
    shirts, phones = return_lines(case)
    page = client_in.get(reverse("backoffice:receiving_case", args=[case.pk]))
    key = page.context["form"]["key"].value()

    counted = client_in.post(
        reverse("backoffice:receiving_receive", args=[case.pk]),
        {f"count_{shirts.pk}": "2", f"count_{phones.pk}": "", "weight_grams": "700", "key": key},
    )
    assert counted["Location"] == reverse("backoffice:receiving_inspect", args=[case.pk, shirts.pk])
    # The same form sent again (a double tap) records nothing more.
    client_in.post(
        reverse("backoffice:receiving_receive", args=[case.pk]),
        {f"count_{shirts.pk}": "2", "key": key},
    )
    assert Receipt.objects.count() == 1

    inspect_url = counted["Location"]
    form = client_in.get(inspect_url)
    assert b"Tags attached" in form.content
    inspected = client_in.post(
        inspect_url,
        {
            "grade": "A",
            "decision": "accepted",
            "quantity": "2",
            "check_tags_attached": "on",
            "check_not_worn": "on",
            "check_no_odour": "on",
            "check_no_stains": "on",
        },
    )
    unit = InspectedUnit.objects.order_by("id").first()
    assert inspected["Location"] == reverse("backoffice:receiving_dispose", args=[unit.pk])

    dispose_page = client_in.get(inspected["Location"])
    assert b'value="restock"' in dispose_page.content
    assert b'value="return_to_buyer"' not in dispose_page.content
    client_in.post(inspected["Location"], {"action": "restock"})
    client_in.post(inspected["Location"], {"action": "restock"})  # a retry
    assert StockMovement.objects.count() == 1


def test_grade_a_with_a_failed_check_is_refused_on_screen(client_in, case, warehouse, operator):
    shirts, _ = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(shirts.pk, 1)]
    )
    response = client_in.post(
        reverse("backoffice:receiving_inspect", args=[case.pk, shirts.pk]),
        {"grade": "A", "decision": "accepted", "quantity": "1", "check_tags_attached": "on"},
    )
    assert response.status_code == 400
    assert b"cannot be graded A" in response.content
    assert not InspectedUnit.objects.exists()


def test_an_empty_box_over_http_opens_a_dispute(client_in, case):
    response = client_in.post(
        reverse("backoffice:receiving_receive", args=[case.pk]),
        {"empty": "on", "weight_grams": "150", "photos": [photo()]},
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert (dispute.weight_grams, dispute.photos.count()) == (150, 1)
    listing = client_in.get(reverse("backoffice:receiving_disputes"))
    assert case.number.encode() in listing.content
    resolved = client_in.post(
        reverse("backoffice:receiving_dispute", args=[dispute.pk]),
        {"note": "Carrier claim filed."},
    )
    assert resolved.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "resolved"
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


def test_another_warehouses_operator_cannot_act_here(client, outsider, case, warehouse, operator):
    from django.contrib.auth import get_user_model

    shirts, _ = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(shirts.pk, 1)]
    )
    case.refresh_from_db()
    [unit] = services.unit_inspect(
        case=case,
        return_line_id=shirts.pk,
        warehouse=warehouse,
        actor=operator,
        grade="B",
        decision="accepted",
        checklist={},
    )
    client.force_login(get_user_model().objects.get(pk=outsider.id))
    response = client.post(
        reverse("backoffice:receiving_dispose", args=[unit.pk]), {"action": "restock"}
    )
    assert response.status_code == 400
    assert b"do not work at this warehouse" in response.content
    assert not StockMovement.objects.exists()
    stock = client.get(reverse("backoffice:receiving_stock_csv"))
    assert b"".join(stock.streaming_content).count(b"\n") == 1  # the header only


def test_stock_ledger_page_and_csv(client_in, case, warehouse, operator):
    shirts, _ = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(shirts.pk, 2)]
    )
    case.refresh_from_db()
    units = services.unit_inspect(
        case=case,
        return_line_id=shirts.pk,
        warehouse=warehouse,
        actor=operator,
        grade="B",
        decision="accepted",
        checklist={},
        quantity=2,
    )
    services.unit_dispose(unit=units[0], action="restock", actor=operator)
    services.unit_dispose(unit=units[1], action="donate", actor=operator)

    page = client_in.get(reverse("backoffice:receiving_stock"))
    assert page.status_code == 200
    response = client_in.get(
        reverse("backoffice:receiving_stock_csv"), {"warehouse": warehouse.code}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:7] == [
        "movement_id",
        "occurred_at",
        "warehouse",
        "sku",
        "grade",
        "action",
        "quantity",
    ]
    assert sorted((row[4], row[5], row[6]) for row in rows[1:]) == [
        ("B", "donate", "1"),
        ("B", "restock", "1"),
    ]
    assert {row[7] for row in rows[1:]} == {case.number}


def test_the_case_page_shows_the_receiving_panel(client, staff_user, case, warehouse, operator):
    services.receipt_record(case=case, warehouse=warehouse, actor=operator, empty=True)
    user = staff_user("boss", role="agent")
    client.force_login(user)
    response = client.get(reverse("backoffice:case", args=[case.pk]))
    assert response.status_code == 200
    assert b"Empty box" in response.content
