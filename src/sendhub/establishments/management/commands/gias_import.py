"""sendhub gias import FILE: import a Get Information About Schools "establishment fields" extract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sendhub.establishments.gias import GiasFileError
from sendhub.establishments.services import gias_extract_import

MAX_BYTES = 200 * 1024 * 1024  # England's full extract is about 60 MB


class Command(BaseCommand):
    help = (
        "Import GIAS's 'establishment fields' CSV (edubasealldataYYYYMMDD.csv, as downloaded): the schools and "
        "colleges SEN2 placements name by URN or UKPRN. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV as downloaded from Get Information About Schools")
        parser.add_argument("--date", type=date.fromisoformat, default=None,
                            help="The date of the extract (YYYY-MM-DD) when the file name does not hold it")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MB; a GIAS extract of all "
                               "England is about 60 MB, so this is not one.")
        try:
            result = gias_extract_import(data=path.read_bytes(), filename=path.name, extract_date=options["date"])
        except UnicodeDecodeError as error:
            raise CommandError(f"{path.name} is not encoded as GIAS encodes its files (Windows-1252): byte "
                               f"{error.start:,} cannot be read. Nothing was imported.") from error
        except GiasFileError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            if error.total > len(error.problems):
                self.stderr.write(f"… and {error.total - len(error.problems)} more problems")
            raise CommandError(f"{path.name} was not imported ({error.total} problem(s)); nothing changed.") from error
        extract = result.extract
        if result.already_imported:
            self.stdout.write(f"{path.name} is already imported (extract of {extract.extract_date:%d %B %Y}); "
                              "nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Imported {path.name}, the GIAS extract of {extract.extract_date:%d %B %Y}: {extract.row_count:,} "
            f"establishments, {result.new:,} new, {result.changed:,} changed, {result.unchanged:,} unchanged."
        ))
