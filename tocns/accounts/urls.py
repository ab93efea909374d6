from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("phan-quyen/", views.roles_view, name="roles"),
    path("phan-quyen/<int:pk>/thu-hoi/", views.revoke_view, name="revoke"),
    path("kich-hoat/", views.activate_view, name="activate"),
    path("kich-hoat/<str:token>", views.activate_view, name="activate_link"),
    path("quen-mat-khau/", views.forgot_view, name="forgot"),
    path("tai-khoan-cua-toi/", views.me_view, name="me"),
    path("tai-khoan-cua-toi/doi-mat-khau/", views.password_view, name="password"),
    path("tai-khoan-cua-toi/phien/<int:pk>/ket-thuc/", views.end_session_view, name="end_session"),
]
