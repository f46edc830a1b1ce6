from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from retour.markets.exceptions import InvalidSupportHours
from retour.markets.models import Market, MarketCountry, MarketEvent, SupportWindow
from retour.markets.support_hours import SupportWindow as SupportWindowSpec
from retour.markets.support_hours import validate_windows


class MarketCountryInline(admin.TabularInline):
    model = MarketCountry
    extra = 0
    fields = ["country"]


class SupportWindowFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        windows = [
            SupportWindowSpec(
                form.cleaned_data["weekday"],
                form.cleaned_data["opens_at"],
                form.cleaned_data["closes_at"],
            )
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and {"weekday", "opens_at", "closes_at"} <= form.cleaned_data.keys()
        ]
        try:
            validate_windows(windows)
        except InvalidSupportHours as error:
            raise ValidationError(str(error.message), code=error.code) from error


class SupportWindowInline(admin.TabularInline):
    model = SupportWindow
    formset = SupportWindowFormSet
    extra = 0
    fields = ["weekday", "opens_at", "closes_at"]


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "currency",
        "regime",
        "time_zone",
        "default_language",
        "first_response_hours",
    ]
    list_filter = ["regime", "currency"]
    search_fields = ["code", "name", "countries__country"]
    inlines = [MarketCountryInline, SupportWindowInline]

    @admin.display(description=_("default language"))
    def default_language(self, market: Market) -> str:
        return market.default_language


@admin.register(MarketEvent)
class MarketEventAdmin(admin.ModelAdmin):
    """The history is append-only: readable here, never edited."""

    list_display = ["occurred_at", "market", "kind", "actor"]
    list_filter = ["kind", "market"]
    list_select_related = ["market", "actor"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
