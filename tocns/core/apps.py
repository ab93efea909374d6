from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tocns.core"
    label = "core"
