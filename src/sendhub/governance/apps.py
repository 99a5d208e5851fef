from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "sendhub.governance"
    verbose_name = "Partnership board"
