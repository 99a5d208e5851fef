"""sendhub population import FILE: ONS's sub-national population projections CSV, as published."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sendhub.forecasting.services import CapacityError, population_import

MAX_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import ONS's sub-national population projections (CSV as published: AREA_CODE, SEX, AGE_GROUP and a column "
        "per year) for the areas SEND Hub holds, ages 0-25. Optional: without it the person-level model holds the "
        "base population constant."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file, e.g. '2018 SNPP Population persons.csv'")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is larger than {MAX_BYTES // 1024 // 1024} MB.")
        try:
            result = population_import(content=path.read_bytes(), source=path.name)
        except CapacityError as error:
            shown = error.messages[:20]
            more = f"\n  ... and {len(error.messages) - 20} more" if len(error.messages) > 20 else ""
            raise CommandError(
                f"Nothing was imported: {len(error.messages)} problem(s) in {path.name}:\n"
                + "\n".join(f"  {m}" for m in shown) + more
            ) from error
        self.stdout.write(
            f"Imported {result.rows:,} figures (ages 0-25, {result.years[0]}-{result.years[1]}) for "
            f"{', '.join(result.areas)}."
        )
