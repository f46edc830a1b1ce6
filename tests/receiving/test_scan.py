"""Scanning: a return number, a QR code's URL or a tracking number opens the case; an unknown
parcel is kept with photos, found by name, e-mail or order, and attached to a case later."""

from __future__ import annotations

import pytest

from retour.core.models import DomainEvent
from retour.evidence.models import Evidence
from retour.receiving import selectors, services
from retour.receiving.exceptions import NotYourWarehouse, ParcelAlreadyAttached
from retour.receiving.models import UnidentifiedParcel
from tests.receiving.factories import approved_case, make_label, photo


def test_a_return_number_opens_the_case_however_it_is_typed(case):
    bare = case.number.replace("-", "").lower()
    for code in (case.number, bare, f"  {case.number}  "):
        result = selectors.scan_lookup(code=code)
        assert (result.case, result.matched_by) == (case, "number")


def test_a_qr_code_url_opens_the_case(case):
    for code in (
        f"https://returns.example.com/r/{case.number}",
        f"https://returns.example.com/scan?n={case.number}",
    ):
        assert selectors.scan_lookup(code=code).case == case


def test_a_tracking_number_opens_the_case(case, warehouse):
    make_label(case, warehouse, "1Z999AA10123456784")
    result = selectors.scan_lookup(code="1z999aa10123456784")
    assert (result.case, result.matched_by) == (case, "tracking")


def test_an_unknown_code_opens_nothing(case):
    result = selectors.scan_lookup(code="NOT-A-PARCEL-42")
    assert (result.case, result.parcel) == (None, None)


def test_the_expected_lines_show_what_should_be_inside(case):
    lines = selectors.case_expected_lines(case)
    assert [(line.category_code, line.requested, line.outstanding) for line in lines] == [
        ("apparel", 3, 3),
        ("electronics", 2, 2),
    ]
    assert [check.code for check in lines[0].checks] == [
        "tags_attached",
        "not_worn",
        "no_odour",
        "no_stains",
    ]


def test_an_unknown_parcel_is_kept_with_photos_and_found_again(warehouse, operator):
    parcel = services.parcel_register(
        warehouse=warehouse,
        actor=operator,
        scanned_code="JJD0001234",
        sender_name="Anna Schmidt",
        sender_email="anna@example.de",
        order_reference="#1042",
        weight_grams=800,
        photos=[photo()],
    )

    assert parcel.number.startswith("U-")
    assert parcel.order_reference == "1042"
    evidence = Evidence.objects.get()
    assert (evidence.case_id, evidence.claim_id) == (None, None)
    for query in ("schmidt", "ANNA@example", "1042", "#1042", parcel.number):
        found = selectors.parcel_search(warehouses=[warehouse], query=query)
        assert list(found) == [parcel], query
    assert not selectors.parcel_search(warehouses=[warehouse], query="nobody").exists()
    assert selectors.scan_lookup(code="JJD0001234").parcel == parcel


def test_a_parcel_attached_to_a_case_brings_its_photos(warehouse, operator, case):
    parcel = services.parcel_register(
        warehouse=warehouse, actor=operator, sender_name="Anna", photos=[photo()]
    )

    services.parcel_attach(parcel=parcel, case=case, actor=operator)

    parcel.refresh_from_db()
    assert (parcel.status, parcel.case_id) == ("attached", case.pk)
    assert Evidence.objects.get().case_id == case.pk
    assert DomainEvent.objects.filter(
        aggregate_type="returns.case", aggregate_id=case.pk, type="receiving.parcel_attached"
    ).exists()
    # Attaching again to the same case changes nothing; to another one is refused.
    services.parcel_attach(parcel=parcel, case=case, actor=operator)
    with pytest.raises(ParcelAlreadyAttached):
        services.parcel_attach(parcel=parcel, case=approved_case((1,)), actor=operator)
    assert not selectors.parcel_search(warehouses=[warehouse], query="Anna").exists()


def test_parcels_are_searched_only_in_ones_own_warehouses(warehouse, other_warehouse, operator):
    services.parcel_register(warehouse=warehouse, actor=operator, sender_name="Anna")
    assert not selectors.parcel_search(warehouses=[other_warehouse], query="Anna").exists()


def test_staff_of_another_warehouse_cannot_register_a_parcel_here(warehouse, outsider):
    with pytest.raises(NotYourWarehouse):
        services.parcel_register(warehouse=warehouse, actor=outsider, sender_name="Anna")
    assert not UnidentifiedParcel.objects.exists()
