"""Forms of the case page's actions. Each carries the case version it was shown with."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ApproveForm(VersionedForm):
    pass


class OverrideForm(VersionedForm):
    override_reason = forms.CharField(
        label=_("Why approve although rules failed?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for the buyer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvidenceRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What should the buyer send?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TagForm(forms.Form):
    tag = forms.CharField(label=_("Tag"), max_length=40)


class ResolutionForm(VersionedForm):
    resolution = forms.ChoiceField(label=_("New resolution"), choices=())
