"""Loading per-area series from DfE's published figures: x/z, the 2023 break, what is known at an origin."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sendhub.forecasting.series import (
    BREAK_YEAR,
    NATIONAL,
    Panel,
    Row,
    Series,
    build_panel,
    crosses_break,
    load_panel,
    log_growths,
    region_key,
)
from sendhub.outcomes.dfe import import_release

NW = ("E12000002", "North West")
HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "new_la_code,old_la_code,la_name,breakdown_topic,breakdown"
)
CASELOAD_COLUMNS = "ehcplans,special_total,mainstream_total,fe_total,ap_pru_total,ed_elsewhere"


def panel_of(series: dict[str, dict[int, float | None]], *, measure: str = "ehcplans", flows=None) -> Panel:
    """A panel from plain series: keys are LA codes, NATIONAL or region keys; every LA is in the North West."""
    rows = []
    for key, values in series.items():
        for year, value in values.items():
            if key == NATIONAL:
                rows.append(Row("caseload.csv", year, "National", "", "", "", "", measure, value))
            elif key.startswith("R:"):
                rows.append(Row("caseload.csv", year, "Regional", key[2:], NW[1], "", "", measure, value))
            else:
                rows.append(Row("caseload.csv", year, "Local authority", *NW, key, f"Area {key}", measure, value))
    for (key, column), values in (flows or {}).items():
        for year, value in values.items():
            level = "National" if key == NATIONAL else "Local authority"
            code, name = ("", "") if key == NATIONAL else (key, f"Area {key}")
            rows.append(Row(column[0], year, level, *NW, code, name, column[1], value))
    rows.sort(key=lambda r: r.time_period)
    return build_panel(rows)


# The published layout, for the tests that import a release ------------------------------------------------


def academic(year: int) -> str:
    """The time_period DfE gives the January ``year`` census: 2025 -> 202425."""
    return f"{year - 1}{year % 100:02d}"


def write_release(folder: Path, areas: dict[str, tuple[str, dict[int, tuple]]], *, england: dict[int, tuple]) -> Path:
    """caseload.csv and newplans.csv in DfE's layout. ``areas``: code -> (name, {year: six caseload cells}).

    The cells are strings or numbers, in CASELOAD_COLUMNS' order; the region is the sum of the areas.
    """
    lines = [f"{HEADER},{CASELOAD_COLUMNS}"]
    total = "All EHC plans,All EHC plans"
    for year, cells in sorted(england.items()):
        lines.append(
            f"{academic(year)},Academic year,National,E92000001,England,,,,,,{total},{','.join(map(str, cells))}"
        )
    years = sorted({y for _, values in areas.values() for y in values})
    for year in years:
        sums = [0.0] * 6
        for _, values in areas.values():
            for i, cell in enumerate(values.get(year, ("x",) * 6)):
                sums[i] += float(cell) if str(cell).replace(".", "").isdigit() else 0
        region = f"{academic(year)},Academic year,Regional,E92000001,England,{NW[0]},{NW[1]},,,,{total}"
        lines.append(f"{region},{','.join(str(int(s)) for s in sums)}")
        for code, (name, values) in areas.items():
            if year in values:
                la = f"Local authority,E92000001,England,{NW[0]},{NW[1]},E0000{code},{code},{name}"
                lines.append(f"{academic(year)},Academic year,{la},{total},{','.join(map(str, values[year]))}")
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "caseload.csv").write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    new_plans = [f"{HEADER},new_ehc_plans"]
    for year in years[:-1]:
        for code, (name, values) in areas.items():
            la = f"Local authority,E92000001,England,{NW[0]},{NW[1]},E0000{code},{code},{name}"
            cells = values.get(year)
            value = int(float(cells[0]) * 0.12) if cells and str(cells[0]).isdigit() else "x"
            new_plans.append(f"{year},Calendar year,{la},New EHC plans,New EHC plans,{value}")
    (data / "newplans.csv").write_text("\ufeff" + "\r\n".join(new_plans) + "\r\n", encoding="utf-8")
    return folder


def grown(start: float, rate: float, years=range(2019, 2026)) -> dict[int, float]:
    return {y: round(start * rate ** (y - years[0])) for y in years}


# Tests ---------------------------------------------------------------------------------------------------


def test_suppressed_figures_stay_missing_and_only_points_with_numbers_reach_a_method():
    series = Series({2019: 100.0, 2020: None, 2021: 121.0})
    assert series.points() == [(2019, 100.0), (2021, 121.0)]
    assert series.get(2020) is None
    # Growth over the gap is spread over its two years: 10% a year.
    [(year, growth, span)] = log_growths(series.points())
    assert (year, span) == (2021, 2) and growth == pytest.approx(math.log(1.1))


def test_growth_to_or_from_zero_is_left_out():
    assert log_growths([(2019, 0.0), (2020, 5.0), (2021, 10.0)]) == [(2021, math.log(2), 1)]


def test_the_2023_collection_break_is_marked_and_can_be_skipped():
    assert BREAK_YEAR == 2023
    assert crosses_break(2023) and not crosses_break(2022) and not crosses_break(2024)
    points = [(2021, 100.0), (2022, 110.0), (2023, 80.0), (2024, 88.0)]
    assert [y for y, _, _ in log_growths(points)] == [2022, 2023, 2024]
    assert [y for y, _, _ in log_growths(points, skip_break=True)] == [2022, 2024]
    # A gap over the break (2022 suppressed) is skipped too.
    assert [y for y, _, _ in log_growths([(2021, 1.0), (2023, 2.0)], skip_break=True)] == []


def test_the_panel_keys_areas_regions_and_england_and_cuts_at_an_origin():
    panel = panel_of(
        {"888": {2023: 100.0, 2024: None, 2025: 130.0}, NATIONAL: {2024: 10.0}, region_key(NW[0]): {2024: 5.0}},
        flows={("888", ("newplans.csv", "new_ehc_plans")): {2023: 9.0, 2024: 12.0}},
    )
    assert panel.areas["888"].name == "Area 888" and panel.areas["888"].region_name == "North West"
    assert panel.series("888", "ehcplans").values == {2023: 100.0, 2024: None, 2025: 130.0}
    assert panel.series(NATIONAL, "ehcplans").get(2024) == 10.0
    assert panel.series(region_key(NW[0]), "ehcplans").get(2024) == 5.0
    assert panel.latest_year == 2025
    known = panel.known_at(2024)
    assert known.series("888", "ehcplans").values == {2023: 100.0, 2024: None}
    # January 2024 is published with calendar 2023's flows: 2024's are not known yet.
    assert known.flow("888", "new_plans").values == {2023: 9.0}
    assert known.latest_year == 2024  # England and the region publish January 2024


def test_rows_of_other_files_levels_and_measures_are_ignored():
    rows = [
        Row("caseload.csv", 2025, "Local authority district", *NW, "", "Somewhere", "ehcplans", 1.0),
        Row("caseload.csv", 2025, "Local authority", *NW, "888", "Lancashire", "mainstream_total_pc", 40.0),
        Row("newplans.csv", 2024, "Local authority", *NW, "888", "Lancashire", "special_total", 7.0),
        Row("caseload.csv", 2025, "Local authority", *NW, "888", "Lancashire", "special_total", 3.0),
    ]
    panel = build_panel(rows)
    assert list(panel.caseload) == [("888", "special_total")] and panel.flows == {}


def test_load_panel_reads_an_imported_release_in_the_published_layout(db, tmp_path):
    areas = {
        "888": ("Lancashire", {2024: (1000, 300, 400, 100, 10, 20), 2025: (1100, "x", 450, 110, "z", 25)}),
        "909": ("Cumbria", {2024: (500, 150, 200, 50, 5, 10), 2025: (530, 160, 210, 55, 6, 11)}),
    }
    release = import_release(write_release(tmp_path, areas, england={2024: (1500,) * 6, 2025: (1630,) * 6}))
    panel = load_panel(release)
    assert panel.release_id == release.pk
    assert panel.series("888", "ehcplans").values == {2024: 1000.0, 2025: 1100.0}
    assert panel.series("888", "special_total").values == {2024: 300.0, 2025: None}  # x is missing, not 0
    assert panel.series("888", "ap_pru_total").get(2025) is None  # z too
    assert panel.series(NATIONAL, "ehcplans").get(2025) == 1630.0
    assert panel.series(region_key(NW[0]), "ehcplans").get(2025) == 1630.0
    assert panel.flow("909", "new_plans").values == {2024: 60.0}
    assert panel.areas["909"].name == "Cumbria"
