"""sendhub sen2 reconcile --area CODE --year Y [--json]: the SEN2 return's figures beside DfE's published ones."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sendhub.accounts.selectors import resolve_area
from sendhub.outcomes.reconcile import RULE, ReconciliationRow, describe
from sendhub.outcomes.selectors_reconcile import ReconcileError, Reconciliation, reconciliation

# Bounds that only catch a typo (24, 20244): a plausible year with no return gets its own message.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def row_json(row: ReconciliationRow) -> dict:
    return {
        "measure": row.measure,
        "title": row.title,
        "headline": row.headline,
        "unit": row.unit,
        "period": row.period,
        "dfe_time_period": row.dfe_period,
        "sen2_value": row.sen2_value,
        "dfe_value": row.dfe_value,
        "difference": row.difference,
        "status": row.status,
        "likely_cause": row.likely_cause,
    }


def reconciliation_json(result: Reconciliation, code: str) -> dict:
    ret, release = result.sen2_return, result.release
    return {
        "area": code,
        "area_name": result.area.name,
        "year": result.year,
        "sen2_return": {
            "collection_year": ret.collection_year,
            "reference_date": ret.reference_date.isoformat(),
            "filename": ret.filename,
        },
        "dfe_release": {"year": release.latest_year, "filename": release.filename, "la_name": result.dfe_la_name},
        "rule": RULE,
        "summary": result.summary,
        "rows": [row_json(row) for row in result.rows],
    }


def _cell(value: float | int | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}%" if unit == "percent" else f"{value:,}"


def _difference(row: ReconciliationRow) -> str:
    if row.difference is None:
        return "-"
    return f"{row.difference:+.1f}" if row.unit == "percent" else f"{row.difference:+,}"


class Command(BaseCommand):
    help = (
        "Compare every measure computed from an area's SEN2 return with DfE's published figure for the same LA "
        "and year, flag differences beyond rounding and say their likely cause. --year Y compares calendar year "
        "Y's flows and the January Y+1 caseload, both from the SEN2 return for collection year Y+1, with DfE's "
        "time periods Y and Y/Y+1 in the current DfE release. Exits 0 whenever the comparison ran."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="LA code (e.g. 888), ONS code or slug (e.g. lancashire)")
        parser.add_argument(
            "--year", required=True, help="Calendar year of the flows, e.g. 2024 (caseload: January 2025)"
        )
        parser.add_argument("--json", action="store_true", help="Print machine-readable JSON instead of a table")

    def handle(self, *args, **options):
        code, text = options["area"], options["year"].strip()
        if not (text.isascii() and text.isdigit()) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
            raise CommandError(
                f"--year must be a calendar year such as 2024, from {FIRST_YEAR} to {LAST_YEAR}; "
                f"{options['year']!r} is not."
            )
        area = resolve_area(code)
        if area is None:
            raise CommandError(f"No area with LA code, ONS code or slug {code!r}.")
        try:
            result = reconciliation(area=area, year=int(text))
        except ReconcileError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(reconciliation_json(result, code), indent=2))
            return
        self._table(result)

    def _table(self, result: Reconciliation) -> None:
        ret, release, year = result.sen2_return, result.release, result.year
        out = self.stdout.write
        out(f"{result.area.name} ({result.area.la_code}): SEN2 return against DfE's published figures for {year}")
        out(
            f"SEN2: return of {ret.reference_date:%-d %B %Y} (collection year {ret.collection_year}, {ret.filename}): "
            f"calendar year {year}, caseload at {ret.reference_date:%-d %B %Y}."
        )
        named = f" for {result.dfe_la_name}" if result.dfe_la_name else " (no figures for this LA in it)"
        out(
            f"DfE: release {release.latest_year} ({release.filename}){named}: time period {year}, caseload "
            f"{year}/{(year + 1) % 100:02d}."
        )
        out(RULE)
        out("; ".join(describe(result.summary)) + ".")
        for title, rows in (("Headline measures", result.headline_rows), ("Other measures", result.other_rows)):
            out("")
            out(title)
            width = max((len(r.measure) for r in rows), default=10)
            head = f"{'Measure'.ljust(width)}  {'Period':>10}  {'SEN2':>9}  {'DfE':>9}  {'Diff':>8}"
            out(f"{head}  {'Status':<13}  Cause")
            for r in rows:
                out(
                    f"{r.measure.ljust(width)}  {r.period:>10}  {_cell(r.sen2_value, r.unit):>9}  "
                    f"{_cell(r.dfe_value, r.unit):>9}  {_difference(r):>8}  {r.status:<13}  {r.likely_cause}"
                )
