from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "sendhub.operations"
    verbose_name = "Operations: backups and retention"

    def ready(self) -> None:
        from sendhub.operations import checks  # noqa: F401 - registers the settings check
