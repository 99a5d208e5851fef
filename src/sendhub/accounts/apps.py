from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sendhub.accounts"
    label = "accounts"
    verbose_name = "Areas, organisations and people"
