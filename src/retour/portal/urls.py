from django.urls import path

from retour.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("a/<str:token>/", views.access_link, name="access_link"),
    path("s/<str:token>/", views.status_link, name="status_link"),
    path("signout/", views.sign_out, name="sign_out"),
    path("order/", views.order_page, name="order"),
    path("return/", views.conversation, name="conversation"),
    path("return/photo/", views.photo, name="photo"),
    path("return/resolution/", views.resolution, name="resolution"),
    path("return/summary/", views.summary, name="summary"),
    path("returns/<str:number>/", views.case_page, name="case"),
    path("returns/<str:number>/keep-it/", views.keep_it, name="keep_it"),
    path("returns/<str:number>/<str:kind>.pdf", views.document, name="document"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("withdraw/confirm/", views.withdraw_confirm, name="withdraw_confirm"),
    path("withdraw/<str:number>/", views.withdraw_done, name="withdraw_done"),
    path("withdraw/<str:number>/acknowledgement.pdf", views.withdraw_pdf, name="withdraw_pdf"),
]
