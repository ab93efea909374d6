from django.urls import path

from . import account_views, views

app_name = "teams"
urlpatterns = [
    path("to/", views.team_list, name="list"),
    path("don-vi/<str:code>/them-to/", views.team_create, name="create"),
    path("to/nhap/", views.roster_import, name="import"),
    path("to/nhap/xac-nhan/", views.roster_import_confirm, name="import_confirm"),
    path("to/nhap/mau.xlsx", views.roster_template, name="import_template"),
    path("to/nhap/dong-loi.xlsx", views.roster_import_rejected, name="import_rejected"),
    path("don-vi/<str:code>/danh-sach-thanh-vien.xlsx", views.roster_export, name="export"),
    path("to/<int:pk>/", views.team_detail, name="detail"),
    path("to/<int:pk>/sua/", views.team_edit, name="edit"),
    path("to/<int:pk>/the/", views.cards, name="cards"),
    path("to/<int:pk>/thanh-vien/moi/", views.member_add, name="member_add"),
    path("to/<int:pk>/thanh-vien/<int:member_pk>/sua/", views.member_edit, name="member_edit"),
    path("to/<int:pk>/thanh-vien/<int:member_pk>/roi-to/", views.member_leave, name="member_leave"),
    path("to/<int:pk>/thanh-vien/<int:member_pk>/cap-lai-the/", views.card_reissue, name="card_reissue"),
    path("xac-minh/<str:token>", views.verify, name="verify"),
    path("don-vi/<str:code>/tai-khoan/", account_views.unit_accounts, name="unit_accounts"),
    path(
        "don-vi/<str:code>/tai-khoan/tao-hang-loat/",
        account_views.unit_accounts_bulk,
        name="unit_accounts_bulk",
    ),
    path("don-vi/<str:code>/tai-khoan/moi/", account_views.account_create, name="account_create"),
    path("to/<int:pk>/tai-khoan/", account_views.team_accounts, name="team_accounts"),
    path("to/<int:pk>/tai-khoan/tao-hang-loat/", account_views.team_accounts_bulk, name="team_accounts_bulk"),
    path("to/<int:pk>/tai-khoan/phieu/", account_views.team_sheet, name="team_sheet"),
    path("tai-khoan/<int:user_pk>/cap-ma/", account_views.issue_code, name="issue_code"),
]
