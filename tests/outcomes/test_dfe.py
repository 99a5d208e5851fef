"""Importing DfE's "Education, health and care plans" release and the statistical neighbours list."""

from __future__ import annotations

import csv
import io
import json
import os
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from sendhub import cli
from sendhub.outcomes.benchmark import BenchmarkError, benchmark, resolve_measure
from sendhub.outcomes.dfe import (
    DfeAlreadyImported,
    DfeImportError,
    import_neighbours,
    import_release,
    is_total_breakdown,
    parse_time_period,
    parse_value,
)
from sendhub.outcomes.models import DfeRelease, DfeValue, StatisticalNeighbour

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
RELEASE_ZIP = SHARED_DATA / "dfe-ehcp-plans-2025.zip"
NEIGHBOURS_CSV = SHARED_DATA / "statistical-neighbours.csv"
SENDHUB = Path(sys.executable).with_name("sendhub")

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "new_la_code,old_la_code,la_name,breakdown_topic,breakdown"
)
TOTAL = "All EHC plans issued,All EHC plans issued"
LANCASHIRE = "Local authority,E92000001,England,E12000002,North West,E10000017,888,Lancashire"


def write_csv(path: Path, lines: list[str], bom: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def small_release(folder: Path) -> Path:
    """A two-measure timeliness file: England, the North West, Lancashire and one LA breakdown row."""
    write_csv(
        folder / "data" / "timeliness_20_week.csv",
        [
            f"{HEADER},plans_issued_den,PC_plans_issued_20_weeks_ex",
            f'2024,Calendar year,National,E92000001,England,,,,,,{TOTAL},"84,866",46.4',
            f"2024,Calendar year,Regional,E92000001,England,E12000002,North West,,,,{TOTAL},13808,50.5",
            f"2024,Calendar year,{LANCASHIRE},{TOTAL},1718,17.3",
            f"2024,Calendar year,{LANCASHIRE},Sex,Female,500,20.1",
            f"2023,Calendar year,{LANCASHIRE},{TOTAL},x,z",
            f"2024,Calendar year,Local authority district,E92000001,England,,,,,Somewhere,{TOTAL},1,2",
        ],
    )
    return folder


def nothing_stored() -> bool:
    return not DfeRelease.objects.exists() and not DfeValue.objects.exists()


# Cells, periods and totals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17.3", (17.3, "")),
        (" 752 ", (752.0, "")),
        ("-3", (-3.0, "")),
        ("1,234", (1234.0, "")),
        ("84,866.5", (84866.5, "")),
        ("x", (None, "x")),
        ("z", (None, "z")),
        ("c", (None, "c")),
        (":", (None, ":")),
        ("low", (None, "low")),
        ("", (None, "")),
        ("nan", (None, "nan")),
        ("1,23", (None, "1,23")),
        ("unavailable", (None, "unavailabl")),  # DfeValue.marker holds ten characters
    ],
)
def test_a_cell_is_a_number_or_missing_with_its_marker(text, expected):
    assert parse_value(text) == expected


@pytest.mark.parametrize(("text", "year"), [("2024", 2024), ("202425", 2025), ("201819", 2019), ("199900", 2000)])
def test_a_time_period_is_the_year_it_names(text, year):
    assert parse_time_period(text) == year


@pytest.mark.parametrize("text", ["24", "202426", "2024/25", "", "year"])
def test_an_unknown_time_period_is_refused(text):
    with pytest.raises(ValueError, match="time_period"):
        parse_time_period(text)


def test_the_total_breakdown_of_each_file_is_recognised():
    assert is_total_breakdown("All EHC plans issued", "All EHC plans issued")
    assert is_total_breakdown("New EHC plans", "New EHC plans")
    assert is_total_breakdown("Placement", "Total")
    assert not is_total_breakdown("Sex", "Female")
    assert not is_total_breakdown("Child or young persons age", "Aged 10")


# A hand-made release ------------------------------------------------------------------------------------


def test_a_folder_release_stores_every_measure_of_the_rows_kept(db, tmp_path):
    release = import_release(small_release(tmp_path))
    assert release.is_current and release.latest_year == 2024
    # National, Regional and Lancashire's two totals; the LA breakdown and the district row are not kept.
    assert release.summary.rows_read == 6 and release.summary.rows_kept == 4
    assert release.row_count == release.summary.values == DfeValue.objects.count() == 8
    england = DfeValue.objects.get(geographic_level="National", measure="plans_issued_den")
    assert (england.value, england.marker, england.source_file) == (84866.0, "", "timeliness_20_week.csv")
    lancs_2023 = {v.measure: (v.value, v.marker) for v in DfeValue.objects.filter(old_la_code="888", time_period=2023)}
    assert lancs_2023 == {"plans_issued_den": (None, "x"), "PC_plans_issued_20_weeks_ex": (None, "z")}
    assert not DfeValue.objects.filter(value=0).exists()


def test_all_breakdowns_keeps_local_authority_breakdowns_too(db, tmp_path):
    release = import_release(small_release(tmp_path), all_breakdowns=True)
    assert release.summary.rows_kept == 5
    assert DfeValue.objects.get(breakdown="Female", measure="PC_plans_issued_20_weeks_ex").value == 20.1


def test_a_zip_with_the_csvs_at_its_top_is_read_and_a_newer_release_becomes_current(db, tmp_path):
    first = import_release(small_release(tmp_path / "folder"))
    archive = tmp_path / "release.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(tmp_path / "folder" / "data" / "timeliness_20_week.csv", "timeliness_20_week.csv")
        zf.writestr("notes.txt", "not data")
    second = import_release(archive)
    first.refresh_from_db()
    assert second.is_current and not first.is_current
    assert second.filename == "release.zip" and second.summary.files == ["timeliness_20_week.csv"]
    assert DfeValue.objects.filter(release=second).count() == 8


def test_the_same_release_twice_is_refused_and_nothing_is_duplicated(db, tmp_path):
    folder = small_release(tmp_path)
    import_release(folder)
    with pytest.raises(DfeAlreadyImported, match="already imported"):
        import_release(folder)
    assert DfeRelease.objects.count() == 1 and DfeValue.objects.count() == 8


# Bad input stores nothing -------------------------------------------------------------------------------


def test_an_empty_zip_is_refused(db, tmp_path):
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(DfeImportError, match=r"empty\.zip: no CSV files in the zip"):
        import_release(empty)
    assert nothing_stored()


def test_a_text_file_is_refused(db, tmp_path):
    text = tmp_path / "readme.txt"
    text.write_text("Education, health and care plans\n")
    with pytest.raises(DfeImportError, match=r"readme\.txt: not a zip file or a folder"):
        import_release(text)
    with pytest.raises(DfeImportError, match="no such file or folder"):
        import_release(tmp_path / "missing.zip")
    with pytest.raises(DfeImportError, match="no CSV files in the folder"):
        (tmp_path / "folder").mkdir()
        import_release(tmp_path / "folder")
    assert nothing_stored()


def test_a_csv_without_time_period_names_the_file_and_column(db, tmp_path):
    write_csv(tmp_path / "requests.csv", ["geographic_level,breakdown_topic,breakdown,requests", "National,All,All,1"])
    with pytest.raises(DfeImportError, match=r"requests\.csv: the header has no time_period column"):
        import_release(tmp_path)
    assert nothing_stored()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], r"zz\.csv: the file is empty"),
        ([f"{HEADER},ehcplans"], r"zz\.csv: the file has a header but no data rows"),
        ([HEADER, f"2024,Calendar year,National,E92000001,England,,,,,,{TOTAL}"], "no measure columns"),
        ([f"{HEADER},ehcplans", f"2024/25,Academic year,National,,,,,,,,{TOTAL},5"], r"line 2, column time_period"),
        (
            [f"{HEADER},ehcplans", f"2024,Calendar year,National,,,,,,,,{TOTAL},5,6"],
            r"line 2: 14 fields where the header has 13",
        ),
        (
            [f"{HEADER},ehcplans", f"2024,Calendar year,Local authority,,,,,,,Nowhere,{TOTAL},5"],
            "line 2: a Local authority row",
        ),
        (
            [f"{HEADER},ehcplans", f"2024,Calendar year,Local authority,,,,,,8888,Far,{TOTAL},5"],
            "line 2, column old_la_code",
        ),
        ([f"{HEADER},", f"2024,Calendar year,National,,,,,,,,{TOTAL},5"], "header column 13 has no name"),
    ],
)
def test_a_bad_file_after_a_good_one_stores_nothing(db, tmp_path, lines, message):
    small_release(tmp_path)  # data/timeliness_20_week.csv, read first
    bad = tmp_path / "data" / "zz.csv"
    if lines:
        write_csv(bad, lines)
    else:
        bad.write_bytes(b"")
    with pytest.raises(DfeImportError, match=message):
        import_release(tmp_path)
    assert nothing_stored()


def test_a_file_that_is_not_utf8_is_refused(db, tmp_path):
    (tmp_path / "caseload.csv").write_bytes(
        f"{HEADER},ehcplans\n".encode() + "2024,,National,,,,,,,,Tôtal,Tôtal,1\n".encode("latin-1")
    )
    with pytest.raises(DfeImportError, match=r"caseload\.csv: not UTF-8 text"):
        import_release(tmp_path)
    assert nothing_stored()


# Statistical neighbours ---------------------------------------------------------------------------------


def neighbours_csv(path: Path, columns: dict[str, list[str]], extra_rows: int = 1) -> Path:
    rows = [list(columns)]
    height = max(len(v) for v in columns.values())
    for i in range(height + extra_rows):
        rows.append([(v[i] if i < len(v) else "") for v in columns.values()])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return path


def ten(prefix: str) -> list[str]:
    return [f"{prefix} {i}" for i in range(1, 11)]


def test_neighbours_replace_the_old_list(db, tmp_path):
    StatisticalNeighbour.objects.create(la_name="Old", neighbour_name="Gone", rank=1)
    count = import_neighbours(
        neighbours_csv(tmp_path / "sn.csv", {"Lancashire": ten("L"), "Bristol, City of": ten("B")})
    )
    assert count == 20 == StatisticalNeighbour.objects.count()
    assert list(StatisticalNeighbour.objects.filter(la_name="Bristol, City of").values_list("rank", "neighbour_name"))[
        :2
    ] == [
        (1, "B 1"),
        (2, "B 2"),
    ]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"Lancashire": ten("L"), "Bury": ten("B")[:9]}, r"column 2 \('Bury'\), row 11: no neighbour name"),
        (
            {"Lancashire": ten("L"), "Bury": [*ten("B")[:4], "", *ten("B")[5:]]},
            r"column 2 \('Bury'\), row 6: no neighbour",
        ),
        ({"Lancashire": [*ten("L"), "L 11"]}, r"column 1 \('Lancashire'\), row 12: 'L 11' is an 11th neighbour"),
        ({"Lancashire": [*ten("L")[:9], "L 1"]}, r"row 11: 'L 1' is listed twice"),
        ({"": ten("X"), "Bury": ten("B")}, "column 1 has no LA name"),
        ({"Bury": ten("B"), "": ten("X")}, r"row 2: 'X 1' is in a column with no LA name"),
    ],
)
def test_a_bad_neighbours_file_names_the_column_and_row_and_keeps_the_old_list(db, tmp_path, columns, message):
    StatisticalNeighbour.objects.create(la_name="Old", neighbour_name="Kept", rank=1)
    with pytest.raises(DfeImportError, match=message):
        import_neighbours(neighbours_csv(tmp_path / "sn.csv", columns))
    assert list(StatisticalNeighbour.objects.values_list("neighbour_name", flat=True)) == ["Kept"]


def test_an_empty_neighbours_file_is_refused(db, tmp_path):
    (tmp_path / "sn.csv").write_bytes(b"")
    with pytest.raises(DfeImportError, match="the file is empty"):
        import_neighbours(tmp_path / "sn.csv")


# Commands -----------------------------------------------------------------------------------------------


def test_dfe_import_command_reports_what_it_stored(db, tmp_path):
    out = io.StringIO()
    call_command("dfe_import", str(small_release(tmp_path)), stdout=out)
    assert "1 files, 4 of 6 rows, 8 values stored, years 2023-2024, in" in out.getvalue()


def test_importing_a_release_already_held_exits_0_and_changes_nothing(db, tmp_path, capsys, monkeypatch):
    """A monthly scheduled import finds the same release most months: that is not an alarm (issue 14 item 5)."""
    folder = str(small_release(tmp_path))
    call_command("dfe_import", folder, stdout=io.StringIO())
    release = DfeRelease.objects.get()

    # The `sendhub` entry point in this process (its exit status), keeping the test database open after it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    assert cli.main(["sendhub", "dfe", "import", folder]) == 0
    said = capsys.readouterr()
    assert f"{folder}: already imported, nothing changed (release #{release.pk}" in said.out
    assert "it is the current release" in said.out and said.err == ""
    assert DfeRelease.objects.count() == 1 and DfeValue.objects.count() == 8

    # A newer release is current now: re-importing the old one still changes nothing, and says which is current.
    newer = write_csv(
        tmp_path / "newer" / "timeliness_20_week.csv",
        [f"{HEADER},PC_plans_issued_20_weeks_ex", f"2025,Calendar year,National,,,,,,,,{TOTAL},48.0"],
    ).parent
    call_command("dfe_import", str(newer), stdout=io.StringIO())
    out = io.StringIO()
    call_command("dfe_import", folder, stdout=out)
    current = DfeRelease.objects.get(is_current=True)
    assert "already imported, nothing changed" in out.getvalue()
    assert f"the current release is #{current.pk} (newer)" in out.getvalue()
    release.refresh_from_db()
    assert not release.is_current and DfeRelease.objects.count() == 2


def test_sendhub_dfe_import_exits_non_zero_on_bad_input(tmp_path):
    (tmp_path / "x.txt").write_text("hello")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["SENDHUB_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(  # noqa: S603 - our own console script
        [str(SENDHUB), "dfe", "import", str(tmp_path / "x.txt")], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 1
    assert "not a zip file or a folder of CSV files" in done.stderr


def test_dfe_neighbours_command(db, tmp_path):
    out = io.StringIO()
    call_command("dfe_neighbours", str(neighbours_csv(tmp_path / "sn.csv", {"Lancashire": ten("L")})), stdout=out)
    assert "Stored 10 statistical neighbours for 1 local authorities." in out.getvalue()
    with pytest.raises(CommandError, match="no such file"):
        call_command("dfe_neighbours", str(tmp_path / "none.csv"))


# The real release (one import: it stores about 450,000 values) -------------------------------------------


@pytest.mark.skipif(not RELEASE_ZIP.is_file(), reason=f"the shared data folder is absent ({SHARED_DATA})")
def test_the_real_release_gives_the_published_figures(db, area):
    release = import_release(RELEASE_ZIP)
    summary = release.summary
    assert len(summary.files) == 12 and "sen2_dmo_dco.csv" not in summary.files  # data/ only
    assert summary.years == {2019, 2020, 2021, 2022, 2023, 2024, 2025}
    assert release.row_count == summary.values == DfeValue.objects.count() > 400_000
    assert any("review_meeting_prior_24" in w for w in summary.warnings)

    # The headline: Lancashire 17.3% of new plans within 20 weeks in 2024 (297/1718), England 46.4%.
    rows = {r.year: r for r in benchmark(area, "PC_plans_issued_20_weeks_ex")}
    assert sorted(rows) == [2019, 2020, 2021, 2022, 2023, 2024]
    assert (rows[2024].area_value, rows[2024].england, rows[2024].region) == (17.3, 46.4, 50.5)
    assert (rows[2019].area_value, rows[2019].england) == (74.8, 60.4)
    assert rows[2022].area_value == 98.6 and rows[2023].area_value == 80.2
    counts = {r.year: r for r in benchmark(area, "plans_issued_20_weeks_ex")}
    assert (counts[2024].area_value, counts[2024].england) == (297, 39407)

    # x is missing, not zero.
    missing = DfeValue.objects.get(
        old_la_code="888",
        time_period=2019,
        measure="plans_issued_gt20weeks_ltYear",
        source_file="timeliness_20_week.csv",
    )
    assert (missing.value, missing.marker) == (None, "x")
    assert DfeValue.objects.filter(marker="x").exclude(value=None).count() == 0
    assert not [r for r in benchmark(area, "plans_issued_gt20weeks_ltYear") if r.year == 2019 and r.area_value == 0]

    # Academic years are stored as their January: EHC plans in England, January 2019 and January 2025.
    plans = {r.year: r.england for r in benchmark(area, "ehcplans")}
    assert plans[2019] == 353_995 and plans[2025] == 638_745

    # Columns two files share must be named with their file.
    with pytest.raises(BenchmarkError, match="caseload:mainstream_total, newplans:mainstream_total"):
        resolve_measure(release, "mainstream_total")
    assert resolve_measure(release, "newplans:mainstream_total") == ("newplans.csv", "mainstream_total")

    # Neighbours, from the real list; every name matches a DfE name despite different spellings.
    assert import_neighbours(NEIGHBOURS_CSV) == 1530  # 153 LAs
    latest = benchmark(area, "PC_plans_issued_20_weeks_ex")[-1]
    names = [n.name for n in latest.neighbour_values]
    assert names[:3] == ["Lincolnshire", "Bury", "Dudley"] and "Herefordshire" in names and len(names) == 10
    published = [n.value for n in latest.neighbour_values if n.value is not None]
    assert latest.neighbours_count == len(published) == 10
    assert latest.neighbours_median == statistics.median(published)
    assert (latest.neighbours_min, latest.neighbours_max) == (min(published), max(published))
    hereford = DfeValue.objects.get(
        la_name="Herefordshire, County of", time_period=2024, measure="PC_plans_issued_20_weeks_ex"
    ).value
    assert dict((n.name, n.value) for n in latest.neighbour_values)["Herefordshire"] == hereford

    # The same file again is refused; nothing is added.
    with pytest.raises(DfeAlreadyImported):
        import_release(RELEASE_ZIP)
    assert DfeRelease.objects.count() == 1 and DfeValue.objects.count() == release.row_count

    # The command's JSON.
    out = io.StringIO()
    call_command("benchmark", area="888", measure="PC_plans_issued_20_weeks_ex", json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["area"] == "888" and data["measure"] == "PC_plans_issued_20_weeks_ex"
    year = data["years"][-1]
    assert (year["year"], year["area"], year["england"], year["region"]) == (2024, 17.3, 46.4, 50.5)
    assert year["neighbours"]["count"] == 10 and list(year["neighbours"]["values"])[0] == "Lincolnshire"
