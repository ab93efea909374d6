from django.apps import AppConfig


class StartupConfig(AppConfig):
    """Starting tocns: bootstrap, the one-process start and its server, and the sample data they may load (the
    demo province, the national-scale generator). The top of the house: it may use every app, none uses it."""

    name = "tocns.startup"
    label = "startup"
