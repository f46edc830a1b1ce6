"""Back-office screens for policies and reasons (until the back office app exists).

Every write goes through `retour.policies.services`: a policy is created with the default
terms, edited by adding a version (existing versions are read-only), reasons are retired
instead of deleted. The forms run the same checks as the services first, so a refusal shows
next to its field instead of as an error page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Category
from retour.core.actors import Actor
from retour.policies.choices import Resolution, ReturnMethod
from retour.policies.exceptions import BelowStatutoryFloor, InvalidPolicy, InvalidReason
from retour.policies.models import ReturnPolicy, ReturnPolicyVersion, ReturnReason
from retour.policies.services import (
    check_policy_terms,
    return_policy_create_default,
    return_policy_update,
    return_reason_create,
    return_reason_reactivate,
    return_reason_retire,
    return_reason_update,
    return_reason_validate,
)
from retour.policies.terms import TERM_FIELDS, PolicyTerms, policy_terms

# Policies ------------------------------------------------------------------------------------


class ReturnPolicyVersionInline(admin.TabularInline):
    model = ReturnPolicyVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["number", "effective_from", "window_days", "window_anchor", "note", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(admin.ModelAdmin):
    """Adding a policy writes the default terms for the market; edit them as a new version."""

    list_display = ["store", "market", "current_version"]
    list_filter = ["market__regime", "store"]
    list_select_related = ["store", "market"]
    fields = ["store", "market"]
    inlines = [ReturnPolicyVersionInline]

    @admin.display(description=_("versions"))
    def current_version(self, policy: ReturnPolicy) -> int:
        return policy.versions.count()

    def get_inlines(self, request, obj=None) -> list:
        return self.inlines if obj is not None else []

    def has_change_permission(self, request, obj=None) -> bool:
        # Terms change by adding a version; the store and market of a policy never change.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: ReturnPolicy, form, change: bool) -> None:
        version = return_policy_create_default(
            store=obj.store, market=obj.market, actor=Actor.for_user(request.user)
        )
        obj.pk = version.policy_id
        obj._state.adding = False


class PolicyVersionForm(forms.ModelForm):
    allowed_resolutions = forms.MultipleChoiceField(
        label=_("allowed resolutions"),
        choices=Resolution.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    return_methods = forms.MultipleChoiceField(
        label=_("return methods"), choices=ReturnMethod.choices, widget=forms.CheckboxSelectMultiple
    )
    excluded_categories = forms.MultipleChoiceField(
        label=_("excluded categories"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ReturnPolicyVersion
        fields = [
            "policy",
            "effective_from",
            *(name for name in TERM_FIELDS if name != "currency"),
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "excluded_categories" in self.fields:  # absent on the read-only view
            self.fields["excluded_categories"].choices = [
                (category.code, f"{category.name} ({category.code})")
                for category in Category.objects.order_by("code")
            ]
        if "effective_from" in self.fields:
            self.fields["effective_from"].required = False
            self.fields["effective_from"].help_text = _("Empty: now.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        policy = data.get("policy")
        if policy is None or self.errors:
            return data
        values = {name: data.get(name) for name in TERM_FIELDS if name != "currency"}
        self.terms = PolicyTerms(currency=policy.market.currency, **values)
        try:
            check_policy_terms(terms=self.terms, market=policy.market)
        except BelowStatutoryFloor as error:
            for violation in error.violations:
                self.add_error(violation.field, violation.message)
        except InvalidPolicy as error:
            for name, problems in error.extra.get("errors", {}).items():
                self.add_error(name if name in self.fields else None, "; ".join(problems))
        return data


@admin.register(ReturnPolicyVersion)
class ReturnPolicyVersionAdmin(admin.ModelAdmin):
    """Versions are immutable: add a new one (prefilled with `?policy=<id>`), never edit."""

    form = PolicyVersionForm
    list_display = ["policy", "number", "effective_from", "window_days", "created_by"]
    list_filter = ["policy__market__regime", "policy__store"]
    list_select_related = ["policy__store", "policy__market", "created_by"]
    ordering = ["policy", "-number"]

    def get_changeform_initial_data(self, request) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        policy = ReturnPolicy.objects.filter(pk=request.GET.get("policy") or None).first()
        latest = policy.versions.order_by("-number").first() if policy else None
        if latest is not None:
            initial.update(policy_terms(latest).as_dict())
            initial.pop("currency")
        return initial

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: ReturnPolicyVersion, form, change: bool) -> None:
        version = return_policy_update(
            policy=form.cleaned_data["policy"],
            actor=Actor.for_user(request.user),
            terms=form.terms,
            effective_from=form.cleaned_data.get("effective_from"),
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk = version.pk
        obj._state.adding = False


# Reasons -------------------------------------------------------------------------------------


class ReturnReasonForm(forms.ModelForm):
    allowed_resolutions = forms.MultipleChoiceField(
        label=_("allowed resolutions"),
        choices=Resolution.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: whatever the policy allows."),
    )

    class Meta:
        model = ReturnReason
        fields = [
            "code",
            "parent",
            "labels",
            "kind",
            "fault",
            "requires_evidence",
            "allowed_resolutions",
            "position",
        ]

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            return_reason_validate(self.instance)
        except InvalidReason as error:
            for name, problems in error.extra.get("errors", {}).items():
                self.add_error(name if name in self.fields else None, "; ".join(problems))


@admin.register(ReturnReason)
class ReturnReasonAdmin(admin.ModelAdmin):
    form = ReturnReasonForm
    list_display = ["code", "label", "parent", "kind", "fault", "requires_evidence", "active"]
    list_filter = ["kind", "fault", "active", "is_shipped"]
    list_select_related = ["parent"]
    search_fields = ["code"]
    actions = ["retire", "reactivate"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        if obj is None:
            return []
        fixed = ["code", "parent", "kind", "active"]
        return [*fixed, "labels"] if obj.is_shipped else fixed

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: ReturnReason, form, change: bool) -> None:
        actor = Actor.for_user(request.user)
        data = form.cleaned_data
        if change:
            changes = {
                name: data[name]
                for name in ("labels", "fault", "requires_evidence", "allowed_resolutions")
                if name in data and name in form.changed_data
            }
            if "position" in form.changed_data:
                changes["position"] = data["position"]
            if obj.is_shipped:
                changes.pop("labels", None)
            saved = return_reason_update(
                actor=actor, reason=ReturnReason.objects.get(pk=obj.pk), **changes
            )
        else:
            saved = return_reason_create(
                actor=actor,
                code=data["code"],
                labels=data["labels"],
                fault=data["fault"],
                kind=data["kind"],
                parent=data.get("parent"),
                requires_evidence=data["requires_evidence"],
                allowed_resolutions=data.get("allowed_resolutions") or (),
                position=data.get("position") or 0,
            )
        obj.pk = saved.pk
        obj._state.adding = False

    @admin.action(
        permissions=["change"], description=_("Retire the selected reasons (kept on old cases)")
    )
    def retire(self, request, queryset) -> None:
        actor = Actor.for_user(request.user)
        for reason in queryset:
            return_reason_retire(actor=actor, reason=reason)
        messages.success(request, _("Reasons retired."))

    @admin.action(permissions=["change"], description=_("Offer the selected reasons again"))
    def reactivate(self, request, queryset) -> None:
        actor = Actor.for_user(request.user)
        for reason in queryset:
            return_reason_reactivate(actor=actor, reason=reason)
        messages.success(request, _("Reasons offered again."))
