"""Importing GIAS "establishment fields" extracts: the real file format, history by date, refusals."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from sendhub.establishments.fictional import county_establishments, write_extract
from sendhub.establishments.gias import GiasFileError, extract_date_from_filename, read_extract
from sendhub.establishments.models import Establishment, GiasExtract
from sendhub.establishments.selectors import establishments_at
from sendhub.establishments.services import gias_extract_import

pytestmark = pytest.mark.django_db


def _county():
    return county_establishments(seed=7)


def test_the_fictional_county_reads_back_as_written():
    made = _county()
    facts = read_extract(write_extract(made), source="edubasealldata20250103.csv")
    assert [f.urn for f in facts] == [m.urn for m in made]
    first = next(f for f in facts if f.type_name == "Further education")
    assert first.type_group == "Colleges" and len(first.ukprn) == 8
    converted = [f for f in facts if f.status == "Closed"]
    assert converted and all(f.close_date for f in converted)


def test_import_then_resolve_by_urn_and_ukprn():
    made = _county()
    result = gias_extract_import(data=write_extract(made), filename="edubasealldata20250103.csv")
    assert result.new == len(made) and result.changed == 0
    assert result.extract.extract_date == date(2025, 1, 3)
    directory = establishments_at(date(2024, 1, 18))
    assert len(directory.by_urn) == len(made)
    college = next(m for m in made if m.type_name == "Sixth form centres")
    assert directory.by_urn[college.urn].type_group == "Colleges"
    assert directory.by_ukprn[college.ukprn].urn == college.urn


def test_the_same_file_again_changes_nothing():
    data = write_extract(_county())
    gias_extract_import(data=data, filename="edubasealldata20250103.csv")
    again = gias_extract_import(data=data, filename="copy-of-edubasealldata20250103.csv")
    assert again.already_imported
    assert GiasExtract.objects.count() == 1
    assert Establishment.objects.count() == len(_county())


def test_a_later_extract_keeps_what_each_school_was_before():
    made = _county()
    gias_extract_import(data=write_extract(made), filename="edubasealldata20250103.csv")
    school = next(m for m in made if m.type_name == "Community school" and m.status == "Open")
    later = [replace(m, type_name="Foundation school") if m.urn == school.urn else m for m in made]
    result = gias_extract_import(data=write_extract(later), filename="edubasealldata20260105.csv")
    assert (result.new, result.changed, result.unchanged) == (0, 1, len(made) - 1)
    assert establishments_at(date(2025, 1, 16)).by_urn[school.urn].type_name == "Community school"
    # The day the new extract says so, and after, the school is what the new extract says.
    assert establishments_at(date(2026, 1, 5)).by_urn[school.urn].type_name == "Foundation school"
    assert establishments_at(date(2026, 1, 4)).by_urn[school.urn].type_name == "Community school"
    # Dates before the first extract resolve to the first version, so older returns keep their schools.
    assert establishments_at(date(2019, 1, 17)).by_urn[school.urn].type_name == "Community school"


def test_a_school_missing_from_a_later_extract_stays_resolvable():
    made = _county()
    gias_extract_import(data=write_extract(made), filename="edubasealldata20250103.csv")
    gone = made[0]
    gias_extract_import(data=write_extract(made[1:]), filename="edubasealldata20260105.csv")
    assert establishments_at(date(2026, 6, 1)).by_urn[gone.urn].name == gone.name


def test_an_older_extract_is_refused_and_changes_nothing():
    made = _county()
    gias_extract_import(data=write_extract(made), filename="edubasealldata20250103.csv")
    with pytest.raises(GiasFileError, match="03 January 2025 is already imported"):
        gias_extract_import(data=write_extract(made[1:]), filename="edubasealldata20240103.csv")
    assert GiasExtract.objects.count() == 1


def test_a_file_name_without_a_date_needs_one_given():
    with pytest.raises(GiasFileError, match="--date"):
        gias_extract_import(data=write_extract(_county()), filename="schools.csv")
    result = gias_extract_import(data=write_extract(_county()), filename="schools.csv", extract_date=date(2025, 2, 1))
    assert result.extract.extract_date == date(2025, 2, 1)


def test_extract_date_from_filename():
    assert extract_date_from_filename("edubasealldata20250103.csv") == date(2025, 1, 3)
    assert extract_date_from_filename("edubasealldata20251399.csv") is None
    assert extract_date_from_filename("gias.csv") is None


def _with_row_changed(line: int, column: str, value: str) -> bytes:
    text = write_extract(_county()).decode("cp1252")
    lines = text.split("\r\n")
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(f'"{column}"')] = f'"{value}"'
    lines[line - 1] = ",".join(cells)
    return "\r\n".join(lines).encode("cp1252")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("URN", "12AB56", "line 5: column 'URN' is '12AB56'; a URN is a number of six or seven digits"),
        ("LA (code)", "88", "line 5: column 'LA (code)' is '88'; an LA code is three digits"),
        ("TypeOfEstablishment (name)", "", "line 5: column 'TypeOfEstablishment (name)' is empty"),
        ("OpenDate", "31-02-2020", "line 5: column 'OpenDate' is '31-02-2020'; expected a date as dd-mm-yyyy"),
        ("UKPRN", "1234", "line 5: column 'UKPRN' is '1234'; a UKPRN is eight digits"),
        ("URN", "900001", "line 5: URN 900001 is also on line 2"),
    ],
)
def test_each_bad_cell_is_named_and_nothing_is_stored(column, value, message):
    with pytest.raises(GiasFileError) as caught:
        gias_extract_import(data=_with_row_changed(5, column, value), filename="edubasealldata20250103.csv")
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
    assert not Establishment.objects.exists() and not GiasExtract.objects.exists()


def test_a_file_that_is_not_a_gias_extract_names_the_missing_columns():
    with pytest.raises(GiasFileError, match="no column 'URN'.*not a GIAS"):
        gias_extract_import(data=b"name,postcode\r\nA,PR1 2HE\r\n", filename="edubasealldata20250103.csv")


def test_windows_1252_names_are_read_as_gias_writes_them():
    made = _county()
    made[0] = replace(made[0], name="St Mary’s Café School")
    gias_extract_import(data=write_extract(made), filename="edubasealldata20250103.csv")
    assert Establishment.objects.get(urn=made[0].urn).name == "St Mary’s Café School"


def test_command_imports_then_says_nothing_changed(tmp_path):
    path = tmp_path / "edubasealldata20250103.csv"
    path.write_bytes(write_extract(_county()))
    out = io.StringIO()
    call_command("gias_import", str(path), stdout=out)
    assert f"{len(_county()):,} establishments, {len(_county()):,} new" in out.getvalue()
    out = io.StringIO()
    call_command("gias_import", str(path), stdout=out)
    assert "already imported" in out.getvalue() and "nothing changed" in out.getvalue()


def test_command_lists_problems_and_fails(tmp_path):
    path = tmp_path / "edubasealldata20250103.csv"
    path.write_bytes(_with_row_changed(3, "URN", "x"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="not imported"):
        call_command("gias_import", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 3: column 'URN'" in err.getvalue()


def test_command_refuses_bytes_windows_1252_cannot_hold(tmp_path):
    path = tmp_path / "edubasealldata20250103.csv"
    path.write_bytes(write_extract(_county()) + b'"\x81"\r\n')
    with pytest.raises(CommandError, match="Windows-1252"):
        call_command("gias_import", str(path), stdout=io.StringIO())
