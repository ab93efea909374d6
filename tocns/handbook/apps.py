from django.apps import AppConfig


class HandbookConfig(AppConfig):
    name = "tocns.handbook"
    label = "handbook"
    verbose_name = "Cẩm nang"
