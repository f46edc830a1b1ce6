"""The queue's filter form, the bulk-action form and the saved-view form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from retour.returns.choices import CaseStatus

SORTS = (("due", _("Due time, oldest first")), ("-due", _("Due time, newest first")))
# What "due" means in the queue: a return must be decided within REVIEW_SLA of its submission.
DEFAULT_STATUS = CaseStatus.PENDING_REVIEW


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Return or order number"), required=False, max_length=64)
    status = forms.ChoiceField(label=_("Status"), required=False)
    market = forms.ChoiceField(label=_("Market"), required=False)
    language = forms.ChoiceField(label=_("Buyer's language"), required=False)
    store = forms.ChoiceField(label=_("Store"), required=False)
    value_min = forms.DecimalField(
        label=_("Value at least"), required=False, min_value=0, max_digits=12, decimal_places=3
    )
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    due_before = forms.DateTimeField(
        label=_("Due before"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    tag = forms.SlugField(label=_("Tag"), required=False, allow_unicode=True, max_length=40)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)

    def __init__(self, *args, markets=(), stores=(), reasons=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["status"].choices = every + list(CaseStatus.choices)
        self.fields["market"].choices = every + list(markets)
        self.fields["store"].choices = every + list(stores)
        self.fields["reason"].choices = every + list(reasons)
        self.fields["language"].choices = every + [
            (code, str(name)) for code, name in settings.LANGUAGES
        ]


class CaseIdsField(forms.TypedMultipleChoiceField):
    """The ids of the ticked rows. Any number is accepted here: the view loads the returns and
    reports an unknown one in its per-item results rather than refusing the whole batch."""

    def __init__(self, **kwargs) -> None:
        super().__init__(coerce=int, choices=(), **kwargs)

    def valid_value(self, value: object) -> bool:
        return str(value).isdigit()


class BulkActionForm(forms.Form):
    ACTIONS = (("approve", _("Approve")), ("reject", _("Reject")))

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    cases = CaseIdsField(label=_("Returns"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    MAX_CASES = 200  # one request decides at most one page's worth

    def clean(self) -> dict:
        cleaned = super().clean()
        if len(cleaned.get("cases") or ()) > self.MAX_CASES:
            self.add_error(
                "cases", _("Select at most %(max)s returns at a time.") % {"max": self.MAX_CASES}
            )
        if cleaned.get("action") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Please give a reason for rejecting."))
        return cleaned


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
