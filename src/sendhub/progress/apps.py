from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "sendhub.progress"
    verbose_name = "Public progress page"
