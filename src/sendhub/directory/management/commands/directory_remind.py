"""``sendhub directory remind``: email listing owners whose listings are past or near their review-by date."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from sendhub.accounts.models import LocalArea
from sendhub.directory.reminders import DAYS_AHEAD, send_reminders


class Command(BaseCommand):
    help = (
        f"Email the owners of Local Offer listings whose review-by date has passed or is within {DAYS_AHEAD} "
        "days: editors of the provider's partner organisation, else the area's administrators. Safe to run "
        "more than once a day: nobody is sent the same listing twice on one day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", help="Only this area (its slug)")
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD), for testing")

    def handle(self, *args, **options):
        area = None
        if options.get("area"):
            area = LocalArea.objects.filter(slug=options["area"]).first()
            if area is None:
                raise CommandError(f"No area with the address name '{options['area']}'")
        today = None
        if options.get("today"):
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date like 2026-03-01") from exc
        result = send_reminders(today=today, area=area)
        self.stdout.write(
            f"Sent {result.emails} reminder email{'s' if result.emails != 1 else ''} about {result.listings} "
            f"listing{'s' if result.listings != 1 else ''}"
            + (f"; {result.skipped} already reminded today" if result.skipped else "")
            + "."
        )
