"""Recording specialist places: the service, the CSV reader's row-level messages, and the import command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from sendhub.forecasting.capacity import parse_capacity_csv
from sendhub.forecasting.models import PlacementGroup, SpecialistCapacity
from sendhub.forecasting.services import CapacityError, capacity_import, capacity_record
from tests.forecasting.factories import SpecialistCapacityFactory

GOOD = (
    b"year,group,places,note\n"
    b"2026,maintained_special,1200,Ten schools\n"
    b"2026,Academy and free special schools,800,\n"
    b"2027,RESOURCED,300,\"New unit, Preston\"\n"
)


def test_a_good_file_reads_codes_and_names_in_any_case():
    rows, errors = parse_capacity_csv(GOOD)
    assert errors == []
    assert [(r.year, r.group, r.places, r.note) for r in rows] == [
        (2026, PlacementGroup.MAINTAINED_SPECIAL, 1200, "Ten schools"),
        (2026, PlacementGroup.ACADEMY_SPECIAL, 800, ""),
        (2027, PlacementGroup.RESOURCED, 300, "New unit, Preston"),
    ]


def test_every_problem_names_its_row_and_column():
    content = (
        b"year,group,places\n"
        b"26,maintained_special,10\n"
        b"2026,special schools,10\n"
        b"2026,ap,-3\n"
        b"2026,ap,ten\n"
        b"2099,ap,1\n"
    )
    rows, errors = parse_capacity_csv(content)
    assert errors == [
        "Row 2, column year: must be a January from 2015 to 2045 (got 26)",
        "Row 3, column group: 'special schools' is not a placement group; use one of maintained_special "
        "(Maintained special schools); academy_special (Academy and free special schools); independent_special "
        "(Independent and non-maintained special schools); resourced (Resourced provision and SEN units in "
        "mainstream schools); ap (Alternative provision and pupil referral units)",
        "Row 4, column places: must be a whole number from 0 to 100,000 (got -3)",
        "Row 5, column places: must be a whole number (got 'ten')",
        "Row 5: ap for 2026 is already given in row 4",
        "Row 6, column year: must be a January from 2015 to 2045 (got 2099)",
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty"),
        (b"\xff\xfe\x00", "The file is not UTF-8 text: save it as 'CSV UTF-8' and try again"),
        (b"year,places\n2026,3\n", "missing group"),
        (b"year,group,places\n", "The file has a header row but no capacity rows"),
    ],
)
def test_files_that_are_not_capacity_files_are_refused_with_a_reason(content, message):
    rows, errors = parse_capacity_csv(content)
    assert rows == [] and message in errors[0]


def test_recording_creates_then_changes_one_row_with_history(area, admin_user):
    row = capacity_record(area=area, year=2026, group="resourced", places=300, note="", recorded_by=admin_user)
    capacity_record(area=area, year=2026, group="resourced", places=340, note="Unit opens", recorded_by=admin_user)
    row.refresh_from_db()
    assert (row.places, row.note, row.recorded_by) == (340, "Unit opens", admin_user)
    history = list(row.history.order_by("history_date").values_list("places", "history_type", "history_user"))
    assert history == [(300, "+", admin_user.pk), (340, "~", admin_user.pk)]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"year": 2000}, "Year must be a January from 2015 to 2045"),
        ({"group": "hospital"}, "'hospital' is not a placement group"),
        ({"places": -1}, "Places must be a whole number from 0 to 100,000"),
        ({"note": "x" * 301}, "The note must be 300 characters or fewer"),
    ],
)
def test_recording_refuses_bad_input_and_saves_nothing(area, kwargs, message):
    values = {"year": 2026, "group": "ap", "places": 10, "note": "", **kwargs}
    with pytest.raises(CapacityError) as error:
        capacity_record(area=area, **values)
    assert message in error.value.messages[0]
    assert not SpecialistCapacity.objects.exists()


def test_import_is_all_or_nothing(area):
    SpecialistCapacityFactory(area=area, year=2026, group="maintained_special", places=5)
    with pytest.raises(CapacityError):
        capacity_import(area=area, content=GOOD + b"2028,ap,lots,\n")
    assert SpecialistCapacity.objects.get().places == 5
    result = capacity_import(area=area, content=GOOD)
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    assert capacity_import(area=area, content=GOOD).unchanged == 3


def test_import_command_reports_counts_and_problems(area, other_area, tmp_path, capsys):
    path = tmp_path / "places.csv"
    path.write_bytes(GOOD)
    call_command("forecast_capacity_import", "--area", "lancashire", str(path))
    assert "Lancashire: 3 place figure(s) added, 0 changed, 0 unchanged." in capsys.readouterr().out
    assert SpecialistCapacity.objects.filter(area=area).count() == 3
    assert not SpecialistCapacity.objects.filter(area=other_area).exists()

    path.write_bytes(b"year,group,places\n2026,ap,x\n")
    with pytest.raises(CommandError) as error:
        call_command("forecast_capacity_import", "--area", "lancashire", str(path))
    assert "Nothing was saved: 1 problem(s)" in str(error.value)
    assert "Row 2, column places: must be a whole number (got 'x')" in str(error.value)
    with pytest.raises(CommandError, match="No area with the address name 'nowhere'"):
        call_command("forecast_capacity_import", "--area", "nowhere", str(path))
    with pytest.raises(CommandError, match="is not a file"):
        call_command("forecast_capacity_import", "--area", "lancashire", str(tmp_path / "missing.csv"))


def test_the_grouped_command_name_reaches_the_import():
    from sendhub.cli import translate

    assert translate(["sendhub", "forecast", "capacity-import", "--area", "x", "f.csv"]) == [
        "sendhub", "forecast_capacity_import", "--area", "x", "f.csv"
    ]
