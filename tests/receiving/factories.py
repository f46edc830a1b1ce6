"""Builders for the receiving tests: a warehouse with its staff, an approved return, a label."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from PIL import Image

from retour.core.actors import Actor
from retour.logistics.models import Label, Lane, Warehouse, WarehouseMember
from retour.returns import services as returns_services
from tests.catalog.factories import CategoryFactory
from tests.returns.factories import order_lines, shipped_order, submit_case


def make_warehouse(code: str = "nj-returns", country: str = "US") -> Warehouse:
    return Warehouse.objects.create(
        code=code,
        name=f"Warehouse {code}",
        kind="warehouse",
        address1="1 Dock Road",
        city="Newark",
        country=country,
        currency="USD",
        handling_cost_minor=150,
        capabilities=["inspect", "refurbish", "resell"],
    )


def make_member(staff_user, warehouse: Warehouse, username: str = "picker"):
    user = staff_user(username, role="warehouse")
    WarehouseMember.objects.create(warehouse=warehouse, user=user)
    return user


def approved_case(quantities=(3, 2), categories=("apparel", "electronics"), serials=None):
    """An approved return of every unit of an order whose lines are in `categories`."""
    order = shipped_order(quantities)
    lines = order_lines(order)
    for line, code in zip(lines, categories, strict=False):
        product = line.variant.product
        product.category = CategoryFactory(code=code, name=code.title())
        product.save(update_fields=["category"])
        line.variant.weight_grams = 300
        line.variant.save(update_fields=["weight_grams"])
    buyer = Actor.customer(order.customer_id)
    case = submit_case(order, buyer, {line.pk: line.quantity for line in lines})
    if serials:
        from retour.returns.models import ReturnLine

        for index, values in serials.items():
            ReturnLine.objects.filter(case=case, order_line=lines[index]).update(serials=values)
    return returns_services.case_approve(case=case, actor=Actor.system("tests"))


def return_lines(case) -> list:
    return list(case.lines.order_by("order_line_id"))


def make_label(case, warehouse: Warehouse, tracking: str = "1Z999AA10123456784") -> Label:
    lane = Lane.objects.get_or_create(
        code=f"to-{warehouse.code}",
        defaults={
            "kind": "parcel",
            "from_country": "DE",
            "destination": warehouse,
            "carrier": "self",
            "carrier_name": "DHL",
            "service": "Retoure",
            "currency": "EUR",
            "transit_days": 4,
        },
    )[0]
    return Label.objects.create(
        case=case,
        lane=lane,
        destination=warehouse,
        carrier="self",
        carrier_name="DHL",
        service="Retoure",
        tracking_number=tracking,
        weight_grams=900,
        cost_minor=599,
        currency="EUR",
        expires_at=timezone.now() + dt.timedelta(days=14),
    )


def photo(name: str = "unit.png", colour: str = "red") -> io.BytesIO:
    handle = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(handle, format="PNG")
    handle.seek(0)
    handle.name = name
    return handle
