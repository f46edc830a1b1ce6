"""The case page: everything an agent needs to decide a return, and the actions its state and
the agent's permissions allow. Every action goes through a service; a refusal is shown as is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from retour.backoffice.access import check_access, staff_required
from retour.backoffice.forms import cases as case_forms
from retour.backoffice.panels import case_panels
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
from retour.core.exceptions import PermissionDenied as DomainPermissionDenied
from retour.policies.choices import Outcome, Severity
from retour.policies.eligibility.messages import AGENT, explain
from retour.returns import selectors as returns_selectors
from retour.returns import services as returns_services
from retour.returns.choices import CaseStatus, CaseTrack, Resolution
from retour.returns.exceptions import CaseNotFound
from retour.returns.models import ReturnCase
from retour.returns.transitions import CASE_TRANSITIONS
from retour.staff import selectors as staff_selectors
from retour.staff import services as staff_services

CHANGE = "returns.change_returncase"
EVIDENCE_STATUSES = frozenset(
    {CaseStatus.SUBMITTED, CaseStatus.PENDING_REVIEW, CaseStatus.APPROVED}
)


@dataclass(frozen=True)
class Action:
    name: str
    label: Any
    form: type[django_forms.Form]
    permissions: tuple[str, ...]
    available: Callable[[ReturnCase], bool]
    shortcut: str = ""
    danger: bool = False


def _failed(case: ReturnCase) -> bool:
    snapshot = case.eligibility_snapshot
    if isinstance(snapshot, dict):
        return bool(snapshot.get("failed"))
    return any(not item.get("eligible", True) for item in snapshot or ())


def _change_resolution_service() -> Callable | None:
    # Provided by the returns core when it exists (asked of the lead); until then not offered.
    return getattr(returns_services, "case_change_resolution", None)


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "approve",
            gettext_lazy("Approve"),
            case_forms.ApproveForm,
            (CHANGE,),
            lambda case: CASE_TRANSITIONS.allows("approve", case.status) and not _failed(case),
            shortcut="a",
        ),
        Action(
            "override",
            gettext_lazy("Override eligibility and approve"),
            case_forms.OverrideForm,
            (CHANGE,),
            lambda case: CASE_TRANSITIONS.allows("approve", case.status) and _failed(case),
            shortcut="v",
        ),
        Action(
            "reject",
            gettext_lazy("Reject"),
            case_forms.RejectForm,
            (CHANGE,),
            lambda case: CASE_TRANSITIONS.allows("reject", case.status),
            shortcut="r",
            danger=True,
        ),
        Action(
            "request_evidence",
            gettext_lazy("Ask for more evidence"),
            case_forms.EvidenceRequestForm,
            (CHANGE,),
            lambda case: case.status in EVIDENCE_STATUSES,
            shortcut="e",
        ),
        Action(
            "change_resolution",
            gettext_lazy("Change resolution"),
            case_forms.ResolutionForm,
            (CHANGE,),
            lambda case: (
                _change_resolution_service() is not None and case.status in EVIDENCE_STATUSES
            ),
        ),
        Action(
            "cancel",
            gettext_lazy("Cancel the return"),
            case_forms.CancelForm,
            (CHANGE,),
            lambda case: CASE_TRANSITIONS.allows("cancel", case.status),
            danger=True,
        ),
        Action(
            "note", gettext_lazy("Add note"), case_forms.NoteForm, (CHANGE,), lambda c: True, "n"
        ),
        Action("tag", gettext_lazy("Add tag"), case_forms.TagForm, (CHANGE,), lambda c: True, "t"),
        Action("untag", gettext_lazy("Remove tag"), case_forms.TagForm, (CHANGE,), lambda c: True),
    )
}
DECISIONS = ("approve", "override", "reject", "request_evidence", "change_resolution", "cancel")


def allowed_actions(case: ReturnCase, user: Any) -> list[str]:
    """The actions this case's state and this user's permissions allow, in display order."""
    return [
        name
        for name, action in ACTIONS.items()
        if action.available(case) and all(user.has_perm(p) for p in action.permissions)
    ]


def _load_case(case_id: int) -> ReturnCase:
    try:
        return ReturnCase.objects.select_related(
            "order__store", "customer", "market", "policy_version", "override_by"
        ).get(pk=case_id)
    except ReturnCase.DoesNotExist:
        raise Http404(str(CaseNotFound.message)) from None


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _eligibility(case: ReturnCase, lines: list, lists: dict) -> list[dict]:
    """Per line of the stored snapshot: each rule's verdict, explained for an agent now (in
    the agent's language, from the stored code and parameters)."""
    snapshot = case.eligibility_snapshot
    if not isinstance(snapshot, dict):
        return []
    skus = {str(line.order_line_id): line.order_line.sku for line in lines}
    shown = []
    for line in snapshot.get("lines", []):
        results = []
        for result in line.get("results", []):
            try:
                message = explain(result.get("code", ""), result.get("params") or {}, AGENT)
            except Exception:
                message = result.get("agent_message") or result.get("message") or ""
            results.append(
                {
                    "rule": result.get("rule", ""),
                    "code": result.get("code", ""),
                    "eligible": result.get("eligible", True),
                    "severity": _label(Severity, result.get("severity") or "")
                    if result.get("severity")
                    else "",
                    "message": message,
                }
            )
        shown.append(
            {
                "line": skus.get(str(line.get("line", "")), line.get("line", "")),
                "reason": reason_label(line.get("reason", ""), lists),
                "outcome": _label(Outcome, line.get("outcome", "")),
                "track": _label(CaseTrack, line.get("track", "")),
                "evidence_required": line.get("evidence_required", ""),
                "results": results,
            }
        )
    return shown


def _history(case: ReturnCase) -> dict[str, Any]:
    now = timezone.now()
    counts = ReturnCase.objects.filter(
        customer_id=case.customer_id, created_at__gte=now - timedelta(days=90)
    ).aggregate(
        days_90=Count("id"),
        days_30=Count("id", filter=Q(created_at__gte=now - timedelta(days=30))),
    )
    recent = list(
        ReturnCase.objects.filter(customer_id=case.customer_id)
        .exclude(pk=case.pk)
        .only("id", "number", "status", "created_at")
        .order_by("-created_at")[:5]
    )
    return {"days_30": counts["days_30"], "days_90": counts["days_90"], "recent": recent}


def _context(request: HttpRequest, case: ReturnCase, **overrides: Any) -> dict[str, Any]:
    zone = case.market.time_zone if case.market else ""
    lines = list(returns_selectors.case_lines(case=case))
    lists = reference_lists()
    for line in lines:
        line.reason_label = reason_label(line.reason_code, lists)
    language = translation.get_language() or "en"
    timeline = returns_selectors.case_timeline(case=case, language=language, audience="staff")
    due = None
    if case.status in (CaseStatus.SUBMITTED, CaseStatus.PENDING_REVIEW) and case.submitted_at:
        sla = case.market.first_response_hours if case.market else 24
        due = case.submitted_at + hours(sla)
    names = allowed_actions(case, request.user)
    action_forms = []
    for name in names:
        if name in ("untag",):
            continue
        bound = overrides.get("bound", {}).get(name)
        form = bound or ACTIONS[name].form(initial={"version": case.version})
        if name == "change_resolution":
            form.fields["resolution"].choices = Resolution.choices
        visible = list(form.visible_fields())
        if visible and ACTIONS[name].shortcut:
            # A key focuses the action's first field (typing a reason); Ctrl+Enter sends it.
            visible[0].field.widget.attrs["data-shortcut"] = ACTIONS[name].shortcut
        action_forms.append({"action": ACTIONS[name], "form": form})
    return {
        "case": case,
        "order": case.order,
        "lines": lines,
        "value": money_text(case_value(lines, case.currency)),
        "buyer_zone": zone,
        "due": moment(due, zone),
        "overdue": due is not None and due < timezone.now(),
        "moments": {
            "submitted": moment(case.submitted_at, zone),
            "placed": moment(case.order.placed_at, zone),
            "expires": moment(case.expires_at, zone),
            "ship_back_by": moment(case.ship_back_by, zone),
            "refund_due_by": moment(case.refund_due_by, zone),
            "withdraw_by": moment(case.withdraw_by, zone),
        },
        "eligibility": _eligibility(case, lines, lists),
        "failed": _failed(case),
        "timeline": [(entry, moment(entry.occurred_at, zone)) for entry in timeline],
        "history": _history(case),
        "notes": [
            (note, moment(note.created_at, zone))
            for note in staff_selectors.notes_for_case(case.pk)
        ],
        "tags": staff_selectors.tags_for_case(case.pk),
        "actions": names,
        "decision_forms": [item for item in action_forms if item["action"].name in DECISIONS],
        "note_form": next((i["form"] for i in action_forms if i["action"].name == "note"), None),
        "tag_form": next((i["form"] for i in action_forms if i["action"].name == "tag"), None),
        "panels": case_panels(case, request.user),
        "error": overrides.get("error"),
        "error_action": overrides.get("error_action"),
    }


@staff_required("returns.view_returncase")
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _load_case(case_id)
    return render(request, "backoffice/cases/case.html", _context(request, case))


def _run(action: str, case: ReturnCase, data: dict, actor: Actor) -> str:
    """Call the service behind `action`; return the success message."""
    version = data.get("version")
    if action == "approve":
        returns_services.case_approve(case=case, actor=actor, expected_version=version)
        return _("Return %(number)s approved.")
    if action == "override":
        returns_services.case_approve(
            case=case,
            actor=actor,
            override_reason=data["override_reason"],
            expected_version=version,
        )
        return _("Return %(number)s approved with an eligibility override.")
    if action == "reject":
        returns_services.case_reject(
            case=case, actor=actor, reason=data["reason"], expected_version=version
        )
        return _("Return %(number)s rejected.")
    if action == "cancel":
        returns_services.case_cancel(
            case=case, actor=actor, reason=data.get("reason", ""), expected_version=version
        )
        return _("Return %(number)s canceled.")
    if action == "request_evidence":
        staff_services.evidence_request(case=case, actor=actor, message=data["message"])
        return _("More evidence requested for %(number)s.")
    if action == "change_resolution":
        service = _change_resolution_service()
        assert service is not None
        service(case=case, actor=actor, resolution=data["resolution"], expected_version=version)
        return _("Resolution of %(number)s changed.")
    if action == "note":
        staff_services.note_add(case=case, actor=actor, text=data["text"])
        return _("Note added.")
    if action == "tag":
        staff_services.tag_add(case=case, actor=actor, tag=data["tag"])
        return _("Tag added.")
    if action == "untag":
        staff_services.tag_remove(case=case, tag=data["tag"])
        return _("Tag removed.")
    raise Http404


@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    refusal = check_access(request, ("returns.view_returncase", *spec.permissions))
    if refusal is not None:
        return refusal
    case = _load_case(case_id)
    form = spec.form(request.POST)
    if action == "change_resolution":
        form.fields["resolution"].choices = Resolution.choices
    if not spec.available(case):
        # The state moved on (another agent, an automation): say so in the service's words.
        error = _("“%(action)s” is not possible for this return now (status: %(status)s).") % {
            "action": spec.label,
            "status": case.get_status_display(),
        }
        context = _context(request, case, error=error, error_action=action)
        return render(request, "backoffice/cases/case.html", context, status=409)
    if not form.is_valid():
        context = _context(request, case, bound={action: form}, error_action=action)
        return render(request, "backoffice/cases/case.html", context, status=400)
    try:
        message = _run(action, case, form.cleaned_data, Actor.for_user(request.user))
    except DomainPermissionDenied as refusal:
        context = _context(request, case, error=str(refusal), error_action=action)
        return render(request, "backoffice/cases/case.html", context, status=403)
    except ApplicationError as refusal:
        case = _load_case(case_id)
        context = _context(
            request,
            case,
            bound={action: form},
            error=f"{refusal} ({refusal.code})",
            error_action=action,
        )
        return render(request, "backoffice/cases/case.html", context, status=409)
    messages.success(request, message % {"number": case.number})
    return HttpResponseRedirect(reverse("backoffice:case", args=[case.pk]))
