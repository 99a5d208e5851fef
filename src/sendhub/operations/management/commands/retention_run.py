"""`sendhub retention run [--dry-run] [--json]`: apply the retention rules and report what was deleted."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sendhub.operations.retention import RetentionConfigError, RetentionReport, run_retention


def describe(report: RetentionReport) -> list[str]:
    """The report as lines for a terminal or a cron email: one per rule, then the total."""
    verb_done, verb_would = ("deleted", "would be deleted"), ("cleared", "would be cleared")
    lines = []
    for result in report.results:
        done, would = verb_would if result.clears else verb_done
        verb = would if report.dry_run else done
        if result.is_off:
            lines.append(f"{result.title}: off ({result.setting} is 0)")
            continue
        period = f" (after {result.days} days)" if result.days else ""
        count = "not counted (sessions are not kept in the database)" if result.count is None else result.count
        line = f"{result.title}{period}: {count} {verb if result.count is not None else ''}".rstrip()
        if result.held:
            line += f"; {result.held} held back until a safeguarding check is recorded"
        lines.append(line)
    total = f"{report.total} records {'would be deleted or cleared' if report.dry_run else 'deleted or cleared'}"
    lines.append(f"Dry run, nothing changed: {total}." if report.dry_run else f"Done: {total} (run {report.run.pk}).")
    return lines


class Command(BaseCommand):
    help = (
        "Apply the retention rules (docs/data-protection.md): delete or clear personal data older than its "
        "retention period, and store a report of the counts. Run it daily (cron or a timer) where no worker runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; change nothing")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")

    def handle(self, *args, **options):
        try:
            report = run_retention(dry_run=options["dry_run"])
        except RetentionConfigError as error:
            raise CommandError(f"{error}. Nothing was deleted.") from error
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
            return
        for line in describe(report):
            self.stdout.write(line)
