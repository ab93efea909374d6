from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tocns.reports"
    label = "reports"
    verbose_name = "Số liệu và báo cáo"

    def ready(self):
        from . import signals

        signals.connect()
