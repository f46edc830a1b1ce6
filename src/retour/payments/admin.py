"""Read-only admin views of the money ledger: every change goes through the services."""

from django.contrib import admin

from retour.payments.models import (
    MoneyAlert,
    PaymentBalance,
    Refund,
    RefundEvent,
    Settlement,
    SettlementLine,
    StoreCreditAccount,
    StoreCreditEntry,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SettlementLineInline(admin.TabularInline):
    model = SettlementLine
    extra = 0
    can_delete = False
    readonly_fields = ("component", "label", "quantity", "amount_minor", "quantity_posted")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


class RefundEventInline(admin.TabularInline):
    model = RefundEvent
    extra = 0
    can_delete = False
    readonly_fields = (
        "type",
        "amount_minor",
        "psp_reference",
        "source",
        "actor_name",
        "occurred_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ("id", "order", "case", "status", "total_minor", "currency", "confirmed_at")
    list_filter = ("status", "destination", "trigger", "provisional")
    inlines = [SettlementLineInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("id", "settlement", "payment", "gateway", "amount_minor", "currency", "status")
    list_filter = ("status", "gateway", "destination")
    search_fields = ("psp_reference", "idempotency_key")
    inlines = [RefundEventInline]


@admin.register(PaymentBalance)
class PaymentBalanceAdmin(ReadOnlyAdmin):
    list_display = ("payment", "currency", "captured_minor", "pending_minor", "refunded_minor")


@admin.register(StoreCreditAccount)
class StoreCreditAccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "customer", "currency", "balance_minor")
    search_fields = ("code", "customer__email")


@admin.register(StoreCreditEntry)
class StoreCreditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "account",
        "kind",
        "amount_minor",
        "remaining_minor",
        "expires_at",
        "created_at",
    )
    list_filter = ("kind",)


@admin.register(MoneyAlert)
class MoneyAlertAdmin(ReadOnlyAdmin):
    list_display = ("kind", "case", "refund", "created_at", "resolved_at")
    list_filter = ("kind",)
