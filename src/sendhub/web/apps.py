from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sendhub.web"
    label = "web"
    verbose_name = "Layout and shared pages"

    def ready(self) -> None:
        from sendhub.web import checks  # noqa: F401 - registers the deployment checks
