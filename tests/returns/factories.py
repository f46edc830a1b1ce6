"""Factories and builders for the returns tests, over the order and catalog factories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from retour.core.actors import Actor
from retour.markets.models import MarketCountry
from retour.markets.selectors import market_for_country
from retour.orders.models import Order
from retour.policies.models import ReturnReason
from retour.policies.services import return_policy_create_default
from retour.returns.choices import Resolution, ReturnMethod
from retour.returns.services import case_create
from retour.returns.types import LineRequest
from tests.orders.factories import (
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    ShipmentLineFactory,
)

REASON = "size_too_small"  # a shipped leaf reason of kind "return", customer's fault


def ensure_shipped_data() -> None:
    """The shipped markets and reasons (a transactional test elsewhere may have flushed them)."""
    from tests.markets.conftest import install_shipped_markets
    from tests.policies.conftest import install_shipped_reasons

    if not MarketCountry.objects.exists():
        install_shipped_markets()
    if not ReturnReason.objects.exists():
        install_shipped_reasons()


def shipped_order(
    quantities: Sequence[int] = (3,),
    *,
    shipped: Sequence[int] | None = None,
    delivered_days_ago: int = 3,
    **order_fields,
) -> Order:
    """An order to Germany (by default) with one line per quantity, shipped in one parcel
    (`shipped` units per line, default all of them) and delivered `delivered_days_ago` days ago
    (None: still on its way), with the store's default policy in the destination's market."""
    ensure_shipped_data()
    now = timezone.now()
    delivered = now - dt.timedelta(days=delivered_days_ago) if delivered_days_ago else None
    order_fields.setdefault("placed_at", now - dt.timedelta(days=(delivered_days_ago or 0) + 4))
    order = OrderFactory(**order_fields)
    return_policy_create_default(
        store=order.store,
        market=market_for_country(order.destination_country),
        actor=Actor.system("tests"),
    )
    shipment = ShipmentFactory(
        order=order,
        shipped_at=order.placed_at + dt.timedelta(days=1),
        delivered_at=delivered,
    )
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
            LineRequest(order_line_id=line_id, quantity=quantity, reason_code=REASON)
            for line_id, quantity in quantities.items()
        ],
        **kwargs,
    )
