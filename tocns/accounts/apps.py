from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tocns.accounts"
    label = "accounts"

    def ready(self):
        from . import sessions  # noqa: F401  (signal receivers: which browsers a person is signed in on)
