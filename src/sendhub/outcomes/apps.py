from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "sendhub.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes: SEN2 measures, deadlines and benchmarks"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from sendhub.improvement import panels as improvement_panels
        from sendhub.outcomes import panels
        from sendhub.outcomes.models import Sen2Return
        from sendhub.outcomes.sen2.writer import delete_person_level_rows

        def delete_rows(sender, instance, **kwargs):
            # The person-level tables' links to the return are DO_NOTHING: their rows go here, one statement per
            # table, inside the delete's transaction (see ``delete_person_level_rows``).
            delete_person_level_rows([instance.pk])

        pre_delete.connect(
            delete_rows, sender=Sen2Return, weak=False, dispatch_uid="outcomes.sen2return.person_level_rows"
        )
        # improvement sits below outcomes, so its finding and action pages show success measures through panels.
        improvement_panels.register("finding", panels.TEMPLATE, panels.finding_success_measures)
        improvement_panels.register("action", panels.TEMPLATE, panels.action_success_measures)
