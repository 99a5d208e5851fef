"""sendhub dfe neighbours PATH: replace the statistical neighbours with those in a CSV file."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sendhub.outcomes.dfe import NEIGHBOURS_PER_LA, DfeImportError, import_neighbours


class Command(BaseCommand):
    help = (
        "Replace every statistical neighbour with those in a CSV file: one column per LA, the header names the "
        f"LA and the {NEIGHBOURS_PER_LA} rows below its neighbours, closest first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The statistical neighbours CSV file")

    def handle(self, *args, **options):
        try:
            count = import_neighbours(options["path"])
        except DfeImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Stored {count:,} statistical neighbours for {count // NEIGHBOURS_PER_LA:,} local authorities."
            )
        )
