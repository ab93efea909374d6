from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("ke-hoach/", views.index, name="index"),
    path("don-vi/<str:code>/ke-hoach/", views.unit_plans, name="unit_plans"),
    path("ke-hoach/moi/", views.plan_create, name="create"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="detail"),
    path("ke-hoach/<int:pk>/trang-thai/", views.plan_status, name="status"),
    path("ke-hoach/<int:pk>/chi-tieu/moi/", views.target_add, name="target_add"),
    path("ke-hoach/<int:pk>/phan-giao/<int:share_pk>/", views.share_edit, name="share_edit"),
    path("ke-hoach/<int:pk>/giao-xuong/", views.cascade, name="cascade"),
    path("ke-hoach/<int:pk>/nhiem-vu/moi/", views.task_add, name="task_add"),
    path("ke-hoach/<int:pk>/nhiem-vu/<int:task_pk>/xong/", views.task_done, name="task_done"),
]
