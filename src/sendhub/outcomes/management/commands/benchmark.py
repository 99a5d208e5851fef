"""sendhub benchmark --area CODE --measure NAME [--json]: the area beside England, its region and neighbours."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from sendhub.accounts.models import LocalArea
from sendhub.outcomes.benchmark import BenchmarkError, YearRow, available_measures, benchmark, resolve_measure
from sendhub.outcomes.dfe import current_release


def _number(value: float | None) -> float | int | None:
    """Whole numbers as ints (counts print as 1005, not 1005.0); None stays None."""
    if value is not None and float(value).is_integer():
        return int(value)
    return value


def year_json(row: YearRow) -> dict:
    return {
        "year": row.year,
        "area": _number(row.area_value),
        "england": _number(row.england),
        "region": _number(row.region),
        "neighbours": {
            "median": _number(row.neighbours_median),
            "min": _number(row.neighbours_min),
            "max": _number(row.neighbours_max),
            "count": row.neighbours_count,
            "values": {n.name: _number(n.value) for n in row.neighbour_values},
        },
    }


class Command(BaseCommand):
    help = (
        "Print, per year, an area's value of a DfE published measure beside England's, its region's and the "
        "median and range of its statistical neighbours (from the current DfE release)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", help="The area's LA code (e.g. 888), ONS code or slug (e.g. lancashire)")
        parser.add_argument(
            "--measure",
            help="A DfE column name in any letter case and any release's spelling, e.g. PC_plans_issued_20_weeks_ex "
            "or pc_plans_issued_20_weeks_ex; FILE:COLUMN where two files share it (caseload:mainstream_total)",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table")
        parser.add_argument("--list-measures", action="store_true", help="List the current release's measures")

    def handle(self, *args, **options):
        if options["list_measures"]:
            if current_release() is None:
                raise CommandError("No DfE release is imported; run 'sendhub dfe import PATH' first.")
            self.stdout.write("\n".join(available_measures()))
            return
        code, measure = options["area"], options["measure"]
        if not code or not measure:
            raise CommandError("Give --area CODE and --measure NAME (or --list-measures).")
        area = LocalArea.objects.filter(
            Q(la_code__iexact=code) | Q(slug__iexact=code) | Q(ons_code__iexact=code)
        ).first()
        if area is None:
            raise CommandError(f"No local area with LA code, ONS code or slug {code!r}.")
        try:
            rows = benchmark(area, measure)
            # Shown under SEND Hub's name for it, whatever spelling was typed (pc_... -> PC_...).
            source_file, column = resolve_measure(current_release(), measure)
        except BenchmarkError as exc:
            raise CommandError(str(exc)) from exc
        if ":" in measure:
            measure = f"{source_file.removesuffix('.csv')}:{column}"
        else:
            measure = column
        if options["json"]:
            data = {"area": code, "measure": measure, "years": [year_json(r) for r in rows]}
            self.stdout.write(json.dumps(data, indent=2))
            return
        self._table(area, measure, rows)

    def _table(self, area: LocalArea, measure: str, rows: list[YearRow]) -> None:
        def cell(value: float | None) -> str:
            return "-" if value is None else f"{_number(value):,}"

        self.stdout.write(f"{measure} for {area.name} ({area.la_code}), from DfE's published figures")
        head = ("Year", area.name[:14], "England", LocalArea.Region(area.region).label[:14], "Nbr median", "min", "max")
        self.stdout.write(" ".join(f"{h:>14}" for h in head) + "  neighbours with a value")
        for r in rows:
            values = (r.area_value, r.england, r.region, r.neighbours_median, r.neighbours_min, r.neighbours_max)
            line = f"{r.year:>14} " + " ".join(f"{cell(v):>14}" for v in values)
            self.stdout.write(f"{line}  {r.neighbours_count} of {len(r.neighbour_values)}")
        if not rows:
            self.stdout.write("No published figures for this measure.")
