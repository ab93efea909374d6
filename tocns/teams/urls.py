from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("to/", views.team_list, name="list"),
    path("don-vi/<str:code>/them-to/", views.team_create, name="create"),
    path("to/nhap/", views.roster_import, name="import"),
    path("to/nhap/xac-nhan/", views.roster_import_confirm, name="import_confirm"),
    path("to/nhap/mau.xlsx", views.roster_template, name="import_template"),
    path("don-vi/<str:code>/danh-sach-thanh-vien.xlsx", views.roster_export, name="export"),
    path("to/<int:pk>/", views.team_detail, name="detail"),
    path("to/<int:pk>/sua/", views.team_edit, name="edit"),
    path("to/<int:pk>/the/", views.cards, name="cards"),
    path("to/<int:pk>/thanh-vien/moi/", views.member_add, name="member_add"),
    path("to/<int:pk>/thanh-vien/<int:member_pk>/sua/", views.member_edit, name="member_edit"),
    path("to/<int:pk>/thanh-vien/<int:member_pk>/roi-to/", views.member_leave, name="member_leave"),
    path("to/<int:pk>/thanh-vien/<int:member_pk>/cap-lai-the/", views.card_reissue, name="card_reissue"),
    path("xac-minh/<str:token>", views.verify, name="verify"),
]
