from django.contrib import admin

from retour.catalog.models import Category, Product, Supplier, Variant


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "email"]
    list_filter = ["country"]
    search_fields = ["code", "name", "email"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    list_filter = ["parent"]
    search_fields = ["code", "name"]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = [
        "sku",
        "options",
        "barcode",
        "weight_grams",
        "list_price_minor",
        "list_price_currency",
        "is_active",
    ]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "category",
        "supplier",
        "hs_code",
        "origin_country",
        "is_final_sale",
        "is_hygiene_sealed",
        "is_personalised",
        "has_battery",
    ]
    list_filter = [
        "category",
        "supplier",
        "origin_country",
        "is_final_sale",
        "is_hygiene_sealed",
        "is_personalised",
        "has_battery",
    ]
    search_fields = ["title", "handle", "hs_code", "variants__sku"]
    list_select_related = ["category", "supplier"]
    inlines = [VariantInline]


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = [
        "sku",
        "product",
        "options_label",
        "weight_grams",
        "list_price_minor",
        "list_price_currency",
        "is_active",
    ]
    list_filter = ["is_active", "product__category", "list_price_currency"]
    search_fields = ["sku", "barcode", "product__title"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
