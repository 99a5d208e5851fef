"""What `/healthz` checks: the database answers, the shared cache answers, and a background worker is taking tasks.

Each check returns a :class:`Check`; the page is 200 only when every required check is ``ok``. Nothing in the
answer identifies the software's version or the machine, since load balancers and monitors probe it unsigned.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tasks import task_backends


@dataclass
class Check:
    status: str  # "ok", "fail" or "not used"
    detail: str = ""
    ms: float | None = None

    @property
    def ok(self) -> bool:
        return self.status != "fail"

    def as_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value not in ("", None)}


def _timed(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def database() -> Check:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy; say which kind
        return Check("fail", f"database did not answer ({type(error).__name__})", _timed(started))
    return Check("ok", connection.vendor, _timed(started))


def shared_cache() -> Check:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return Check("not used", "memory cache in each process")
    started = time.perf_counter()
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, 30)
        answered = cache.get(key)
        cache.delete(key)
    except Exception as error:  # noqa: BLE001
        return Check("fail", f"cache did not answer ({type(error).__name__})", _timed(started))
    if answered != value:
        return Check("fail", "cache did not keep a value", _timed(started))
    return Check("ok", backend.rsplit(".", 1)[-1], _timed(started))


def uses_worker() -> bool:
    from sendhub.web.tasks import heartbeat

    return bool(task_backends[heartbeat.backend].supports_defer)


def worker(now=None) -> Check:
    """A worker is healthy when it ran the heartbeat recently and no task has waited too long for it."""
    if not uses_worker():
        return Check("not used", "tasks run in the request that starts them")
    from django.db.models import Q
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    from sendhub.web.tasks import heartbeat_path

    now = now or timezone.now()
    stale = timedelta(seconds=settings.SENDHUB_WORKER_STALE_SECONDS)
    last = (
        DBTaskResult.objects.filter(task_path=heartbeat_path(), status=TaskResultStatus.SUCCESSFUL)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last is None:
        return Check("fail", "no worker has run yet: start `sendhub worker`")
    if now - last > stale:
        minutes = int((now - last).total_seconds() // 60)
        return Check("fail", f"no worker has taken a task for {minutes} minutes")
    # Tasks queued "as soon as possible" carry the largest date as run_after: their wait counts from enqueueing.
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=get_date_max(), enqueued_at__lte=now - stale) | Q(run_after__lte=now - stale)
    ).count()
    if waiting:
        return Check("fail", f"{waiting} task(s) waiting longer than {int(stale.total_seconds() // 60)} minutes")
    return Check("ok", f"last heartbeat {int((now - last).total_seconds())} s ago")


def run_all() -> tuple[bool, dict[str, Check]]:
    checks = {"database": database(), "cache": shared_cache(), "worker": worker()}
    return all(check.ok for check in checks.values()), checks
