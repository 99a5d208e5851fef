from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "sendhub.improvement"
    label = "improvement"
    verbose_name = "Inspection improvement plan"
