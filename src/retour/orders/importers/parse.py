"""One import record (a dict in the JSON Lines schema) into a validated, normalized order.

Everything that can be checked without the database is checked here; the store and the SKUs are
resolved later, per batch. `source_version` is a hash of the *normalized* order, so the same
order sent as "38.8" or "38.80", from CSV or from JSON Lines, hashes the same.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from operator import attrgetter
from typing import Any

import msgspec

from retour.orders.choices import OrderStatus, PaymentMethodType, PaymentProvider
from retour.orders.importers import fields as read
from retour.orders.importers import rejections as codes
from retour.orders.importers.fields import Problems
from retour.orders.importers.rejections import RecordRejected, Refused, UnreadableRecord

# Bump when the normalization changes, so that every order is rewritten once on the next import.
SCHEMA_VERSION = "1"

STATUSES = frozenset(OrderStatus.values)
PROVIDERS = frozenset(PaymentProvider.values)
METHODS = frozenset(PaymentMethodType.values)


# msgspec Structs rather than dataclasses: cheaper to build, and they cross from the reader
# process to the writer as compact MessagePack (see pipeline.py). No reference cycles: gc=False.
class ParsedLine(msgspec.Struct, array_like=True, gc=False):
    external_line_id: str
    sku: str
    title: str  # "" means: take the product's title
    quantity: int
    unit_paid_net_minor: int
    unit_tax: list[dict[str, Any]]
    unit_tax_minor: int
    unit_duty: list[dict[str, Any]]
    unit_duty_minor: int
    hs_code: str  # "" means: take the product's
    origin_country: str  # "" means: take the product's
    weight_grams: int  # -1 means: take the variant's


class ParsedPayment(msgspec.Struct, array_like=True, gc=False):
    provider: str
    method_type: str
    provider_reference: str
    currency: str
    captured_minor: int
    captured_at: datetime | None  # None means: when the order was placed


class ParsedShipment(msgspec.Struct, array_like=True, gc=False):
    external_id: str
    carrier: str
    tracking_number: str
    shipped_at: datetime | None
    delivered_at: datetime | None
    lines: list[tuple[str, int]]  # (external line id, quantity)


class ParsedOrder(msgspec.Struct, array_like=True, gc=False, tag=True):
    store_code: str
    external_id: str
    number: str
    status: str
    currency: str
    placed_at: datetime
    email: str
    customer_name: str
    customer_phone: str
    customer_locale: str  # "" means: keep the customer's, or "en" for a new one
    customer_country: str  # "" means: keep the customer's, or the destination for a new one
    destination_country: str
    shipping_name: str
    shipping_address1: str
    shipping_address2: str
    shipping_city: str
    shipping_region: str
    shipping_postal_code: str
    shipping_paid_minor: int
    shipping_tax_minor: int
    lines: list[ParsedLine]
    payments: list[ParsedPayment]
    shipments: list[ParsedShipment]
    source_version: str = ""
    file_line: int = 0
    rows: dict[str, Any] | None = None  # where a CSV record's parts came from, to locate problems

    @property
    def key(self) -> tuple[str, str]:
        return (self.store_code, self.external_id)


def parse_item(line: int, record: dict[str, Any] | UnreadableRecord) -> ParsedOrder | Refused:
    """What a reader yielded, as an order ready to write or a refusal with its reasons."""
    if isinstance(record, UnreadableRecord):
        return Refused(line, None, record.problems)
    try:
        return parse_record(line, record)
    except RecordRejected as rejected:
        rows = record.get("_rows") if isinstance(record, dict) else None
        return Refused(line, rows, rejected.problems)


def parse_record(file_line: int, record: Any) -> ParsedOrder:
    """Validate and normalize one record, or raise RecordRejected with every problem found."""
    if not isinstance(record, dict):
        raise RecordRejected([codes.Problem("", codes.NOT_AN_OBJECT)])
    problems = Problems()
    store_code = read.text(record, "store", "", problems, max_length=64, required=True)
    external_id = read.text(record, "external_id", "", problems, max_length=100, required=True)
    number = read.text(record, "number", "", problems, max_length=64)
    status = read.choice(record, "status", "", problems, choices=STATUSES, default="open")
    currency = read.currency(record, "currency", "", problems)
    placed_at = read.moment(record, "placed_at", "", problems, required=True)
    email = read.email(record, "email", "", problems)

    customer = read.obj(record, "customer", "", problems) or {}
    customer_name = read.text(customer, "name", "customer", problems, max_length=200)
    customer_phone = read.text(customer, "phone", "customer", problems, max_length=40)
    customer_locale = read.text(customer, "locale", "customer", problems, max_length=10)
    customer_country = read.country(customer, "country", "customer", problems)

    address = read.obj(record, "shipping_address", "", problems, required=True)
    path = "shipping_address"
    destination = None
    if address is not None:
        destination = read.country(address, "country", path, problems, required=True)
    address = address or {}
    shipping_name = read.text(address, "name", path, problems, max_length=200)
    address1 = read.text(address, "address1", path, problems, max_length=300)
    address2 = read.text(address, "address2", path, problems, max_length=300)
    city = read.text(address, "city", path, problems, max_length=120)
    region = read.text(address, "region", path, problems, max_length=120)
    postal_code = read.text(address, "postal_code", path, problems, max_length=20)

    shipping = read.obj(record, "shipping", "", problems) or {}
    shipping_paid = shipping_tax = 0
    if currency:
        shipping_paid = read.amount(shipping, "paid", "shipping", problems, currency_code=currency)
        shipping_tax = read.amount(shipping, "tax", "shipping", problems, currency_code=currency)

    lines, ordered = _lines(record, currency, problems)
    payments = _payments(record, currency, problems)
    shipments = _shipments(record, ordered, problems)

    if problems:
        raise RecordRejected(problems)
    order = ParsedOrder(
        file_line=file_line,
        rows=record.get("_rows"),
        store_code=store_code,
        external_id=external_id,
        number=number or external_id,
        status=status,
        currency=currency,
        placed_at=placed_at,
        email=email,
        customer_name=customer_name,
        customer_phone=customer_phone,
        customer_locale=customer_locale.lower().replace("_", "-"),
        customer_country=customer_country,
        destination_country=destination,
        shipping_name=shipping_name,
        shipping_address1=address1,
        shipping_address2=address2,
        shipping_city=city,
        shipping_region=region,
        shipping_postal_code=postal_code,
        shipping_paid_minor=shipping_paid,
        shipping_tax_minor=shipping_tax,
        lines=lines,
        payments=payments,
        shipments=shipments,
    )
    order.source_version = fingerprint(order)
    return order


def _lines(
    record: dict[str, Any], currency: str | None, problems: Problems
) -> tuple[list[ParsedLine], dict[str, int | None] | None]:
    """The lines, and each readable line id's quantity (None when unreadable) for shipments.

    The mapping is None when some line id could not be read: shipments cannot then be checked
    against the lines, and the unreadable id is already reported.
    """
    items = read.array(record, "lines", "", problems)
    if items is None:
        return [], None
    if not items:
        problems.add("lines", codes.NO_LINES)
        return [], None
    parsed: list[ParsedLine] = []
    ordered: dict[str, int | None] | None = {}
    for index, item in enumerate(items):
        path = f"lines[{index}]"
        line_id = read.text(item, "id", path, problems, max_length=100, required=True)
        quantity = read.quantity(item, "quantity", path, problems)
        if line_id is None:
            ordered = None
        elif ordered is not None:
            if line_id in ordered:
                problems.add(f"{path}.id", codes.DUPLICATE_ID, value=line_id)
            else:
                ordered[line_id] = quantity
        sku = read.text(item, "sku", path, problems, max_length=64, required=True)
        title = read.text(item, "title", path, problems, max_length=300)
        hs_code = read.hs_code(item, "hs_code", path, problems)
        origin = read.country(item, "origin_country", path, problems)
        weight = read.weight(item, "weight_grams", path, problems)
        if currency is None:
            continue
        paid = read.amount(
            item, "unit_paid_net", path, problems, currency_code=currency, required=True
        )
        taxes, tax_total = _taxes(item, path, currency, problems)
        duties, duty_total = _duties(item, path, currency, problems)
        parsed.append(
            ParsedLine(
                external_line_id=line_id,
                sku=sku,
                title=title,
                quantity=quantity,
                unit_paid_net_minor=paid,
                unit_tax=taxes,
                unit_tax_minor=tax_total,
                unit_duty=duties,
                unit_duty_minor=duty_total,
                hs_code=hs_code,
                origin_country=origin,
                weight_grams=weight,
            )
        )
    return parsed, ordered


def _taxes(
    item: dict[str, Any], path: str, currency: str, problems: Problems
) -> tuple[list[dict[str, Any]], int]:
    components = read.array(item, "unit_tax", path, problems) or []
    stored: list[dict[str, Any]] = []
    total = 0
    for index, component in enumerate(components):
        at = f"{path}.unit_tax[{index}]"
        name = read.text(component, "name", at, problems, max_length=40, required=True)
        rate = read.rate_bps(component, "rate", at, problems)
        jurisdiction = read.text(component, "jurisdiction", at, problems, max_length=40)
        minor = read.amount(
            component, "amount", at, problems, currency_code=currency, required=True
        )
        if name is None or rate is None or minor is None or jurisdiction is None:
            continue
        entry: dict[str, Any] = {"name": name, "rate_bps": rate, "amount_minor": minor}
        if jurisdiction:
            entry["jurisdiction"] = jurisdiction
        stored.append(entry)
        total += minor
    return stored, total


def _duties(
    item: dict[str, Any], path: str, currency: str, problems: Problems
) -> tuple[list[dict[str, Any]], int]:
    components = read.array(item, "unit_duty", path, problems) or []
    stored: list[dict[str, Any]] = []
    total = 0
    for index, component in enumerate(components):
        at = f"{path}.unit_duty[{index}]"
        kind = read.text(component, "kind", at, problems, max_length=40, required=True)
        minor = read.amount(
            component, "amount", at, problems, currency_code=currency, required=True
        )
        if kind is None or minor is None:
            continue
        stored.append({"kind": kind, "amount_minor": minor})
        total += minor
    return stored, total


def _payments(
    record: dict[str, Any], currency: str | None, problems: Problems
) -> list[ParsedPayment]:
    items = read.array(record, "payments", "", problems) or []
    parsed: list[ParsedPayment] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(items):
        path = f"payments[{index}]"
        provider = read.choice(item, "provider", path, problems, choices=PROVIDERS)
        method = read.choice(item, "method", path, problems, choices=METHODS)
        reference = read.text(item, "reference", path, problems, max_length=200, required=True)
        if provider is not None and reference is not None:
            if (provider, reference) in seen:
                problems.add(f"{path}.reference", codes.DUPLICATE_ID, value=reference)
            seen.add((provider, reference))
        payment_currency = currency
        if item.get("currency") not in (None, ""):
            payment_currency = read.currency(item, "currency", path, problems)
        captured_at = read.moment(item, "captured_at", path, problems)
        if payment_currency is None:
            continue
        captured = read.amount(
            item, "amount", path, problems, currency_code=payment_currency, required=True
        )
        parsed.append(
            ParsedPayment(provider, method, reference, payment_currency, captured, captured_at)
        )
    return parsed


def _shipments(
    record: dict[str, Any], ordered: dict[str, int | None] | None, problems: Problems
) -> list[ParsedShipment]:
    items = read.array(record, "shipments", "", problems) or []
    shipped: dict[str, int] = {}
    parsed: list[ParsedShipment] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        path = f"shipments[{index}]"
        shipment_id = read.text(item, "id", path, problems, max_length=100, required=True)
        if shipment_id is not None:
            if shipment_id in seen:
                problems.add(f"{path}.id", codes.DUPLICATE_ID, value=shipment_id)
            seen.add(shipment_id)
        carrier = read.text(item, "carrier", path, problems, max_length=100)
        tracking = read.text(item, "tracking_number", path, problems, max_length=100)
        shipped_at = read.moment(item, "shipped_at", path, problems)
        delivered_at = read.moment(item, "delivered_at", path, problems)
        shipped_given = item.get("shipped_at") not in (None, "")
        if delivered_at is not None and (
            (shipped_at is None and not shipped_given)
            or (shipped_at is not None and delivered_at < shipped_at)
        ):
            problems.add(f"{path}.delivered_at", codes.DELIVERED_BEFORE_SHIPPED)
        shipment_lines: list[tuple[str, int]] = []
        in_shipment: set[str] = set()
        for line_index, entry in enumerate(read.array(item, "lines", path, problems) or []):
            at = f"{path}.lines[{line_index}]"
            line_id = read.text(entry, "line", at, problems, max_length=100, required=True)
            # No quantity means the whole line: the usual case, and what a blank CSV cell says.
            whole_line = entry.get("quantity") in (None, "")
            quantity = None if whole_line else read.quantity(entry, "quantity", at, problems)
            if line_id is None:
                continue
            if line_id in in_shipment:
                problems.add(f"{at}.line", codes.DUPLICATE_ID, value=line_id)
                continue
            in_shipment.add(line_id)
            if ordered is None:
                continue
            if line_id not in ordered:
                problems.add(f"{at}.line", codes.UNKNOWN_LINE, value=line_id)
                continue
            if whole_line:
                quantity = ordered[line_id]
            if quantity is None:  # unreadable here or on the line itself: already reported
                continue
            total = shipped.get(line_id, 0) + quantity
            shipped[line_id] = total
            if ordered[line_id] is not None and total > ordered[line_id]:
                problems.add(
                    f"{at}.quantity",
                    codes.SHIPPED_EXCEEDS_ORDERED,
                    line=line_id,
                    shipped=total,
                    ordered=ordered[line_id],
                )
            shipment_lines.append((line_id, quantity))
        parsed.append(
            ParsedShipment(shipment_id, carrier, tracking, shipped_at, delivered_at, shipment_lines)
        )
    return parsed


_LINE_ID = attrgetter("external_line_id")
_PAYMENT_KEY = attrgetter("provider", "provider_reference")
_SHIPMENT_ID = attrgetter("external_id")
_ENCODE = msgspec.json.Encoder().encode


def fingerprint(order: ParsedOrder) -> str:
    """SHA-256 of the normalized order; children sorted by their ids so order does not matter."""
    normalized = (
        SCHEMA_VERSION,
        order.store_code,
        order.external_id,
        order.number,
        order.status,
        order.currency,
        order.placed_at,
        order.email,
        order.customer_name,
        order.customer_phone,
        order.customer_locale,
        order.customer_country,
        order.destination_country,
        order.shipping_name,
        order.shipping_address1,
        order.shipping_address2,
        order.shipping_city,
        order.shipping_region,
        order.shipping_postal_code,
        order.shipping_paid_minor,
        order.shipping_tax_minor,
        sorted(order.lines, key=_LINE_ID),
        sorted(order.payments, key=_PAYMENT_KEY),
        [
            (
                s.external_id,
                s.carrier,
                s.tracking_number,
                s.shipped_at,
                s.delivered_at,
                sorted(s.lines),
            )
            for s in sorted(order.shipments, key=_SHIPMENT_ID)
        ],
    )
    return hashlib.sha256(_ENCODE(normalized)).hexdigest()
