"""Benchmarking an area against DfE's published figures: England, its region and its statistical neighbours.

Decisions:

- **Total rows only.** Each figure is the file's all-children row (``dfe.is_total_breakdown``: e.g.
  "All EHC plans issued" in timeliness_20_week.csv, "New EHC plans" in newplans.csv).
- **Measure names** are DfE's column names. 74 columns appear in two files with different meanings
  (``mainstream_total`` counts all plans in caseload.csv and new plans in newplans.csv; ``ehc_plans`` in
  sen_need_newplans.csv and sen_needs_all_plans.csv); those are named ``FILE:COLUMN`` (``caseload:mainstream_total``);
  ``FILE:COLUMN`` is accepted for every measure.
- **Any release's spelling, any letter case.** Figures are stored under SEND Hub's names (the 2025 release's
  spellings); a lookup may use any release's spelling of a file or column, in any case (``pc_plans_issued_20_weeks_ex``,
  ``sen_needs_caseload:ehc_plans``), mapped through ``dfe_layouts``. A column the release lacks because DfE
  removed or split it (``special_academy_free`` in 2026), or one newer than the release, is refused with what
  replaced it.
- **The area** is matched by ``old_la_code == area.la_code``, else ``new_la_code == area.ons_code``; its DfE
  ``la_name`` (from its newest row) finds its statistical neighbours. **The region** is the area's region choice's
  label, which is DfE's ``region_name`` ("North West").
- **Names.** DfE's tables and the statistical neighbours list spell some LAs differently ("Bedford" /
  "Bedford Borough", "County Durham" / "Durham", "Herefordshire, County of" / "Herefordshire", "Kingston upon
  Hull" / "Kingston Upon Hull"); names are compared by ``la_name_key``.
- **Missing values stay None**, never 0. The neighbours' median, min and max are over the neighbours with a
  value that year; ``neighbours_count`` says how many had one.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from django.db.models import F, Q

from sendhub.accounts.models import LocalArea
from sendhub.outcomes import dfe_layouts
from sendhub.outcomes.dfe import current_release, is_total_breakdown
from sendhub.outcomes.models import DfeRelease, DfeValue, StatisticalNeighbour

NATIONAL, REGIONAL, LOCAL_AUTHORITY = "National", "Regional", "Local authority"
_DROP_WORDS = {"city", "of", "county", "borough", "the", "and"}


class BenchmarkError(Exception):
    """The benchmark cannot be produced (no release, unknown or ambiguous measure); the message says why."""


@dataclass(frozen=True)
class NeighbourValue:
    name: str  # as in the statistical neighbours list
    value: float | None


@dataclass
class YearRow:
    year: int
    area_value: float | None
    england: float | None
    region: float | None
    neighbours_median: float | None
    neighbours_min: float | None
    neighbours_max: float | None
    neighbours_count: int  # how many neighbours had a value this year
    neighbour_values: list[NeighbourValue] = field(default_factory=list)  # closest first


def la_name_key(name: str) -> str:
    """A spelling-insensitive key for an LA name: "Kingston Upon Hull, City of" and "Kingston upon Hull" match."""
    words = re.sub(r"[^\w\s]", " ", name.casefold().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in _DROP_WORDS)


def region_name(area: LocalArea) -> str:
    """DfE's region_name for the area: the label of its region choice ('north_west' -> 'North West')."""
    return LocalArea.Region(area.region).label


def _total_rows() -> Q:
    return Q(breakdown_topic=F("breakdown")) | Q(breakdown__istartswith="all ") | Q(breakdown__iexact="total")


def available_measures(release: DfeRelease | None = None) -> list[str]:
    """Every measure of the release, sorted: DfE's column name, or ``FILE:COLUMN`` where two files share it."""
    release = release or current_release()
    if release is None:
        return []
    pairs = set(DfeValue.objects.filter(release=release).values_list("source_file", "measure").distinct())
    files_of: dict[str, list[str]] = {}
    for source_file, measure in pairs:
        files_of.setdefault(measure, []).append(source_file)
    names: list[str] = []
    for measure, files in files_of.items():
        if len(files) == 1:
            names.append(measure)
        else:
            names += [f"{_stem(f)}:{measure}" for f in files]
    return sorted(names, key=str.casefold)


def _stem(source_file: str) -> str:
    return source_file[:-4] if source_file.lower().endswith(".csv") else source_file


def resolve_measure(release: DfeRelease, measure: str) -> tuple[str, str]:
    """``(source_file, column)`` as stored for a measure name or ``FILE:COLUMN``, in any release's spelling and any
    letter case; BenchmarkError if unknown or ambiguous."""
    stem, _, column = measure.strip().rpartition(":")
    stem, column = stem.strip(), column.strip()
    file = dfe_layouts.stored_file_name(f"{stem}.csv") if stem else None
    # Exact names only (the stored spellings it may mean), so the query uses the (release, measure) index.
    stored = DfeValue.objects.filter(release=release, measure__in=dfe_layouts.lookup_names(column))
    pairs = sorted(
        (source_file, name)
        for source_file, name in set(stored.values_list("source_file", "measure").distinct())
        if dfe_layouts.names_column(source_file, name, column) and (file is None or source_file.lower() == file.lower())
    )
    if not pairs:
        why = dfe_layouts.why_missing(column, file)
        if why:
            raise BenchmarkError(f"Measure {measure!r} is not in the DfE release ({release.filename}): {why}")
        raise BenchmarkError(
            f"Unknown measure {measure!r} in the DfE release ({release.filename}). "
            "Use a column name of the release, e.g. PC_plans_issued_20_weeks_ex; "
            "'sendhub benchmark --list-measures' lists them all."
        )
    if len(pairs) > 1:
        options = ", ".join(f"{_stem(f)}:{name}" for f, name in pairs)
        raise BenchmarkError(f"Measure {measure!r} is published in several files; name one of: {options}")
    return pairs[0]


def benchmark(area: LocalArea, measure: str, *, release: DfeRelease | None = None) -> list[YearRow]:
    """Per year (ascending): the area's published value, England's, its region's and its neighbours'."""
    release = release or current_release()
    if release is None:
        raise BenchmarkError("No DfE release is imported; run 'sendhub dfe import PATH' first.")
    source_file, column = resolve_measure(release, measure)
    region = region_name(area)
    levels = Q(geographic_level=NATIONAL) | Q(geographic_level=LOCAL_AUTHORITY)
    levels |= Q(geographic_level=REGIONAL, region_name=region)
    columns = ("time_period", "geographic_level", "old_la_code", "new_la_code", "la_name", "breakdown_topic")
    rows = list(
        DfeValue.objects.filter(levels, _total_rows(), release=release, source_file=source_file, measure=column)
        .order_by("time_period", "pk")
        .values_list(*columns, "breakdown", "value")
    )
    england: dict[int, float | None] = {}
    regional: dict[int, float | None] = {}
    by_code: dict[int, float | None] = {}
    by_ons: dict[int, float | None] = {}
    by_name: dict[str, dict[int, float | None]] = {}
    la_name = ""
    for year, level, old_code, new_code, name, topic, breakdown, value in rows:
        if not is_total_breakdown(topic, breakdown):  # the database's "starts with all" is looser
            continue
        if level == NATIONAL:
            england.setdefault(year, value)
        elif level == REGIONAL:
            regional.setdefault(year, value)
        else:
            by_name.setdefault(la_name_key(name), {}).setdefault(year, value)
            if old_code == area.la_code:
                by_code.setdefault(year, value)
                la_name = name or la_name
            elif new_code == area.ons_code:
                by_ons.setdefault(year, value)
                la_name = la_name or name
    area_values = by_code or by_ons
    neighbours = _neighbours(la_name or _dfe_la_name(area, release) or area.name)
    years = sorted(set(england) | set(regional) | set(area_values))
    result = []
    for year in years:
        values = [NeighbourValue(n, by_name.get(la_name_key(n), {}).get(year)) for n in neighbours]
        present = [v.value for v in values if v.value is not None]
        result.append(
            YearRow(
                year=year,
                area_value=area_values.get(year),
                england=england.get(year),
                region=regional.get(year),
                neighbours_median=round(statistics.median(present), 6) if present else None,
                neighbours_min=min(present) if present else None,
                neighbours_max=max(present) if present else None,
                neighbours_count=len(present),
                neighbour_values=values,
            )
        )
    return result


def _dfe_la_name(area: LocalArea, release: DfeRelease) -> str:
    """The area's name in the DfE release, from any of its rows (when the measure has none for it)."""
    rows = DfeValue.objects.filter(release=release, geographic_level=LOCAL_AUTHORITY).order_by("-time_period")
    for lookup in ({"old_la_code": area.la_code}, {"new_la_code": area.ons_code}):
        name = rows.filter(**lookup).values_list("la_name", flat=True).first()
        if name:
            return name
    return ""


def _neighbours(la_name: str) -> list[str]:
    """The LA's statistical neighbours, closest first, found by name key (spellings differ between lists)."""
    exact = list(StatisticalNeighbour.objects.filter(la_name=la_name).values_list("neighbour_name", flat=True))
    if exact:
        return exact
    key = la_name_key(la_name)
    names = [
        n for n in StatisticalNeighbour.objects.values_list("la_name", flat=True).distinct() if la_name_key(n) == key
    ]
    if not names:
        return []
    return list(StatisticalNeighbour.objects.filter(la_name=names[0]).values_list("neighbour_name", flat=True))
