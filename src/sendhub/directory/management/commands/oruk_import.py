"""``sendhub oruk import SOURCE [--area CODE]``: import Open Referral UK JSON (a feed URL, a file or a folder)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sendhub.directory.oruk.importer import ImportFailed, import_source


class Command(BaseCommand):
    help = (
        "Import Open Referral UK (HSDS-UK-3.0) JSON: a feed URL (an ORUK API's /services, all pages) or a JSON "
        "file or folder. Validates every record first; a source with errors imports nothing. Re-importing "
        "updates by id."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Feed URL, JSON file or folder of JSON files")
        parser.add_argument(
            "--area", help="The area new organisations and services belong to: LA code (888) or slug (lancashire)"
        )

    def handle(self, *args, **options):
        try:
            result = import_source(options["source"], options["area"])
        except ImportFailed as failed:
            for error in failed.errors[:200]:
                self.stderr.write(error)
            if len(failed.errors) > 200:
                self.stderr.write(f"... and {len(failed.errors) - 200} more")
            raise CommandError(f"{len(failed.errors)} error(s); nothing was imported.") from None
        except (OSError, ValueError) as error:  # unreachable feed; not JSON (JSONDecodeError is a ValueError)
            raise CommandError(f"Could not read {options['source']}: {error}") from None
        self.stdout.write(f"Imported {options['source']}: {result.summary()}")
