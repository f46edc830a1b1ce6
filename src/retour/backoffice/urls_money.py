"""Back-office screens of the money area, mounted at /backoffice/money/."""

from django.urls import path

from retour.backoffice.views import money

urlpatterns: list = [
    path("", money.home, name="money_home"),
    path("settlements/", money.settlements, name="money_settlements"),
    path("settlements/<int:settlement_id>/", money.settlement_detail, name="money_settlement"),
    path("cases/<int:case_id>/confirm/", money.case_confirm, name="money_case_confirm"),
    path("refunds/<int:refund_id>/<str:action>/", money.refund_action, name="money_refund_action"),
    path("alerts/<int:alert_id>/resolve/", money.alert_resolve, name="money_alert_resolve"),
    path("store-credit/", money.store_credit, name="money_store_credit"),
    path(
        "store-credit/<int:account_id>/",
        money.store_credit_account,
        name="money_store_credit_account",
    ),
]
