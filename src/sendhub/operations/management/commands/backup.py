"""`sendhub backup [PATH]`: the database and the uploads in one .tar.gz, safe while the service runs."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sendhub.operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump) and every uploaded file into one "
        ".tar.gz with a manifest of checksums and migrations. PATH is a new file or a directory; by default "
        "var/backups/sendhub-<date>-<time>.tar.gz. The backup holds personal data: keep it encrypted and private."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="The backup file to write, or a directory to write it in")

    def handle(self, *args, **options):
        try:
            result = create_backup(Path(options["path"]) if options["path"] else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        uploads = f"{result.uploads} uploaded files" if result.uploads_included else "no uploads"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {result.engine} database and {uploads} to {result.path} "
                f"({result.size / 1024 / 1024:.1f} MB, {result.seconds:.1f} s)."
            )
        )
        self.stdout.write("It holds personal data: store it encrypted, where only the service's operators can read it.")
