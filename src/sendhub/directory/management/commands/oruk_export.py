"""``sendhub oruk export [--area CODE] --out FILE_OR_DIR``: write the published services as Open Referral UK JSON."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sendhub.directory.oruk.exporter import export
from sendhub.directory.oruk.importer import ImportFailed, resolve_area


class Command(BaseCommand):
    help = (
        "Write the published services, fully nested, as Open Referral UK JSON: a FILE gets one service_list "
        "document; a folder (existing, or ending in /) gets one <id>.json per service. `sendhub oruk import` "
        "reads either back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Output file (services.json) or folder (out/)")
        parser.add_argument("--area", help="Only this area's services: LA code (888) or slug (lancashire)")

    def handle(self, *args, **options):
        area = None
        if options["area"]:
            try:
                area = resolve_area(options["area"])
            except ImportFailed as failed:
                from django.core.management.base import CommandError

                raise CommandError(failed.errors[0]) from None
        count = export(options["out"], area)
        self.stdout.write(f"Wrote {count} service(s) to {options['out']}")
