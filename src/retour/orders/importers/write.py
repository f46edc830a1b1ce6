"""Write one batch of validated orders: a few bulk statements per table, in one transaction.

The batch is classified against the database first (new, unchanged, changed); only new and
changed orders are written. A changed order is updated in place: its lines, payments and
shipments are matched by their external ids, updated or added, and never deleted (later tables
refer to them), so a record that drops one is refused instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from retour.orders.importers import rejections as codes
from retour.orders.importers.lookups import Lookups, VariantSnapshot
from retour.orders.importers.parse import ParsedOrder
from retour.orders.importers.rejections import Problem
from retour.orders.importers.sql import Writer
from retour.orders.models import Order, OrderLine, Payment, Shipment, ShipmentLine

# Column order of the rows built below; every insert row starts with the id.
ORDER_FIELDS = [
    "created_at",
    "updated_at",
    "store",
    "external_id",
    "number",
    "customer",
    "email",
    "status",
    "presentment_currency",
    "placed_at",
    "destination_country",
    "shipping_name",
    "shipping_address1",
    "shipping_address2",
    "shipping_city",
    "shipping_region",
    "shipping_postal_code",
    "shipping_paid_minor",
    "shipping_tax_minor",
    "source_version",
]
LINE_FIELDS = [
    "created_at",
    "updated_at",
    "order",
    "external_line_id",
    "variant",
    "sku",
    "title",
    "quantity",
    "unit_paid_net_minor",
    "unit_tax",
    "unit_tax_minor",
    "unit_duty",
    "unit_duty_minor",
    "hs_code",
    "origin_country",
    "weight_grams",
]
PAYMENT_FIELDS = [
    "created_at",
    "updated_at",
    "order",
    "provider",
    "method_type",
    "provider_reference",
    "currency",
    "captured_minor",
    "captured_at",
]
SHIPMENT_FIELDS = [
    "created_at",
    "updated_at",
    "order",
    "external_id",
    "carrier",
    "tracking_number",
    "shipped_at",
    "delivered_at",
]
SHIPMENT_LINE_FIELDS = ["shipment", "order_line", "quantity"]
# On update the identity columns stay as they are, and created_at too.
UNCHANGING = {"created_at", "store", "external_id", "order", "provider", "provider_reference"}


def _updatable(fields: list[str]) -> list[str]:
    return [name for name in fields if name not in UNCHANGING]


@dataclass
class BatchOutcome:
    created: list[ParsedOrder] = field(default_factory=list)
    updated: list[ParsedOrder] = field(default_factory=list)
    unchanged: list[ParsedOrder] = field(default_factory=list)
    refused: list[tuple[ParsedOrder, list[Problem]]] = field(default_factory=list)


@dataclass
class _Existing:
    """The ids of what a changed order already has, keyed by external ids."""

    lines: dict[str, int] = field(default_factory=dict)
    payments: dict[tuple[str, str], int] = field(default_factory=dict)
    shipments: dict[str, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.lines or self.payments or self.shipments)


def write_batch(
    orders: list[ParsedOrder],
    *,
    store_ids: dict[str, int],
    variants: dict[str, VariantSnapshot],
    lookups: Lookups,
    writer: Writer | None = None,
) -> BatchOutcome:
    """Write the batch; the caller holds the transaction. Orders must have distinct keys.

    `writer` is the batch transaction's (see `Writer.trust_references`), else a new one."""
    outcome = BatchOutcome()
    known = _existing_orders(orders, store_ids)
    new: list[ParsedOrder] = []
    changed: list[tuple[ParsedOrder, int]] = []
    for order in orders:
        row = known.get((store_ids[order.store_code], order.external_id))
        if row is None:
            new.append(order)
        elif row[1] == order.source_version:
            outcome.unchanged.append(order)
        else:
            changed.append((order, row[0]))

    existing = _existing_children([order_id for _, order_id in changed])
    kept_changed: list[tuple[ParsedOrder, int]] = []
    for order, order_id in changed:
        problems = _removals(order, existing[order_id])
        if problems:
            outcome.refused.append((order, problems))
        else:
            kept_changed.append((order, order_id))
    if not new and not kept_changed:
        return outcome

    writer = writer or Writer()
    now = writer.when(timezone.now())
    customer_ids = lookups.customer_ids(
        [*new, *(order for order, _ in kept_changed)], writer=writer, now=now
    )
    targets: list[tuple[ParsedOrder, int, _Existing]] = []
    inserts: list[tuple] = []
    for order, order_id in zip(new, writer.allocate_ids(Order, len(new)), strict=True):
        inserts.append(_order_row(order, order_id, store_ids, customer_ids, writer, now))
        targets.append((order, order_id, _Existing()))
    writer.insert(Order, ORDER_FIELDS, inserts)
    updates = []
    for order, order_id in kept_changed:
        row = _order_row(order, order_id, store_ids, customer_ids, writer, now)
        updates.append(_as_update(row, ORDER_FIELDS))
        targets.append((order, order_id, existing[order_id]))
    writer.update(Order, _updatable(ORDER_FIELDS), updates)
    _write_children(targets, variants, writer, now)
    writer.check_references()
    outcome.created.extend(new)
    outcome.updated.extend(order for order, _ in kept_changed)
    return outcome


def _as_update(row: tuple, fields: list[str]) -> tuple:
    """An insert row (id first) as an update row: the changeable values, then the id."""
    values = [value for name, value in zip(fields, row[1:], strict=True) if name not in UNCHANGING]
    return (*values, row[0])


def _existing_orders(
    orders: list[ParsedOrder], store_ids: dict[str, int]
) -> dict[tuple[int, str], tuple[int, str]]:
    by_store: dict[int, list[str]] = defaultdict(list)
    for order in orders:
        by_store[store_ids[order.store_code]].append(order.external_id)
    rows = []
    for store_id, external_ids in by_store.items():
        rows += Writer().select_in(
            Order,
            ["id", "store", "external_id", "source_version"],
            where={"store": store_id},
            field="external_id",
            values=external_ids,
        )
    return {
        (store_id, external_id): (order_id, version)
        for order_id, store_id, external_id, version in rows
    }


def _existing_children(order_ids: list[int]) -> dict[int, _Existing]:
    existing: dict[int, _Existing] = defaultdict(_Existing)
    if not order_ids:
        return existing
    for line_id, order_id, external_id in OrderLine.objects.filter(
        order_id__in=order_ids
    ).values_list("id", "order_id", "external_line_id"):
        existing[order_id].lines[external_id] = line_id
    for payment_id, order_id, provider, reference in Payment.objects.filter(
        order_id__in=order_ids
    ).values_list("id", "order_id", "provider", "provider_reference"):
        existing[order_id].payments[(provider, reference)] = payment_id
    for shipment_id, order_id, external_id in Shipment.objects.filter(
        order_id__in=order_ids
    ).values_list("id", "order_id", "external_id"):
        existing[order_id].shipments[external_id] = shipment_id
    return existing


def _removals(order: ParsedOrder, existing: _Existing) -> list[Problem]:
    problems: list[Problem] = []
    line_ids = {line.external_line_id for line in order.lines}
    for external_id in existing.lines:
        if external_id not in line_ids:
            problems.append(Problem("lines", codes.LINE_REMOVED, {"value": external_id}))
    payment_keys = {(p.provider, p.provider_reference) for p in order.payments}
    for provider, reference in existing.payments:
        if (provider, reference) not in payment_keys:
            problems.append(Problem("payments", codes.PAYMENT_REMOVED, {"value": reference}))
    shipment_ids = {s.external_id for s in order.shipments}
    for external_id in existing.shipments:
        if external_id not in shipment_ids:
            problems.append(Problem("shipments", codes.SHIPMENT_REMOVED, {"value": external_id}))
    return problems


def _order_row(order, order_id, store_ids, customer_ids, writer: Writer, now) -> tuple:
    return (
        order_id,
        now,
        now,
        store_ids[order.store_code],
        order.external_id,
        order.number,
        customer_ids[order.email],
        order.email,
        order.status,
        order.currency,
        writer.when(order.placed_at),
        order.destination_country,
        order.shipping_name,
        order.shipping_address1,
        order.shipping_address2,
        order.shipping_city,
        order.shipping_region,
        order.shipping_postal_code,
        order.shipping_paid_minor,
        order.shipping_tax_minor,
        order.source_version,
    )


def _write_children(
    targets: list[tuple[ParsedOrder, int, _Existing]],
    variants: dict[str, VariantSnapshot],
    writer: Writer,
    now,
) -> None:
    """Insert new lines, payments and shipments; update the ones a changed order already had."""
    count_lines = count_shipments = 0
    for order, _, existing in targets:
        if existing.is_empty:
            count_lines += len(order.lines)
            count_shipments += len(order.shipments)
            continue
        count_lines += sum(1 for line in order.lines if line.external_line_id not in existing.lines)
        count_shipments += sum(
            1 for s in order.shipments if s.external_id not in existing.shipments
        )
    line_ids = iter(writer.allocate_ids(OrderLine, count_lines))
    shipment_ids = iter(writer.allocate_ids(Shipment, count_shipments))

    lines: list[tuple] = []
    changed_lines: list[tuple] = []
    payments: list[tuple] = []
    changed_payments: list[tuple] = []
    shipments: list[tuple] = []
    changed_shipments: list[tuple] = []
    shipment_lines: list[tuple] = []
    replaced_shipments: list[int] = []
    json = writer.json
    when = writer.when
    for order, order_id, existing in targets:
        id_of_line: dict[str, int] = {}
        for line in order.lines:
            variant = variants[line.sku]
            known_id = existing.lines.get(line.external_line_id)
            line_id = known_id if known_id is not None else next(line_ids)
            id_of_line[line.external_line_id] = line_id
            row = (
                line_id,
                now,
                now,
                order_id,
                line.external_line_id,
                variant.id,
                line.sku,
                line.title or variant.title,
                line.quantity,
                line.unit_paid_net_minor,
                json(line.unit_tax),
                line.unit_tax_minor,
                json(line.unit_duty),
                line.unit_duty_minor,
                line.hs_code or variant.hs_code,
                line.origin_country or variant.origin_country,
                line.weight_grams if line.weight_grams >= 0 else variant.weight_grams,
            )
            if known_id is None:
                lines.append(row)
            else:
                changed_lines.append(_as_update(row, LINE_FIELDS))
        for payment in order.payments:
            known_id = existing.payments.get((payment.provider, payment.provider_reference))
            row = (
                known_id,
                now,
                now,
                order_id,
                payment.provider,
                payment.method_type,
                payment.provider_reference,
                payment.currency,
                payment.captured_minor,
                when(payment.captured_at or order.placed_at),
            )
            if known_id is None:
                payments.append(row[1:])  # numbered by the table: nothing refers to it yet
            else:
                changed_payments.append(_as_update(row, PAYMENT_FIELDS))
        for shipment in order.shipments:
            known_id = existing.shipments.get(shipment.external_id)
            shipment_id = known_id if known_id is not None else next(shipment_ids)
            row = (
                shipment_id,
                now,
                now,
                order_id,
                shipment.external_id,
                shipment.carrier,
                shipment.tracking_number,
                when(shipment.shipped_at),
                when(shipment.delivered_at),
            )
            if known_id is None:
                shipments.append(row)
            else:
                changed_shipments.append(_as_update(row, SHIPMENT_FIELDS))
                # Which lines a parcel held is a fact of the record that nothing else refers
                # to, so a known shipment's lines are replaced rather than matched.
                replaced_shipments.append(shipment_id)
            for line_ref, quantity in shipment.lines:
                shipment_lines.append((shipment_id, id_of_line[line_ref], quantity))

    writer.insert(OrderLine, LINE_FIELDS, lines)
    writer.update(OrderLine, _updatable(LINE_FIELDS), changed_lines)
    writer.insert(Payment, PAYMENT_FIELDS, payments, with_ids=False)
    writer.update(Payment, _updatable(PAYMENT_FIELDS), changed_payments)
    writer.insert(Shipment, SHIPMENT_FIELDS, shipments)
    writer.update(Shipment, _updatable(SHIPMENT_FIELDS), changed_shipments)
    writer.delete(ShipmentLine, "shipment", replaced_shipments)
    writer.insert(ShipmentLine, SHIPMENT_LINE_FIELDS, shipment_lines, with_ids=False)
