"""What the retention rules deleted, run by run: counts only, never the records themselves."""

from __future__ import annotations

from django.db import models


class RetentionRun(models.Model):
    """One applied run of the retention rules (``sendhub retention run`` or the daily task).

    Dry runs are not stored: they change nothing, so there is nothing to account for.
    """

    class Trigger(models.TextChoices):
        COMMAND = "command", "sendhub retention run"
        TASK = "task", "Daily task"

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    results = models.JSONField(
        default=list, help_text="Per rule: key, title, days, cutoff, count (records deleted or cleared), held"
    )
    total = models.PositiveIntegerField(default=0, help_text="Records deleted or cleared by every rule together")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention run {self.started_at:%Y-%m-%d %H:%M}: {self.total} records"
