from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "tocns.units"
    label = "units"
    verbose_name = "Đơn vị hành chính"
