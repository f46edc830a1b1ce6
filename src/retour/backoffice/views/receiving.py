"""Receiving screens: scan, count, inspect, dispose, unidentified parcels, disputes, stock.

Built for a tablet and a handheld scanner that types like a keyboard: every page puts the cursor
where the next scan or keystroke goes, Enter submits, and each step leads to the next (count →
inspect each unit → dispose of each unit). The operator works in one warehouse at a time (kept
in the session, chosen among `warehouses_for_user`); every command goes through a receiving
service, which checks the warehouse again.
"""

from __future__ import annotations

import csv
import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from retour.backoffice.access import staff_required
from retour.backoffice.forms import receiving as forms
from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.logistics.models import Warehouse
from retour.receiving import selectors, services
from retour.receiving.checklists import asked_checks
from retour.receiving.models import (
    DiscrepancyKind,
    DispositionAction,
    Dispute,
    DisputeStatus,
    InspectedUnit,
    UnidentifiedParcel,
)
from retour.receiving.types import CountedUnits, Discrepancy
from retour.returns import services as returns_services
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase

VIEW = "receiving.view_receipt"
RECEIVE = "receiving.add_receipt"
INSPECT = "receiving.add_inspectedunit"
DISPOSE = "receiving.change_inspectedunit"
PARCEL_ADD = "receiving.add_unidentifiedparcel"
PARCEL_CHANGE = "receiving.change_unidentifiedparcel"
DISPUTE_CHANGE = "receiving.change_dispute"
STOCK = "receiving.view_stockmovement"
SESSION_KEY = "receiving_warehouse_id"


# ----------------------------------------------------------------------------------- helpers


def _warehouse(request: HttpRequest) -> Warehouse | None:
    """The warehouse the operator works in now (the session's, else their first one)."""
    allowed = selectors.warehouses_for_user(request.user)
    chosen = request.session.get(SESSION_KEY)
    warehouse = allowed.filter(pk=chosen).first() if chosen else None
    if warehouse is None:
        warehouse = allowed.order_by("code").first()
        if warehouse is not None:
            request.session[SESSION_KEY] = warehouse.pk
    return warehouse


def _context(request: HttpRequest, warehouse: Warehouse | None, **extra: Any) -> dict:
    return {
        "warehouse": warehouse,
        "warehouses": selectors.warehouses_for_user(request.user).order_by("code"),
        "scan_form": forms.ScanForm(),
        **extra,
    }


def _no_warehouse(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/receiving/no_warehouse.html", _context(request, None))


def _case(case_id: int) -> ReturnCase:
    case = ReturnCase.objects.select_related("order", "customer").filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)


def _error(request: HttpRequest, error: ApplicationError) -> None:
    messages.error(request, str(error.message))


def next_step_url(case: ReturnCase, warehouse: Warehouse) -> str:
    """Where the operator goes after a step: the next unit to inspect, else the next unit of
    this warehouse to dispose of, else the case."""
    for expected in selectors.case_expected_lines(case):
        if expected.to_inspect > 0:
            return reverse(
                "backoffice:receiving_inspect",
                kwargs={"case_id": case.pk, "line_id": expected.return_line_id},
            )
    unit = (
        selectors.units_awaiting_disposition(case=case, warehouses=[warehouse])
        .values_list("pk", flat=True)
        .first()
    )
    if unit is not None:
        return reverse("backoffice:receiving_dispose", kwargs={"unit_id": unit})
    return reverse("backoffice:receiving_case", kwargs={"case_id": case.pk})


# ------------------------------------------------------------------------------ home and scan


@staff_required(VIEW)
def home(request: HttpRequest) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    here = [warehouse]
    return render(
        request,
        "backoffice/receiving/home.html",
        _context(
            request,
            warehouse,
            open_disputes=selectors.dispute_list(warehouses=here).count(),
            open_parcels=selectors.parcel_search(warehouses=here).count(),
            awaiting=selectors.units_awaiting_disposition(warehouses=here).count(),
            recent=selectors.receipts_at(warehouse)[:10],
        ),
    )


@require_POST
@staff_required(VIEW)
def switch_warehouse(request: HttpRequest) -> HttpResponse:
    allowed = selectors.warehouses_for_user(request.user)
    chosen = allowed.filter(pk=request.POST.get("warehouse") or 0).first()
    if chosen is None:
        raise Http404
    request.session[SESSION_KEY] = chosen.pk
    target = request.POST.get("next") or reverse("backoffice:receiving_home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("backoffice:receiving_home")
    return HttpResponseRedirect(target)


@staff_required(VIEW)
def scan(request: HttpRequest) -> HttpResponse:
    """A scanned code (Enter from the scanner): open its case or parcel, or record a new parcel.

    The hot path of the warehouse: one indexed query per kind of code tried, no warehouse query
    (the page it leads to checks the warehouse)."""
    form = forms.ScanForm(request.GET)
    if not form.is_valid():
        return HttpResponseRedirect(reverse("backoffice:receiving_home"))
    code = form.cleaned_data["code"].strip()
    found = selectors.scan_resolve(code)
    if found is not None and found[0] == "case":
        url = reverse("backoffice:receiving_case", kwargs={"case_id": found[1]})
        return HttpResponseRedirect(f"{url}?{urlencode({'code': code})}")
    if found is not None:
        return HttpResponseRedirect(
            reverse("backoffice:receiving_parcel", kwargs={"parcel_id": found[1]})
        )
    # No flash message: the next page says it from the code in its URL (no session write here).
    url = reverse("backoffice:receiving_parcel_new")
    return HttpResponseRedirect(f"{url}?{urlencode({'code': code})}")


# ---------------------------------------------------------------------------- case: count


@staff_required(VIEW)
def case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    case = _case(case_id)
    lines = selectors.case_expected_lines(case)
    form = forms.CountForm(lines=lines, initial={"key": uuid.uuid4().hex})
    return _render_case(request, case, warehouse, lines, form)


def _render_case(request, case, warehouse, lines, form, status=200) -> HttpResponse:
    units = list(selectors.units_for_case(case))
    for unit in units:
        unit.allowed = services.allowed_dispositions(unit)
    outstanding = sum(line.outstanding for line in lines)
    to_inspect = sum(line.to_inspect for line in lines)
    return render(
        request,
        "backoffice/receiving/case.html",
        _context(
            request,
            warehouse,
            case=case,
            lines=lines,
            form=form,
            line_fields=[(expected, form[name]) for expected, name in form.line_fields],
            units=units,
            receipts=selectors.receipts_for_case(case),
            disputes=selectors.disputes_for_case(case),
            outstanding=outstanding,
            to_inspect=to_inspect,
            next_url=next_step_url(case, warehouse),
            receivable=case.status in services.RECEIVABLE_STATUSES,
            scanned=request.GET.get("code", ""),
            close_form=forms.CloseRemainingForm(),
            partially_received=case.status == CaseStatus.PARTIALLY_RECEIVED,
        ),
        status=status,
    )


@require_POST
@staff_required([VIEW, RECEIVE])
def receive(request: HttpRequest, case_id: int) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    case = _case(case_id)
    lines = selectors.case_expected_lines(case)
    form = forms.CountForm(request.POST, request.FILES, lines=lines)
    if not form.is_valid():
        return _render_case(request, case, warehouse, lines, form, status=400)
    data = form.cleaned_data
    discrepancies = []
    if data.get("wrong_item") or data.get("wrong_quantity"):
        discrepancies.append(
            Discrepancy(
                kind=DiscrepancyKind.WRONG_ITEM,
                quantity=data.get("wrong_quantity") or 1,
                description=data.get("wrong_item") or "",
            )
        )
    try:
        receipt = services.receipt_record(
            case=case,
            warehouse=warehouse,
            actor=_actor(request),
            counts=[CountedUnits(line_id, qty) for line_id, qty in form.counts().items() if qty],
            discrepancies=discrepancies,
            empty=data.get("empty") or False,
            weight_grams=data.get("weight_grams"),
            scanned_code=request.POST.get("scanned", "")[:200],
            notes=data.get("notes") or "",
            photos=data.get("photos") or [],
            idempotency_key=data.get("key") or None,
        )
    except ApplicationError as error:
        _error(request, error)
        form = forms.CountForm(request.POST, lines=lines, initial={"key": uuid.uuid4().hex})
        form.is_valid()
        return _render_case(request, case, warehouse, lines, form, status=400)
    units = sum(line.quantity for line in receipt.lines.all())
    if hasattr(receipt, "dispute"):
        messages.warning(
            request,
            _("Receipt recorded; the parcel does not match the return, so a dispute was opened."),
        )
    else:
        messages.success(
            request,
            ngettext(
                "Receipt recorded: %(units)s unit.", "Receipt recorded: %(units)s units.", units
            )
            % {"units": units},
        )
    case.refresh_from_db()
    return HttpResponseRedirect(next_step_url(case, warehouse))


@require_POST
@staff_required([VIEW, RECEIVE])
def close_remaining(request: HttpRequest, case_id: int) -> HttpResponse:
    """Write off units that never arrived (a staff member, with a reason): the case is received."""
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    case = _case(case_id)
    form = forms.CloseRemainingForm(request.POST)
    if form.is_valid():
        try:
            returns_services.case_close_remaining(
                case=case, actor=_actor(request), reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            _error(request, error)
        else:
            messages.success(request, _("The units that never arrived were written off."))
            case.refresh_from_db()
            return HttpResponseRedirect(next_step_url(case, warehouse))
    else:
        messages.error(request, _("Please give a reason."))
    return HttpResponseRedirect(reverse("backoffice:receiving_case", kwargs={"case_id": case.pk}))


# ------------------------------------------------------------------------- case: inspection


@staff_required([VIEW, INSPECT])
def inspect(request: HttpRequest, case_id: int, line_id: int) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    case = _case(case_id)
    lines = selectors.case_expected_lines(case)
    expected = next((line for line in lines if line.return_line_id == line_id), None)
    if expected is None:
        raise Http404
    checks = asked_checks(expected.checks)
    if request.method == "POST":
        form = forms.InspectForm(request.POST, request.FILES, checks=checks)
        if form.is_valid():
            data = form.cleaned_data
            try:
                units = services.unit_inspect(
                    case=case,
                    return_line_id=line_id,
                    warehouse=warehouse,
                    actor=_actor(request),
                    grade=data["grade"],
                    decision=data["decision"],
                    checklist=form.checklist(),
                    serial=data.get("serial") or "",
                    notes=data.get("notes") or "",
                    photos=data.get("photos") or [],
                    quantity=data.get("quantity") or 1,
                )
            except ApplicationError as error:
                _error(request, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(units)s unit of %(sku)s inspected: grade %(grade)s, %(decision)s.",
                        "%(units)s units of %(sku)s inspected: grade %(grade)s, %(decision)s.",
                        len(units),
                    )
                    % {
                        "units": len(units),
                        "sku": expected.sku,
                        "grade": units[0].grade,
                        "decision": units[0].get_decision_display(),
                    },
                )
                case.refresh_from_db()
                return HttpResponseRedirect(next_step_url(case, warehouse))
        status = 400
    else:
        form = forms.InspectForm(checks=checks, initial={"decision": "accepted", "quantity": 1})
        status = 200
    return render(
        request,
        "backoffice/receiving/inspect.html",
        _context(
            request,
            warehouse,
            case=case,
            expected=expected,
            form=form,
            check_fields=[form[name] for _check, name in form.check_fields],
            has_serial=any(check.code == "serial_matches" for check in expected.checks),
        ),
        status=status,
    )


# ------------------------------------------------------------------------------ disposition


@staff_required([VIEW, DISPOSE])
def dispose(request: HttpRequest, unit_id: int) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    unit = (
        InspectedUnit.objects.select_related("case", "variant", "warehouse", "return_line")
        .filter(pk=unit_id)
        .first()
    )
    if unit is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            movement = services.unit_dispose(unit=unit, action=action, actor=_actor(request))
        except ApplicationError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("Unit %(unit)s: %(action)s, posted to the stock ledger as grade %(grade)s.")
                % {
                    "unit": unit.pk,
                    "action": movement.get_action_display(),
                    "grade": movement.grade,
                },
            )
            return HttpResponseRedirect(next_step_url(unit.case, warehouse))
    labels = dict(DispositionAction.choices)
    actions = [
        {"value": action, "label": labels[action], "key": str(index)}
        for index, action in enumerate(services.allowed_dispositions(unit), start=1)
    ]
    return render(
        request,
        "backoffice/receiving/dispose.html",
        _context(
            request,
            warehouse,
            unit=unit,
            case=unit.case,
            actions=actions,
            revise_form=forms.ReviseForm(
                initial={"decision": "rejected" if unit.decision == "accepted" else "accepted"}
            ),
        ),
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required([VIEW, INSPECT, DISPOSE])
def revise(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Change an undisposed unit's decision, with a reason."""
    unit = InspectedUnit.objects.select_related("case", "warehouse").filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    form = forms.ReviseForm(request.POST)
    if form.is_valid():
        try:
            services.unit_revise(
                unit=unit,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                actor=_actor(request),
            )
        except ApplicationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Decision changed."))
    else:
        messages.error(request, _("Please give a reason."))
    return HttpResponseRedirect(
        reverse("backoffice:receiving_dispose", kwargs={"unit_id": unit.pk})
    )


# ----------------------------------------------------------------------- unidentified parcels


@staff_required(VIEW)
def parcels(request: HttpRequest) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "open")
    found = selectors.parcel_search(
        warehouses=selectors.warehouses_for_user(request.user),
        query=query,
        status="" if status == "all" else status,
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/receiving/parcels.html",
        _context(request, warehouse, page=page, query=query, status=status),
    )


@staff_required([VIEW, PARCEL_ADD])
def parcel_new(request: HttpRequest) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    if request.method == "POST":
        form = forms.ParcelForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                parcel = services.parcel_register(
                    warehouse=warehouse,
                    actor=_actor(request),
                    scanned_code=data.get("scanned_code") or "",
                    sender_name=data.get("sender_name") or "",
                    sender_email=data.get("sender_email") or "",
                    order_reference=data.get("order_reference") or "",
                    weight_grams=data.get("weight_grams"),
                    notes=data.get("notes") or "",
                    photos=data.get("photos") or [],
                )
            except ApplicationError as error:
                _error(request, error)
            else:
                messages.success(
                    request,
                    _("Unidentified parcel %(number)s recorded. Write the number on the box.")
                    % {"number": parcel.number},
                )
                return HttpResponseRedirect(
                    reverse("backoffice:receiving_parcel", kwargs={"parcel_id": parcel.pk})
                )
    else:
        form = forms.ParcelForm(initial={"scanned_code": request.GET.get("code", "")})
    code = request.GET.get("code", "").strip()
    unmatched = (
        _("Nothing matches “%(code)s”. Record it as an unidentified parcel.") % {"code": code}
        if code and request.method == "GET"
        else ""
    )
    return render(
        request,
        "backoffice/receiving/parcel_new.html",
        _context(request, warehouse, form=form, unmatched=unmatched),
    )


@staff_required(VIEW)
def parcel_detail(request: HttpRequest, parcel_id: int) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    parcel = (
        UnidentifiedParcel.objects.filter(
            pk=parcel_id, warehouse__in=selectors.warehouses_for_user(request.user)
        )
        .select_related("warehouse", "case")
        .first()
    )
    if parcel is None:
        raise Http404
    form = forms.AttachForm()
    if request.method == "POST":
        if not request.user.has_perm(PARCEL_CHANGE):
            raise Http404
        form = forms.AttachForm(request.POST)
        if form.is_valid():
            result = selectors.scan_lookup(code=form.cleaned_data["code"])
            if result.case is None:
                messages.error(request, _("No return matches this number."))
            else:
                try:
                    services.parcel_attach(parcel=parcel, case=result.case, actor=_actor(request))
                except ApplicationError as error:
                    _error(request, error)
                else:
                    messages.success(
                        request,
                        _("Parcel %(parcel)s attached to return %(case)s. Count its contents now.")
                        % {"parcel": parcel.number, "case": result.case.number},
                    )
                    return HttpResponseRedirect(
                        reverse("backoffice:receiving_case", kwargs={"case_id": result.case.pk})
                    )
    return render(
        request,
        "backoffice/receiving/parcel.html",
        _context(request, warehouse, parcel=parcel, form=form, photos=parcel.photos.all()),
    )


# ---------------------------------------------------------------------------------- disputes


@staff_required(VIEW)
def disputes(request: HttpRequest) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    status = request.GET.get("status", DisputeStatus.OPEN)
    rows = selectors.dispute_list(
        warehouses=selectors.warehouses_for_user(request.user),
        status="" if status == "all" else status,
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/receiving/disputes.html",
        _context(request, warehouse, page=page, status=status),
    )


@staff_required(VIEW)
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    dispute = (
        Dispute.objects.filter(
            pk=dispute_id, warehouse__in=selectors.warehouses_for_user(request.user)
        )
        .select_related("case", "warehouse", "receipt")
        .first()
    )
    if dispute is None:
        raise Http404
    form = forms.ResolveForm()
    if request.method == "POST":
        if not request.user.has_perm(DISPUTE_CHANGE):
            raise Http404
        form = forms.ResolveForm(request.POST)
        if form.is_valid():
            try:
                services.dispute_resolve(
                    dispute=dispute, actor=_actor(request), note=form.cleaned_data["note"]
                )
            except ApplicationError as error:
                _error(request, error)
            else:
                messages.success(request, _("Dispute resolved."))
                return HttpResponseRedirect(reverse("backoffice:receiving_disputes"))
    return render(
        request,
        "backoffice/receiving/dispute.html",
        _context(
            request,
            warehouse,
            dispute=dispute,
            form=form,
            items=dispute.items.all(),
            photos=dispute.photos.select_related("evidence"),
        ),
    )


# ------------------------------------------------------------------------------------- stock


def _stock_scope(request: HttpRequest) -> tuple[Any, Warehouse | None]:
    allowed = selectors.warehouses_for_user(request.user)
    code = request.GET.get("warehouse", "")
    only = allowed.filter(code=code).first() if code else None
    return allowed, only


@staff_required([VIEW, STOCK])
def stock(request: HttpRequest) -> HttpResponse:
    warehouse = _warehouse(request)
    if warehouse is None:
        return _no_warehouse(request)
    allowed, only = _stock_scope(request)
    movements = Paginator(
        selectors.stock_movements(warehouses=allowed, warehouse=only), 100
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/receiving/stock.html",
        _context(
            request,
            warehouse,
            balances=selectors.stock_balances(warehouses=allowed, warehouse=only),
            movements=movements,
            only=only,
            csv_query=urlencode({"warehouse": only.code}) if only else "",
        ),
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_required([VIEW, STOCK])
def stock_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The stock ledger as CSV (one row per movement), streamed."""
    allowed, only = _stock_scope(request)
    rows = selectors.stock_movements(warehouses=allowed, warehouse=only).values_list(
        "pk",
        "occurred_at",
        "warehouse__code",
        "variant__sku",
        "grade",
        "action",
        "quantity",
        "case__number",
        "unit_id",
        "actor_name",
    )
    writer = csv.writer(_Echo())
    header = [
        "movement_id",
        "occurred_at",
        "warehouse",
        "sku",
        "grade",
        "action",
        "quantity",
        "return_number",
        "unit_id",
        "by",
    ]

    def lines():
        yield writer.writerow(header)
        for row in rows.iterator(chunk_size=2000):
            values = list(row)
            values[1] = values[1].isoformat()
            yield writer.writerow(values)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"stock-ledger-{only.code}.csv" if only else "stock-ledger.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
