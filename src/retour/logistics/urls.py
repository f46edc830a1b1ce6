from django.urls import path

from retour.logistics import views

app_name = "logistics"

urlpatterns = [
    path("easypost/", views.easypost_webhook, name="easypost-webhook"),
    path("aftership/", views.aftership_webhook, name="aftership-webhook"),
]
