"""sendhub measures show: an area's computed measures for one calendar year."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sendhub.accounts.selectors import resolve_area
from sendhub.outcomes.measures import MEASURES
from sendhub.outcomes.selectors import has_data, measures_for_year


def _format(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{int(value):,}" if float(value).is_integer() else str(value)


class Command(BaseCommand):
    help = (
        "Show an area's measures for a calendar year, computed from its SEN2 returns: flow measures for the "
        "year, stock measures (EHC plans, need and placement mix) at the following January's reference date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="LA code (e.g. 888), ONS code or slug (e.g. lancashire)")
        parser.add_argument("--year", required=True, type=int, help="Calendar year, e.g. 2024")
        parser.add_argument("--json", action="store_true", help='Print {"area", "year", "measures": {name: value}}')

    def handle(self, *args, **options):
        code, year = options["area"], options["year"]
        area = resolve_area(code)
        if area is None:
            raise CommandError(f"No area with LA code, ONS code or slug {code!r}.")
        if not has_data(area):
            raise CommandError(
                f"{area.name} has no SEN2 return imported: run 'sendhub sen2 import FILE --area {code}' first."
            )
        values = measures_for_year(area, year)
        if not values:
            raise CommandError(f"{area.name} has no measures for {year} in its current SEN2 returns.")
        if options["json"]:
            self.stdout.write(json.dumps({"area": code, "year": year, "measures": values}, indent=2))
            return
        width = max(len(name) for name in values)
        self.stdout.write(f"{area.name} ({area.la_code}): measures for {year}")
        self.stdout.write("")
        self.stdout.write(f"{'Measure'.ljust(width)}  {'Value':>10}  Title")
        for name, value in values.items():
            measure = MEASURES[name]
            self.stdout.write(f"{name.ljust(width)}  {_format(value, measure.unit):>10}  {measure.title}")
