"""Reads of computed measures (MeasureValue) for pages and the CLI.

Which return's figure is shown for a period
-------------------------------------------
Only *current* returns count (``Sen2Return.is_current``: re-importing a collection year supersedes the older
file, whose figures stay in the database as history). A return for collection year C *covers* (has flow
figures for) its reporting year C-1 and the days of year C up to its reference date, and has stock figures at
its reference date (see ``computation.coverage_start``). For each period the figure comes from the newest
current return that covers it (highest collection year, then latest import): so year C, part-covered by
return C, is replaced by return C+1's full-year figure once that is imported; return C's figure is history.

For a calendar year Y, stock measures (EHC plans, need and placement mix, reviews overdue) are taken at the
reference date of the return for collection year Y+1, the January after Y, matching DfE's caseload for Y/Y+1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sendhub.accounts.models import LocalArea
from sendhub.outcomes.measures import AGE_BANDS, MEASURES, TOTAL, UNKNOWN
from sendhub.outcomes.models import MeasureValue, Sen2Return


@dataclass(frozen=True)
class Point:
    period: str
    value: float | None
    numerator: int | None
    denominator: int | None


@dataclass(frozen=True)
class LatestValue:
    measure: str
    period_kind: str
    period: str
    value: float | None
    numerator: int | None
    denominator: int | None
    collection_year: int


def _period_year(period: str) -> int:
    return int(period[:4])


def _pick(rows):
    """From (period, ..., collection_year, imported_at) rows, the newest return's row per period."""
    chosen: dict[str, tuple] = {}
    for row in rows:
        best = chosen.get(row[0])
        if best is None or (row[-2], row[-1]) > (best[-2], best[-1]):
            chosen[row[0]] = row
    return chosen


def _current_values(area, measure: str | None = None, **filters):
    qs = MeasureValue.objects.filter(area=area, sen2_return__is_current=True, **filters)
    if measure is not None:
        qs = qs.filter(measure=measure)
    return qs


def measure_series(
    area: LocalArea, measure: str, *, period_kind: str = "year", breakdown_topic: str = "total",
    breakdown: str = TOTAL,
) -> list[Point]:
    """The measure's value for every period of ``period_kind``, oldest first, one return's figure per period.

    A breakdown other than Total has no stored row where nothing was counted: for every period the Total has,
    such a gap reads as a count of 0 (a percentage: ``None`` of 0).
    """
    fields = ("period", "value", "numerator", "denominator", "sen2_return__collection_year", "sen2_return__imported_at")
    base = _current_values(area, measure, period_kind=period_kind, breakdown_topic=breakdown_topic)
    chosen = _pick(base.filter(breakdown=breakdown).values_list(*fields))
    points = {p: Point(p, row[1], row[2], row[3]) for p, row in chosen.items()}
    if breakdown_topic != "total":
        is_percent = MEASURES[measure].unit == "percent" if measure in MEASURES else False
        totals = _current_values(area, measure, period_kind=period_kind, breakdown_topic="total")
        for period in totals.values_list("period", flat=True).distinct():
            if period not in points:
                points[period] = Point(period, None, 0, 0) if is_percent else Point(period, 0, 0, None)
    return [points[p] for p in sorted(points)]


def latest_values(area: LocalArea) -> dict[str, LatestValue]:
    """For each measure with data: its latest whole-area value.

    Flow measures: the latest calendar year that a current return reports on (collection year - 1), so a
    part-year (the few days of January before a reference date) is never "latest". Stock measures: the newest
    reference date.
    """
    rows = _current_values(area, breakdown_topic="total", breakdown=TOTAL).filter(
        period_kind__in=["year", "at_date"]
    ).values_list("measure", "period_kind", "period", "value", "numerator", "denominator",
                  "sen2_return__collection_year", "sen2_return__imported_at")
    by_measure: dict[str, list[tuple]] = {}
    for measure, kind, period, value, num, den, year, imported in rows:
        by_measure.setdefault(measure, []).append((period, kind, value, num, den, year, imported))
    latest: dict[str, LatestValue] = {}
    for measure, items in by_measure.items():
        kind = items[0][1]
        chosen = _pick(items)
        if kind == "year":
            full = [p for p, row in chosen.items() if _period_year(p) <= row[-2] - 1]
            if not full:
                continue
            period = max(full)
        else:
            period = max(chosen)
        row = chosen[period]
        latest[measure] = LatestValue(measure, kind, period, row[2], row[3], row[4], row[5])
    return latest


def _breakdown_order(topic: str, breakdown: str):
    if breakdown == UNKNOWN:
        return (2, "")
    if topic == "age_band" and breakdown in AGE_BANDS:
        return (0, f"{AGE_BANDS.index(breakdown):02d}")
    return (1, breakdown)


def breakdown_table(area: LocalArea, measure: str, period: str, topic: str) -> list[tuple]:
    """``[(breakdown, value, numerator, denominator)]`` of one measure and period by ``topic``.

    Each breakdown's figure comes from the same return choice as :func:`measure_series` for that period.
    """
    kind = "at_date" if len(period) == 10 else ("month" if len(period) == 7 else "year")
    rows = _current_values(area, measure, period_kind=kind, period=period, breakdown_topic=topic).values_list(
        "breakdown", "value", "numerator", "denominator", "sen2_return__collection_year",
        "sen2_return__imported_at"
    )
    by_return: dict[tuple, list[tuple]] = {}
    for row in rows:
        by_return.setdefault((row[-2], row[-1]), []).append(row)
    if not by_return:
        return []
    source = max(by_return)
    table = [row[:4] for row in by_return[source]]
    return sorted(table, key=lambda r: _breakdown_order(topic, r[0]))


def measures_for_year(area: LocalArea, year: int) -> dict[str, float | None]:
    """Whole-area values for calendar ``year``: flow measures for the year, stock measures at the January after.

    Only measures with data appear, in the registry's order; counts are ``int``, percentages ``float | None``.
    """
    flow = _current_values(area, period_kind="year", period=f"{year:04d}", breakdown_topic="total", breakdown=TOTAL)
    chosen: dict[str, tuple] = {}
    for measure, value, coll, imported in flow.values_list(
        "measure", "value", "sen2_return__collection_year", "sen2_return__imported_at"
    ):
        rank = (coll, imported)
        if measure not in chosen or rank > chosen[measure][0]:
            chosen[measure] = (rank, value)
    values = {measure: value for measure, (_, value) in chosen.items()}
    stock_return = (
        Sen2Return.objects.filter(area=area, is_current=True, collection_year=year + 1).order_by("-imported_at").first()
    )
    if stock_return is not None:
        values.update(
            _current_values(
                area, sen2_return=stock_return, period_kind="at_date", breakdown_topic="total", breakdown=TOTAL
            ).values_list("measure", "value")
        )
    return {name: _typed(name, values[name]) for name in MEASURES if name in values}


def _typed(name: str, value: float | None) -> float | int | None:
    """Counts as ``int`` (stored as floats), percentages as they are."""
    if value is not None and MEASURES[name].unit == "count":
        return int(value)
    return value


def has_data(area: LocalArea) -> bool:
    return Sen2Return.objects.filter(area=area, is_current=True).exists()


# How old the return a page is built on is ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnAge:
    """How old a SEN2 return is on a day, and whether pages built on it must say so at the top."""

    collection_year: int
    reference_date: date
    days: int
    is_stale: bool

    @property
    def months(self) -> int:
        """Whole months since the reference date, for "about 11 months ago"."""
        return max(0, round(self.days / 30.44))


def return_age(sen2_return: Sen2Return | None, today: date) -> ReturnAge | None:
    """Stale once more than ``deadlines.LIVE_FOR_DAYS`` (8 weeks, about 2 months) after its reference date.

    The same rule as the deadline tracker's switch to counting as at the reference date, so a page never calls
    a return current while the tracker treats it as old (or the other way round). On day 56 a return is still
    current; on day 57 it is stale."""
    if sen2_return is None:
        return None
    from sendhub.outcomes.deadlines import LIVE_FOR_DAYS

    days = (today - sen2_return.reference_date).days
    return ReturnAge(collection_year=sen2_return.collection_year, reference_date=sen2_return.reference_date,
                     days=days, is_stale=days > LIVE_FOR_DAYS)
