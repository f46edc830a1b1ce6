"""Demo returns for the back office: a queue worth working (buyers' returns across the markets,
most waiting for review, some already decided), with tags and notes and staff profiles.

Idempotent: once the demo has its returns, a second run changes nothing.
"""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model

from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.orders.models import Order
from retour.returns import services as returns_services
from retour.returns.choices import Resolution, ReturnMethod
from retour.returns.models import ReturnCase
from retour.returns.selectors import order_availability
from retour.returns.types import LineRequest
from retour.staff import services as staff_services

TARGET = 120
REASONS = (
    "size_too_small",
    "size_too_large",
    "colour_differs",
    "not_as_described",
    "defective",
    "arrived_damaged",
    "no_longer_needed",
    "ordered_by_mistake",
    "wrong_item",
    "missing_parts",
)
PROFILES = {
    "agent": "Asia/Shanghai",
    "warehouse": "Europe/Berlin",
    "finance": "Europe/London",
    "admin": "Asia/Shanghai",
}
TAGS = ("vip", "fraud-check", "repeat-buyer", "fragile")


def load(stdout: Any = None) -> None:
    users = {user.username: user for user in get_user_model().objects.filter(username__in=PROFILES)}
    for username, zone in PROFILES.items():
        if username in users:
            staff_services.profile_update(user=users[username], time_zone=zone)
    existing = ReturnCase.objects.count()
    if existing >= TARGET:
        return
    rng = random.Random(20261122)
    orders = list(
        Order.objects.filter(shipments__delivered_at__isnull=False)
        .distinct()
        .order_by("-placed_at", "id")[: TARGET * 3]
    )
    rng.shuffle(orders)
    agent = users.get("agent")
    staff = Actor.for_user(agent) if agent else Actor.system("demo")
    made = 0
    for order in orders:
        if existing + made >= TARGET:
            break
        if ReturnCase.objects.filter(order_id=order.pk).exists():
            continue
        available = [a for a in order_availability(order_id=order.pk).values() if a.returnable]
        if not available:
            continue
        chosen = rng.sample(available, k=min(len(available), rng.choice((1, 1, 2))))
        lines = [
            LineRequest(
                order_line_id=item.order_line_id,
                quantity=rng.randint(1, item.returnable),
                reason_code=rng.choice(REASONS),
                customer_comment=rng.choice(("", "", "Does not fit.", "Colour is off.")),
            )
            for item in chosen
        ]
        try:
            case = returns_services.case_create(
                order=order,
                actor=Actor.customer(order.customer_id),
                lines=lines,
                requested_resolution=rng.choice((Resolution.REFUND, Resolution.STORE_CREDIT)),
                return_method=ReturnMethod.LABEL,
            )
        except ApplicationError:
            continue
        made += 1
        roll = rng.random()
        try:
            if roll < 0.12 and agent:
                returns_services.case_approve(case=case, actor=staff)
            elif roll < 0.18 and agent:
                returns_services.case_reject(
                    case=case, actor=staff, reason="Outside the return window."
                )
        except ApplicationError:
            pass
        if agent and rng.random() < 0.2:
            staff_services.tag_add(case=case, actor=staff, tag=rng.choice(TAGS))
        if agent and rng.random() < 0.1:
            staff_services.note_add(
                case=case, actor=staff, text="Buyer called: wants a quick decision."
            )
    if stdout is not None:
        stdout.write(f"  Back office: {made} demo returns created.\n")
