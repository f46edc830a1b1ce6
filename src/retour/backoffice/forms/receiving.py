"""Forms of the receiving screens (tablet and handheld scanner: few fields, sensible defaults)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from retour.receiving.checklists import Check
from retour.receiving.models import Decision, Grade


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of photos (the tablet's camera opens from the field)."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Scan or type a return number, tracking number or QR code"), max_length=300
    )


class CountForm(forms.Form):
    """One count field per expected line (added by the view), then what did not belong."""

    wrong_item = forms.CharField(
        label=_("Wrong item (what was in the box instead)"), max_length=300, required=False
    )
    wrong_quantity = forms.IntegerField(
        label=_("Wrong items"), min_value=0, max_value=999, required=False
    )
    empty = forms.BooleanField(label=_("The box is empty"), required=False)
    weight_grams = forms.IntegerField(
        label=_("Parcel weight (g)"), min_value=0, max_value=1_000_000, required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)
    photos = PhotosField(label=_("Photos"))
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for expected in lines:
            name = f"count_{expected.return_line_id}"
            self.fields[name] = forms.IntegerField(
                label=expected.sku, min_value=0, max_value=999, required=False
            )
            self.line_fields.append((expected, name))

    def counts(self) -> dict[int, int]:
        return {
            expected.return_line_id: self.cleaned_data.get(name) or 0
            for expected, name in self.line_fields
        }


class InspectForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    serial = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    quantity = forms.IntegerField(label=_("Alike units"), min_value=1, max_value=999, initial=1)
    notes = forms.CharField(
        label=_("Notes (shown to the buyer if rejected)"), required=False, widget=forms.Textarea
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, checks: tuple[Check, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.check_fields = []
        for check in checks:
            name = f"check_{check.code}"
            self.fields[name] = forms.BooleanField(label=check.label, required=False)
            self.check_fields.append((check, name))

    def checklist(self) -> dict[str, bool]:
        return {check.code: bool(self.cleaned_data.get(name)) for check, name in self.check_fields}


class ParcelForm(forms.Form):
    scanned_code = forms.CharField(label=_("Scanned code"), max_length=200, required=False)
    sender_name = forms.CharField(label=_("Sender name"), max_length=200, required=False)
    sender_email = forms.CharField(label=_("Sender e-mail"), max_length=254, required=False)
    order_reference = forms.CharField(label=_("Order number"), max_length=64, required=False)
    weight_grams = forms.IntegerField(
        label=_("Parcel weight (g)"), min_value=0, max_value=1_000_000, required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)
    photos = PhotosField(label=_("Photos"))


class AttachForm(forms.Form):
    code = forms.CharField(label=_("Return number"), max_length=300)


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("What was decided"), widget=forms.Textarea)


class CloseRemainingForm(forms.Form):
    reason = forms.CharField(label=_("Why the rest will not arrive"), max_length=1000)


class ReviseForm(forms.Form):
    decision = forms.ChoiceField(label=_("New decision"), choices=Decision.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000)
