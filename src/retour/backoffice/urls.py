from django.urls import include, path

app_name = "backoffice"

# Each area keeps its screens in its own url module so that work on one never rewrites another.
urlpatterns: list = [
    path("rules/", include("retour.backoffice.urls_rules")),
    path("logistics/", include("retour.backoffice.urls_logistics")),
    path("money/", include("retour.backoffice.urls_money")),
    path("receiving/", include("retour.backoffice.urls_receiving")),
]
