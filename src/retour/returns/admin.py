"""Read-mostly admin screens for returns, claims, exchanges and the quantity ledger.

Statuses and quantities change only through the services (transition tables, ledger locks,
events), so every field here is read-only and nothing can be added or deleted; the screens are
for finding a record (by number, order number or e-mail) and reading its lines and timeline.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from retour.returns.models import (
    Claim,
    ClaimLine,
    Exchange,
    ExchangeLine,
    OrderLineLedger,
    QuantityMovement,
    ReturnCase,
    ReturnLine,
)
from retour.returns.timeline import TimelineEntry, case_timeline, claim_timeline


class ReadOnlyMixin:
    """Every field read-only; no add, no delete."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = [field.name for field in self.model._meta.fields]
        return [*fields, *getattr(self, "extra_readonly_fields", ())]


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def render_timeline(entries: list[TimelineEntry]) -> str:
    if not entries:
        return "—"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                entry.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_label,
                f"{entry.from_label} → {entry.to_label}" if entry.from_label else entry.to_label,
                entry.message,
                entry.reason,
            )
            for entry in entries
        ),
    )
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        _("When"),
        _("Who"),
        _("Status"),
        _("What"),
        _("Reason"),
        rows,
    )


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = (
        "order_line",
        "quantity_requested",
        "quantity_received",
        "quantity_released",
        "quantity_lost",
        "quantity_accepted",
        "quantity_rejected",
        "quantity_refunded",
        "quantity_exchanged",
        "reason_code",
        "resolution",
        "exchange_variant",
    )


@admin.register(ReturnCase)
class ReturnCaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "order",
        "customer",
        "market",
        "status",
        "track",
        "ship_back_by",
        "channel",
        "created_at",
    )
    list_filter = ("status", "track", "market", "channel", "requested_resolution", "return_method")
    search_fields = ("number", "order__number", "order__email", "customer__email")
    list_select_related = ("order", "customer", "market")
    date_hierarchy = "created_at"
    inlines = [ReturnLineInline]
    extra_readonly_fields = ("timeline",)

    @admin.display(description=_("Timeline"))
    def timeline(self, obj: ReturnCase) -> str:
        return render_timeline(case_timeline(case=obj, language=get_language() or "en"))


class ClaimLineInline(ReadOnlyInline):
    model = ClaimLine
    fields = (
        "order_line",
        "quantity",
        "quantity_refunded",
        "quantity_exchanged",
        "reason_code",
        "replacement_variant",
        "replacement_order_ref",
    )


@admin.register(Claim)
class ClaimAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "order", "customer", "kind", "status", "created_at")
    list_filter = ("status", "kind", "resolution")
    search_fields = ("number", "order__number", "order__email", "customer__email")
    list_select_related = ("order", "customer")
    inlines = [ClaimLineInline]
    extra_readonly_fields = ("timeline",)

    @admin.display(description=_("Timeline"))
    def timeline(self, obj: Claim) -> str:
        return render_timeline(claim_timeline(claim=obj, language=get_language() or "en"))


class ExchangeLineInline(ReadOnlyInline):
    model = ExchangeLine
    fields = ("return_line", "new_variant", "quantity", "quantity_replaced")


@admin.register(Exchange)
class ExchangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "case", "status", "advance_ship", "created_at")
    list_filter = ("status", "advance_ship", "balance_policy")
    search_fields = ("case__number", "case__order__number", "case__customer__email")
    list_select_related = ("case",)
    inlines = [ExchangeLineInline]


class QuantityMovementInline(ReadOnlyInline):
    model = QuantityMovement
    fields = (
        "occurred_at",
        "kind",
        "requested_delta",
        "received_delta",
        "accepted_delta",
        "rejected_delta",
        "kept_delta",
        "refunded_delta",
        "exchanged_delta",
        "fulfilled_delta",
        "return_line",
        "claim_line",
    )


@admin.register(OrderLineLedger)
class OrderLineLedgerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "order_line",
        "order",
        "fulfilled_qty",
        "requested_qty",
        "received_qty",
        "accepted_qty",
        "kept_qty",
        "refunded_qty",
        "exchanged_qty",
    )
    search_fields = ("order__number", "order__email", "order_line__sku")
    list_select_related = ("order", "order_line")
    inlines = [QuantityMovementInline]
