"""sendhub dfe import PATH: import DfE's "Education, health and care plans" release (zip or folder of CSVs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sendhub.outcomes.dfe import DfeImportError, import_release


class Command(BaseCommand):
    help = (
        "Import DfE's 'Education, health and care plans' release from its zip or folder of CSV files "
        "(x and z are stored as missing values, not zeros). The new release becomes the current one."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The release zip (as downloaded) or a folder of its CSV files")
        parser.add_argument(
            "--all-breakdowns",
            action="store_true",
            help="Keep every local authority breakdown (about 4 million values), not only the totals",
        )

    def handle(self, *args, **options):
        try:
            release = import_release(options["path"], all_breakdowns=options["all_breakdowns"])
        except DfeImportError as exc:
            raise CommandError(str(exc)) from exc
        summary = release.summary
        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        years = f"{min(summary.years)}-{max(summary.years)}" if summary.years else "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported DfE release #{release.pk} ({release.filename}): {len(summary.files)} files, "
                f"{summary.rows_kept:,} of {summary.rows_read:,} rows, {summary.values:,} values stored, "
                f"years {years}, in {summary.seconds:.1f} s."
            )
        )
