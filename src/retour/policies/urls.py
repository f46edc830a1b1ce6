from django.urls import path

from retour.policies import views

app_name = "policies"

urlpatterns = [
    path("<slug:store_code>/<slug:market_code>.json", views.policy_page_json, name="policy_json"),
    path("<slug:store_code>/<slug:market_code>/", views.policy_page_html, name="policy_page"),
]
