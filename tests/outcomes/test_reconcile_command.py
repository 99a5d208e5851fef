"""sendhub sen2 reconcile: the SEN2 return's stored figures beside a hand-made DfE release, through the selector
and the command (JSON, table, exit status and the messages for what cannot be reconciled)."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sendhub.cli import main
from sendhub.outcomes.dfe import import_release
from sendhub.outcomes.models import DfeRelease, MeasureValue, Sen2Return
from sendhub.outcomes.reconcile import DIFFERS, MATCHES, NOT_COMPUTED, NOT_PUBLISHED, RULE
from sendhub.outcomes.selectors_reconcile import ReconcileError, reconcilable_years, reconciliation

pytestmark = pytest.mark.django_db

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "new_la_code,old_la_code,la_name,breakdown_topic,breakdown"
)
NW = "E12000002,North West"
REFERENCE_DATE = date(2025, 1, 16)


def la_row(period: str, topic: str, *values: str, old: str = "888", new: str = "E10000017", name: str = "Lancashire"):
    kind = "Academic year" if len(period) == 6 else "Calendar year"
    return f"{period},{kind},Local authority,E92000001,England,{NW},{new},{old},{name},{topic}," + ",".join(values)


def write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")


def write_release(folder: Path, *, old: str = "888") -> Path:
    """DfE's figures for Lancashire, 2024 and January 2025, in the 2026 layout's lower-case names and file names."""
    requests = "All requests for EHC needs assessments,All requests for EHC needs assessments"
    write(
        folder / "data" / "requests.csv",
        [
            f"{HEADER},requests_received_in_year,request_outcome_six_weeks_pc",
            la_row("2023", requests, "3100", "90.0", old=old),
            la_row("2024", requests, "3658", "96.4", old=old),
            la_row("2024", "Age,Age 5 to 10", "900", "95.0", old=old),  # not the total row: never used
            la_row("2024", requests, "111", "11.1", old="340", new="E08000011", name="Knowsley"),
        ],
    )
    issued = "All EHC plans issued,All EHC plans issued"
    write(
        folder / "data" / "timeliness_20_week.csv",
        [
            f"{HEADER},plans_issued_den,plans_issued_den_ex,pc_plans_issued_within_20_weeks,pc_plans_issued_20_weeks_ex",
            la_row("2024", issued, "1720", "1718", "17.3", "17.3", old=old),
        ],
    )
    assessments = "All EHC needs assessments,All EHC needs assessments"
    write(folder / "data" / "assessments.csv", [f"{HEADER},assess_in_year", la_row("2024", assessments, "x", old=old)])
    ceased = "All ceased EHC plans,All ceased EHC plans"
    write(folder / "data" / "ceased_plans.csv", [f"{HEADER},total_ceased", la_row("2024", ceased, "1002", old=old)])
    plans = "All EHC plans,All EHC plans"
    write(
        folder / "data" / "caseload.csv",
        [
            f"{HEADER},ehcplans,mainstream_total,special_total,placement_unknown",
            la_row("202425", plans, "12317", "4991", "4653", "466", old=old),
            la_row("202324", plans, "11000", "4500", "4000", "400", old=old),
        ],
    )
    write(
        folder / "data" / "sen_needs_caseload.csv",
        [f"{HEADER},ehc_plans,number_asd", la_row("202425", plans, "12317", "4290", old=old)],
    )
    return folder


@pytest.fixture
def release(db, tmp_path) -> DfeRelease:
    return import_release(write_release(tmp_path / "release"))


# The return's stored figures: flows for 2024, caseload at 16 January 2025.
SEN2_FLOWS = {
    "requests_received_in_year": 3600,  # lower than DfE's 3,658
    "request_outcome_six_weeks_pc": 96.4,
    "assess_in_year": 1937,  # DfE: x
    "plans_issued_den": 1720,
    "plans_issued_den_ex": 700,
    "pc_plans_issued_within_20_weeks": 17.3,
    "PC_plans_issued_20_weeks_ex": 57.8,  # exceptions coded differently
}
SEN2_CASELOAD = {
    "ehcplans": 12317,
    "mainstream_total": 4000,
    "special_total": 4653,
    "placement_unknown": 1457,  # URNs not in GIAS
    "number_asd": 4290,
}


def store(sen2_return: Sen2Return, values: dict[str, float | None], *, kind: str, period: str) -> None:
    MeasureValue.objects.bulk_create(
        MeasureValue(area=sen2_return.area, sen2_return=sen2_return, measure=name, period_kind=kind, period=period,
                     value=value)
        for name, value in values.items()
    )


def make_return(area, collection_year: int, reference_date: date, **fields) -> Sen2Return:
    return Sen2Return.objects.create(
        area=area, collection_year=collection_year, reference_date=reference_date,
        filename=f"sen2-{collection_year}.xml", checksum=f"{collection_year:064d}", **fields,
    )


@pytest.fixture
def sen2_return(area) -> Sen2Return:
    return store_returns(area)


def store_returns(area) -> Sen2Return:
    """The current 2025 return (returned), a superseded one for the same year (whose figures must not be used)
    and an older year's return."""
    superseded = make_return(area, 2025, REFERENCE_DATE, is_current=False)
    store(superseded, dict.fromkeys(SEN2_FLOWS, 1), kind="year", period="2024")
    ret = make_return(area, 2025, REFERENCE_DATE)
    store(ret, SEN2_FLOWS, kind="year", period="2024")
    store(ret, {"requests_received_in_year": 250}, kind="year", period="2025")  # the part-year: never used
    store(ret, {"requests_received_in_year": 300}, kind="month", period="2024-03")
    store(ret, SEN2_CASELOAD, kind="at_date", period=REFERENCE_DATE.isoformat())
    store(ret, {"ehcplans": 99}, kind="at_date", period="2025-01-17")  # another date: never used
    older = make_return(area, 2024, date(2024, 1, 18))
    store(older, {"requests_received_in_year": 3100}, kind="year", period="2023")
    return ret


def run(*args: str) -> str:
    out = StringIO()
    call_command("sen2_reconcile", *args, stdout=out)
    return out.getvalue()


# The selector ------------------------------------------------------------------------------------------------


def test_each_figure_beside_dfes_with_status_and_cause(area, release, sen2_return):
    result = reconciliation(area=area, year=2024)
    assert result.sen2_return == sen2_return and result.release == release and result.dfe_la_name == "Lancashire"
    rows = {row.measure: row for row in result.rows}

    def check(name, sen2, dfe, status, cause=""):
        row = rows[name]
        assert (row.sen2_value, row.dfe_value, row.status) == (sen2, dfe, status), name
        assert row.likely_cause.startswith(cause), (name, row.likely_cause)

    check("requests_received_in_year", 3600, 3658, DIFFERS, "Fewer in the return than DfE published")
    check("request_outcome_six_weeks_pc", 96.4, 96.4, MATCHES)
    check("assess_in_year", 1937, None, NOT_PUBLISHED, "DfE published 'x'")
    check("plans_issued_den", 1720, 1720, MATCHES)
    check("pc_plans_issued_within_20_weeks", 17.3, 17.3, MATCHES)
    # DfE's 2026 spelling pc_plans_issued_20_weeks_ex is the registry's PC_plans_issued_20_weeks_ex.
    check("PC_plans_issued_20_weeks_ex", 57.8, 17.3, DIFFERS, "Exception (Week20) coding")
    check("plans_issued_den_ex", 700, 1718, DIFFERS, "Exception (Week20) coding")
    # Whether or not the registry has the measure yet, the return stored no figure for it: never read as 0.
    check("total_ceased", None, 1002, NOT_COMPUTED)
    # The caseload at 16 January 2025 is DfE's 2024/25 (stored as 2025), not 2023/24.
    check("ehcplans", 12317, 12317, MATCHES)
    check("mainstream_total", 4000, 4991, DIFFERS, "Placements not recognised: 1,457 plans are placement_unknown")
    check("placement_unknown", 1457, 466, DIFFERS, "Placements not recognised")
    check("special_total", 4653, 4653, MATCHES)
    check("number_asd", 4290, 4290, MATCHES)  # from sen_needs_caseload.csv, the 2026 name of sen_needs_all_plans
    assert rows["ehcplans"].period == "2025-01-16" and rows["ehcplans"].dfe_period == "202425"
    assert rows["requests_received_in_year"].period == "2024"
    assert [r.measure for r in result.rows[:4]] == [
        "requests_received_in_year", "request_outcome_six_weeks_pc", "assess_in_year", "plans_issued_den"
    ]


def test_missing_figures_on_either_side_say_which(area, release, sen2_return):
    rows = {row.measure: row for row in reconciliation(area=area, year=2024).rows}
    # A measure with no stored figure is not read as 0 (it may be newer than the return's figures).
    decided = rows["requests_decided_to_assess"]
    assert (decided.sen2_value, decided.status) == (None, NOT_COMPUTED)
    assert decided.likely_cause.startswith("The return has no stored figure for it")
    assert decided.likely_cause.endswith(
        "Not in this DfE release (requests.csv: requests_decided_to_assess)."
    )
    # A column this release does not have, and why where a release change explains it.
    assert (
        "Not in this DfE release (annual_reviews.csv: pc_decsion_4weeks). pc_decsion_4weeks was removed in the 2026 "
        "release" in rows["pc_decsion_4weeks"].likely_cause
    )
    # A column the release has, but not for this LA and year: the older return's year.
    older = {row.measure: row for row in reconciliation(area=area, year=2023).rows}
    assert older["requests_received_in_year"].status == MATCHES
    assert older["ehcplans"].dfe_period == "202324"
    assert older["plans_issued_den"].likely_cause.endswith(
        "DfE's release has no figure for this LA and year (timeliness_20_week.csv, 2023)."
    )


def test_figures_matched_by_ons_code_when_the_la_code_is_missing(area, tmp_path, sen2_return):
    import_release(write_release(tmp_path / "release", old=""))
    rows = {row.measure: row for row in reconciliation(area=area, year=2024).rows}
    assert rows["ehcplans"].dfe_value == 12317 and rows["requests_received_in_year"].dfe_value == 3658


def test_an_la_missing_from_the_release_has_no_dfe_figures(area, other_area, release):
    make_return(other_area, 2025, REFERENCE_DATE)
    result = reconciliation(area=other_area, year=2024)
    assert result.dfe_la_name == ""
    assert {r.status for r in result.rows if r.headline} == {NOT_COMPUTED}
    ehcplans = next(r for r in result.rows if r.measure == "ehcplans")
    assert "DfE's release has no figure for this LA and year (caseload.csv, 202425)" in ehcplans.likely_cause


def test_years_and_what_cannot_be_reconciled(area, release, sen2_return):
    assert reconcilable_years(area) == [2024, 2023]
    with pytest.raises(ReconcileError, match=r"no current SEN2 return for collection year 2023.*held: 2025, 2024"):
        reconciliation(area=area, year=2022)


# The command ------------------------------------------------------------------------------------------------


def test_json(release, sen2_return):
    data = json.loads(run("--area", "888", "--year", "2024", "--json"))
    assert set(data) == {"area", "area_name", "year", "sen2_return", "dfe_release", "rule", "summary", "rows"}
    assert (data["area"], data["area_name"], data["year"]) == ("888", "Lancashire", 2024)
    assert data["sen2_return"] == {"collection_year": 2025, "reference_date": "2025-01-16", "filename": "sen2-2025.xml"}
    assert data["dfe_release"]["year"] == 2025 and data["dfe_release"]["la_name"] == "Lancashire"
    assert data["rule"] == RULE and "0.05 points" in RULE
    assert data["summary"][DIFFERS] == 5
    first = data["rows"][0]
    assert first == {
        "measure": "requests_received_in_year",
        "title": first["title"],
        "headline": True,
        "unit": "count",
        "period": "2024",
        "dfe_time_period": "2024",
        "sen2_value": 3600,
        "dfe_value": 3658,
        "difference": -58,
        "status": DIFFERS,
        "likely_cause": first["likely_cause"],
    }
    assert [r["headline"] for r in data["rows"]] == sorted((r["headline"] for r in data["rows"]), reverse=True)


def test_table_states_sources_and_rule(release, sen2_return):
    text = run("--area", "lancashire", "--year", "2024")
    assert "Lancashire (888): SEN2 return against DfE's published figures for 2024" in text
    assert "SEN2: return of 16 January 2025 (collection year 2025, sen2-2025.xml)" in text
    assert "DfE: release 2025" in text and "for Lancashire" in text
    assert RULE in text and "5 differ beyond rounding" in text
    assert "Headline measures" in text and "Other measures" in text
    line = next(line for line in text.splitlines() if line.startswith("PC_plans_issued_20_weeks_ex"))
    assert "57.8%" in line and "17.3%" in line and "+40.5" in line and "differs" in line and "Week20" in line


def test_exit_status_is_0_whatever_the_differences(release, sen2_return, capsys):
    assert main(["sendhub", "sen2", "reconcile", "--area", "888", "--year", "2024", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"][DIFFERS] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--area", "999", "--year", "2024"), "No area with LA code, ONS code or slug '999'"),
        (("--area", "888", "--year", "2019"), "Lancashire has no current SEN2 return for collection year 2020"),
        (("--area", "888", "--year", "24"), "--year must be a calendar year such as 2024, from 2000 to 2100; '24'"),
        (("--area", "888", "--year", "last"), "--year must be a calendar year such as 2024"),
    ],
)
def test_clear_errors(release, sen2_return, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(*args)
    assert main(["sendhub", "sen2", "reconcile", *args]) != 0


def test_no_dfe_release(sen2_return):
    with pytest.raises(CommandError, match=r"No DfE release is imported; run 'sendhub dfe import PATH' first"):
        run("--area", "888", "--year", "2024")
