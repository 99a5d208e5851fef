from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "sendhub.progress"
    verbose_name = "Public progress page"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from sendhub.progress.models import ProgressPage, PublishedFinding, PublishedMeasure
        from sendhub.progress.selectors import forget_public_page

        def forget(sender, instance, **kwargs):
            forget_public_page(instance.area_id)

        for model in (ProgressPage, PublishedFinding, PublishedMeasure):
            post_save.connect(forget, sender=model, weak=False, dispatch_uid=f"progress-forget-{model.__name__}")
            post_delete.connect(forget, sender=model, weak=False, dispatch_uid=f"progress-forget-del-{model.__name__}")
