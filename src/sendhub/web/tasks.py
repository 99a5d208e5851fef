"""The worker's heartbeat: a task that runs every minute and queues itself again, so `/healthz` can tell a worker
that is alive and taking tasks from one that has stopped (or was never started)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task, task_backends

HEARTBEAT_SECONDS = 60
KEEP_RESULTS = 5


@task()
def heartbeat() -> str:
    """Record that a worker ran a task now; queue the next beat; forget old beats."""
    queue_heartbeat(delay_seconds=HEARTBEAT_SECONDS)
    _forget_old_beats()
    return timezone.now().isoformat()


def heartbeat_path() -> str:
    return heartbeat.module_path


def queue_heartbeat(delay_seconds: int = 0) -> bool:
    """Queue the next beat unless one is already waiting (several workers must not multiply the beats)."""
    backend = task_backends[heartbeat.backend]
    if not backend.supports_defer:
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=heartbeat_path(), status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    heartbeat.using(run_after=timezone.now() + timedelta(seconds=delay_seconds)).enqueue()
    return True


def _forget_old_beats() -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    done = DBTaskResult.objects.filter(task_path=heartbeat_path(), status=TaskResultStatus.SUCCESSFUL)
    keep = list(done.order_by("-finished_at").values_list("pk", flat=True)[:KEEP_RESULTS])
    done.exclude(pk__in=keep).delete()
