"""Back-office screens of the receiving area, mounted at /backoffice/receiving/."""

from django.urls import path

from retour.backoffice.views import receiving

urlpatterns: list = [
    path("", receiving.home, name="receiving_home"),
    path("warehouse/", receiving.switch_warehouse, name="receiving_switch_warehouse"),
    path("scan/", receiving.scan, name="receiving_scan"),
    path("cases/<int:case_id>/", receiving.case_view, name="receiving_case"),
    path("cases/<int:case_id>/receive/", receiving.receive, name="receiving_receive"),
    path(
        "cases/<int:case_id>/inspect/<int:line_id>/",
        receiving.inspect,
        name="receiving_inspect",
    ),
    path(
        "cases/<int:case_id>/close-remaining/",
        receiving.close_remaining,
        name="receiving_close_remaining",
    ),
    path("units/<int:unit_id>/dispose/", receiving.dispose, name="receiving_dispose"),
    path("units/<int:unit_id>/revise/", receiving.revise, name="receiving_revise"),
    path("parcels/", receiving.parcels, name="receiving_parcels"),
    path("parcels/new/", receiving.parcel_new, name="receiving_parcel_new"),
    path("parcels/<int:parcel_id>/", receiving.parcel_detail, name="receiving_parcel"),
    path("disputes/", receiving.disputes, name="receiving_disputes"),
    path("disputes/<int:dispute_id>/", receiving.dispute_detail, name="receiving_dispute"),
    path("stock/", receiving.stock, name="receiving_stock"),
    path("stock.csv", receiving.stock_csv, name="receiving_stock_csv"),
]
