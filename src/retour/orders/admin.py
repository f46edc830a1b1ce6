from django.contrib import admin

from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment, ShipmentLine, Store


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "platform", "domain", "base_currency"]
    list_filter = ["platform", "base_currency"]
    search_fields = ["code", "name", "domain"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "country", "locale"]
    list_filter = ["country", "locale"]
    search_fields = ["email", "name", "phone"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = [
        "external_line_id",
        "sku",
        "title",
        "quantity",
        "unit_paid_net_minor",
        "unit_tax_minor",
        "unit_duty_minor",
    ]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = [
        "provider",
        "method_type",
        "provider_reference",
        "currency",
        "captured_minor",
        "captured_at",
    ]
    readonly_fields = fields
    can_delete = False


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0
    fields = ["external_id", "carrier", "tracking_number", "shipped_at", "delivered_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "store",
        "customer",
        "destination_country",
        "presentment_currency",
        "status",
        "placed_at",
    ]
    list_filter = ["store", "status", "destination_country", "presentment_currency", "placed_at"]
    search_fields = ["number", "external_id", "email", "customer__name", "shipping_postal_code"]
    list_select_related = ["store", "customer"]
    date_hierarchy = "placed_at"
    raw_id_fields = ["customer"]
    inlines = [OrderLineInline, PaymentInline, ShipmentInline]


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "sku",
        "title",
        "quantity",
        "unit_paid_net_minor",
        "unit_tax_minor",
        "unit_duty_minor",
    ]
    list_filter = ["order__store", "origin_country"]
    search_fields = ["sku", "title", "order__number", "external_line_id"]
    list_select_related = ["order"]
    raw_id_fields = ["order", "variant"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "provider",
        "method_type",
        "provider_reference",
        "currency",
        "captured_minor",
        "captured_at",
    ]
    list_filter = ["provider", "method_type", "currency"]
    search_fields = ["provider_reference", "order__number"]
    list_select_related = ["order"]
    raw_id_fields = ["order"]


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    extra = 0
    raw_id_fields = ["order_line"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["order", "carrier", "tracking_number", "shipped_at", "delivered_at"]
    list_filter = ["carrier", "shipped_at", "delivered_at"]
    search_fields = ["tracking_number", "external_id", "order__number"]
    list_select_related = ["order"]
    raw_id_fields = ["order"]
    inlines = [ShipmentLineInline]


@admin.register(ShipmentLine)
class ShipmentLineAdmin(admin.ModelAdmin):
    list_display = ["shipment", "order_line", "quantity"]
    list_filter = ["shipment__carrier"]
    search_fields = ["shipment__tracking_number", "shipment__order__number", "order_line__sku"]
    list_select_related = ["shipment", "order_line"]
    raw_id_fields = ["shipment", "order_line"]
