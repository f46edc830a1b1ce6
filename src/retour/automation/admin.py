"""Admin: exchange rates are maintained here; rules, versions and decisions are read-only
(rules change through the back-office editor, which validates, versions and audits)."""

from django.contrib import admin

from retour.automation.models import Decision, ExchangeRate, Rule, RuleVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["base", "quote", "rate", "valid_from", "source"]
    list_filter = ["base", "quote", "source"]
    search_fields = ["base", "quote", "source"]
    date_hierarchy = "valid_from"


@admin.register(Rule)
class RuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "priority", "enabled", "version", "code", "updated_at"]
    list_filter = ["enabled"]
    search_fields = ["name", "code", "description"]


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ["rule", "number", "change", "enabled", "created_by_name", "created_at"]
    list_filter = ["change", "enabled"]
    search_fields = ["name", "rule__name", "note", "created_by_name"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["case", "outcome", "proposed_outcome", "queue", "applied", "created_at"]
    list_filter = ["outcome", "proposed_outcome", "applied", "queue"]
    search_fields = ["case__number", "queue", "reject_reason_code"]
    raw_id_fields = ["case"]
