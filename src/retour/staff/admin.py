from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from retour.staff.models import StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "language", "totp_confirmed_at"]
    fields = ["user", "time_zone", "language", "totp_confirmed_at"]
    readonly_fields = ["user", "totp_confirmed_at"]
    actions = ["reset_totp"]

    @admin.action(description=_("Reset two-factor enrolment"))
    def reset_totp(self, request, queryset):
        queryset.update(totp_secret="", totp_confirmed_at=None)
