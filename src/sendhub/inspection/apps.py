from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "sendhub.inspection"
    verbose_name = "Inspection readiness"
