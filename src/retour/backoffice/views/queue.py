"""The queue of returns: filters, saved views, due-time order, bulk approve / reject."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models import Value as V
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from retour.backoffice.access import staff_required
from retour.backoffice.forms.queue import (
    DEFAULT_STATUS,
    BulkActionForm,
    QueueFilterForm,
    SavedViewForm,
)
from retour.backoffice.views._common import (
    case_value,
    hours,
    moment,
    money_text,
    reason_label,
    reference_lists,
)
from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.core.money import currency_exponent
from retour.returns import services as returns_services
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase, ReturnLine
from retour.staff import selectors as staff_selectors
from retour.staff import services as staff_services
from retour.staff.exceptions import InvalidSavedView

# The columns the queue shows: the wide ones (eligibility snapshot, addresses) stay on disk.
QUEUE_FIELDS = (
    "id",
    "number",
    "status",
    "submitted_at",
    "currency",
    "market_id",
    "order__number",
    "order__store__code",
    "order__store__name",
    "customer__name",
    "customer__email",
    "customer__locale",
    "market__code",
    "market__time_zone",
)
PAGE_SIZE = 50
MAX_PAGE = 200  # deeper than 10,000 rows: narrow the filters instead
COUNT_CAP = 1000  # the count shown is capped: no COUNT(*) over a million rows per request
REVIEW_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.PENDING_REVIEW)


def _due_expression(markets: list[dict]) -> Any:
    """submitted_at + the case market's first-response hours (24 h when it has no market)."""
    whens = [
        When(
            market_id=market["id"],
            then=F("submitted_at") + V(hours(market["first_response_hours"])),
        )
        for market in markets
    ]
    return Case(*whens, default=F("submitted_at") + V(hours(24)), output_field=DateTimeField())


def _due_before(markets: list[dict], limit: datetime) -> Q:
    """Due before `limit`, written per market on submitted_at so an index can serve it."""
    condition = Q(market_id__isnull=True, submitted_at__lte=limit - hours(24))
    for market in markets:
        condition |= Q(
            market_id=market["id"],
            submitted_at__lte=limit - hours(market["first_response_hours"]),
        )
    return condition


def _currencies_by_exponent() -> dict[int, list[str]]:
    from retour.core.money import _known_currencies

    grouped: dict[int, list[str]] = {}
    for currency in sorted(_known_currencies()):
        grouped.setdefault(currency_exponent(currency), []).append(currency)
    return grouped


def _value_at_least(cases: QuerySet, amount: Decimal) -> QuerySet:
    """Cases whose requested units were paid at least `amount` (major units of the case's
    currency, so 100 means ¥100 on a JPY case and €100 on a EUR one)."""
    total = Subquery(
        ReturnLine.objects.filter(case_id=OuterRef("pk"))
        .order_by()
        .values("case_id")
        .annotate(total=Sum(F("quantity_requested") * F("order_line__unit_paid_net_minor")))
        .values("total")[:1],
        output_field=IntegerField(),
    )
    whens = [
        When(currency__in=currencies, then=V(int(amount * 10**exponent)))
        for exponent, currencies in _currencies_by_exponent().items()
        if exponent != 2
    ]
    threshold = Case(*whens, default=V(int(amount * 100)), output_field=IntegerField())
    return cases.annotate(value_minor=Coalesce(total, 0), value_threshold=threshold).filter(
        value_minor__gte=F("value_threshold")
    )


def filtered_cases(form: QueueFilterForm, lists: dict[str, Any]) -> tuple[QuerySet, bool]:
    """The queue's queryset for a valid filter form, and whether it is in due-time order."""
    data = form.cleaned_data
    markets = lists["markets"]
    cases = (
        ReturnCase.objects.select_related("order__store", "customer", "market")
        .only(*QUEUE_FIELDS)
        .annotate(
            rules_failed=Case(
                When(eligibility_snapshot__failed__0__isnull=False, then=V(True)),
                default=V(False),
                output_field=BooleanField(),
            )
        )
    )
    status = data.get("status") or ""
    if status:
        cases = cases.filter(status=status)
    if data.get("q"):
        number = data["q"].strip().upper()
        cases = cases.filter(Q(number=number) | Q(order__number=data["q"].strip()))
    if data.get("market"):
        cases = cases.filter(market__code=data["market"])
    if data.get("store"):
        cases = cases.filter(order__store__code=data["store"])
    if data.get("language"):
        cases = cases.filter(customer__locale=data["language"])
    if data.get("reason"):
        cases = cases.filter(
            Exists(ReturnLine.objects.filter(case_id=OuterRef("pk"), reason_code=data["reason"]))
        )
    if data.get("tag"):
        cases = cases.filter(pk__in=staff_selectors.case_ids_tagged(data["tag"]))
    if data.get("due_before"):
        cases = cases.filter(_due_before(markets, data["due_before"]))
    if data.get("value_min") is not None:
        cases = _value_at_least(cases, data["value_min"])
    return order_by_due(
        cases, markets, descending=data.get("sort") == "-due", exact=status in REVIEW_STATUSES
    )


def order_by_due(
    cases: QuerySet, markets: list[dict], *, descending: bool = False, exact: bool = True
) -> tuple[QuerySet, bool]:
    """Due time is submission + the market's first-response hours. When every market promises
    the same hours (the usual case), submission order is due order and the index on
    (status, submitted_at, id) serves it; otherwise the due time is computed and sorted."""
    same_sla = len({market["first_response_hours"] for market in markets}) <= 1
    if exact and not same_sla:
        cases = cases.annotate(due_at=_due_expression(markets))
        order = F("due_at").desc() if descending else F("due_at").asc()
    else:
        order = F("submitted_at").desc() if descending else F("submitted_at").asc()
    return cases.order_by(order, "-id" if descending else "id"), exact


def due_of(case: ReturnCase, sla_by_market: dict[int, int]) -> datetime | None:
    if case.submitted_at is None:
        return None
    return case.submitted_at + hours(sla_by_market.get(case.market_id, 24))


def _rows(page: list[ReturnCase], lists: dict[str, Any]) -> list[dict[str, Any]]:
    sla = {market["id"]: market["first_response_hours"] for market in lists["markets"]}
    tags = staff_selectors.tags_for_cases([case.pk for case in page])
    now = timezone.now()
    case_url = reverse("backoffice:case", args=[0]).removesuffix("0/")
    rows = []
    for case in page:
        lines = list(case.queue_lines)
        due = due_of(case, sla)
        reviewing = case.status in REVIEW_STATUSES
        zone = case.market.time_zone if case.market else ""
        rows.append(
            {
                "case": case,
                "url": f"{case_url}{case.pk}/",
                "select_label": _("Select %(number)s") % {"number": case.number},
                "due": moment(due, zone) if reviewing else None,
                "overdue": reviewing and due is not None and due < now,
                "submitted": moment(case.submitted_at, zone),
                "value": money_text(case_value(lines, case.currency)),
                "reasons": [
                    reason_label(code, lists)
                    for code in sorted({line.reason_code for line in lines})
                ],
                "units": sum(line.quantity_requested for line in lines),
                "tags": tags.get(case.pk, []),
            }
        )
    return rows


def _queue_context(request: HttpRequest) -> dict[str, Any]:
    lists = reference_lists()
    params = request.GET.copy()
    if not params:
        params["status"] = DEFAULT_STATUS
    form = QueueFilterForm(
        params,
        markets=[(market["code"], market["name"]) for market in lists["markets"]],
        stores=[(store["code"], store["name"]) for store in lists["stores"]],
        reasons=sorted(
            ((reason["code"], reason_label(reason["code"], lists)) for reason in lists["reasons"]),
            key=lambda item: item[1],
        ),
    )
    rows: list[dict] = []
    count = 0
    page_number = 1
    has_next = False
    if form.is_valid():
        cases, _exact = filtered_cases(form, lists)
        try:
            page_number = min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
        except ValueError:
            page_number = 1
        start = (page_number - 1) * PAGE_SIZE
        page = list(
            cases.prefetch_related(
                Prefetch(
                    "lines",
                    queryset=ReturnLine.objects.only(
                        "id", "case_id", "quantity_requested", "unit_basis", "reason_code"
                    ).order_by(),
                    to_attr="queue_lines",
                )
            )[start : start + PAGE_SIZE + 1]
        )
        has_next = len(page) > PAGE_SIZE
        page = page[:PAGE_SIZE]
        rows = _rows(page, lists)
        count = cases.order_by()[: COUNT_CAP + 1].count() if page_number == 1 else -1
    query = {key: value for key, value in params.items() if key != "page" and value}
    base = urlencode(query)
    return {
        "form": form,
        "rows": rows,
        "count": count,
        "count_capped": count > COUNT_CAP,
        "count_cap": COUNT_CAP,
        "page": page_number,
        "next_url": f"?{base}&page={page_number + 1}" if has_next else "",
        "previous_url": f"?{base}&page={page_number - 1}" if page_number > 1 else "",
        "query": base,
        "saved_views": list(staff_selectors.saved_views_for(request.user)),
        "saved_view_form": SavedViewForm(initial={"query": base}),
        "bulk_form": BulkActionForm(),
        "can_change": request.user.has_perm("returns.change_returncase"),
        "buyer_word": _("buyer"),
        "rules_failed_title": _(
            "Some eligibility rules failed: approving needs an override reason."
        ),
    }


@staff_required("returns.view_returncase")
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/queue/queue.html", _queue_context(request))


def bulk_apply(
    cases: dict[int, ReturnCase], ids: list[int], action: str, reason: str, actor: Actor
) -> list[dict]:
    """Apply `action` to each case in turn; a refusal of one never stops the others."""
    results = []
    for case_id in ids:
        case = cases.get(case_id)
        if case is None:
            results.append(
                {"id": case_id, "number": f"#{case_id}", "ok": False, "message": _("Not found.")}
            )
            continue
        try:
            if action == "approve":
                returns_services.case_approve(case=case, actor=actor)
            else:
                returns_services.case_reject(case=case, actor=actor, reason=reason)
        except ApplicationError as refusal:
            results.append(
                {
                    "id": case_id,
                    "number": case.number,
                    "ok": False,
                    "message": str(refusal),
                    "code": refusal.code,
                }
            )
        else:
            message = _("Approved.") if action == "approve" else _("Rejected.")
            results.append({"id": case_id, "number": case.number, "ok": True, "message": message})
    return results


@require_POST
@staff_required(["returns.view_returncase", "returns.change_returncase"])
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        context = _queue_context(request) | {"bulk_form": form}
        return render(request, "backoffice/queue/queue.html", context, status=400)
    ids = list(dict.fromkeys(form.cleaned_data["cases"]))
    cases = {case.pk: case for case in ReturnCase.objects.filter(pk__in=ids)}
    results = bulk_apply(
        cases,
        ids,
        form.cleaned_data["action"],
        form.cleaned_data["reason"],
        Actor.for_user(request.user),
    )
    done = sum(1 for result in results if result["ok"])
    # The queue is shown again (the decided ones have left it) with one result per item.
    context = _queue_context(request) | {
        "bulk_results": results,
        "bulk_done": done,
        "bulk_failed": len(results) - done,
    }
    return render(request, "backoffice/queue/queue.html", context)


@require_POST
@staff_required("returns.view_returncase")
def save_view(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_valid():
        try:
            staff_services.saved_view_save(
                user=request.user, name=form.cleaned_data["name"], query=query
            )
        except InvalidSavedView as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, _("View “%(name)s” saved.") % {"name": form.cleaned_data["name"]}
            )
    else:
        messages.error(request, _("Give the view a name of at most 80 characters."))
    return HttpResponseRedirect(f"{reverse('backoffice:queue')}?{query}")


@require_POST
@staff_required("returns.view_returncase")
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    staff_services.saved_view_delete(user=request.user, view_id=view_id)
    return HttpResponseRedirect(reverse("backoffice:queue"))
