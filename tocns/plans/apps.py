from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "tocns.plans"
    label = "plans"
    verbose_name = "Kế hoạch"
