from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sendhub.reports"
    verbose_name = "Monitoring reports"
