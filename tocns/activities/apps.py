from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "tocns.activities"
    label = "activities"
    verbose_name = "Hoạt động của tổ"
