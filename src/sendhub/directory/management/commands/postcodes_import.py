"""sendhub postcodes import FILE [--kind auto|onspd|codepoint|outcodes] [--strict]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sendhub.directory.postcodes import KINDS, PostcodeImportError, import_postcodes


class Command(BaseCommand):
    help = (
        "Load postcode points from the ONS Postcode Directory (CSV or its zip), Code-Point Open (CSV) or a "
        "postcode-district CSV, so full postcodes and districts resolve to a point. Re-importing updates. Bad rows "
        "are skipped and reported with their line and column (or, with --strict, nothing is imported)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (or the ONSPD zip as downloaded)")
        parser.add_argument("--kind", choices=KINDS, default="auto", help="The file's format (default: detect it)")
        parser.add_argument("--strict", action="store_true", help="Import nothing if any row is bad")

    def handle(self, *args, **options):
        try:
            report = import_postcodes(options["file"], kind=options["kind"], strict=options["strict"])
        except PostcodeImportError as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stderr.write(self.style.WARNING(error))
        if report.error_count > len(report.errors):
            self.stderr.write(self.style.WARNING(f"... and {report.error_count - len(report.errors):,} more."))
        self.stdout.write(self.style.SUCCESS(report.summary()))
