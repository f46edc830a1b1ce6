"""The portal's forms: input parsing only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from retour.returns.choices import Resolution, ReturnMethod


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Order number"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    contact = forms.CharField(
        label=_("E-mail address or postal code"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )


class WithdrawalIdentifyForm(LookupForm):
    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail address for the acknowledgement"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SelectLinesForm(forms.Form):
    """One quantity per returnable line (0: keep it)."""

    def __init__(self, *args, preview, **kwargs):
        super().__init__(*args, **kwargs)
        self.preview = preview
        for line in preview.returnable_lines:
            self.fields[f"qty_{line.line.pk}"] = forms.TypedChoiceField(
                label=_("Quantity to return"),
                choices=[(0, "0"), *[(n, str(n)) for n in line.quantities]],
                coerce=int,
                initial=0,
                required=False,
                empty_value=0,
            )

    def clean(self):
        cleaned = super().clean()
        if not any(value for key, value in cleaned.items() if key.startswith("qty_")):
            raise forms.ValidationError(_("Choose at least one item to return."))
        return cleaned

    def selected(self) -> list[tuple[int, int]]:
        return [
            (int(key.removeprefix("qty_")), value)
            for key, value in self.cleaned_data.items()
            if key.startswith("qty_") and value
        ]


class ResolutionForm(forms.Form):
    def __init__(self, *args, resolutions, methods, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"] = forms.ChoiceField(
            label=_("What would you like?"),
            choices=[(value, Resolution(value).label) for value in resolutions],
            widget=forms.RadioSelect,
            initial=resolutions[0] if resolutions else None,
        )
        self.fields["method"] = forms.ChoiceField(
            label=_("How will you send it back?"),
            choices=[(value, ReturnMethod(value).label) for value in methods],
            widget=forms.RadioSelect,
            initial=methods[0],
        )
        self.lines = lines
        for item in lines:
            line = item["line"]
            options = [(str(o.variant.pk), o.label) for o in item["options"] if o.in_stock]
            if options:
                self.fields[f"variant_{line.pk}"] = forms.ChoiceField(
                    label=_("Exchange “%(item)s” for") % {"item": line.title},
                    choices=[("", "—"), *options],
                    required=False,
                    initial=str(item["state"].get("exchange") or ""),
                )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("resolution") == Resolution.EXCHANGE and not any(
            cleaned.get(f"variant_{item['line'].pk}") for item in self.lines
        ):
            raise forms.ValidationError(_("Choose the size or colour you want in exchange."))
        return cleaned

    def exchange_variants(self) -> dict[int, int]:
        if self.cleaned_data.get("resolution") != Resolution.EXCHANGE:
            return {
                item["line"].pk: None for item in self.lines if not item["state"].get("exchange")
            } | {
                item["line"].pk: item["state"]["exchange"]
                for item in self.lines
                if item["state"].get("exchange")
            }
        return {
            item["line"].pk: int(self.cleaned_data[f"variant_{item['line'].pk}"])
            if self.cleaned_data.get(f"variant_{item['line'].pk}")
            else None
            for item in self.lines
        }


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
