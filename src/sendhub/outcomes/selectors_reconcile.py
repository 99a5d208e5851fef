"""Reads for the reconciliation (``sendhub sen2 reconcile`` and its page): both sides of every figure.

The SEN2 side is the stored MeasureValue rows (Total breakdown) of one return: the return for collection year
Y+1, which holds calendar year Y in full (flows, period ``YYYY``) and the January Y+1 caseload (at its reference
date). The DfE side is the current release's local authority total rows for the area, time periods Y (calendar
year) and Y+1 (academic year Y/Y+1, as at January Y+1). ``reconcile.py`` compares them.

DfE columns are matched as ``benchmark.resolve_measure`` matches them (``dfe_layouts``: any release's spelling,
any letter case), in memory. Queries: one for the return, one for its measure values, one for the area's DfE
figures (by measure name, so it uses the release's measure index), and one more when some are missing, to tell
"not in this release" from "no figure for this LA and year".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from sendhub.accounts.models import LocalArea
from sendhub.outcomes import dfe_layouts, reconcile
from sendhub.outcomes.dfe import current_release, is_total_breakdown
from sendhub.outcomes.measures import TOTAL
from sendhub.outcomes.models import DfeRelease, DfeValue, MeasureValue, Sen2Return

LOCAL_AUTHORITY = "Local authority"


class ReconcileError(Exception):
    """The reconciliation cannot be made (no return for the year, no DfE release); the message says what to do."""


@dataclass(frozen=True)
class Reconciliation:
    area: LocalArea
    year: int  # the calendar year of the flows; the caseload is at the return's reference date in January year+1
    sen2_return: Sen2Return
    release: DfeRelease
    dfe_la_name: str  # the area's name in the release ("" when the release has no figure for it)
    rows: list[reconcile.ReconciliationRow] = field(default_factory=list)

    @property
    def reference_date(self) -> date:
        return self.sen2_return.reference_date

    @property
    def summary(self) -> dict[str, int]:
        return reconcile.summary(self.rows)

    @property
    def headline_rows(self) -> list[reconcile.ReconciliationRow]:
        return [r for r in self.rows if r.headline]

    @property
    def other_rows(self) -> list[reconcile.ReconciliationRow]:
        return [r for r in self.rows if not r.headline]


def reconcilable_years(area: LocalArea) -> list[int]:
    """Calendar years the area can be reconciled for, newest first: those with a current return for year + 1."""
    years = Sen2Return.objects.filter(area=area, is_current=True).values_list("collection_year", flat=True)
    return sorted({year - 1 for year in years}, reverse=True)


def reconciliation(*, area: LocalArea, year: int, release: DfeRelease | None = None) -> Reconciliation:
    """Every figure of calendar ``year`` from the area's SEN2 return beside DfE's; ReconcileError if impossible."""
    sen2_return = (
        Sen2Return.objects.filter(area=area, is_current=True, collection_year=year + 1).order_by("-imported_at").first()
    )
    if sen2_return is None:
        held = ", ".join(str(y + 1) for y in reconcilable_years(area)) or "none"
        raise ReconcileError(
            f"{area.name} has no current SEN2 return for collection year {year + 1}, the return that holds calendar "
            f"year {year} in full and the January {year + 1} caseload (collection years held: {held}). "
            f"Import it with 'sendhub sen2 import FILE --area {area.la_code}'."
        )
    release = release or current_release()
    if release is None:
        raise ReconcileError("No DfE release is imported; run 'sendhub dfe import PATH' first.")
    specs = reconcile.figure_specs()
    sen2 = _sen2_values(sen2_return, year)
    dfe, la_name = _dfe_values(area, release, specs, year)
    figures = [reconcile.Figure(spec, *sen2(spec), **dfe[spec]) for spec in specs]
    rows = reconcile.reconcile(figures, year=year, reference_date=sen2_return.reference_date.isoformat())
    return Reconciliation(area, year, sen2_return, release, la_name, rows)


def _sen2_values(sen2_return: Sen2Return, year: int) -> Callable[[reconcile.FigureSpec], tuple[float | None, str]]:
    """A function giving ``(value, state)`` of a spec's SEN2 measure in the return, for calendar ``year``."""
    at_date = sen2_return.reference_date.isoformat()
    stored = MeasureValue.objects.filter(
        Q(period_kind="year", period=f"{year:04d}") | Q(period_kind="at_date", period=at_date),
        sen2_return=sen2_return,
        breakdown_topic="total",
        breakdown=TOTAL,
    ).values_list("measure", "value")
    values = dict(stored)

    def side(spec: reconcile.FigureSpec) -> tuple[float | None, str]:
        name = spec.sen2_measure
        if name is None:
            return None, reconcile.SEN2_NO_MEASURE
        if name in values:
            return values[name], reconcile.SEN2_VALUE
        # Not 0: a flow group with nothing in the year stores nothing, but neither does a measure added to the
        # registry after the return's figures were computed, and a false 0 would read as a difference from DfE.
        return None, reconcile.SEN2_NOT_STORED

    return side


def _dfe_values(
    area: LocalArea, release: DfeRelease, specs: list[reconcile.FigureSpec], year: int
) -> tuple[dict[reconcile.FigureSpec, dict], str]:
    """Per spec, the Figure's DfE fields for the area; and the area's name in the release."""
    columns = [spec.dfe_column for spec in specs if spec.dfe_column]
    names = set().union(*(dfe_layouts.lookup_names(column) for column in columns)) if columns else set()
    rows = (
        DfeValue.objects.filter(
            Q(old_la_code=area.la_code) | Q(new_la_code=area.ons_code),
            release=release,
            geographic_level=LOCAL_AUTHORITY,
            measure__in=names,
            time_period__in=(year, year + 1),
        )
        .order_by("pk")
        .values_list("source_file", "measure", "time_period", "old_la_code", "la_name", "breakdown_topic",
                     "breakdown", "value", "marker")
    )
    # (file, stored column, time period) -> (value, marker); the LA code's rows win over the ONS code's, as in
    # benchmark.benchmark.
    by_code: dict[tuple[str, str, int], tuple[float | None, str]] = {}
    by_ons: dict[tuple[str, str, int], tuple[float | None, str]] = {}
    la_name = ""
    for source_file, measure, period, old_code, name, topic, breakdown, value, marker in rows:
        if not is_total_breakdown(topic, breakdown):
            continue
        target = by_code if old_code == area.la_code else by_ons
        target.setdefault((source_file.lower(), measure, period), (value, marker))
        la_name = la_name or name
    published = by_ons | by_code
    result: dict[reconcile.FigureSpec, dict] = {}
    missing: list[reconcile.FigureSpec] = []
    for spec in specs:
        if not spec.dfe_column or not spec.dfe_file:
            result[spec] = {"dfe_state": reconcile.DFE_NO_COLUMN}
            continue
        period = year + 1 if spec.caseload else year
        found = [
            figure
            for (source_file, stored, time_period), figure in published.items()
            if time_period == period and _names(spec, source_file, stored)
        ]
        if found:
            value, marker = found[0]
            state = reconcile.DFE_VALUE if value is not None else reconcile.DFE_MARKED
            result[spec] = {"dfe_value": value, "dfe_state": state, "dfe_marker": marker}
        else:
            missing.append(spec)
    result.update(_missing(release, missing))
    return result, la_name


def _names(spec: reconcile.FigureSpec, source_file: str, stored: str) -> bool:
    """True when the stored (file, column) is the spec's DfE column, in any release's spelling and letter case."""
    file = dfe_layouts.stored_file_name(spec.dfe_file or "").lower()
    return source_file.lower() == file and dfe_layouts.names_column(source_file, stored, spec.dfe_column or "")


def _missing(release: DfeRelease, specs: list[reconcile.FigureSpec]) -> dict[reconcile.FigureSpec, dict]:
    """Why the area has no figure: the release lacks the column (and why, when a release change says), or has it
    but not for this LA and year. One query for them all (``benchmark.resolve_measure`` would take one each)."""
    if not specs:
        return {}
    names = set().union(*(dfe_layouts.lookup_names(spec.dfe_column or "") for spec in specs))
    held = set(
        DfeValue.objects.filter(release=release, measure__in=names).values_list("source_file", "measure").distinct()
    )
    result = {}
    for spec in specs:
        if any(_names(spec, source_file, stored) for source_file, stored in held):
            result[spec] = {"dfe_state": reconcile.DFE_NO_FIGURE}
        else:
            note = dfe_layouts.why_missing(spec.dfe_column or "", dfe_layouts.stored_file_name(spec.dfe_file or ""))
            result[spec] = {"dfe_state": reconcile.DFE_NOT_IN_RELEASE, "dfe_note": note or ""}
    return result
