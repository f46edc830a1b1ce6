"""The home page: what needs attention now, for the signed-in staff member."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from retour.backoffice.access import staff_required
from retour.backoffice.views._common import moment, money_text, reference_lists
from retour.backoffice.views.queue import REVIEW_STATUSES, due_of, order_by_due
from retour.core.money import Money
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase

TRANSIT_OVERDUE = timedelta(days=14)  # a parcel scanned this long ago and still not received
LIST_SIZE = 10
MARKET_STATUSES = (
    CaseStatus.SUBMITTED,
    CaseStatus.PENDING_REVIEW,
    CaseStatus.APPROVED,
    CaseStatus.IN_TRANSIT,
    CaseStatus.PARTIALLY_RECEIVED,
    CaseStatus.RECEIVED,
)


def _rows(cases: Any, due_field: str | None = None, sla: dict | None = None) -> list[dict]:
    rows = []
    now = timezone.now()
    for case in cases:
        zone = case.market.time_zone if case.market else ""
        if sla is not None:
            due = due_of(case, sla)
        else:
            due = getattr(case, due_field) if due_field else None
        rows.append({"case": case, "due": moment(due, zone), "overdue": due and due < now})
    return rows


def _market_counts() -> list[dict]:
    """Open returns per market and status (cached a minute: a GROUP BY over every open case)."""
    cached = cache.get("backoffice:market-counts")
    if cached is not None:
        return cached
    counts: dict[Any, dict[str, int]] = {}
    for row in (
        ReturnCase.objects.filter(status__in=MARKET_STATUSES)
        .values("market_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts.setdefault(row["market_id"], {})[row["status"]] = row["n"]
    markets = {market["id"]: market for market in reference_lists()["markets"]}
    table = []
    for market_id, by_status in counts.items():
        market = markets.get(market_id, {"code": "—", "name": "—"})
        table.append(
            {
                "code": market["code"],
                "name": market["name"],
                "cells": [by_status.get(status, 0) for status in MARKET_STATUSES],
                "total": sum(by_status.values()),
            }
        )
    table.sort(key=lambda row: row["code"])
    cache.set("backoffice:market-counts", table, 60)
    return table


def _failing_refunds() -> Any:
    """Refunds that failed, from the money area's selector once it exists."""
    try:
        from retour.payments.selectors import refunds_failing
    except ImportError:
        return None
    return [
        {
            "refund": refund,
            "case": getattr(getattr(refund, "settlement", None), "case", None),
            "amount": money_text(_money(refund)),
        }
        for refund in refunds_failing()[:LIST_SIZE]
    ]


def _money(refund: Any) -> Money | None:
    try:
        return Money(int(refund.amount_minor), refund.currency)
    except Exception:
        return None


@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    lists = reference_lists()
    now = timezone.now()
    can_view = request.user.has_perm("returns.view_returncase")
    context: dict[str, Any] = {"can_view_returns": can_view}
    if can_view:
        base = ReturnCase.objects.select_related("market", "order__store", "customer")
        review, _exact = order_by_due(base.filter(status__in=REVIEW_STATUSES), lists["markets"])
        ship_by_passed = base.filter(status=CaseStatus.APPROVED, expires_at__lt=now).order_by(
            "expires_at", "id"
        )
        stuck = base.filter(
            status=CaseStatus.IN_TRANSIT, in_transit_at__lt=now - TRANSIT_OVERDUE
        ).order_by("in_transit_at", "id")
        sla = {market["id"]: market["first_response_hours"] for market in lists["markets"]}
        review_rows = _rows(review[:LIST_SIZE], sla=sla)
        context |= {
            "review": review_rows,
            "review_overdue": sum(1 for row in review_rows if row["overdue"]),
            "ship_by_passed": _rows(ship_by_passed[:LIST_SIZE], "expires_at"),
            "stuck": _rows(stuck[:LIST_SIZE], "in_transit_at"),
            "market_counts": _market_counts(),
            "market_statuses": [CaseStatus(status).label for status in MARKET_STATUSES],
            "transit_days": TRANSIT_OVERDUE.days,
        }
    if request.user.has_perm("payments.view_refund"):
        context["failing_refunds"] = _failing_refunds()
    return render(request, "backoffice/home.html", context)
