from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page per role: a page over the apps (units, teams, scope rules), so not in core."""

    name = "tocns.home"
    label = "home"
