"""Benchmarking an area against England, its region and its statistical neighbours (hand-made release)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sendhub.accounts.models import LocalArea
from sendhub.outcomes.benchmark import BenchmarkError, available_measures, benchmark, la_name_key, region_name
from sendhub.outcomes.dfe import import_neighbours, import_release
from tests.factories import LocalAreaFactory

MEASURE = "PC_plans_issued_20_weeks_ex"
HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "new_la_code,old_la_code,la_name,breakdown_topic,breakdown"
)
TOTAL = "All EHC plans issued,All EHC plans issued"
NW = "E12000002,North West"
# Lancashire's neighbours as the neighbours list spells them, closest first.
NEIGHBOURS = [
    "Bury",
    "Durham",  # DfE: County Durham
    "Herefordshire",  # DfE: Herefordshire, County of
    "Wigan",  # x in 2024
    "Stockton-on-Tees",  # not in the release at all
    "Dudley",
    "Darlington",
    "Wakefield",  # z in 2024
    "Nottinghamshire",
    "Northumberland",
]


def la(year: int, name: str, old: str, new: str, *values: str, region: str = NW, topic: str = TOTAL) -> str:
    name = f'"{name}"' if "," in name else name
    return f"{year},Calendar year,Local authority,E92000001,England,{region},{new},{old},{name},{topic}," + ",".join(
        values
    )


def write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def release(db, tmp_path):
    folder = tmp_path / "release"
    write(
        folder / "data" / "timeliness_20_week.csv",
        [
            f"{HEADER},plans_issued_den_ex,{MEASURE}",
            f"2023,Calendar year,National,E92000001,England,,,,,,{TOTAL},80000,50.3",
            f"2024,Calendar year,National,E92000001,England,,,,,,{TOTAL},84866,46.4",
            "2024,Calendar year,National,E92000001,England,,,,,,Sex,Female,30000,44.0",
            f"2023,Calendar year,Regional,E92000001,England,{NW},,,,{TOTAL},13000,55",
            f"2024,Calendar year,Regional,E92000001,England,{NW},,,,{TOTAL},13808,50.5",
            f"2024,Calendar year,Regional,E92000001,England,E12000007,London,,,,{TOTAL},12544,66.9",
            la(2023, "Lancashire", "888", "E10000017", "1527", "80.2"),
            la(2024, "Lancashire", "888", "E10000017", "1718", "17.3"),
            la(2024, "Lancashire", "888", "E10000017", "900", "99.9", topic="Sex,Female"),
            la(2023, "Bury", "351", "E08000002", "300", "45"),
            la(2024, "Bury", "351", "E08000002", "310", "40"),
            la(2024, "County Durham", "840", "E06000047", "500", "60", region="E12000001,North East"),
            la(2024, "Herefordshire, County of", "884", "E06000019", "200", "10", region="E12000005,West Midlands"),
            la(2024, "Wigan", "359", "E08000010", "x", "x"),
            la(2023, "Dudley", "332", "E08000027", "250", "35", region="E12000005,West Midlands"),
            la(2024, "Dudley", "332", "E08000027", "260", "30", region="E12000005,West Midlands"),
            la(2024, "Darlington", "841", "E06000005", "100", "20", region="E12000001,North East"),
            la(2024, "Wakefield", "877", "E08000036", "z", "z", region="E12000003,Yorkshire and The Humber"),
            la(2024, "Nottinghamshire", "891", "E10000024", "700", "50", region="E12000004,East Midlands"),
            la(2024, "Northumberland", "929", "E06000057", "300", "70", region="E12000001,North East"),
            la(2024, "Camden", "202", "E09000007", "400", "80", region="E12000007,London"),
        ],
    )
    write(
        folder / "data" / "newplans.csv",
        [
            f"{HEADER},new_ehc_plans,mainstream_total",
            "2024,Calendar year,National,E92000001,England,,,,,,New EHC plans,New EHC plans,97747,5000",
        ],
    )
    write(
        folder / "data" / "caseload.csv",
        [
            f"{HEADER},ehcplans,mainstream_total",
            "202425,Academic year,National,E92000001,England,,,,,,All EHC plans,All EHC plans,638745,278236",
            la(202425, "Lancashire", "888", "E10000017", "12400", "5000", topic="All EHC plans,All EHC plans").replace(
                "Calendar year", "Academic year"
            ),
        ],
    )
    neighbours = tmp_path / "neighbours.csv"
    header = ["Lancashire", "Bury"]
    columns = [NEIGHBOURS, ["Lancashire", *NEIGHBOURS[1:]]]
    lines = [",".join(header)] + [",".join(col[i] for col in columns) for i in range(10)]
    write(neighbours, lines)
    import_neighbours(neighbours)
    return import_release(folder)


def by_year(area, measure=MEASURE, **kwargs):
    return {row.year: row for row in benchmark(area, measure, **kwargs)}


def test_area_england_region_and_neighbours_per_year(release, area):
    rows = by_year(area)
    assert sorted(rows) == [2023, 2024]
    latest = rows[2024]
    assert (latest.area_value, latest.england, latest.region) == (17.3, 46.4, 50.5)
    # Seven of the ten had a value: 40, 60, 10, 30, 20, 50, 70 (Wigan x, Wakefield z, Stockton absent).
    assert latest.neighbours_count == 7
    assert (latest.neighbours_median, latest.neighbours_min, latest.neighbours_max) == (40, 10, 70)
    assert [(n.name, n.value) for n in latest.neighbour_values] == [
        ("Bury", 40),
        ("Durham", 60),
        ("Herefordshire", 10),
        ("Wigan", None),
        ("Stockton-on-Tees", None),
        ("Dudley", 30),
        ("Darlington", 20),
        ("Wakefield", None),
        ("Nottinghamshire", 50),
        ("Northumberland", 70),
    ]
    # 2023: only Bury (45) and Dudley (35) published; the median of two is their mean.
    earlier = rows[2023]
    assert (earlier.area_value, earlier.england, earlier.region) == (80.2, 50.3, 55)
    assert (earlier.neighbours_count, earlier.neighbours_median, earlier.neighbours_min, earlier.neighbours_max) == (
        2,
        40,
        35,
        45,
    )


def test_missing_values_stay_none_and_no_neighbour_value_gives_no_median(release, area):
    rows = by_year(area, "plans_issued_den_ex")
    assert rows[2024].area_value == 1718
    assert {n.name: n.value for n in rows[2024].neighbour_values}["Wigan"] is None
    assert rows[2024].neighbours_count == 7
    england_only = by_year(area, "new_ehc_plans")
    assert (england_only[2024].england, england_only[2024].area_value) == (97747, None)
    assert (england_only[2024].neighbours_count, england_only[2024].neighbours_median) == (0, None)
    assert england_only[2024].neighbours_min is None and england_only[2024].neighbours_max is None


def test_an_academic_year_is_its_january(release, area):
    rows = by_year(area, "ehcplans")
    assert list(rows) == [2025] and (rows[2025].area_value, rows[2025].england) == (12400, 638745)


def test_a_column_two_files_share_needs_its_file(release, area):
    assert "caseload:mainstream_total" in available_measures(release)
    assert "newplans:mainstream_total" in available_measures(release)
    assert MEASURE in available_measures(release) and "mainstream_total" not in available_measures(release)
    with pytest.raises(BenchmarkError, match="name one of: caseload:mainstream_total, newplans:mainstream_total"):
        benchmark(area, "mainstream_total")
    assert by_year(area, "caseload:mainstream_total")[2025].area_value == 5000
    assert by_year(area, "newplans:mainstream_total")[2024].england == 5000
    assert by_year(area, f"timeliness_20_week:{MEASURE}")[2024].area_value == 17.3


def test_the_region_is_the_areas_own(release):
    camden = LocalAreaFactory(name="Camden", slug="camden", la_code="202", ons_code="E09000007", region="london")
    assert region_name(camden) == "London"
    latest = by_year(camden)[2024]
    assert (latest.area_value, latest.region, latest.england) == (80, 66.9, 46.4)
    assert latest.neighbour_values == [] and latest.neighbours_count == 0


def test_an_area_is_found_by_its_ons_code_when_its_la_code_differs(release):
    renumbered = LocalAreaFactory(name="Lancs", la_code="999", ons_code="E10000017")
    assert by_year(renumbered)[2024].area_value == 17.3
    assert by_year(renumbered)[2024].neighbours_count == 7  # its DfE name, Lancashire, finds its neighbours


def test_an_area_without_published_figures_still_gets_england(release):
    elsewhere = LocalAreaFactory(name="Elsewhere", la_code="998", ons_code="E99999999")
    latest = by_year(elsewhere)[2024]
    assert (latest.area_value, latest.england, latest.neighbours_count) == (None, 46.4, 0)


def test_neighbour_names_match_whatever_their_spelling():
    assert la_name_key("Kingston Upon Hull, City of") == la_name_key("Kingston upon Hull, City of")
    assert la_name_key("Herefordshire") == la_name_key("Herefordshire, County of")
    assert la_name_key("Durham") == la_name_key("County Durham")
    assert la_name_key("Bedford Borough") == la_name_key("Bedford")
    assert la_name_key("St. Helens") == la_name_key("St Helens")
    assert la_name_key("Derby") != la_name_key("Derbyshire")


def test_no_release_or_an_unknown_measure_is_an_error(db, area, release):
    with pytest.raises(BenchmarkError, match=r"Unknown measure 'no_such_column'"):
        benchmark(area, "no_such_column")
    release.delete()
    with pytest.raises(BenchmarkError, match="No DfE release is imported"):
        benchmark(area, MEASURE)


def test_only_the_current_release_is_used_unless_one_is_given(release, area, tmp_path):
    newer = tmp_path / "newer"
    write(
        newer / "timeliness_20_week.csv",
        [f"{HEADER},{MEASURE}", f"2025,Calendar year,National,E92000001,England,,,,,,{TOTAL},48.0"],
    )
    import_release(newer)
    assert list(by_year(area)) == [2025]
    assert sorted(by_year(area, release=release)) == [2023, 2024]


# The command --------------------------------------------------------------------------------------------


def run_benchmark(**options) -> str:
    out = io.StringIO()
    call_command("benchmark", stdout=out, **options)
    return out.getvalue()


def test_benchmark_json_has_the_documented_shape(release, area):
    data = json.loads(run_benchmark(area="888", measure=MEASURE, json=True))
    assert data == {
        "area": "888",
        "measure": MEASURE,
        "years": [
            {
                "year": 2023,
                "area": 80.2,
                "england": 50.3,
                "region": 55,
                "neighbours": {
                    "median": 40,
                    "min": 35,
                    "max": 45,
                    "count": 2,
                    "values": {name: {"Bury": 45, "Dudley": 35}.get(name) for name in NEIGHBOURS},
                },
            },
            {
                "year": 2024,
                "area": 17.3,
                "england": 46.4,
                "region": 50.5,
                "neighbours": {
                    "median": 40,
                    "min": 10,
                    "max": 70,
                    "count": 7,
                    "values": {
                        "Bury": 40,
                        "Durham": 60,
                        "Herefordshire": 10,
                        "Wigan": None,
                        "Stockton-on-Tees": None,
                        "Dudley": 30,
                        "Darlington": 20,
                        "Wakefield": None,
                        "Nottinghamshire": 50,
                        "Northumberland": 70,
                    },
                },
            },
        ],
    }
    assert list(data["years"][1]["neighbours"]["values"]) == NEIGHBOURS  # closest first


def test_benchmark_finds_the_area_by_slug_or_ons_code_and_prints_a_table(release, area):
    assert json.loads(run_benchmark(area="lancashire", measure=MEASURE, json=True))["area"] == "lancashire"
    assert json.loads(run_benchmark(area="E10000017", measure=MEASURE, json=True))["years"][1]["area"] == 17.3
    table = run_benchmark(area="888", measure=MEASURE)
    assert "PC_plans_issued_20_weeks_ex for Lancashire (888)" in table
    assert "2024" in table and "17.3" in table and "46.4" in table and "50.5" in table and "7 of 10" in table
    assert "2023" in table and "80.2" in table


def test_benchmark_lists_measures(release):
    listed = run_benchmark(list_measures=True).split()
    assert MEASURE in listed and "caseload:mainstream_total" in listed


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"area": "777", "measure": MEASURE}, "No local area with LA code, ONS code or slug '777'"),
        ({"area": "888", "measure": "nonsense"}, "Unknown measure 'nonsense'"),
        ({"area": "888", "measure": "mainstream_total"}, "published in several files"),
        ({"area": "888"}, "Give --area CODE and --measure NAME"),
    ],
)
def test_benchmark_errors_are_clear(release, area, options, message):
    with pytest.raises(CommandError, match=message):
        run_benchmark(**options)


def test_benchmark_without_a_release_is_an_error(area):
    with pytest.raises(CommandError, match="No DfE release is imported"):
        run_benchmark(area="888", measure=MEASURE)
    with pytest.raises(CommandError, match="No DfE release is imported"):
        run_benchmark(list_measures=True)


def test_the_lancashire_fixture_is_in_the_north_west(area):
    assert area.region == LocalArea.Region.NORTH_WEST and region_name(area) == "North West"
