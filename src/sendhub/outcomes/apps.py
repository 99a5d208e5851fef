from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "sendhub.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes: SEN2 measures, deadlines and benchmarks"
