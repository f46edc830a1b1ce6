from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from retour.core.views import healthz

admin.site.site_header = "Retour"
admin.site.site_title = "Retour"
admin.site.index_title = "Back office"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("policy/", include("retour.policies.urls")),
    path("backoffice/", include("retour.backoffice.urls")),
    path("webhooks/carriers/", include("retour.logistics.urls")),
    path("webhooks/payments/", include("retour.payments.urls")),
    # The buyer's portal owns the rest of the site's paths; it comes last.
    path("", include("retour.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
