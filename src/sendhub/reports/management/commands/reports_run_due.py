"""`sendhub reports run-due`: draft the monitoring packs whose schedule is due today (for cron or a timer)."""

from django.core.management.base import BaseCommand

from sendhub.reports import services


class Command(BaseCommand):
    help = "Draft every monitoring pack whose schedule is due and email the areas' administrators."

    def handle(self, *args, **options):
        reports = services.run_due_schedules()
        for report in reports:
            self.stdout.write(f"Drafted {report.title} for {report.area.name} (report {report.pk})")
        if not reports:
            self.stdout.write("No monitoring pack was due.")
