"""Claims (damaged, missing, never arrived, keep it): their queue, page and decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from retour.backoffice.access import check_access, staff_required
from retour.backoffice.views._common import moment, reason_label, reference_lists
from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.returns import selectors as returns_selectors
from retour.returns import services as returns_services
from retour.returns.choices import ClaimStatus
from retour.returns.exceptions import ClaimNotFound
from retour.returns.models import Claim
from retour.returns.transitions import CLAIM_TRANSITIONS

PAGE_SIZE = 50


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *ClaimStatus.choices],
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from retour.returns.choices import ClaimKind

        self.fields["kind"].choices = [("", gettext_lazy("All")), *ClaimKind.choices]


class ClaimDecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@staff_required("returns.view_claim")
def claim_queue(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if not params:
        params["status"] = ClaimStatus.OPEN
    form = ClaimFilterForm(params)
    claims = Claim.objects.select_related("order__store", "customer").order_by("opened_at", "id")
    if form.is_valid():
        if form.cleaned_data["status"]:
            claims = claims.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["kind"]:
            claims = claims.filter(kind=form.cleaned_data["kind"])
    rows = [{"claim": claim, "opened": moment(claim.opened_at, "")} for claim in claims[:PAGE_SIZE]]
    return render(request, "backoffice/claims/queue.html", {"form": form, "rows": rows})


def _load(claim_id: int) -> Claim:
    try:
        return returns_selectors.claim_get(claim_id=claim_id)
    except ClaimNotFound:
        raise Http404 from None


CLAIM_ACTIONS = {"approve": gettext_lazy("Approve"), "deny": gettext_lazy("Deny")}


def _claim_context(request: HttpRequest, claim: Claim, error: str = "") -> dict[str, Any]:
    lists = reference_lists()
    lines = list(claim.lines.select_related("order_line"))
    for line in lines:
        line.reason_label = reason_label(line.reason_code, lists)
    language = translation.get_language() or "en"
    can_change = request.user.has_perm("returns.change_claim")
    actions = [
        (name, label)
        for name, label in CLAIM_ACTIONS.items()
        if can_change and CLAIM_TRANSITIONS.allows(name, claim.status)
    ]
    return {
        "claim": claim,
        "lines": lines,
        "timeline": [
            (entry, moment(entry.occurred_at, ""))
            for entry in returns_selectors.claim_timeline(claim=claim, language=language)
        ],
        "actions": actions,
        "form": ClaimDecisionForm(),
        "error": error,
    }


@staff_required("returns.view_claim")
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _load(claim_id)
    return render(request, "backoffice/claims/claim.html", _claim_context(request, claim))


@require_POST
def claim_action(request: HttpRequest, claim_id: int, action: str) -> HttpResponse:
    refusal = check_access(request, ("returns.view_claim", "returns.change_claim"))
    if refusal is not None:
        return refusal
    if action not in CLAIM_ACTIONS:
        raise Http404
    claim = _load(claim_id)
    form = ClaimDecisionForm(request.POST)
    reason = form.data.get("reason", "") if form.is_valid() else ""
    actor = Actor.for_user(request.user)
    try:
        if action == "approve":
            returns_services.claim_approve(claim=claim, actor=actor, reason=reason)
        else:
            returns_services.claim_deny(claim=claim, actor=actor, reason=reason)
    except ApplicationError as refusal:
        context = _claim_context(request, _load(claim_id), error=f"{refusal} ({refusal.code})")
        return render(request, "backoffice/claims/claim.html", context, status=409)
    messages.success(request, _("Claim %(number)s updated.") % {"number": claim.number})
    return HttpResponseRedirect(reverse("backoffice:claim", args=[claim.pk]))
