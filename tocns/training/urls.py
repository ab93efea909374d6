from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("tap-huan/", views.index, name="index"),
    path("tap-huan/khoa/<slug:code>/", views.course, name="course"),
    path("tap-huan/khoa/<slug:code>/kiem-tra/", views.quiz, name="quiz"),
    path("tap-huan/lop/<int:pk>/", views.session, name="session"),
    path("tap-huan/thanh-vien/<int:pk>/", views.profile, name="profile"),
    path("tap-huan/chung-nhan/<int:pk>/", views.certificate, name="certificate"),
    path("don-vi/<str:code>/tap-huan/", views.unit_coverage, name="coverage"),
    path("don-vi/<str:code>/tap-huan/lop-moi/", views.session_create, name="session_create"),
    path("don-vi/<str:code>/tap-huan/nguoi-ky/", views.certificate_settings, name="certificate_settings"),
    path("chung-nhan/<str:token>", views.verify, name="verify"),
]
