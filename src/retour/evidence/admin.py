from django.contrib import admin

from retour.evidence.models import Evidence


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Read-only: evidence is written once, through `evidence_attach`."""

    list_display = ["id", "kind", "source", "case", "claim", "size", "created_at"]
    list_filter = ["kind", "source"]
    search_fields = ["sha256", "case__number", "claim__number", "original_name"]
    raw_id_fields = ["case", "claim"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
