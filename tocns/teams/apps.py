from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "tocns.teams"
    label = "teams"
    verbose_name = "Tổ công nghệ số cộng đồng"
