"""``sendhub oruk import SOURCE [--area CODE] [--max-...]``: import Open Referral UK JSON (a feed URL, a file or
a folder)."""

from __future__ import annotations

import math

from django.core.management.base import BaseCommand, CommandError

from sendhub.directory.oruk.importer import FeedLimits, ImportFailed, import_source

DEFAULTS = FeedLimits()
MB = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import Open Referral UK (HSDS-UK-3.0) JSON: a feed URL (an ORUK API's /services, all pages) or a JSON "
        "file or folder. Validates every record first; a source with errors imports nothing. Re-importing "
        "updates by id. A feed is read within limits (size, time, pages) and refused if a page repeats."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Feed URL, JSON file or folder of JSON files")
        parser.add_argument(
            "--area", help="The area new organisations and services belong to: LA code (888) or slug (lancashire)"
        )
        parser.add_argument(
            "--max-response-mb", type=_positive(int), default=DEFAULTS.max_response_bytes // MB, metavar="MB",
            help="Largest response (one page or service) to read from a feed (default: %(default)s)",
        )  # fmt: skip
        parser.add_argument(
            "--max-total-mb", type=_positive(int), default=DEFAULTS.max_total_bytes // MB, metavar="MB",
            help="Most data to read from a feed in all (default: %(default)s)",
        )  # fmt: skip
        parser.add_argument(
            "--max-seconds", type=_positive(float), default=DEFAULTS.max_seconds, metavar="SECONDS",
            help="Longest time to spend reading a feed (default: %(default)s)",
        )  # fmt: skip
        parser.add_argument(
            "--max-pages", type=_positive(int), default=DEFAULTS.max_pages, metavar="N",
            help="Most list pages to read from a feed (default: %(default)s)",
        )  # fmt: skip

    def handle(self, *args, **options):
        limits = FeedLimits(
            max_response_bytes=options["max_response_mb"] * MB,
            max_total_bytes=options["max_total_mb"] * MB,
            max_seconds=options["max_seconds"],
            max_pages=options["max_pages"],
        )
        try:
            result = import_source(options["source"], options["area"], limits=limits)
        except ImportFailed as failed:
            for error in failed.errors[:200]:
                self.stderr.write(error)
            if len(failed.errors) > 200:
                self.stderr.write(f"... and {len(failed.errors) - 200} more")
            raise CommandError(f"{len(failed.errors)} error(s); nothing was imported.") from None
        except (OSError, ValueError) as error:  # unreachable feed; not JSON (JSONDecodeError is a ValueError)
            raise CommandError(f"Could not read {options['source']}: {error}") from None
        self.stdout.write(f"Imported {options['source']}: {result.summary()}")


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if not (math.isfinite(value) and value > 0):  # "nan" or "inf" would switch the limit off
            raise ValueError(text)
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its message: "invalid int value: '0'"
    return parse
