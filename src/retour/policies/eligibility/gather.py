"""Helpers that fill the facts from the order mirror, for callers that have an order at hand.

They read only what `orders` and `catalog` hold (deliveries, product flags, categories); what
the returns core alone knows (returnable quantity, recent returns, evidence, a broken seal) is
passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Prefetch

from retour.orders.models import Order, OrderLine, ShipmentLine
from retour.policies.eligibility.facts import LineFacts, OrderFacts
from retour.policies.selectors import category_lineage


def line_delivery(line: OrderLine) -> tuple[datetime | None, datetime | None]:
    """(delivered_at, shipped_at) of a line: the last of its shipments, None while any of its
    shipments is still on its way (or it was never shipped)."""
    shipments = [shipment_line.shipment for shipment_line in line.shipment_lines.all()]
    if not shipments:
        return None, None
    shipped = [shipment.shipped_at for shipment in shipments]
    delivered = [shipment.delivered_at for shipment in shipments]
    shipped_at = None if any(value is None for value in shipped) else max(shipped)
    delivered_at = None if any(value is None for value in delivered) else max(delivered)
    return delivered_at, shipped_at


def order_lines_with_deliveries(order: Order) -> list[OrderLine]:
    # The shipments come joined to their lines: one query for both instead of one each.
    shipment_lines = ShipmentLine.objects.select_related("shipment")
    return list(
        order.lines.select_related("variant__product__category__parent").prefetch_related(
            Prefetch("shipment_lines", queryset=shipment_lines)
        )
    )


def order_facts_for(
    order: Order,
    *,
    lines: Iterable[OrderLine] | None = None,
    customer_returns_last_30_days: int = 0,
    requested_at: datetime | None = None,
    time_zone: str = "",
) -> OrderFacts:
    lines = list(lines) if lines is not None else order_lines_with_deliveries(order)
    return OrderFacts(
        reference=order.number,
        currency=order.presentment_currency,
        ordered_at=order.placed_at,
        deliveries=tuple(line_delivery(line)[0] for line in lines),
        time_zone=time_zone,
        region=order.shipping_region,
        requested_at=requested_at,
        customer_returns_last_30_days=customer_returns_last_30_days,
    )


def line_facts_for(
    line: OrderLine,
    *,
    reason_code: str,
    quantity_requested: int,
    quantity_returnable: int,
    evidence: Iterable[str] = (),
    is_gift_card: bool = False,
    is_seal_broken: bool = False,
    fault: str | None = None,
) -> LineFacts:
    product = line.variant.product
    delivered_at, shipped_at = line_delivery(line)
    return LineFacts(
        reference=str(line.pk),
        reason_code=reason_code,
        quantity_requested=quantity_requested,
        quantity_returnable=quantity_returnable,
        unit_value_minor=line.unit_paid_net_minor + line.unit_tax_minor,
        delivered_at=delivered_at,
        shipped_at=shipped_at,
        category_codes=category_lineage(product.category),
        is_final_sale=product.is_final_sale,
        is_gift_card=is_gift_card,
        is_personalised=product.is_personalised,
        is_hygiene_sealed=product.is_hygiene_sealed,
        is_seal_broken=is_seal_broken,
        evidence=frozenset(evidence),
        fault=fault,
    )
