"""Background tasks for monitoring packs, run by `sendhub worker` (django-tasks-db: the queue is the database)."""

from __future__ import annotations

import logging
from datetime import datetime, time

from django.utils import timezone
from django_tasks import task, task_backends

from sendhub.reports import services
from sendhub.reports.models import ReportSchedule

logger = logging.getLogger(__name__)

RUN_AT = time(6, 0)  # drafts are made early in the morning, before administrators start work


@task()
def draft_due_packs() -> list[int]:
    """Draft every pack whose schedule is due, then queue this task again for the next scheduled day."""
    reports = services.run_due_schedules()
    queue_next_run()
    return [r.pk for r in reports]


def queue_next_run() -> bool:
    """Queue :func:`draft_due_packs` for the earliest next scheduled day (if the backend can defer tasks).

    With a backend that cannot defer (tests run tasks at once), nothing is queued: `sendhub reports run-due`
    from cron or a systemd timer does the same job.
    """
    upcoming = ReportSchedule.objects.filter(is_active=True).order_by("next_run_on").values_list(
        "next_run_on", flat=True
    ).first()
    backend = task_backends[draft_due_packs.backend]
    if upcoming is None or not backend.supports_defer:
        return False
    run_after = timezone.make_aware(datetime.combine(upcoming, RUN_AT))
    draft_due_packs.using(run_after=max(run_after, timezone.now())).enqueue()
    logger.info("Queued the monitoring pack drafts for %s", upcoming)
    return True
