"""Back-office screens of the logistics area, mounted at /backoffice/logistics/."""

from django.urls import path

from retour.backoffice.views import logistics

urlpatterns: list = [
    path("", logistics.home, name="logistics_home"),
    path("tasks/<int:task_id>/resolve/", logistics.task_resolve, name="logistics_task_resolve"),
    path("cases/<int:case_id>/route/", logistics.case_route, name="logistics_case_route"),
    path("cases/<int:case_id>/label/", logistics.case_label, name="logistics_case_label"),
    path(
        "cases/<int:case_id>/documents/<str:kind>/",
        logistics.case_document,
        name="logistics_case_document",
    ),
    path("labels/<int:label_id>/void/", logistics.label_void, name="logistics_label_void"),
]
