"""The unit pages keep their names (units:browse, units:detail …) though their views live here."""

from django.urls import path

from . import unit_views as views

app_name = "units"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("nhap-thon/", views.import_villages, name="import"),
    path("nhap-thon/xac-nhan/", views.import_villages_confirm, name="import_confirm"),
    path("nhap-thon/mau.xlsx", views.import_template, name="import_template"),
    path("nhap-thon/dong-loi.xlsx", views.import_villages_rejected, name="import_rejected"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/sua/", views.edit_village, name="edit"),
]
