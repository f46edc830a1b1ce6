"""Outbox handlers: route a return once it is approved."""

from __future__ import annotations

import logging

from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.core.models import OutboxMessage
from retour.logistics.models import RoutingDecision, Warehouse
from retour.returns.models import ReturnCase

logger = logging.getLogger(__name__)


def route_approved_case(message: OutboxMessage) -> None:
    """Route a return that just became approved (approved, or approved at submission), unless
    it already has a routing."""
    from retour.logistics.services import case_route

    payload = message.payload or {}
    if payload.get("to_status") != "approved" or payload.get("from_status") == "approved":
        return
    case_id = (payload.get("aggregate") or {}).get("id")
    if case_id is None or RoutingDecision.objects.filter(case_id=case_id).exists():
        return
    if not Warehouse.objects.filter(is_active=True).exists():
        return  # no network configured: nothing to route to
    case = ReturnCase.objects.filter(pk=case_id).first()
    if case is None:
        return
    try:
        case_route(case=case, actor=Actor.system("routing"))
    except ApplicationError as error:
        # Not approved any more, no lane for this country…: retrying would not help; staff
        # route it from the case page.
        logger.info("logistics.routing.skipped", extra={"case_id": case_id, "code": error.code})
    except ValueError:
        # No exchange rate between a lane's currency and the return's.
        logger.warning("logistics.routing.no_rate", extra={"case_id": case_id})
