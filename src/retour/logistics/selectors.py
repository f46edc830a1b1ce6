"""Reads of the logistics app: the network a user may see, a return's routing, label and tracking."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from retour.logistics.models import (
    CarrierTask,
    Label,
    LabelStatus,
    Lane,
    RoutingDecision,
    TaskStatus,
    TrackingEvent,
    Warehouse,
)

ALL_WAREHOUSES_PERMISSION = "logistics.access_all_warehouses"


def warehouses_for_user(user: Any) -> QuerySet[Warehouse]:
    """The warehouses `user` may work in: every one for superusers and holders of
    `logistics.access_all_warehouses`; otherwise only those they are a member of (none for an
    anonymous user)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Warehouse.objects.none()
    if user.is_superuser or user.has_perm(ALL_WAREHOUSES_PERMISSION):
        return Warehouse.objects.all()
    return Warehouse.objects.filter(members__user=user).distinct()


def warehouse_get(*, code: str) -> Warehouse:
    return Warehouse.objects.get(code=code)


def warehouse_list(*, active_only: bool = False) -> QuerySet[Warehouse]:
    queryset = Warehouse.objects.all()
    return queryset.filter(is_active=True) if active_only else queryset


def lane_list() -> QuerySet[Lane]:
    return Lane.objects.select_related("destination", "from_warehouse")


def routing_for_case(case: Any) -> RoutingDecision | None:
    """The routing in force for the return (the latest), or None if it was never routed."""
    return (
        RoutingDecision.objects.select_related("destination", "lane")
        .filter(case_id=case.pk)
        .order_by("-created_at", "-id")
        .first()
    )


def routing_history(case: Any) -> QuerySet[RoutingDecision]:
    return RoutingDecision.objects.filter(case_id=case.pk).order_by("-created_at", "-id")


def label_for_case(case: Any) -> Label | None:
    """The return's live label (created or in use), else its latest one, else None."""
    labels = Label.objects.select_related("lane", "destination").filter(case_id=case.pk)
    live = labels.filter(status__in=[LabelStatus.CREATED, LabelStatus.IN_USE]).first()
    return live or labels.order_by("-created_at", "-id").first()


def labels_for_case(case: Any) -> QuerySet[Label]:
    return Label.objects.filter(case_id=case.pk).order_by("-created_at", "-id")


def tracking_events_for_case(case: Any) -> QuerySet[TrackingEvent]:
    return TrackingEvent.objects.filter(label__case_id=case.pk).order_by("-occurred_at", "-id")


def tasks_open() -> QuerySet[CarrierTask]:
    return CarrierTask.objects.select_related("case", "label").filter(status=TaskStatus.OPEN)


def tasks_for_case(case: Any) -> QuerySet[CarrierTask]:
    return CarrierTask.objects.filter(case_id=case.pk).order_by("status", "-created_at")
