"""Money screens: refunds (failing first), settlements, store credit, and the case panel's
actions (confirm a settlement, approve, retry, cancel, record a transfer)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from retour.backoffice.access import staff_required
from retour.backoffice.forms import money as forms
from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.core.money import Money
from retour.orders.models import Customer
from retour.payments import selectors, services
from retour.payments.models import MoneyAlert, Refund, Settlement, StoreCreditAccount
from retour.returns.models import ReturnCase

VIEW = "payments.view_refund"
CHANGE = "payments.change_refund"
CONFIRM = "payments.add_settlement"
CREDIT = "payments.add_storecreditentry"


def _money(amount: int, currency: str) -> Money:
    return Money(amount, currency)


def _refund_rows(refunds) -> list[dict]:
    return [
        {
            "refund": refund,
            "amount": _money(refund.amount_minor, refund.currency),
            "case": refund.settlement.case,
        }
        for refund in refunds
    ]


@staff_required(VIEW)
def home(request: HttpRequest) -> HttpResponse:
    failing = list(selectors.refunds_failing()[:50])
    failing_ids = {refund.pk for refund in failing}
    others = Paginator(selectors.refund_list().exclude(pk__in=failing_ids), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "backoffice/money/home.html",
        {
            "failing": _refund_rows(failing),
            "awaiting": _refund_rows(selectors.refunds_awaiting_approval()[:50]),
            "page": others,
            "refunds": _refund_rows(others.object_list),
            "alerts": selectors.alerts_open()[:50],
        },
    )


@staff_required(VIEW)
def settlements(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.settlement_list(), 50).get_page(request.GET.get("page"))
    rows = [{"settlement": s, "total": _money(s.total_minor, s.currency)} for s in page.object_list]
    return render(request, "backoffice/money/settlements.html", {"page": page, "rows": rows})


@staff_required(VIEW)
def settlement_detail(request: HttpRequest, settlement_id: int) -> HttpResponse:
    settlement = get_object_or_404(
        Settlement.objects.select_related("case", "order"), pk=settlement_id
    )
    lines = [
        {"line": line, "amount": _money(line.amount_minor, settlement.currency)}
        for line in settlement.lines.all()
    ]
    return render(
        request,
        "backoffice/money/settlement.html",
        {
            "settlement": settlement,
            "total": _money(settlement.total_minor, settlement.currency),
            "bonus": _money(settlement.bonus_minor, settlement.currency),
            "lines": lines,
            "refunds": _refund_rows(
                settlement.refunds.select_related("payment", "settlement__case")
            ),
        },
    )


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(fallback)


@require_POST
@staff_required(CONFIRM)
def case_confirm(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_object_or_404(ReturnCase, pk=case_id)
    form = forms.ConfirmSettlementForm(request.POST)
    target = reverse("backoffice:case", args=[case.pk])
    if not form.is_valid():
        messages.error(request, _("The form was not valid; nothing was changed."))
        return _back(request, target)
    actor = Actor.for_user(request.user)
    try:
        settlement = services.settlement_confirm(
            case=case,
            actor=actor,
            resolution=form.cleaned_data["resolution"] or None,
            expected_fingerprint=form.cleaned_data["fingerprint"],
        )
        refunds = services.refunds_issue(settlement=settlement, actor=actor)
    except ApplicationError as error:
        messages.error(request, str(error))
        return _back(request, target)
    if any(refund.status == "awaiting_approval" for refund in refunds):
        messages.success(
            request, _("Settlement confirmed. A second person must approve the refund.")
        )
    else:
        messages.success(request, _("Settlement confirmed; the refund is on its way."))
    return _back(request, target)


@require_POST
@staff_required(CHANGE)
def refund_action(request: HttpRequest, refund_id: int, action: str) -> HttpResponse:
    refund = get_object_or_404(Refund.objects.select_related("settlement"), pk=refund_id)
    actor = Actor.for_user(request.user)
    target = request.POST.get("next") or reverse("backoffice:money_home")
    if not target.startswith("/"):
        target = reverse("backoffice:money_home")
    try:
        if action == "approve":
            services.refund_approve_second(refund=refund, actor=actor)
            messages.success(request, _("Refund approved."))
        elif action == "retry":
            form = forms.RetryForm(request.POST)
            if not form.is_valid():
                raise Http404
            services.refund_retry(
                refund=refund, actor=actor, destination=form.cleaned_data["destination"]
            )
            messages.success(request, _("A new attempt was created."))
        elif action == "cancel":
            services.refund_cancel(
                refund=refund, actor=actor, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Refund canceled; the amount is available again."))
        elif action == "complete":
            form = forms.ManualCompleteForm(request.POST)
            reference = form.data.get("reference", "")
            services.refund_manual_complete(refund=refund, actor=actor, reference=reference)
            messages.success(request, _("Transfer recorded."))
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, str(error))
    return _back(request, target)


@require_POST
@staff_required(CHANGE)
def alert_resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(MoneyAlert, pk=alert_id)
    services.alert_resolve(alert=alert, actor=Actor.for_user(request.user))
    messages.success(request, _("Alert closed."))
    return _back(request, reverse("backoffice:money_home"))


@staff_required(VIEW)
def store_credit(request: HttpRequest) -> HttpResponse:
    form = forms.StoreCreditIssueForm()
    if request.method == "POST":
        if not request.user.has_perm(CREDIT):
            from retour.backoffice.access import forbidden

            return forbidden(request)
        form = forms.StoreCreditIssueForm(request.POST)
        if form.is_valid():
            customer = Customer.objects.filter(email__iexact=form.cleaned_data["email"]).first()
            if customer is None:
                form.add_error("email", _("No buyer with this e-mail."))
            else:
                try:
                    services.store_credit_issue(
                        customer=customer,
                        amount=form.cleaned_data["money"],
                        actor=Actor.for_user(request.user),
                        reference=form.cleaned_data["reason"],
                    )
                except ApplicationError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, _("Store credit issued."))
                    return HttpResponseRedirect(reverse("backoffice:money_store_credit"))
    query = request.GET.get("q", "").strip()
    accounts = selectors.store_credit_accounts()
    if query:
        accounts = accounts.filter(customer__email__icontains=query) | accounts.filter(
            code__iexact=query
        )
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    rows = [
        {"account": a, "balance": _money(a.balance_minor, a.currency)} for a in page.object_list
    ]
    return render(
        request,
        "backoffice/money/store_credit.html",
        {"form": form, "page": page, "rows": rows, "query": query},
    )


@staff_required(VIEW)
def store_credit_account(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_object_or_404(
        StoreCreditAccount.objects.select_related("customer"), pk=account_id
    )
    entries = [
        {"entry": entry, "amount": _money(entry.amount_minor, account.currency)}
        for entry in selectors.store_credit_entries(account)[:200]
    ]
    return render(
        request,
        "backoffice/money/store_credit_account.html",
        {
            "account": account,
            "balance": _money(account.balance_minor, account.currency),
            "entries": entries,
        },
    )
