"""Logistics screens: the network a user may see, open carrier tasks, and the case panel's
actions (route or re-route a return, issue or void its label, download its documents)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from retour.backoffice.access import staff_required
from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.logistics import documents, selectors, services
from retour.logistics.models import CarrierTask, Label
from retour.returns.models import ReturnCase

VIEW = "logistics.view_warehouse"
ROUTE = "logistics.add_routingdecision"
LABEL = "logistics.add_label"
TASK = "logistics.change_carriertask"
DOCUMENT_KINDS = ("label", "slip", "customs")


def _visible_tasks(user):
    tasks = selectors.tasks_open()
    if user.is_superuser or user.has_perm(selectors.ALL_WAREHOUSES_PERMISSION):
        return tasks
    codes = selectors.warehouses_for_user(user).values("pk")
    return tasks.filter(Q(label__destination__in=codes))


@staff_required(VIEW)
def home(request: HttpRequest) -> HttpResponse:
    warehouses = list(selectors.warehouses_for_user(request.user))
    ids = {place.pk for place in warehouses}
    lanes = [
        lane
        for lane in selectors.lane_list()
        if lane.destination_id in ids or lane.from_warehouse_id in ids
    ]
    return render(
        request,
        "backoffice/logistics/home.html",
        {
            "warehouses": warehouses,
            "lanes": lanes,
            "tasks": list(_visible_tasks(request.user)[:100]),
        },
    )


def _back_to_case(case_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("backoffice:case", args=[case_id]) + "#logistics")


@require_POST
@staff_required(TASK)
def task_resolve(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(CarrierTask.objects.select_related("label"), pk=task_id)
    visible = _visible_tasks(request.user).filter(pk=task.pk).exists()
    if task.label is not None and task.status == "open" and not visible:
        raise PermissionDenied
    services.task_resolve(
        task=task, actor=Actor.for_user(request.user), note=request.POST.get("note", "")
    )
    messages.success(request, _("The task is closed."))
    if request.POST.get("next") == "case" and task.case_id:
        return _back_to_case(task.case_id)
    return HttpResponseRedirect(reverse("backoffice:logistics_home"))


@require_POST
@staff_required(ROUTE)
def case_route(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_object_or_404(ReturnCase, pk=case_id)
    destination = request.POST.get("destination", "").strip() or None
    try:
        decision = services.case_route(
            case=case,
            actor=Actor.for_user(request.user),
            override_destination=destination,
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Routed: %(option)s.") % {"option": decision.get_option_display()},
        )
    return _back_to_case(case.pk)


@require_POST
@staff_required(LABEL)
def case_label(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_object_or_404(ReturnCase, pk=case_id)
    try:
        label = services.label_create(case=case, actor=Actor.for_user(request.user))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Label %(number)s created.") % {"number": label.tracking_number}
        )
    return _back_to_case(case.pk)


@require_POST
@staff_required(LABEL)
def label_void(request: HttpRequest, label_id: int) -> HttpResponse:
    label = get_object_or_404(Label, pk=label_id)
    try:
        services.label_void(
            label=label, actor=Actor.for_user(request.user), reason=request.POST.get("reason", "")
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The label is voided."))
    return _back_to_case(label.case_id)


@staff_required(VIEW)
def case_document(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    if kind not in DOCUMENT_KINDS:
        raise Http404
    case = get_object_or_404(ReturnCase.objects.select_related("order", "customer"), pk=case_id)
    language = request.GET.get("language") or case.customer.locale or "en"
    if kind == "label":
        label = selectors.label_for_case(case)
        if label is None:
            raise Http404
        pdf = documents.return_label_pdf(label, language)
    elif kind == "slip":
        pdf = documents.packing_slip_pdf(case, language)
    else:
        pdf = documents.customs_declaration_pdf(case, language)
        if pdf is None:
            raise Http404
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}-{kind}.pdf"'
    return response
