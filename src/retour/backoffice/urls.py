from django.urls import include, path

from retour.backoffice.views import auth, cases, claims, home, queue

app_name = "backoffice"

urlpatterns: list = [
    path("", home.home, name="home"),
    path("login/", auth.StaffLoginView.as_view(), name="login"),
    path("logout/", auth.StaffLogoutView.as_view(), name="logout"),
    path("2fa/", auth.two_factor, name="two_factor"),
    path("preferences/", auth.preferences, name="preferences"),
    path("queue/", queue.queue, name="queue"),
    path("queue/bulk/", queue.bulk, name="queue_bulk"),
    path("queue/views/", queue.save_view, name="queue_save_view"),
    path("queue/views/<int:view_id>/delete/", queue.delete_view, name="queue_delete_view"),
    path("cases/<int:case_id>/", cases.case_detail, name="case"),
    path("cases/<int:case_id>/<str:action>/", cases.case_action, name="case_action"),
    path("claims/", claims.claim_queue, name="claims"),
    path("claims/<int:claim_id>/", claims.claim_detail, name="claim"),
    path("claims/<int:claim_id>/<str:action>/", claims.claim_action, name="claim_action"),
    # Each area keeps its screens in its own url module so that work on one never rewrites another.
    path("rules/", include("retour.backoffice.urls_rules")),
    path("logistics/", include("retour.backoffice.urls_logistics")),
    path("money/", include("retour.backoffice.urls_money")),
    path("receiving/", include("retour.backoffice.urls_receiving")),
]
