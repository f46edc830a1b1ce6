from django.contrib import admin

from retour.demo.models import DemoDataset


@admin.register(DemoDataset)
class DemoDatasetAdmin(admin.ModelAdmin):
    """Read-only: the marker is written by `retour demo` alone."""

    list_display = ["seed", "orders", "generator_version", "anchor", "loaded_at"]
    list_filter = ["generator_version"]
    search_fields = ["seed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
