from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sendhub.accounts"
    label = "accounts"
    verbose_name = "Areas, organisations and people"

    def ready(self) -> None:
        from sendhub.accounts import audit, middleware, signals  # noqa: F401 - connect their sign-in signal receivers

        audit.connect_axes()
