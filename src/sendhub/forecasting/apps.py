from django.apps import AppConfig


class ForecastingConfig(AppConfig):
    name = "sendhub.forecasting"
    verbose_name = "Sufficiency planning"
