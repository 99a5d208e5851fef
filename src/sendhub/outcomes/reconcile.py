"""Reconciliation: each measure computed from an area's SEN2 return beside DfE's published figure for it.

Pure Python (no Django): :func:`figure_specs` says which figures are compared, in which order, from the measures
registry's ``dfe_file`` / ``dfe_column``; the selector (``selectors_reconcile``) fills in both sides as
:class:`Figure` values; :func:`reconcile` compares them and says, where it can be told, why they differ.

Decisions, so a reader can check a verdict by hand:

- **Which figures.** Calendar year Y's flows (requests, assessments, plans issued, reviews, ceased plans) are
  compared with DfE's ``time_period`` Y; the caseload (plans, needs, placements) at the reference date of the
  same return, the SEN2 return for collection year Y+1 (January Y+1), with DfE's academic year Y/Y+1, which DfE
  counts as at that January and SEND Hub stores as Y+1 (``dfe.parse_time_period``). That one return holds both:
  all of year Y's requests, and the January Y+1 census.
- **Beyond rounding.** Counts differ when they are not equal. Percentages are compared rounded to one decimal
  place, as DfE publishes them, and differ when more than 0.05 points apart (so any published difference).
- **Order.** The headline figures first (:data:`HEADLINE`, named by DfE file and column, so a measure renamed in
  the registry is still found by its ``dfe_column``), then every other registry measure in the registry's order.
  A headline figure SEN2 does not compute is shown as "not computed"; a measure DfE does not publish as "not
  published". DfE columns with no SEN2 measure other than the headline ones are left out: they would be a list of
  a hundred "not computed" rows.
- **Likely causes** are told only from the figures on the page: 20-week timeliness that differs only once
  exceptions are left out (Week20 coding); placement totals that differ while ``placement_unknown`` is higher
  than DfE's (placement URNs not in GIAS); a caseload that differs (plans ceased before the reference date, or a
  resubmission); flows lower or higher than DfE's (late records or resubmissions after the return; DfE's checks);
  a percentage whose counts differ (it follows from them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from sendhub.outcomes.measures import MEASURES, STOCK, Measure
from sendhub.outcomes.placements import COLUMN_NAMES as PLACEMENT_COLUMNS
from sendhub.outcomes.placements import TOTALS as PLACEMENT_TOTALS

MATCHES, DIFFERS, NOT_PUBLISHED, NOT_COMPUTED = "matches", "differs", "not published", "not computed"
STATUSES = (DIFFERS, MATCHES, NOT_PUBLISHED, NOT_COMPUTED)
Status = Literal["matches", "differs", "not published", "not computed"]

# Percentages are published to one decimal place; two such figures "match" when no more than this apart.
PERCENT_TOLERANCE = 0.05
RULE = (
    "Counts differ when they are not equal. Percentages are rounded to one decimal place, as DfE publishes them, "
    f"and differ when more than {PERCENT_TOLERANCE} points apart."
)
# With no DfE figure for placement_unknown, a return with this share of plans (%) in it has "many" unplaced.
UNKNOWN_PLACEMENT_SHARE = 5.0

_CL, _TL = "caseload.csv", "timeliness_20_week.csv"
# The headline figures, first on the page, as DfE's (file, column): requests, 6-week decisions, assessments,
# plans issued, 20-week timeliness with and without exceptions, ceased plans, the caseload and its placement totals.
HEADLINE: tuple[tuple[str, str], ...] = (
    ("requests.csv", "requests_received_in_year"),
    ("requests.csv", "request_outcome_six_weeks_pc"),
    ("assessments.csv", "assess_in_year"),
    (_TL, "plans_issued_den"),
    (_TL, "pc_plans_issued_within_20_weeks"),
    (_TL, "PC_plans_issued_20_weeks_ex"),
    ("ceased_plans.csv", "total_ceased"),
    (_CL, "ehcplans"),
    *((_CL, total) for total in PLACEMENT_TOTALS),
)
# Titles of headline figures the registry may not have (yet): DfE's own wording.
_DFE_TITLES = {
    "total_ceased": "EHC plans ceased",
    **{total: f"EHC plans: {title.lower()}" for total, (title, _columns) in PLACEMENT_TOTALS.items()},
}
# DfE's files of counts as at January (academic-year time periods); every other file is by calendar year.
_STOCK_FILES = frozenset({_CL, "sen_needs_all_plans.csv"})
_MARKERS = {
    "x": "not available (or suppressed)",
    "c": "suppressed to protect confidentiality",
    "z": "not applicable",
    "low": "rounds to zero",
    "u": "of low reliability",
    ":": "not available",
}


@dataclass(frozen=True)
class FigureSpec:
    """One figure to compare: the SEN2 measure computing it (if any) and the DfE column publishing it (if any)."""

    measure: str  # the registry's name, else DfE's column name
    title: str
    unit: Literal["count", "percent"]
    caseload: bool  # counted at the reference date (DfE: as at January), not over the calendar year
    headline: bool
    sen2_measure: str | None  # None: SEN2 has no such measure
    dfe_file: str | None  # None: DfE publishes no such figure
    dfe_column: str | None


SEN2_VALUE, SEN2_NO_MEASURE, SEN2_NOT_STORED = "value", "no measure", "not stored"
DFE_VALUE, DFE_MARKED, DFE_NO_FIGURE, DFE_NOT_IN_RELEASE, DFE_NO_COLUMN = (
    "value", "marked", "no figure", "not in release", "no column"
)


@dataclass(frozen=True)
class Figure:
    """A spec with both sides filled in by the selector.

    ``sen2_state``: ``value`` (``sen2_value`` is the figure; None for a percentage of nothing), ``no measure``,
    or ``not stored`` (the return's stored figures do not include it: never read as 0, see the selector).
    ``dfe_state``: ``value``, ``marked`` (DfE published a symbol, ``dfe_marker``, or an empty cell),
    ``no figure`` (the release has the column, but no row for this LA and year), ``not in release`` (the column is
    not in this release: ``dfe_note`` says why when a release change explains it) or ``no column``.
    """

    spec: FigureSpec
    sen2_value: float | None = None
    sen2_state: str = SEN2_VALUE
    dfe_value: float | None = None
    dfe_state: str = DFE_VALUE
    dfe_marker: str = ""
    dfe_note: str = ""


@dataclass(frozen=True)
class ReconciliationRow:
    measure: str
    title: str
    sen2_value: float | int | None
    dfe_value: float | int | None
    difference: float | int | None  # SEN2 minus DfE, when both have a value
    status: Status
    likely_cause: str
    unit: Literal["count", "percent"] = "count"
    headline: bool = False
    period: str = ""  # "2024" (calendar year) or the reference date "2025-01-16"
    dfe_period: str = ""  # DfE's time_period: "2024" or "202425"


# Which figures ---------------------------------------------------------------------------------------------


def _key(file: str | None, column: str | None) -> tuple[str, str]:
    return ((file or "").lower(), (column or "").lower())


def figure_specs(measures: Mapping[str, Measure] = MEASURES) -> list[FigureSpec]:
    """Every figure compared, headline first (:data:`HEADLINE`), then the registry's other measures in order."""
    by_column = {_key(m.dfe_file, m.dfe_column): m for m in measures.values() if m.dfe_column}
    specs: list[FigureSpec] = []
    used: set[str] = set()
    for file, column in HEADLINE:
        measure = by_column.get(_key(file, column))
        if measure is not None:
            used.add(measure.name)
            specs.append(_spec(measure, headline=True, dfe_file=file, dfe_column=measure.dfe_column or column))
        else:
            specs.append(
                FigureSpec(
                    measure=column,
                    title=_DFE_TITLES.get(column, column),
                    unit="percent" if _is_percent_column(column) else "count",
                    caseload=file in _STOCK_FILES,
                    headline=True,
                    sen2_measure=None,
                    dfe_file=file,
                    dfe_column=column,
                )
            )
    for measure in measures.values():
        if measure.name not in used:
            specs.append(_spec(measure, headline=False, dfe_file=measure.dfe_file, dfe_column=measure.dfe_column))
    return specs


def _is_percent_column(column: str) -> bool:
    """DfE names its percentages ``..._pc`` or ``pc_...`` (``PC_plans_issued_20_weeks_ex``)."""
    name = column.lower()
    return name.endswith("_pc") or name.startswith("pc_")


def _spec(measure: Measure, *, headline: bool, dfe_file: str | None, dfe_column: str | None) -> FigureSpec:
    return FigureSpec(
        measure=measure.name,
        title=measure.title,
        unit=measure.unit,
        caseload=measure.period_kinds == STOCK,
        headline=headline,
        sen2_measure=measure.name,
        dfe_file=dfe_file if dfe_column else None,
        dfe_column=dfe_column,
    )


# Comparing -------------------------------------------------------------------------------------------------


def _number(value: float | None) -> float | int | None:
    """Whole numbers as ints (counts print as 1005, not 1005.0)."""
    if value is not None and float(value).is_integer():
        return int(value)
    return value


def compare(unit: str, sen2: float | None, dfe: float | None) -> tuple[float | int | None, bool | None]:
    """``(difference, differs)`` of two figures (SEN2 minus DfE); ``(None, None)`` unless both have a value.

    Percentages are compared as published: each rounded to one decimal place, different when more than
    :data:`PERCENT_TOLERANCE` apart. Counts differ when not equal.
    """
    if sen2 is None or dfe is None:
        return None, None
    if unit == "percent":
        difference = round(round(sen2, 1) - round(dfe, 1), 1)
        return _number(difference), abs(difference) > PERCENT_TOLERANCE
    difference = sen2 - dfe
    return _number(round(difference, 6)), difference != 0


def reconcile(figures: Iterable[Figure], *, year: int, reference_date: str) -> list[ReconciliationRow]:
    """One row per figure, in the order given: both values, their difference, a status and a likely cause.

    ``year``: the calendar year of the flows; ``reference_date``: the return's (ISO), the caseload's date.
    """
    figures = list(figures)
    rows: list[ReconciliationRow] = []
    for figure in figures:
        spec = figure.spec
        sen2 = figure.sen2_value if figure.sen2_state == SEN2_VALUE else None
        dfe = figure.dfe_value if figure.dfe_state == DFE_VALUE else None
        difference, differs = compare(spec.unit, sen2, dfe)
        if sen2 is None:
            status: Status = NOT_COMPUTED
        elif dfe is None:
            status = NOT_PUBLISHED
        else:
            status = DIFFERS if differs else MATCHES
        rows.append(
            ReconciliationRow(
                measure=spec.measure,
                title=spec.title,
                sen2_value=_number(sen2),
                dfe_value=_number(dfe),
                difference=difference,
                status=status,
                likely_cause="",
                unit=spec.unit,
                headline=spec.headline,
                period=reference_date if spec.caseload else f"{year:04d}",
                dfe_period=f"{year:04d}{(year + 1) % 100:02d}" if spec.caseload else f"{year:04d}",
            )
        )
    context = _Context(figures, rows)
    return [_with_cause(row, figure, context) for row, figure in zip(rows, figures, strict=True)]


def summary(rows: Sequence[ReconciliationRow]) -> dict[str, int]:
    """How many rows have each status, in :data:`STATUSES` order (every status present, 0 when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def describe(counts: Mapping[str, int]) -> list[str]:
    """The summary in words, one line per status: "4 differ beyond rounding", "1 not published by DfE"."""
    differs, matches = counts.get(DIFFERS, 0), counts.get(MATCHES, 0)
    return [
        f"{differs} {'differs' if differs == 1 else 'differ'} beyond rounding",
        f"{matches} {'matches' if matches == 1 else 'match'}",
        f"{counts.get(NOT_PUBLISHED, 0)} not published by DfE",
        f"{counts.get(NOT_COMPUTED, 0)} not computed from the SEN2 return",
    ]


# Likely causes ---------------------------------------------------------------------------------------------


class _Context:
    """The rows by SEN2 measure name and by DfE column, for causes that look at other figures."""

    def __init__(self, figures: list[Figure], rows: list[ReconciliationRow]) -> None:
        self.by_measure = {f.spec.sen2_measure: r for f, r in zip(figures, rows, strict=True) if f.spec.sen2_measure}
        self.by_column = {
            _key(f.spec.dfe_file, f.spec.dfe_column): r for f, r in zip(figures, rows, strict=True) if f.spec.dfe_column
        }

    def column(self, file: str, column: str) -> ReconciliationRow | None:
        return self.by_column.get(_key(file, column))


def _with_cause(row: ReconciliationRow, figure: Figure, context: _Context) -> ReconciliationRow:
    if row.status == NOT_COMPUTED:
        cause = _why_not_computed(figure, row)
    elif row.status == NOT_PUBLISHED:
        cause = _why_not_published(figure, row)
    elif row.status == DIFFERS:
        cause = _why_different(figure, row, context)
    else:
        cause = ""
    return replace(row, likely_cause=cause) if cause else row


def _why_not_computed(figure: Figure, row: ReconciliationRow) -> str:
    if figure.sen2_state == SEN2_NO_MEASURE:
        text = "SEND Hub computes no such measure from the SEN2 return."
    elif figure.sen2_state == SEN2_NOT_STORED:
        # The caseload is stored at every reference date, so a missing caseload figure can only be a newer measure.
        nothing = "" if figure.spec.caseload else f"nothing of its kind in {row.period}, or "
        text = (
            f"The return has no stored figure for it: {nothing}its figures were computed before SEND Hub had this "
            "measure (importing the return again recomputes them)."
        )
    else:
        text = "No value from the return: nothing to divide by."
    if figure.dfe_state != DFE_VALUE:
        text += " " + _why_not_published(figure, row)
    return text


def _why_not_published(figure: Figure, row: ReconciliationRow) -> str:
    spec, state = figure.spec, figure.dfe_state
    where = f"{spec.dfe_file}, {row.dfe_period}"
    if state == DFE_NO_COLUMN:
        return "DfE does not publish this figure (a SEND Hub measure)."
    if state == DFE_NOT_IN_RELEASE:
        return f"Not in this DfE release ({spec.dfe_file}: {spec.dfe_column}). {figure.dfe_note}".strip()
    if state == DFE_NO_FIGURE:
        return f"DfE's release has no figure for this LA and year ({where})."
    marker = figure.dfe_marker.strip()
    if not marker:
        return f"DfE's cell is empty ({where})."
    meaning = _MARKERS.get(marker.lower(), "not a number")
    return f"DfE published {marker!r}: {meaning} ({where})."


def _why_different(figure: Figure, row: ReconciliationRow, context: _Context) -> str:
    measure = MEASURES.get(figure.spec.sen2_measure or "")
    for cause in (
        _exception_coding(measure, context),
        _unplaced(figure.spec, context),
        _caseload(figure.spec, row, context),
        _follows_from_counts(measure, context),
        _flows(figure.spec, row),
    ):
        if cause:
            return cause
    return ""


def _without_ex(flag: str | None) -> str | None:
    return flag.removesuffix("_ex") if flag else flag


def _exception_coding(measure: Measure | None, context: _Context) -> str:
    """A figure excluding exceptions differs while the same figure including them matches: Week20 coding."""
    if measure is None or not any(f and f.endswith("_ex") for f in (measure.numerator, measure.denominator)):
        return ""
    for other in MEASURES.values():
        if (
            other.group == measure.group
            and other.unit == measure.unit
            and other.numerator == _without_ex(measure.numerator)
            and other.denominator == _without_ex(measure.denominator)
        ):
            twin = context.by_measure.get(other.name)
            if twin is not None and twin.status == MATCHES:
                return (
                    f"Exception (Week20) coding: including exceptions the figure matches DfE's ({other.name}), so "
                    "the return and DfE disagree on which requests had an exception to the 20-week limit."
                )
    return ""


_PLACEMENT_NAMES = frozenset(name.lower() for name in (*PLACEMENT_TOTALS, *PLACEMENT_COLUMNS))


def _is_placement(name: str) -> bool:
    """A count or share of plans by placement: a caseload.csv placement column, or a registry setting group."""
    measure = MEASURES.get(name)
    if measure is not None and measure.numerator.startswith("setting_"):
        return True
    return name.lower().removesuffix("_pc") in _PLACEMENT_NAMES


def _unplaced(spec: FigureSpec, context: _Context) -> str:
    """Placement figures differ while more plans are placement_unknown than DfE has: URNs not in GIAS."""
    if not spec.caseload or not _is_placement(spec.measure):
        return ""
    unknown = context.column(_CL, "placement_unknown") or context.by_measure.get("placement_unknown")
    if unknown is None or unknown.sen2_value is None:
        return ""
    if unknown.dfe_value is not None:
        if unknown.sen2_value <= unknown.dfe_value:
            return ""
        against = f"against DfE's {unknown.dfe_value:,}"
    else:
        plans = context.column(_CL, "ehcplans") or context.by_measure.get("ehcplans")
        total = plans.sen2_value if plans is not None else None
        if not total or 100 * unknown.sen2_value / total < UNKNOWN_PLACEMENT_SHARE:
            return ""
        against = f"{100 * unknown.sen2_value / total:.1f}% of plans"
    return (
        f"Placements not recognised: {unknown.sen2_value:,} plans are placement_unknown in the return ({against}). "
        "Their placement URNs are probably not in GIAS: import a current GIAS extract ('sendhub gias import') "
        "and see the return's warnings."
    )


def _caseload(spec: FigureSpec, row: ReconciliationRow, context: _Context) -> str:
    """The number of plans differs, or a caseload figure differs because the number of plans does."""
    if not spec.caseload:
        return ""
    if _key(spec.dfe_file, spec.dfe_column) == _key(_CL, "ehcplans"):
        if row.difference is not None and row.difference > 0:
            return (
                "More plans in the return than DfE counted at the January census: plans that ceased before the "
                "reference date may be listed as active (ActivePlans holds plans active at any time in the year), "
                "or DfE removed duplicates in its checks."
            )
        return (
            "Fewer plans in the return than DfE counted: plans added or corrected in a resubmission to DfE after "
            "this return was taken; import the return as finally submitted."
        )
    plans = context.column(_CL, "ehcplans")
    if plans is not None and plans.status == DIFFERS:
        return (
            f"Follows from the number of plans differing (ehcplans: SEN2 {plans.sen2_value:,}, "
            f"DfE {plans.dfe_value:,})."
        )
    return ""


def _follows_from_counts(measure: Measure | None, context: _Context) -> str:
    """A percentage whose numerator or denominator count differs from DfE's."""
    if measure is None or measure.unit != "percent":
        return ""
    related = [
        m.name
        for m in MEASURES.values()
        if m.unit == "count" and m.group == measure.group and m.numerator in (measure.numerator, measure.denominator)
    ]
    differing = [name for name in related if getattr(context.by_measure.get(name), "status", None) == DIFFERS]
    if differing:
        return f"Follows from the counts differing ({', '.join(differing)})."
    matching = [name for name in related if getattr(context.by_measure.get(name), "status", None) == MATCHES]
    if matching and len(matching) == len(related):
        return (
            f"The counts behind it match DfE's ({', '.join(matching)}): DfE works the percentage out from "
            "another numerator or denominator (see docs/measures.md)."
        )
    return ""


def _flows(spec: FigureSpec, row: ReconciliationRow) -> str:
    if spec.caseload or spec.unit != "count" or row.difference is None:
        return ""
    if row.difference < 0:
        return (
            "Fewer in the return than DfE published: records entered late, or a resubmission to DfE after this "
            "return was taken; import the return as finally submitted."
        )
    return (
        "More in the return than DfE published: records added after DfE's collection closed, or records DfE "
        "removed in its checks (duplicates, out of scope)."
    )
