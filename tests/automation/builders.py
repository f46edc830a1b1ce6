"""Builders for automation tests: cases with a chosen reason, value, evidence and history."""

from __future__ import annotations

import io

from retour.automation.services import rule_create
from retour.core.actors import Actor
from retour.evidence.services import evidence_attach
from retour.returns.choices import Resolution, ReturnMethod
from retour.returns.services import case_create
from retour.returns.types import LineRequest
from tests.returns.factories import order_lines, shipped_order

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 500
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 1000


def make_case(
    *,
    reason: str = "size_too_small",
    unit_net_minor: int | None = None,
    quantity: int = 1,
    evidence: tuple[str, ...] = (),
    order=None,
    delivered_days_ago: int = 3,
    **order_fields,
):
    """A submitted case (by its buyer) for one line of a fresh order to Germany."""
    if order is None:
        order = shipped_order(
            (max(quantity, 1),), delivered_days_ago=delivered_days_ago, **order_fields
        )
    line = order_lines(order)[0]
    if unit_net_minor is not None:
        line.unit_paid_net_minor = unit_net_minor
        line.unit_tax_minor = 0
        line.save(update_fields=["unit_paid_net_minor", "unit_tax_minor"])
    buyer = Actor.customer(order.customer_id)
    case = case_create(
        order=order,
        actor=buyer,
        lines=[LineRequest(order_line_id=line.pk, quantity=quantity, reason_code=reason)],
        requested_resolution=Resolution.REFUND,
        return_method=ReturnMethod.LABEL,
    )
    for kind in evidence:
        handle = io.BytesIO(MP4 if kind == "video" else JPEG)
        handle.name = "clip.mp4" if kind == "video" else "photo.jpg"
        evidence_attach(upload=handle, kind=kind, actor=buyer, source="portal", case=case)
    return case


def make_rule(editor, *, actions, conditions=None, priority=100, enabled=True, **terms):
    return rule_create(
        actor=editor,
        name=terms.pop("name", f"rule {priority}"),
        priority=priority,
        enabled=enabled,
        conditions=conditions or {},
        actions=actions,
        **terms,
    )
