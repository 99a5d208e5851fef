"""Reads for the sufficiency pages: the forecast demand by placement group, recorded capacity, the gap, and the
national comparison.

The forecast of every measure comes from ``forecasting.dfe`` (the chosen method, 80% intervals calibrated on the
backtest). DfE forecasts totals (``special_total``, ``mainstream_total``, ``ap_pru_total``); the groups capacity is
recorded in are split from them by each group's share of its total in the latest January (held constant, as the
page says). What is read from the release is cached in memory per release id, like the forecasts themselves, so a
page after the first costs one query for the area's capacity.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db.models import F, Q

from sendhub.accounts.models import LocalArea
from sendhub.forecasting import dfe
from sendhub.forecasting.models import PlacementGroup, SpecialistCapacity
from sendhub.forecasting.scenarios import EHCPLANS, SPECIAL, Demand, ScenarioInputs, apply
from sendhub.forecasting.summary import SufficiencySummary, plain_summary
from sendhub.outcomes.dfe import current_release, is_total_breakdown
from sendhub.outcomes.models import DfeValue, StatisticalNeighbour

HORIZON = 5
SUMMARY_HORIZON = 3  # the plain-words sentence speaks of three Januaries ahead
CASELOAD_FILE = "caseload.csv"
TIMELINESS_FILE = "timeliness_20_week.csv"
TIMELINESS_MEASURE = "PC_plans_issued_20_weeks_ex"
NEW_PLANS_FILE, NEW_PLANS_MEASURE = "newplans.csv", "new_ehc_plans"
_RESOURCED_COLUMNS = tuple(
    f"mainstream_{kind}_{unit}"
    for kind in ("la_maintained", "academy", "free_school")
    for unit in ("resourced_provision", "senunit")
)
# Each group: the DfE total it is a part of, and the caseload columns that make up the part.
GROUP_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    PlacementGroup.MAINTAINED_SPECIAL: ("special_total", ("special_la_maintained",)),
    PlacementGroup.ACADEMY_SPECIAL: ("special_total", ("special_academy_free",)),
    PlacementGroup.INDEPENDENT_SPECIAL: ("special_total", ("special_independent", "special_non_maintained")),
    PlacementGroup.RESOURCED: ("mainstream_total", _RESOURCED_COLUMNS),
    PlacementGroup.AP: ("ap_pru_total", ("ap_pru_total",)),
}
# The groups whose places the area provides in state-funded schools: set against the capacity it records.
STATE_FUNDED = (PlacementGroup.MAINTAINED_SPECIAL, PlacementGroup.ACADEMY_SPECIAL, PlacementGroup.RESOURCED)
MEASURE_LABELS = {
    "ehcplans": "All EHC plans",
    "special_total": "Special schools",
    "mainstream_total": "Mainstream schools",
    "fe_total": "Further education",
    "ap_pru_total": "Alternative provision and PRUs",
    "ed_elsewhere": "Educated elsewhere",
}


class NoForecast(Exception):
    """There is nothing to forecast from; the message says why, for a person."""


@dataclass(frozen=True)
class Band:
    year: int
    value: float
    lower: float | None = None
    upper: float | None = None
    forecast: bool = True


@dataclass
class AreaForecast:
    """What DfE's release says about one area, and the baseline forecast: independent of anything recorded."""

    la_code: str
    la_name: str
    origin: int  # the latest January with a figure
    method: str
    measures: dict[str, list[Band]]  # history (forecast=False) then forecast, per measure
    latest: dict[str, float | None]  # every caseload column in the origin January
    new_plans: float | None  # the latest calendar year's new plans
    new_plans_year: int | None
    timeliness: float | None  # % of plans issued in 20 weeks (excluding exceptions), latest calendar year
    england_timeliness: float | None
    timeliness_year: int | None

    def baseline(self) -> Demand:
        """The forecast demand by placement group (and all plans), origin year included."""
        demand: Demand = {EHCPLANS: {b.year: b.value for b in self.measures[EHCPLANS] if b.year >= self.origin}}
        for group, (total, _columns) in GROUP_COLUMNS.items():
            bands = [b for b in self.measures.get(total, []) if b.year >= self.origin]
            share = self.share(group)
            if share is None or not bands:
                continue
            demand[group] = {b.year: b.value * share for b in bands}
        return demand

    def share(self, group: str) -> float | None:
        total, columns = GROUP_COLUMNS[group]
        whole = self.latest.get(total)
        parts = [self.latest.get(c) for c in columns]
        if not whole or any(p is None for p in parts):
            return None
        return sum(parts) / whole  # type: ignore[arg-type]

    @property
    def special_share(self) -> float:
        special, plans = self.latest.get("special_total"), self.latest.get(EHCPLANS)
        return special / plans if special and plans else 0.0

    def interval(self, measure: str, year: int) -> Band | None:
        return next((b for b in self.measures.get(measure, []) if b.year == year), None)


_lock = threading.Lock()
_cache: dict[tuple, object] = {}


def _cached(key: tuple, build):
    release = current_release()
    if release is None:
        raise NoForecast("DfE's release of EHC plan figures has not been imported yet, so there is no forecast.")
    full_key = (release.pk, *key)
    with _lock:
        if full_key in _cache:
            return _cache[full_key]
    value = build(release)
    with _lock:
        if any(k[0] != release.pk for k in _cache):
            _cache.clear()
        _cache[full_key] = value
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()
    dfe.clear_cache()


def _total_rows(qs):
    total = Q(breakdown_topic=F("breakdown")) | Q(breakdown__istartswith="all ") | Q(breakdown__iexact="total")
    return qs.filter(total)


def _latest_values(release, *, source_file: str, measures, la_code: str | None, level: str) -> dict:
    """{(la_code, measure): (year, value)} of the latest year with a number."""
    qs = DfeValue.objects.filter(
        release=release, source_file=source_file, measure__in=list(measures), geographic_level=level
    )
    if la_code is not None:
        qs = qs.filter(old_la_code=la_code)
    out: dict[tuple[str, str], tuple[int, float | None]] = {}
    rows = _total_rows(qs).values_list("old_la_code", "measure", "time_period", "value", "breakdown_topic", "breakdown")
    for code, measure, year, value, topic, breakdown in rows:
        if not is_total_breakdown(topic, breakdown):
            continue
        seen = out.get((code, measure))
        if seen is None or year > seen[0]:
            out[code, measure] = (year, value)
    return out


def _area_forecast(la_code: str) -> AreaForecast:
    def build(release) -> AreaForecast:
        try:
            history = {m: dfe.area_history(la_code=la_code, measure=m) for m in dfe.MEASURES}
        except dfe.ForecastError as error:
            raise NoForecast(str(error)) from error
        known = [p.year for p in history[EHCPLANS] if p.value is not None]
        if not known:
            raise NoForecast("DfE has published no count of EHC plans for this area.")
        origin = max(known)
        try:
            rows = dfe.forecast_release(as_of=origin, horizon=HORIZON, la_code=la_code)
        except dfe.ForecastError as error:
            raise NoForecast(str(error)) from error
        measures: dict[str, list[Band]] = {}
        for measure, points in history.items():
            measures[measure] = [Band(p.year, p.value, forecast=False) for p in points if p.value is not None]
        for row in rows:
            measures.setdefault(row.measure, []).append(Band(row.year, row.value, row.lower, row.upper))
        columns = {c for _, cols in GROUP_COLUMNS.values() for c in cols} | set(dfe.MEASURES)
        latest_rows = _latest_values(
            release, source_file=CASELOAD_FILE, measures=columns, la_code=la_code, level="Local authority"
        )
        latest = {m: value for (_, m), (year, value) in latest_rows.items() if year == origin}
        new = _latest_values(
            release, source_file=NEW_PLANS_FILE, measures=[NEW_PLANS_MEASURE], la_code=la_code, level="Local authority"
        ).get((la_code, NEW_PLANS_MEASURE))
        timely = _latest_values(
            release,
            source_file=TIMELINESS_FILE,
            measures=[TIMELINESS_MEASURE],
            la_code=la_code,
            level="Local authority",
        ).get((la_code, TIMELINESS_MEASURE))
        england = _latest_values(
            release, source_file=TIMELINESS_FILE, measures=[TIMELINESS_MEASURE], la_code=None, level="National"
        )
        england_value = next(iter(england.values()), None)
        name = rows[0].la_name if rows else la_code
        return AreaForecast(
            la_code=la_code,
            la_name=name,
            origin=origin,
            method=dfe.chosen_method_name(),
            measures=measures,
            latest=latest,
            new_plans=new[1] if new else None,
            new_plans_year=new[0] if new else None,
            timeliness=timely[1] if timely else None,
            england_timeliness=england_value[1] if england_value and timely and england_value[0] == timely[0] else None,
            timeliness_year=timely[0] if timely else None,
        )

    return _cached(("area", la_code), build)  # type: ignore[return-value]


def area_forecast(area: LocalArea) -> AreaForecast:
    """The baseline forecast for ``area`` (by its DfE code); ``NoForecast`` says why there is none."""
    return _area_forecast(area.la_code)


def capacity_by_group(area: LocalArea) -> dict[str, dict[int, int]]:
    """Recorded places: {group: {year: places}}."""
    out: dict[str, dict[int, int]] = {}
    for group, year, places in SpecialistCapacity.objects.filter(area=area).values_list("group", "year", "places"):
        out.setdefault(group, {})[year] = places
    return out


def capacity_rows(area: LocalArea):
    return SpecialistCapacity.objects.filter(area=area).select_related("recorded_by").order_by("-year", "group")


def carried(capacity: dict[int, int], year: int) -> tuple[int | None, bool]:
    """Places for ``year``: the figure recorded for it, else the latest earlier one carried forward (True)."""
    if year in capacity:
        return capacity[year], False
    earlier = [y for y in capacity if y < year]
    return (capacity[max(earlier)], True) if earlier else (None, False)


@dataclass(frozen=True)
class GapRow:
    year: int
    demand: float
    places: int | None
    carried_forward: bool

    @property
    def gap(self) -> float | None:
        """Places minus children: negative is a shortfall."""
        return None if self.places is None else self.places - self.demand


@dataclass
class Sufficiency:
    forecast: AreaForecast
    inputs: ScenarioInputs
    baseline: Demand
    scenario: Demand
    capacity: dict[str, dict[int, int]]
    years: list[int] = field(default_factory=list)

    def total(self, demand: Demand, groups, year: int) -> float:
        return sum(demand.get(g, {}).get(year, 0.0) for g in groups)

    def state_funded_gap(self, demand: Demand) -> list[GapRow]:
        rows = []
        for year in self.years:
            known = [carried(self.capacity.get(g, {}), year) for g in STATE_FUNDED]
            places = None if all(p is None for p, _ in known) else sum(p or 0 for p, _ in known)
            rows.append(GapRow(year, self.total(demand, STATE_FUNDED, year), places, any(c for _, c in known)))
        return rows

    def group_gap(self, group: str, demand: Demand) -> list[GapRow]:
        rows = []
        for year in self.years:
            places, was_carried = carried(self.capacity.get(group, {}), year)
            rows.append(GapRow(year, demand.get(group, {}).get(year, 0.0), places, was_carried))
        return rows


def sufficiency(area: LocalArea, inputs: ScenarioInputs) -> Sufficiency:
    forecast = area_forecast(area)
    baseline = forecast.baseline()
    scenario = apply(
        baseline,
        inputs,
        origin=forecast.origin,
        new_plans=forecast.new_plans or 0.0,
        special_share=forecast.special_share,
        area_pct=forecast.timeliness,
        england_pct=forecast.england_timeliness,
    )
    years = sorted(y for y in baseline[EHCPLANS] if y > forecast.origin)
    return Sufficiency(forecast, inputs, baseline, scenario, capacity_by_group(area), years)


def summary_of(data: Sufficiency) -> SufficiencySummary | None:
    """The plain-words summary of the baseline, ``SUMMARY_HORIZON`` Januaries ahead."""
    year = data.forecast.origin + SUMMARY_HORIZON
    special = {y: sum(data.baseline.get(g, {}).get(y, 0.0) for g in SPECIAL) for y in data.baseline[EHCPLANS]}
    gap = {row.year: row for row in data.state_funded_gap(data.baseline)}
    return plain_summary(
        area_name=data.forecast.la_name,
        origin=data.forecast.origin,
        year=year,
        special=special,
        state_demand={y: row.demand for y, row in gap.items()},
        state_places={y: row.places for y, row in gap.items()},
    )


def area_summary(area: LocalArea) -> SufficiencySummary | None:
    """The plain-words summary for ``area``; None when there is no forecast (no release, no figures)."""
    try:
        return summary_of(sufficiency(area, ScenarioInputs()))
    except NoForecast:
        return None


# The national page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalRow:
    la_code: str
    la_name: str
    region_name: str
    plans: float | None
    plans_growth: float | None  # % change from the origin to the last forecast year
    special_growth: float | None
    timeliness: float | None
    special_pc: float | None
    mainstream_pc: float | None
    independent_pc: float | None  # % of special school places that are independent or non-maintained


NATIONAL_SORTS = {
    "name": "la_name",
    "region": "region_name",
    "plans": "plans",
    "growth": "plans_growth",
    "special-growth": "special_growth",
    "timeliness": "timeliness",
    "special": "special_pc",
    "mainstream": "mainstream_pc",
    "independent": "independent_pc",
}


def national_rows() -> tuple[int, list[NationalRow]]:
    """(origin January, a row for every local area in the release)."""

    def build(release) -> tuple[int, list[NationalRow]]:
        national = _latest_values(
            release, source_file=CASELOAD_FILE, measures=[EHCPLANS], la_code=None, level="National"
        )
        if not national:
            raise NoForecast("The release has no national count of EHC plans.")
        origin = next(iter(national.values()))[0]
        try:
            rows = dfe.forecast_release(as_of=origin, horizon=HORIZON, measures=(EHCPLANS, "special_total"))
        except dfe.ForecastError as error:
            raise NoForecast(str(error)) from error
        last = {(r.la_code, r.measure): r for r in rows if r.year == origin + HORIZON}
        names = {r.la_code: (r.la_name, r.region_name) for r in rows}
        columns = [EHCPLANS, "special_total", "mainstream_total", "special_independent", "special_non_maintained"]
        latest = _latest_values(
            release, source_file=CASELOAD_FILE, measures=columns, la_code=None, level="Local authority"
        )
        timely = _latest_values(
            release, source_file=TIMELINESS_FILE, measures=[TIMELINESS_MEASURE], la_code=None, level="Local authority"
        )

        def now(code, measure):
            year_value = latest.get((code, measure))
            return year_value[1] if year_value and year_value[0] == origin else None

        def growth(code, measure):
            base, row = now(code, measure), last.get((code, measure))
            return None if not base or row is None else (row.value / base - 1) * 100

        def pc(part, whole):
            return None if part is None or not whole else part / whole * 100

        out = []
        for code, (name, region) in names.items():
            plans = now(code, EHCPLANS)
            special = now(code, "special_total")
            independent = None
            if now(code, "special_independent") is not None and now(code, "special_non_maintained") is not None:
                independent = now(code, "special_independent") + now(code, "special_non_maintained")
            timeliness = timely.get((code, TIMELINESS_MEASURE))
            out.append(
                NationalRow(
                    code,
                    name,
                    region,
                    plans,
                    growth(code, EHCPLANS),
                    growth(code, "special_total"),
                    timeliness[1] if timeliness else None,
                    pc(special, plans),
                    pc(now(code, "mainstream_total"), plans),
                    pc(independent, special),
                )
            )
        return origin, out

    return _cached(("national",), build)  # type: ignore[return-value]


def sorted_rows(rows: list[NationalRow], sort: str, descending: bool) -> list[NationalRow]:
    """Sorted by a column of ``NATIONAL_SORTS``; areas without a figure go last either way."""
    attribute = NATIONAL_SORTS.get(sort, "la_name")
    present = [r for r in rows if getattr(r, attribute) is not None]
    missing = [r for r in rows if getattr(r, attribute) is None]

    def key(row):
        value = getattr(row, attribute)
        return (value.casefold() if isinstance(value, str) else value, row.la_name)

    return sorted(present, key=key, reverse=descending) + sorted(missing, key=lambda r: r.la_name)


def neighbour_names(area: LocalArea) -> list[str]:
    return list(
        StatisticalNeighbour.objects.filter(la_name__iexact=area.name)
        .order_by("rank")
        .values_list("neighbour_name", flat=True)
    )
