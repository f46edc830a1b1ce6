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
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
