"""Forms of the money screens (settlement confirmation, refund actions, store credit)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from retour.core.money import InvalidAmount, Money, UnknownCurrency
from retour.payments.choices import Destination


class ConfirmSettlementForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    resolution = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)


class RetryForm(forms.Form):
    destination = forms.ChoiceField(label=_("Refund to"), choices=Destination.choices)


class ManualCompleteForm(forms.Form):
    reference = forms.CharField(label=_("Bank transfer reference"), max_length=200)


class StoreCreditIssueForm(forms.Form):
    email = forms.EmailField(label=_("Buyer's e-mail"))
    amount = forms.CharField(label=_("Amount"), max_length=20)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean(self):
        data = super().clean()
        try:
            money = Money.from_major(data.get("amount", ""), data.get("currency", ""))
        except (InvalidAmount, UnknownCurrency):
            raise forms.ValidationError(_("Enter an amount in the currency's units.")) from None
        if money.amount_minor <= 0:
            raise forms.ValidationError(_("The amount must be more than zero."))
        data["money"] = money
        return data
