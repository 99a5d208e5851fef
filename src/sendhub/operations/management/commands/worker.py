"""`sendhub worker`: run queued background tasks (monitoring packs, scheduled drafts, retention, the heartbeat) from
the database queue. It lives in operations, the top layer, because it starts the recurring tasks of several apps."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from sendhub.operations.tasks import queue_next_run as queue_retention
from sendhub.reports.tasks import queue_next_run
from sendhub.web.tasks import queue_heartbeat


class Command(BaseCommand):
    help = "Run background tasks queued in the database (django-tasks-db's db_worker); stop with Ctrl+C or SIGTERM."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the tasks queued now, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of the queue")

    def handle(self, *args, **options):
        queue_next_run()  # make sure the next scheduled draft is queued before waiting for work
        queue_heartbeat()  # /healthz reads the beats to tell that a worker is alive
        queue_retention()  # the nightly retention run (queued once, however often the worker starts)
        extra = ["--batch"] if options["batch"] else []
        call_command("db_worker", "--interval", str(options["interval"]), *extra)
