"""Factories and builders for the returns tests, over the order and catalog factories."""

from __future__ import annotations

from collections.abc import Sequence

from retour.core.actors import Actor
from retour.orders.models import Order
from retour.returns.choices import Resolution, ReturnMethod
from retour.returns.services import case_create
from retour.returns.types import LineRequest
from tests.orders.factories import (
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    ShipmentLineFactory,
)


def shipped_order(
    quantities: Sequence[int] = (3,), *, shipped: Sequence[int] | None = None, **order_fields
) -> Order:
    """An order with one line per quantity, shipped in one parcel (`shipped` units per line,
    default all of them)."""
    order = OrderFactory(**order_fields)
    shipment = ShipmentFactory(order=order)
    for index, quantity in enumerate(quantities):
        line = OrderLineFactory(order=order, quantity=quantity, unit_paid_net_minor=1000 + index)
        units = quantity if shipped is None else shipped[index]
        if units:
            ShipmentLineFactory(shipment=shipment, order_line=line, quantity=units)
    return order


def order_lines(order: Order) -> list:
    return list(order.lines.order_by("id"))


def submit_case(order: Order, actor: Actor, quantities: dict[int, int] | None = None, **kwargs):
    """Submit a return for `order`: {order line id: quantity}, default one unit of each line."""
    if quantities is None:
        quantities = {line.pk: 1 for line in order_lines(order)}
    kwargs.setdefault("requested_resolution", Resolution.REFUND)
    kwargs.setdefault("return_method", ReturnMethod.LABEL)
    return case_create(
        order=order,
        actor=actor,
        lines=[
            LineRequest(order_line_id=line_id, quantity=quantity, reason_code="too_small")
            for line_id, quantity in quantities.items()
        ],
        **kwargs,
    )
