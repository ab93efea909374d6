from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "tocns.activities"
    label = "activities"
    verbose_name = "Hoạt động của tổ"

    def ready(self):
        from tocns.catalogue import worked_on

        from .selectors import services_worked_on

        worked_on.provide(services_worked_on)
