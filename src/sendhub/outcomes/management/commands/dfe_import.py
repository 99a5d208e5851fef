"""sendhub dfe import PATH: import DfE's "Education, health and care plans" release (zip or folder of CSVs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sendhub.outcomes.dfe import DfeAlreadyImported, DfeImportError, current_release, import_release


class Command(BaseCommand):
    help = (
        "Import DfE's 'Education, health and care plans' release from its zip or folder of CSV files "
        "(x and z are stored as missing values, not zeros). The new release becomes the current one. "
        "Any release's layout is read (2025, 2026...); renamed files and columns are stored under SEND Hub's "
        "names. A release already imported changes nothing and is not an error."
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
        except DfeAlreadyImported as exc:
            # Not an error: a scheduled monthly import finds the same release most months and must not alarm.
            self.stdout.write(self._already_imported(options["path"], exc))
            return
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
        if summary.renamed:
            self.stdout.write(
                f"{len(summary.renamed)} file and column names of this release are stored under SEND Hub's names "
                "(the 2025 release's spellings); run with -v 2 to list them."
                if options["verbosity"] < 2
                else "Stored under SEND Hub's names (the 2025 release's spellings):\n"
                + "\n".join(f"  {line}" for line in summary.renamed)
            )

    @staticmethod
    def _already_imported(path: str, exc: DfeAlreadyImported) -> str:
        release = exc.release
        current = current_release()
        if current is not None and current.pk == release.pk:
            status = "it is the current release"
        elif current is not None:
            status = f"the current release is #{current.pk} ({current.filename})"
        else:
            status = "no release is marked current"
        return (
            f"{path}: already imported, nothing changed (release #{release.pk}, {release.filename}, imported "
            f"{release.imported_at:%Y-%m-%d %H:%M}; {status})."
        )
