"""The rule editor: list, build, validate, preview on one case, enable, disable, history,
simulate over a period; and running the rules for one case from its page.

Reading needs `automation.view_rule`; saving, enabling and disabling `automation.change_rule`
(creating also `automation.add_rule`). Every change goes through `retour.automation.services`,
which validates, versions and audits it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from retour.automation.engine import compile_rules, evaluate, live_ruleset, rules_of
from retour.automation.exceptions import RuleInvalid, RuleStale
from retour.automation.facts import facts_for_case
from retour.automation.messages import AGENT, BUYER, render_lines
from retour.automation.models import Rule
from retour.automation.selectors import rule_audit, rule_versions, rules_list
from retour.automation.services import (
    case_auto_decide,
    rule_create,
    rule_disable,
    rule_enable,
    rule_update,
    rule_validate,
)
from retour.automation.simulation import simulate
from retour.backoffice.access import staff_required
from retour.backoffice.forms.rules import PreviewForm, RuleForm, SimulationForm, editor_choices
from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.core.money import Money
from retour.markets.models import Market
from retour.orders.models import Store
from retour.returns.models import ReturnCase

VIEW = "automation.view_rule"
CHANGE = "automation.change_rule"
ADD = "automation.add_rule"


def _scopes() -> dict[str, list[str]]:
    return {
        "stores": list(Store.objects.order_by("code").values_list("code", flat=True)),
        "markets": list(Market.objects.order_by("code").values_list("code", flat=True)),
    }


@staff_required(VIEW)
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/rules/list.html",
        {"rules": list(rules_list()), "can_change": request.user.has_perm(CHANGE)},
    )


@staff_required([VIEW, ADD, CHANGE])
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@staff_required(VIEW)
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=rule_id)
    return _editor(request, rule)


def _editor(request: HttpRequest, rule: Rule | None) -> HttpResponse:
    scopes = _scopes()
    can_change = request.user.has_perm(CHANGE)
    errors: list[dict[str, str]] = []
    preview: dict[str, Any] | None = None
    valid = False
    if request.method == "POST":
        form = RuleForm(request.POST, rule=rule, **scopes)
        preview_form = PreviewForm(request.POST)
        action = request.POST.get("do", "save")
        if form.is_valid():
            terms = form.terms()
            errors = rule_validate(terms)
            valid = not errors
            if action == "save" and valid:
                if not can_change:
                    return HttpResponse(status=403)
                return _save(request, rule, terms, form.cleaned_data.get("note", ""))
            if action == "preview" and valid and preview_form.is_valid():
                number = preview_form.cleaned_data.get("case_number") or ""
                preview = _preview(request, rule, terms, number)
    else:
        initial = {}
        if rule is not None:
            initial = {
                "name": rule.name,
                "description": rule.description,
                "priority": rule.priority,
                "store_codes": rule.store_codes,
                "market_codes": rule.market_codes,
            }
        form = RuleForm(initial=initial, rule=rule, **scopes)
        preview_form = PreviewForm()
    return render(
        request,
        "backoffice/rules/edit.html",
        {
            "rule": rule,
            "form": form,
            "preview_form": preview_form,
            "errors": errors,
            "valid": valid and request.POST.get("do") == "validate",
            "preview": preview,
            "choices": editor_choices(),
            "can_change": can_change,
        },
    )


def _save(request: HttpRequest, rule: Rule | None, terms: dict, note: str) -> HttpResponse:
    actor = Actor.for_user(request.user)
    try:
        if rule is None:
            rule = rule_create(actor=actor, note=note, **terms)
            messages.success(request, _("Rule created. It is disabled until you enable it."))
        else:
            version = request.POST.get("version")
            rule = rule_update(
                rule=rule,
                actor=actor,
                note=note,
                expected_version=int(version) if version and version.isdigit() else None,
                **terms,
            )
            messages.success(
                request, _("Rule saved as version %(version)s.") % {"version": rule.version}
            )
    except (RuleInvalid, RuleStale) as error:
        messages.error(request, str(error))
        target = (
            reverse("backoffice:rule", args=[rule.pk]) if rule else reverse("backoffice:rule_new")
        )
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("backoffice:rule", args=[rule.pk]))


def _preview(request: HttpRequest, rule: Rule | None, terms: dict, number: str) -> dict[str, Any]:
    """The decision on one case of the enabled rules with this draft in place of the rule."""
    case = ReturnCase.objects.filter(number=number.strip().upper()).first()
    if case is None:
        return {"error": _("No return has this number.")}
    others = [
        row
        for row in rules_of(Rule.objects.filter(enabled=True))
        if not rule or row["id"] != rule.pk
    ]
    draft = {**terms, "id": rule.pk if rule else 0, "version": 0}
    ruleset = compile_rules([*others, draft], live_ruleset().rates)
    facts = facts_for_case(case, rates=ruleset.rates)
    result = evaluate(ruleset, facts, status=case.status)
    return {
        "case": case,
        "result": result,
        "agent": render_lines(result.agent, AGENT),
        "buyer": render_lines(result.buyer, BUYER),
        "draft_fired": any(
            item["id"] == draft["id"] and item["version"] == 0 for item in result.fired
        ),
    }


@staff_required([VIEW, CHANGE])
@require_POST
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=rule_id)
    actor = Actor.for_user(request.user)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("enabled") == "1":
            rule_enable(rule=rule, actor=actor, note=note)
            messages.success(request, _("“%(name)s” is enabled.") % {"name": rule.name})
        else:
            rule_disable(rule=rule, actor=actor, note=note)
            messages.success(request, _("“%(name)s” is disabled.") % {"name": rule.name})
    except ApplicationError as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(request.POST.get("next") or reverse("backoffice:rules"))


@staff_required(VIEW)
def rule_history(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=rule_id)
    return render(
        request,
        "backoffice/rules/history.html",
        {"rule": rule, "versions": list(rule_versions(rule)), "events": list(rule_audit(rule))},
    )


@staff_required(VIEW)
def rule_simulate(request: HttpRequest) -> HttpResponse:
    scopes = _scopes()
    rules = list(rules_list())
    today = timezone.localdate()
    if "start" in request.GET:
        form = SimulationForm(request.GET, stores=scopes["stores"])
        chosen = {int(value) for value in request.GET.getlist("rule") if value.isdigit()}
    else:
        form = SimulationForm(
            initial={"start": today - dt.timedelta(days=30), "end": today},
            stores=scopes["stores"],
        )
        chosen = {rule.pk for rule in rules if rule.enabled}
        extra = request.GET.get("with", "")
        if extra.isdigit():
            chosen.add(int(extra))
    result = None
    if form.is_bound and form.is_valid():
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(form.cleaned_data["start"], dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(
            form.cleaned_data["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone
        )
        store = form.cleaned_data.get("store")
        result = simulate(
            rules_of([rule for rule in rules if rule.pk in chosen]),
            start=start,
            end=end,
            store_codes=[store] if store else [],
        )
    refunds = []
    if result is not None:
        language = translation.get_language() or "en"
        refunds = [
            {
                "currency": row["currency"],
                "current": Money(row["current"], row["currency"]).format(language),
                "candidate": Money(row["candidate"], row["currency"]).format(language),
            }
            for row in result.refund_rows
        ]
    return render(
        request,
        "backoffice/rules/simulate.html",
        {"form": form, "rules": rules, "chosen": chosen, "result": result, "refunds": refunds},
    )


@staff_required("returns.change_returncase")
@require_POST
def case_decide(request: HttpRequest, case_id: int) -> HttpResponse:
    """Run the enabled rules for a case that has no decision yet (a case staff entered)."""
    case = get_object_or_404(ReturnCase, pk=case_id)
    try:
        decision = case_auto_decide(case=case, actor=Actor.for_user(request.user))
        messages.success(
            request, _("Rules decided: %(outcome)s.") % {"outcome": decision.get_outcome_display()}
        )
    except ApplicationError as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("backoffice:case", args=[case.pk]) + "#rules")
