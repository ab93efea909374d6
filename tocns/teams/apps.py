from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "tocns.teams"
    label = "teams"
    verbose_name = "Tổ công nghệ số cộng đồng"

    def ready(self):
        from tocns.units.signals import unit_merged

        from .services import follow_merge

        unit_merged.connect(follow_merge, dispatch_uid="teams-follow-merge")
