"""The read side of the returns domain. Interfaces fetch returns and claims only through these;
the `_for_customer` functions are the ownership checks of the portal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from retour.orders.models import OrderLine
from retour.returns.choices import CaseStatus, ExchangeStatus
from retour.returns.exceptions import CaseNotFound, ClaimNotFound
from retour.returns.models import Claim, Exchange, OrderLineLedger, ReturnCase, ReturnLine
from retour.returns.numbers import CASE_PREFIX, CLAIM_PREFIX, normalize_number
from retour.returns.timeline import TimelineEntry, case_timeline, claim_timeline

__all__ = [
    "LineAvailability",
    "TimelineEntry",
    "case_get",
    "case_get_by_number",
    "case_get_for_customer",
    "case_lines",
    "case_list_expirable",
    "case_list_for_customer",
    "case_timeline",
    "claim_get",
    "claim_get_by_number",
    "claim_get_for_customer",
    "claim_list_for_customer",
    "claim_timeline",
    "exchange_list_unreturned_due",
    "order_availability",
]


def case_get(*, case_id: int) -> ReturnCase:
    """A return by id, for staff and the system."""
    try:
        return ReturnCase.objects.select_related("order", "customer").get(pk=case_id)
    except ReturnCase.DoesNotExist:
        raise CaseNotFound(extra={"case_id": case_id}) from None


def case_get_by_number(*, number: str) -> ReturnCase:
    """A return by its number as typed (typos are refused by the check character)."""
    canonical = normalize_number(number, prefix=CASE_PREFIX)
    try:
        return ReturnCase.objects.select_related("order", "customer").get(number=canonical)
    except ReturnCase.DoesNotExist:
        raise CaseNotFound(extra={"number": canonical}) from None


def case_get_for_customer(*, customer_id: int, case_id: int) -> ReturnCase:
    """A buyer's own return; someone else's is reported as not found, never as forbidden."""
    try:
        return ReturnCase.objects.select_related("order").get(pk=case_id, customer_id=customer_id)
    except ReturnCase.DoesNotExist:
        raise CaseNotFound(extra={"case_id": case_id}) from None


def case_list_for_customer(*, customer_id: int) -> QuerySet[ReturnCase]:
    return ReturnCase.objects.filter(customer_id=customer_id).select_related("order")


def case_lines(*, case: ReturnCase) -> QuerySet[ReturnLine]:
    return ReturnLine.objects.filter(case_id=case.pk).select_related(
        "order_line", "exchange_variant"
    )


def case_list_expirable(*, now: datetime) -> QuerySet[ReturnCase]:
    """Approved returns past their ship-by date: what the expiry job hands to `case_expire`."""
    return ReturnCase.objects.filter(status=CaseStatus.APPROVED, expires_at__lt=now).order_by(
        "expires_at", "id"
    )


def claim_get(*, claim_id: int) -> Claim:
    try:
        return Claim.objects.select_related("order", "customer").get(pk=claim_id)
    except Claim.DoesNotExist:
        raise ClaimNotFound(extra={"claim_id": claim_id}) from None


def claim_get_by_number(*, number: str) -> Claim:
    canonical = normalize_number(number, prefix=CLAIM_PREFIX)
    try:
        return Claim.objects.select_related("order", "customer").get(number=canonical)
    except Claim.DoesNotExist:
        raise ClaimNotFound(extra={"number": canonical}) from None


def claim_get_for_customer(*, customer_id: int, claim_id: int) -> Claim:
    try:
        return Claim.objects.select_related("order").get(pk=claim_id, customer_id=customer_id)
    except Claim.DoesNotExist:
        raise ClaimNotFound(extra={"claim_id": claim_id}) from None


def claim_list_for_customer(*, customer_id: int) -> QuerySet[Claim]:
    return Claim.objects.filter(customer_id=customer_id).select_related("order")


def exchange_list_unreturned_due(*, now: datetime) -> QuerySet[Exchange]:
    """Advance exchanges still awaiting the goods after their deadline."""
    return Exchange.objects.filter(
        status=ExchangeStatus.AWAITING_RETURN, advance_ship=True, unreturned_deadline__lt=now
    ).order_by("unreturned_deadline", "id")


@dataclass(frozen=True, slots=True)
class LineAvailability:
    """Where the units of one order line stand, and how many may still be returned."""

    order_line_id: int
    shipped: int
    requested: int
    received: int
    kept: int
    returnable: int


def order_availability(*, order_id: int) -> dict[int, LineAvailability]:
    """Per order line: shipped units and how many may still be returned or claimed (Q1).

    Read without locks, for display; the services check again under the ledger lock.
    """
    shipped = dict(
        OrderLine.objects.filter(order_id=order_id)
        .annotate(shipped=Coalesce(Sum("shipment_lines__quantity"), 0))
        .values_list("id", "shipped")
    )
    ledgers = {row.order_line_id: row for row in OrderLineLedger.objects.filter(order_id=order_id)}
    result = {}
    for line_id, quantity in sorted(shipped.items()):
        row = ledgers.get(line_id)
        requested, received, kept = (
            (row.requested_qty, row.received_qty, row.kept_qty) if row else (0, 0, 0)
        )
        result[line_id] = LineAvailability(
            order_line_id=line_id,
            shipped=quantity,
            requested=requested,
            received=received,
            kept=kept,
            returnable=max(quantity - requested - received - kept, 0),
        )
    return result
