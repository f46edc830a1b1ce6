"""The case page's logistics section: the routing comparison (with the override form), the
label and its documents, the tracking events and the carrier tasks of the return."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from retour.core.money import Money
from retour.logistics import selectors
from retour.logistics.documents import customs_route
from retour.logistics.models import LabelStatus, RoutingOption

COST_KEYS = ("label", "handling", "freight", "customs", "duties", "resale")


def _money(amount: int, currency: str) -> str:
    return Money(amount, currency).format(translation.get_language() or "en")


def panel(case: Any, user: Any) -> dict | None:
    if not user.has_perm("logistics.view_warehouse"):
        return None
    decision = selectors.routing_for_case(case)
    label = selectors.label_for_case(case)
    options = []
    labels = dict(RoutingOption.choices)
    if decision is not None:
        for item in decision.comparison:
            options.append(
                {
                    **item,
                    "label": labels.get(item["option"], item["option"]),
                    "costs_display": [
                        _money(item["costs"].get(key, 0), decision.currency) for key in COST_KEYS
                    ],
                    "net_display": _money(item["net_cost_minor"], decision.currency),
                }
            )
    if decision is None and case.status != "approved" and label is None:
        return None
    return {
        "case": case,
        "decision": decision,
        "net_display": _money(decision.net_cost_minor, decision.currency) if decision else "",
        "options": options,
        "destinations": [
            item for item in options if item["destination"] or item["option"] == "keep"
        ],
        "label": label,
        "label_cost": _money(label.cost_minor, label.currency) if label else "",
        "label_voidable": label is not None and label.status == LabelStatus.CREATED,
        "cross_border": customs_route(case) is not None,
        "events": list(selectors.tracking_events_for_case(case)[:20]),
        "tasks": list(selectors.tasks_for_case(case)[:20]),
        "can_route": user.has_perm("logistics.add_routingdecision") and case.status == "approved",
        "can_label": user.has_perm("logistics.add_label"),
        "can_resolve": user.has_perm("logistics.change_carriertask"),
    }
