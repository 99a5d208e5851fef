"""The daily retention run as a background task for `sendhub worker` (django-tasks-db: the queue is the database).

Like the monitoring pack drafts (reports/tasks.py), the task queues itself again for the next night. Where no
worker runs, `sendhub retention run` from cron or a systemd timer does the same job.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task, task_backends

from sendhub.operations.models import RetentionRun
from sendhub.operations.retention import run_retention

logger = logging.getLogger(__name__)

RUN_AT = time(2, 30)  # at night, when nobody is working and before the monitoring packs are drafted at 06:00


@task()
def apply_retention() -> dict:
    """Apply the retention rules, then queue this task again for the next night (even if this run failed)."""
    try:
        report = run_retention(trigger=RetentionRun.Trigger.TASK)
    finally:
        queue_next_run()
    return {"run": report.run.pk if report.run else None, "total": report.total}


def _already_queued() -> bool:
    """Whether a retention run is already waiting in the database queue (each worker start would add one)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend: it cannot be asked, so rely on the runs being harmless to repeat
        return False
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=apply_retention.module_path).exists()


def next_run_at(now: datetime | None = None) -> datetime:
    """The next RUN_AT in local time after ``now``."""
    local = timezone.localtime(now or timezone.now())
    candidate = timezone.make_aware(datetime.combine(local.date(), RUN_AT))
    if candidate <= local:
        candidate = timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), RUN_AT))
    return candidate


def queue_next_run(now: datetime | None = None) -> bool:
    """Queue :func:`apply_retention` for the next night, unless one is already queued or the backend cannot
    defer tasks (tests run tasks at once; cron then does the job)."""
    backend = task_backends[apply_retention.backend]
    if not backend.supports_defer or _already_queued():
        return False
    run_after = next_run_at(now)
    apply_retention.using(run_after=run_after).enqueue()
    logger.info("Queued the retention run for %s", run_after.isoformat())
    return True
