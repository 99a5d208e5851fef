"""`sendhub restore PATH [--yes]`: put a backup back, replacing the database and the uploads."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sendhub.operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by 'sendhub backup': checks the archive, its checksums and that its migrations are "
        "this version's before changing anything, asks for confirmation, then replaces the whole database (in one "
        "transaction) and the uploaded files. Stop the app servers and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file (.tar.gz)")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation")

    def handle(self, *args, **options):
        def confirm(summary: str) -> bool:
            self.stdout.write(summary)
            if options["yes"]:
                return True
            try:
                answer = input("Type 'restore' to continue: ")
            except EOFError:  # no terminal (cron, a pipe): never assume yes
                message = "Restore needs confirmation: run it again with --yes. Nothing was changed."
                raise CommandError(message) from None
            return answer.strip().lower() == "restore"

        try:
            result = restore_backup(Path(options["path"]), confirm=confirm)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        uploads = f" and {result.uploads} uploaded files" if result.uploads_included else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {result.engine} database{uploads} from the backup made at {result.created_at} "
                f"({result.seconds:.1f} s)."
            )
        )
        if result.erased_again:
            self.stdout.write(
                f"Deleted again {result.erased_again} feedback that its writers asked us to delete after the backup "
                "was made."
            )
        self.stdout.write(
            "Now restart the app servers and the worker, and run 'sendhub retention run': the backup may hold "
            "personal data that has passed its retention period since it was made."
        )
