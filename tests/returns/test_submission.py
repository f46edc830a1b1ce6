"""Submitting: quantities must be returnable (Q1), inputs well formed, repeats idempotent."""

from __future__ import annotations

import pytest

from retour.core.exceptions import ApplicationError
from retour.returns import services
from retour.returns.choices import CaseStatus, Resolution, ReturnMethod
from retour.returns.exceptions import QuantityNotReturnable
from retour.returns.models import OrderLineLedger, QuantityMovement, ReturnCase
from retour.returns.types import LineRequest
from tests.catalog.factories import VariantFactory
from tests.orders.factories import ShipmentLineFactory
from tests.returns.factories import order_lines, shipped_order, submit_case
from tests.returns.snapshots import snapshot


def test_more_than_shipped_is_not_returnable(order, buyer):
    shirt, _cap = order_lines(order)
    before = snapshot()

    with pytest.raises(QuantityNotReturnable) as refused:
        submit_case(order, buyer, {shirt.pk: 4})

    assert refused.value.code == "returns.quantity_not_returnable"
    assert refused.value.extra == {"order_line_id": shirt.pk, "requested": 4, "returnable": 3}
    assert str(refused.value) == "Not enough units of this item are left to return."
    assert snapshot() == before


def test_several_returns_share_the_returnable_units(order, buyer):
    shirt, _cap = order_lines(order)
    submit_case(order, buyer, {shirt.pk: 2})
    before = snapshot()

    with pytest.raises(QuantityNotReturnable) as refused:
        submit_case(order, buyer, {shirt.pk: 2})

    assert refused.value.extra == {"order_line_id": shirt.pk, "requested": 2, "returnable": 1}
    assert snapshot() == before
    assert submit_case(order, buyer, {shirt.pk: 1}).status == CaseStatus.PENDING_REVIEW


def test_unshipped_units_are_not_returnable(buyer, db):
    order = shipped_order((3,), shipped=(1,))
    (line,) = order_lines(order)
    buyer = type(buyer).customer(order.customer_id)

    with pytest.raises(QuantityNotReturnable):
        submit_case(order, buyer, {line.pk: 2})
    assert submit_case(order, buyer, {line.pk: 1}).status == CaseStatus.PENDING_REVIEW


def test_a_reimported_shipment_raises_the_shipped_quantity(buyer, db):
    order = shipped_order((3,), shipped=(1,))
    (line,) = order_lines(order)
    buyer = type(buyer).customer(order.customer_id)
    submit_case(order, buyer, {line.pk: 1})
    # The store sent the rest later; the re-import adds a shipment.
    ShipmentLineFactory(shipment__order=order, order_line=line, quantity=2)

    submit_case(order, buyer, {line.pk: 2})

    ledger = OrderLineLedger.objects.get(order_line=line)
    assert (ledger.fulfilled_qty, ledger.requested_qty) == (3, 3)
    syncs = QuantityMovement.objects.filter(ledger=ledger, kind="fulfilment_sync").order_by("id")
    assert [sync.fulfilled_delta for sync in syncs] == [1, 2]
    assert all(sync.event_id is None for sync in syncs)


def test_the_shipped_quantity_never_drops_below_what_is_committed(order, buyer):
    shirt, _cap = order_lines(order)
    submit_case(order, buyer, {shirt.pk: 2})
    shirt.shipment_lines.update(quantity=1)  # a re-import says only one was shipped

    submit_case(order, buyer, {_cap.pk: 1})

    ledger = OrderLineLedger.objects.get(order_line=shirt)
    assert (ledger.fulfilled_qty, ledger.requested_qty) == (2, 2)


def test_the_same_idempotency_key_returns_the_first_case(order, buyer):
    first = submit_case(order, buyer, idempotency_key="click-1")
    before = snapshot()

    again = submit_case(order, buyer, idempotency_key="click-1")

    assert again.pk == first.pk
    assert snapshot() == before
    assert ReturnCase.objects.count() == 1


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ("none", "returns.no_lines"),
        ("unknown", "returns.unknown_line"),
        ("zero", "returns.invalid_quantity"),
        ("duplicate", "returns.duplicate_line"),
        ("no_reason", "returns.reason_required"),
        ("exchange_without_variant", "returns.invalid_exchange_variant"),
        ("exchange_for_same_variant", "returns.invalid_exchange_variant"),
    ],
)
def test_malformed_requests_are_refused(order, buyer, lines, code):
    shirt, _cap = order_lines(order)
    cases = {
        "none": [],
        "unknown": [LineRequest(0, 1, "size_too_small")],
        "zero": [LineRequest(shirt.pk, 0, "size_too_small")],
        "duplicate": [
            LineRequest(shirt.pk, 1, "size_too_small"),
            LineRequest(shirt.pk, 1, "size_too_small"),
        ],
        "no_reason": [LineRequest(shirt.pk, 1, " ")],
        "exchange_without_variant": [
            LineRequest(shirt.pk, 1, "size_too_small", resolution="exchange")
        ],
        "exchange_for_same_variant": [
            LineRequest(
                shirt.pk,
                1,
                "size_too_small",
                resolution="exchange",
                exchange_variant_id=shirt.variant_id,
            )
        ],
    }
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.case_create(
            order=order,
            actor=buyer,
            lines=cases[lines],
            requested_resolution=Resolution.REFUND,
            return_method=ReturnMethod.LABEL,
        )

    assert refused.value.code == code
    assert snapshot() == before


def test_an_unknown_resolution_or_method_is_refused(order, buyer):
    shirt, _cap = order_lines(order)
    for resolution, method in (("cash", ReturnMethod.LABEL), (Resolution.REFUND, "pigeon")):
        with pytest.raises(ApplicationError) as refused:
            services.case_create(
                order=order,
                actor=buyer,
                lines=[LineRequest(shirt.pk, 1, "size_too_small")],
                requested_resolution=resolution,
                return_method=method,
            )
        assert refused.value.code == "returns.invalid_choice"


def test_an_exchange_line_names_another_variant(order, buyer):
    shirt, _cap = order_lines(order)
    other = VariantFactory()

    case = services.case_create(
        order=order,
        actor=buyer,
        lines=[LineRequest(shirt.pk, 1, "size_too_small", exchange_variant_id=other.pk)],
        requested_resolution=Resolution.EXCHANGE,
        return_method=ReturnMethod.DROP_OFF,
    )

    line = case.lines.get()
    assert (line.resolution, line.exchange_variant_id) == (Resolution.EXCHANGE, other.pk)
