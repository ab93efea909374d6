from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("so-lieu/", views.national, name="national"),
    path("don-vi/<str:code>/so-lieu/", views.dashboard, name="dashboard"),
    path("don-vi/<str:code>/can-theo-doi/", views.follow_up, name="follow_up"),
    path("don-vi/<str:code>/trong-so/", views.weights, name="weights"),
    path("don-vi/<str:code>/bao-cao.<str:fmt>", views.export, name="export"),
    path("don-vi/<str:code>/mau-van-ban/", views.letterhead, name="letterhead"),
    path("don-vi/<str:code>/noi-dung-bao-cao/", views.report_text, name="report_text"),
]
