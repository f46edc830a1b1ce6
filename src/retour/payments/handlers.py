"""Outbox handlers: lower apps' events that may make a refund due (refund triggers).

The returns core's own events cover the triggers today (approval, first carrier scan,
receipt, inspection); logistics' tracking events (`logistics.tracking.*`) are read the same way
when they carry a `case_id`. Every handler goes through `refund_trigger_fire`, which is
idempotent, so a message delivered twice settles once.
"""

from __future__ import annotations

import logging

from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.payments.choices import Trigger

logger = logging.getLogger(__name__)

TOPIC_TRIGGERS = {
    "returns.case.approved": Trigger.ON_REQUEST,
    "returns.case.in_transit": Trigger.FIRST_SCAN,
    "returns.case.receipt_recorded": Trigger.WAREHOUSE_DELIVERY,
    "returns.case.inspected": Trigger.INSPECTION,
}


def _fire(case_id: int, trigger: str) -> None:
    from retour.payments.services import refund_trigger_fire
    from retour.returns.models import ReturnCase

    case = ReturnCase.objects.filter(pk=case_id).first()
    if case is None:
        return
    try:
        refund_trigger_fire(case=case, trigger=trigger, actor=Actor.system("refund-trigger"))
    except ApplicationError as error:
        # Not retried: a person acts on it from the back office (the preview says why).
        logger.warning(
            "payments.trigger.refused",
            extra={"case": case_id, "trigger": trigger, "code": error.code},
        )


def on_case_event(message) -> None:
    trigger = TOPIC_TRIGGERS.get(message.topic)
    aggregate = (message.payload or {}).get("aggregate") or {}
    if trigger and aggregate.get("type") == "returns.case" and aggregate.get("id"):
        _fire(int(aggregate["id"]), trigger)


def on_tracking_event(message) -> None:
    data = (message.payload or {}).get("data") or {}
    case_id = data.get("case_id")
    topic = message.topic
    if not case_id:
        return
    if topic.endswith(("delivered", "warehouse_delivery", "delivered_to_warehouse")):
        _fire(int(case_id), Trigger.WAREHOUSE_DELIVERY)
    elif topic.endswith(("first_scan", "in_transit", "accepted", "picked_up")):
        _fire(int(case_id), Trigger.FIRST_SCAN)
