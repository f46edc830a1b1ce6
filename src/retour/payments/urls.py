from django.urls import path

from retour.payments import views

app_name = "payments"

urlpatterns = [
    path("stripe/", views.stripe_webhook, name="stripe_webhook"),
    path("paypal/", views.paypal_webhook, name="paypal_webhook"),
]
