from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("phan-quyen/", views.roles_view, name="roles"),
    path("phan-quyen/<int:pk>/thu-hoi/", views.revoke_view, name="revoke"),
]
