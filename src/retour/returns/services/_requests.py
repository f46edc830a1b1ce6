"""Checking and building the lines of a new return from the buyer's or agent's request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from retour.catalog.models import Variant
from retour.orders.models import Order, OrderLine
from retour.returns.choices import Channel, Resolution, ReturnMethod
from retour.returns.exceptions import (
    DuplicateLine,
    InvalidChoice,
    InvalidExchangeVariant,
    InvalidQuantity,
    NoLines,
    UnknownLine,
)
from retour.returns.models import ReturnCase, ReturnLine
from retour.returns.services._common import require_reason
from retour.returns.types import LineRequest


def validate_line_requests(
    lines: Sequence[LineRequest],
    requested_resolution: str,
    return_method: str,
    channel: str | None = None,
) -> None:
    if channel is not None and channel not in Channel.values:
        raise InvalidChoice(extra={"channel": channel})
    if requested_resolution not in Resolution.values:
        raise InvalidChoice(extra={"requested_resolution": requested_resolution})
    if return_method not in ReturnMethod.values:
        raise InvalidChoice(extra={"return_method": return_method})
    if not lines:
        raise NoLines()
    seen = set()
    for request in lines:
        if request.order_line_id in seen:
            raise DuplicateLine(extra={"order_line_id": request.order_line_id})
        seen.add(request.order_line_id)
        if request.quantity < 1:
            raise InvalidQuantity(extra={"order_line_id": request.order_line_id})
        require_reason(request.reason_code)
        resolution = request.resolution or requested_resolution
        if resolution not in Resolution.values:
            raise InvalidChoice(extra={"resolution": resolution})
        if (resolution == Resolution.EXCHANGE) != (request.exchange_variant_id is not None):
            raise InvalidExchangeVariant(extra={"order_line_id": request.order_line_id})


def order_lines_of(
    order: Order, lines: Sequence[LineRequest], *, known: Mapping[int, OrderLine] | None = None
) -> dict[int, OrderLine]:
    """The requested lines of `order` (from `known`, the order's lines when already read)."""
    wanted = {request.order_line_id for request in lines}
    if known is not None:
        found = {pk: known[pk] for pk in wanted if pk in known}
    else:
        rows = OrderLine.objects.filter(order_id=order.pk, pk__in=wanted)
        found = {line.pk: line for line in rows}
    missing = sorted(wanted - set(found))
    if missing:
        raise UnknownLine(extra={"order_line_ids": missing})
    return found


def validate_exchange_variants(
    lines: Sequence[LineRequest], order_lines: dict[int, OrderLine]
) -> None:
    """P4: an exchange names an existing variant different from the one bought."""
    wanted = {r.exchange_variant_id for r in lines if r.exchange_variant_id is not None}
    if not wanted:
        return
    existing = set(Variant.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    for request in lines:
        variant_id = request.exchange_variant_id
        if variant_id is None:
            continue
        if (
            variant_id not in existing
            or variant_id == order_lines[request.order_line_id].variant_id
        ):
            raise InvalidExchangeVariant(extra={"order_line_id": request.order_line_id})


def new_line(case: ReturnCase, request: LineRequest, order_line: OrderLine) -> ReturnLine:
    return ReturnLine(
        case=case,
        order_line_id=order_line.pk,
        quantity_requested=request.quantity,
        reason_code=request.reason_code.strip(),
        customer_comment=request.customer_comment,
        resolution=request.resolution or case.requested_resolution,
        exchange_variant_id=request.exchange_variant_id,
        unit_basis=unit_basis(order_line, case.currency),
        serials=list(request.serials),
    )


def unit_basis(order_line: OrderLine, currency: str) -> dict:
    """What one unit was paid, as refunds will start from it (snapshot: the order may change)."""
    return {
        "currency": currency,
        "net_minor": order_line.unit_paid_net_minor,
        "tax_minor": order_line.unit_tax_minor,
        "duty_minor": order_line.unit_duty_minor,
        "tax": order_line.unit_tax,
        "duty": order_line.unit_duty,
    }
