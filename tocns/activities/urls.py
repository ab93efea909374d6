from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("bao-cao/", views.report, name="report"),
    path("hoat-dong/", views.feed, name="feed"),
    path("hoat-dong/<uuid:pk>/", views.detail, name="detail"),
    path("hoat-dong/<uuid:pk>/sua/", views.edit, name="edit"),
    path("hoat-dong/<uuid:pk>/anh/<int:photo_pk>.jpg", views.photo, name="photo"),
    path("don-vi/<str:code>/hoat-dong/", views.supervision, name="supervision"),
    path("dich-vu-so/", views.service_list, name="services"),
    path("dich-vu-so/moi/", views.service_edit, name="service_create"),
    path("dich-vu-so/<slug:code>/sua/", views.service_edit, name="service_edit"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
