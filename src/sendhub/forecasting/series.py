"""Per-area yearly series from DfE's imported "Education, health and care plans" release (``DfeValue`` rows).

Decisions, so a forecast can be traced to the published figures:

- **Which figures.** The January caseload (``caseload.csv``: ``ehcplans`` and the placement totals in
  ``CASELOAD_MEASURES``) and the calendar-year flows that change it (``FLOW_MEASURES``: new plans, ceased
  plans, requests, plans issued after assessment), each for every local authority, region and England, total
  breakdown only. The importer stores an academic year ``202425`` as **2025** (the January 2025 census) and a
  calendar year ``2024`` as 2024, so ``Series.values[2025]`` is January 2025's caseload and
  ``flows[2024]`` is what happened during 2024.
- **What is known at an origin.** A forecast made "as of January Y" may use the caseload for January Y and
  earlier and the flows of calendar years before Y (DfE publishes calendar 2024's flows with January 2025's
  caseload, in June 2025). ``Series.until`` and ``Panel.known_at`` cut everything else off, so no later figure
  can reach a method (tests poison later values to prove it).
- **Suppressed and missing figures.** ``x`` (not available) and ``z`` (not applicable) are imported as
  ``value=None``; they stay ``None`` here (never 0). A method sees only the years with a number
  (``Series.points``); growth across a gap is taken per year (the gap's geometric mean). An area whose figure
  for the origin year itself is missing gets no forecast (there is nothing to start from), and says so.
- **The 2023 break.** DfE's figures to January 2022 come from the aggregate SEN2 collection; from January 2023
  on, from the person-level collection (data guidance, "The time series"). The change moved children into a new
  "placement unknown" column (12,127 in England in January 2023, none before), so placement totals such as
  ``special_total`` step down at the break while ``ehcplans`` does not. ``BREAK_YEAR`` marks it; a yearly
  change is ``crosses_break`` when it spans January 2022 → January 2023. The methods in ``methods.py`` that
  use growth rates can leave such steps out of an area's own growth (``skip_break``); which way is better is
  decided by the backtest (see ``docs/decisions.md``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CASELOAD_FILE = "caseload.csv"
# Caseload columns forecast: every EHC plan, then the placement totals DfE publishes for every area and year.
CASELOAD_MEASURES = (
    "ehcplans",
    "special_total",
    "mainstream_total",
    "fe_total",
    "ap_pru_total",
    "ed_elsewhere",
)
# (file, column) of each calendar-year flow, and the short name used here.
FLOW_MEASURES = {
    "new_plans": ("newplans.csv", "new_ehc_plans"),
    "ceased": ("ceased_plans.csv", "total_ceased"),
    "requests": ("requests.csv", "requests_received_in_year"),
}
BREAK_YEAR = 2023  # the first January from the person-level collection
NATIONAL = "E"  # the key of England's series; a region's is "R:" + its ONS code
LOCAL_AUTHORITY = "Local authority"


def region_key(region_code: str) -> str:
    return f"R:{region_code}"


def crosses_break(year: int) -> bool:
    """True for the change from January ``year - 1`` to January ``year`` when it spans the 2023 break."""
    return year - 1 < BREAK_YEAR <= year


@dataclass(frozen=True)
class Area:
    code: str  # DfE's old three-digit LA code, e.g. "888"
    name: str
    region_code: str
    region_name: str


@dataclass(frozen=True)
class Series:
    """One area's published figures for one measure: ``{year: value}``, ``None`` where suppressed."""

    values: Mapping[int, float | None]

    def until(self, year: int) -> Series:
        """Only the years up to and including ``year``."""
        return Series({y: v for y, v in self.values.items() if y <= year})

    def points(self) -> list[tuple[int, float]]:
        """(year, value) for the years with a number, oldest first."""
        return sorted((y, v) for y, v in self.values.items() if v is not None)

    def get(self, year: int) -> float | None:
        return self.values.get(year)


def log_growths(points: list[tuple[int, float]], *, skip_break: bool = False) -> list[tuple[int, float, int]]:
    """Per-year log growth between consecutive published points: (to_year, growth per year, years spanned).

    A step over a gap (a suppressed year) is spread evenly over its years. Steps from or to a value that is not
    positive are left out (a log ratio has no meaning there). With ``skip_break`` a step spanning the 2023
    collection change is left out too.
    """
    out = []
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if v0 <= 0 or v1 <= 0:
            continue
        if skip_break and y0 < BREAK_YEAR <= y1:
            continue
        span = y1 - y0
        out.append((y1, math.log(v1 / v0) / span, span))
    return out


@dataclass
class Panel:
    """Every series of one release: caseload and flows for each LA, region and England."""

    release_id: int | None
    areas: dict[str, Area] = field(default_factory=dict)  # LA code -> Area
    caseload: dict[tuple[str, str], Series] = field(default_factory=dict)  # (key, measure) -> January series
    flows: dict[tuple[str, str], Series] = field(default_factory=dict)  # (key, flow) -> calendar-year series

    @property
    def latest_year(self) -> int | None:
        years = [y for s in self.caseload.values() for y, v in s.values.items() if v is not None]
        return max(years) if years else None

    def series(self, key: str, measure: str) -> Series:
        return self.caseload.get((key, measure), Series({}))

    def flow(self, key: str, name: str) -> Series:
        return self.flows.get((key, name), Series({}))

    def known_at(self, as_of: int) -> Panel:
        """What was published by the time January ``as_of``'s caseload was: caseload to ``as_of``, flows to
        ``as_of - 1``."""
        return Panel(
            release_id=self.release_id,
            areas=self.areas,
            caseload={k: s.until(as_of) for k, s in self.caseload.items()},
            flows={k: s.until(as_of - 1) for k, s in self.flows.items()},
        )


@dataclass(frozen=True)
class Row:
    """The part of a ``DfeValue`` the panel needs (so the panel can be built from plain rows in tests)."""

    source_file: str
    time_period: int
    geographic_level: str
    region_code: str
    region_name: str
    old_la_code: str
    la_name: str
    measure: str
    value: float | None


def build_panel(rows: Iterable[Row], *, release_id: int | None = None) -> Panel:
    """The panel from published rows (LA, regional and national totals of the files named above)."""
    panel = Panel(release_id=release_id)
    caseload: dict[tuple[str, str], dict[int, float | None]] = {}
    flows: dict[tuple[str, str], dict[int, float | None]] = {}
    flow_of = {pair: name for name, pair in FLOW_MEASURES.items()}
    for r in rows:
        if r.geographic_level == LOCAL_AUTHORITY:
            if not r.old_la_code:
                continue
            key = r.old_la_code
            if r.source_file == CASELOAD_FILE:  # rows come oldest first: the newest name and region win
                panel.areas[key] = Area(key, r.la_name, r.region_code, r.region_name)
        elif r.geographic_level == "Regional":
            key = region_key(r.region_code)
        elif r.geographic_level == "National":
            key = NATIONAL
        else:
            continue
        if r.source_file == CASELOAD_FILE and r.measure in CASELOAD_MEASURES:
            caseload.setdefault((key, r.measure), {})[r.time_period] = r.value
        elif (r.source_file, r.measure) in flow_of:
            flows.setdefault((key, flow_of[(r.source_file, r.measure)]), {})[r.time_period] = r.value
    panel.caseload = {k: Series(v) for k, v in caseload.items()}
    panel.flows = {k: Series(v) for k, v in flows.items()}
    return panel


def load_panel(release) -> Panel:
    """The panel of an imported ``DfeRelease`` (one query over its total-breakdown rows)."""
    from django.db.models import F, Q

    from sendhub.outcomes.models import DfeValue

    wanted = Q(source_file=CASELOAD_FILE, measure__in=CASELOAD_MEASURES)
    for source_file, column in FLOW_MEASURES.values():
        wanted |= Q(source_file=source_file, measure=column)
    # The total rows, narrowed in SQL (England and the regions are stored with every breakdown); the exact rule,
    # ``is_total_breakdown``, is applied to what comes back.
    total = Q(breakdown_topic=F("breakdown")) | Q(breakdown__istartswith="all ") | Q(breakdown__iexact="total")
    qs = (
        DfeValue.objects.filter(release=release, geographic_level__in=(LOCAL_AUTHORITY, "Regional", "National"))
        .filter(wanted)
        .filter(total)
        .values_list(
            "source_file",
            "time_period",
            "geographic_level",
            "region_code",
            "region_name",
            "old_la_code",
            "la_name",
            "breakdown_topic",
            "breakdown",
            "measure",
            "value",
        )
        .order_by("time_period", "pk")
    )
    from sendhub.outcomes.dfe import is_total_breakdown

    rows = (
        Row(sf, tp, gl, rc, rn, code, name, measure, value)
        for sf, tp, gl, rc, rn, code, name, topic, breakdown, measure, value in qs.iterator(chunk_size=5000)
        if is_total_breakdown(topic, breakdown)
    )
    return build_panel(rows, release_id=release.pk)
