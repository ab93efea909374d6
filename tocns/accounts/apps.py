from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tocns.accounts"
    label = "accounts"
