from django.urls import path

from . import views

app_name = "handbook"
urlpatterns = [
    path("cam-nang/", views.index, name="index"),
    path("cam-nang/moi/", views.edit, name="create"),
    path("cam-nang/ngoai-tuyen.json", views.offline_list, name="offline_list"),
    path("cam-nang/<slug:slug>/", views.detail, name="detail"),
    path("cam-nang/<slug:slug>/in/", views.handout, name="handout"),
    path("cam-nang/<slug:slug>/sua/", views.edit, name="edit"),
    path("cam-nang/<slug:slug>/dang/", views.publish, name="publish"),
    path("cam-nang/<slug:slug>/luu/", views.save_offline, name="save_offline"),
    path("cam-nang/<slug:slug>/anh/", views.step_image, name="step_image"),
    path("cam-nang/<slug:slug>/anh/<int:number>.jpg", views.step_image_file, name="step_image_file"),
    path("cam-nang/<slug:slug>/lich-su/", views.history, name="history"),
    path("cam-nang/<slug:slug>/lich-su/<int:number>/", views.version, name="version"),
]
