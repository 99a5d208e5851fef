"""sendhub forecast capacity-import --area SLUG FILE: record an area's specialist places from a CSV file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sendhub.accounts.models import LocalArea
from sendhub.forecasting.capacity import MAX_ROWS
from sendhub.forecasting.services import CapacityError, capacity_import

MAX_BYTES = MAX_ROWS * 400


class Command(BaseCommand):
    help = (
        "Record an area's specialist places from a CSV file with the columns year, group, places and (optionally) "
        "note. All rows are saved, or none: every problem is listed with its row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="The area's address name, e.g. lancashire")
        parser.add_argument("file", help="The CSV file")

    def handle(self, *args, **options):
        area = LocalArea.objects.filter(slug=options["area"]).first()
        if area is None:
            known = ", ".join(LocalArea.objects.values_list("slug", flat=True)[:20]) or "none yet"
            raise CommandError(f"No area with the address name {options['area']!r} (areas: {known}).")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(
                f"{path} is larger than {MAX_BYTES:,} bytes: a capacity file has at most {MAX_ROWS} rows."
            )
        try:
            result = capacity_import(area=area, content=path.read_bytes())
        except CapacityError as error:
            raise CommandError(
                f"Nothing was saved: {len(error.messages)} problem(s) in {path.name}:\n"
                + "\n".join(f"  {m}" for m in error.messages)
            ) from error
        self.stdout.write(
            f"{area.name}: {result.created} place figure(s) added, {result.updated} changed, "
            f"{result.unchanged} unchanged."
        )
