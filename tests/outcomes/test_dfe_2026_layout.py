"""DfE releases, old and new (issue 14): the 2026 layout imports under SEND Hub's names (the 2025 spellings).

Three kinds of test: hand-made releases (no shared data); the alias table checked against both releases' data
guidance and file headers; and real data, the 2026 samples and the whole 2025 release rewritten in the 2026
layout, which must give the same figures (Lancashire 2024: 17.3% within 20 weeks, England 46.4%).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from sendhub.outcomes import dfe_layouts
from sendhub.outcomes.benchmark import BenchmarkError, benchmark, resolve_measure
from sendhub.outcomes.dfe import STANDARD_COLUMNS, DfeImportError, import_release
from sendhub.outcomes.models import DfeRelease, DfeValue
from tests.factories import LocalAreaFactory
from tests.outcomes.test_dfe import HEADER, LANCASHIRE, RELEASE_ZIP, SHARED_DATA, TOTAL, write_csv

RELEASE_2026 = SHARED_DATA / "dfe-ehcp-2026"
SAMPLES = RELEASE_2026 / "samples"
GUIDANCE_2026 = RELEASE_2026 / "data-guidance.txt"
needs_shared = pytest.mark.skipif(
    not (RELEASE_ZIP.is_file() and SAMPLES.is_dir()),
    reason=f"the shared data folder is absent ({SHARED_DATA}): no DfE 2025 zip or 2026 samples",
)
HEADLINE = "PC_plans_issued_20_weeks_ex"


def stored(release: DfeRelease) -> set[tuple[str, str]]:
    return set(DfeValue.objects.filter(release=release).values_list("source_file", "measure").distinct())


# Hand-made releases in the 2026 layout ----------------------------------------------------------------------


def release_2026(folder: Path) -> Path:
    """Timeliness, needs and phase transfers as DfE 2026 writes them: lower case, renamed file, no breakdowns."""
    write_csv(
        folder / "data" / "timeliness_20_week.csv",
        [
            f"{HEADER.upper()},plans_issued_den,pc_plans_issued_20_weeks_ex,avg_weeks_issue_plan",
            f"2024,Calendar year,National,E92000001,England,,,,,,{TOTAL},84866,46.4,28.1",
            f"2024,Calendar year,{LANCASHIRE},{TOTAL},1718,17.3,41.5",
        ],
    )
    write_csv(
        folder / "data" / "sen_needs_caseload.csv",
        [f"{HEADER},ehc_plans,number_ds", "202526,Academic year,National,E92000001,England,,,,,,All,All,700000,x"],
    )
    write_csv(
        folder / "data" / "phase_transfers.csv",
        [
            f"{HEADER.removesuffix(',breakdown_topic,breakdown')},number_plans,due_25",
            "2025,Calendar year,National,E92000001,England,,,,,,718838,12232",
            f"2025,Calendar year,{LANCASHIRE},14000,300",
        ],
    )
    return folder


def test_a_2026_layout_is_stored_under_send_hubs_names(db, tmp_path):
    release = import_release(release_2026(tmp_path))
    assert stored(release) == {
        ("timeliness_20_week.csv", "plans_issued_den"),
        ("timeliness_20_week.csv", HEADLINE),  # the 2025 spelling, not pc_...
        ("timeliness_20_week.csv", "avg_weeks_issue_plan"),  # new: kept under its own name
        ("sen_needs_all_plans.csv", "ehc_plans"),  # the file's 2025 name
        ("sen_needs_all_plans.csv", "number_ds"),
        ("phase_transfers.csv", "number_plans"),
        ("phase_transfers.csv", "due_25"),
    }
    assert release.summary.files == ["phase_transfers.csv", "sen_needs_caseload.csv", "timeliness_20_week.csv"]
    assert "sen_needs_caseload.csv -> sen_needs_all_plans.csv" in release.summary.renamed
    assert f"timeliness_20_week.csv: pc_plans_issued_20_weeks_ex -> {HEADLINE}" in release.summary.renamed
    assert release.summary.warnings == []
    # A file without breakdown columns holds one row per area: each is its total.
    lancs = DfeValue.objects.get(source_file="phase_transfers.csv", measure="due_25", old_la_code="888")
    assert (lancs.value, lancs.breakdown_topic, lancs.breakdown, lancs.time_period) == (300, "Total", "Total", 2025)


def test_the_import_command_says_which_names_were_mapped(db, tmp_path):
    out = io.StringIO()
    call_command("dfe_import", str(release_2026(tmp_path / "a")), stdout=out)
    assert "2 file and column names of this release are stored under SEND Hub's names" in out.getvalue()
    DfeRelease.objects.all().delete()
    out = io.StringIO()
    call_command("dfe_import", str(tmp_path / "a"), verbosity=2, stdout=out)
    assert "  sen_needs_caseload.csv -> sen_needs_all_plans.csv\n" in out.getvalue()
    assert f"  timeliness_20_week.csv: pc_plans_issued_20_weeks_ex -> {HEADLINE}\n" in out.getvalue()


@pytest.mark.parametrize("spelling", [HEADLINE, "pc_plans_issued_20_weeks_ex", "PC_PLANS_ISSUED_20_WEEKS_EX"])
def test_the_headline_is_found_in_any_letter_case(db, tmp_path, area, spelling):
    release = import_release(release_2026(tmp_path))
    assert resolve_measure(release, spelling) == ("timeliness_20_week.csv", HEADLINE)
    assert resolve_measure(release, f"Timeliness_20_Week:{spelling}") == ("timeliness_20_week.csv", HEADLINE)
    latest = benchmark(area, spelling)[-1]
    assert (latest.year, latest.area_value, latest.england) == (2024, 17.3, 46.4)


def test_a_file_is_found_by_either_releases_name(db, tmp_path, area):
    release = import_release(release_2026(tmp_path))
    for name in ("sen_needs_all_plans:ehc_plans", "sen_needs_caseload:ehc_plans", "SEN_NEEDS_CASELOAD:EHC_PLANS"):
        assert resolve_measure(release, name) == ("sen_needs_all_plans.csv", "ehc_plans")
    assert [(r.year, r.england) for r in benchmark(area, "phase_transfers:due_25")] == [(2025, 12232)]


def test_the_benchmark_command_accepts_any_case_and_shows_send_hubs_name(db, tmp_path, area):
    import_release(release_2026(tmp_path))
    out = io.StringIO()
    call_command("benchmark", area="888", measure="pc_plans_issued_20_weeks_ex", json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["measure"] == HEADLINE
    assert (data["years"][-1]["year"], data["years"][-1]["area"], data["years"][-1]["england"]) == (2024, 17.3, 46.4)
    out = io.StringIO()
    call_command("benchmark", area="888", measure="sen_needs_caseload:EHC_PLANS", stdout=out)
    assert out.getvalue().startswith("sen_needs_all_plans:ehc_plans for Lancashire (888)")


def test_a_column_renamed_in_one_file_only_is_found_in_that_file(db, tmp_path):
    """newplans.csv renamed await_prov_2022 to await_prov in 2026; caseload.csv kept await_prov_2022."""
    caseload_header = f"{HEADER},ehcplans,await_prov_2022"
    write_csv(tmp_path / "caseload.csv", [caseload_header, f"201819,Academic year,National,,,,,,,,{TOTAL},1,2"])
    write_csv(
        tmp_path / "newplans.csv",
        [f"{HEADER},new_ehc_plans,await_prov,perm_ex", f"2019,Calendar year,National,,,,,,,,{TOTAL},3,4,5"],
    )
    release = import_release(tmp_path)
    assert ("newplans.csv", "await_prov_2022") in stored(release) and ("newplans.csv", "perm_ex_2022") in stored(
        release
    )
    assert resolve_measure(release, "await_prov") == ("newplans.csv", "await_prov_2022")
    assert resolve_measure(release, "PERM_EX") == ("newplans.csv", "perm_ex_2022")
    with pytest.raises(BenchmarkError, match="caseload:await_prov_2022, newplans:await_prov_2022"):
        resolve_measure(release, "await_prov_2022")


def test_a_column_split_or_removed_in_2026_is_explained(db, tmp_path):
    write_csv(
        tmp_path / "caseload.csv",
        [
            f"{HEADER},ehcplans,special_academy,special_free_school",
            f"202526,Academic year,National,,,,,,,,{TOTAL},9,4,5",
        ],
    )
    write_csv(
        tmp_path / "ceased_plans.csv",
        [f"{HEADER},total_ceased,other", f"2025,Calendar year,National,,,,,,,,{TOTAL},7,1"],
    )
    release = import_release(tmp_path)
    with pytest.raises(BenchmarkError) as split:
        resolve_measure(release, "caseload:Special_Academy_Free")
    assert "special_academy_free was split in the 2026 release into special_academy and special_free_school" in str(
        split.value
    )
    assert "lines 110-111" in str(split.value)  # the 2026 data guidance's caseload.csv variables
    with pytest.raises(BenchmarkError, match="not_rec was removed in the 2026 release.*nothing replaced it"):
        resolve_measure(release, "not_rec")
    with pytest.raises(
        BenchmarkError,
        match="total_review_meeting was removed in the 2026 release, which publishes "
        "review_completed_2025, review_completed_prior_2025 and review_not_completed instead",
    ):
        resolve_measure(release, "annual_reviews:total_review_meeting")
    with pytest.raises(BenchmarkError, match=r"Unknown measure 'no_such_column'.*--list-measures"):
        resolve_measure(release, "no_such_column")


def test_a_2026_column_asked_of_an_older_release_says_it_is_new(db, tmp_path):
    write_csv(
        tmp_path / "caseload.csv",
        [f"{HEADER},ehcplans,special_academy_free", f"202425,Academic year,National,,,,,,,,{TOTAL},9,9"],
    )
    release = import_release(tmp_path)
    with pytest.raises(
        BenchmarkError,
        match="special_academy is first published in the 2026 release.*earlier "
        "releases publish special_academy_free instead",
    ):
        resolve_measure(release, "caseload:special_academy")
    assert resolve_measure(release, "special_academy_free") == ("caseload.csv", "special_academy_free")


def test_a_column_under_its_old_and_new_name_in_one_file_keeps_the_first(db, tmp_path):
    write_csv(
        tmp_path / "timeliness_20_week.csv",
        [
            f"{HEADER},PC_plans_issued_20_weeks_ex,pc_plans_issued_20_weeks_ex",
            f"2024,Calendar year,National,,,,,,,,{TOTAL},46.4,0",
        ],
    )
    release = import_release(tmp_path)
    assert [v.value for v in DfeValue.objects.filter(measure=HEADLINE)] == [46.4]
    assert release.summary.warnings == [
        f"{tmp_path / 'timeliness_20_week.csv'}: column 'pc_plans_issued_20_weeks_ex' (SEND Hub's {HEADLINE}) repeats "
        "column 13 (column 14); the first is used"
    ]


def test_a_file_under_both_releases_names_is_refused(db, tmp_path):
    row = f"2025,Academic year,National,,,,,,,,{TOTAL},1"
    write_csv(tmp_path / "sen_needs_all_plans.csv", [f"{HEADER},ehc_plans", row.replace("2025", "202425")])
    write_csv(tmp_path / "sen_needs_caseload.csv", [f"{HEADER},ehc_plans", row.replace("2025", "202526")])
    with pytest.raises(DfeImportError, match=r"are the same DfE file under two releases' names \(sen_needs_all_plans"):
        import_release(tmp_path)
    assert not DfeRelease.objects.exists()


def test_half_of_the_breakdown_pair_is_refused(db, tmp_path):
    write_csv(tmp_path / "requests.csv", ["time_period,geographic_level,breakdown,requests", "2024,National,All,1"])
    with pytest.raises(DfeImportError, match=r"requests\.csv: the header has breakdown but no breakdown_topic column"):
        import_release(tmp_path)


# The alias table against DfE's own words ----------------------------------------------------------------


def guidance_lines(year: int) -> list[str]:
    if year == 2026:
        text = GUIDANCE_2026.read_bytes()
    else:
        with zipfile.ZipFile(RELEASE_ZIP) as archive:
            text = archive.read("data-guidance/data-guidance.txt")
    return [""] + text.decode("utf-8-sig").split("\n")  # line N is [N]


def section(lines: list[str], number: int) -> str:
    """The file whose variables table holds line ``number``."""
    return next(
        line.strip().removeprefix("Filename: ") for line in reversed(lines[:number]) if line.startswith("Filename: ")
    )


def variable(lines: list[str], number: int) -> str:
    return lines[number].split("|")[0].strip()


def release_file(year: int, stored_name: str) -> str:
    renames = {r.stored: r.spelling for r in dfe_layouts.FILE_RENAMES if r.release <= year}
    return renames.get(stored_name, stored_name)


@needs_shared
def test_every_alias_names_the_guidance_line_that_says_so():
    new, old = guidance_lines(2026), guidance_lines(2025)
    for r in dfe_layouts.FILE_RENAMES:
        assert new[r.line].strip() == f"Filename: {r.spelling}", r
        assert old[r.was_line].strip() == f"Filename: {r.stored}", r
    for r in dfe_layouts.COLUMN_RENAMES:
        assert (variable(new, r.line), section(new, r.line)) == (r.spelling, release_file(2026, r.file)), r
        assert (variable(old, r.was_line), section(old, r.was_line)) == (r.stored, r.file), r
    for r in dfe_layouts.RETIRED:
        assert (variable(old, r.was_line), section(old, r.was_line)) == (r.column, r.file), r
        assert [variable(new, n) for n in r.lines] == list(r.replaced_by), r
        assert {section(new, n) for n in r.lines} <= {release_file(2026, r.file)}, r
    for a in dfe_layouts.ADDED:
        assert (variable(new, a.line), section(new, a.line)) == (a.column, release_file(2026, a.file)), a


def headers_2025() -> dict[str, list[str]]:
    with zipfile.ZipFile(RELEASE_ZIP) as archive:
        return {
            Path(name).name: next(csv.reader(io.TextIOWrapper(archive.open(name), encoding="utf-8-sig")))
            for name in archive.namelist()
            if name.startswith("data/") and name.endswith(".csv")
        }


def headers_2026() -> dict[str, list[str]]:
    return {
        path.name: next(csv.reader(path.open(encoding="utf-8-sig")))
        for path in SAMPLES.glob("*.csv")
        if not path.name.startswith("SEND ") and path.name != "sen2_dmo_dco.csv"
    }


@needs_shared
def test_the_table_accounts_for_every_column_that_differs_between_the_releases():
    """Each 2026 column is a 2025 name, an alias of one, or listed as added; each 2025 column is kept or retired."""
    old, new = headers_2025(), headers_2026()
    retired = {(r.file, r.column) for r in dfe_layouts.RETIRED}
    added = {(a.file, a.column) for a in dfe_layouts.ADDED}
    for name, header in new.items():
        file = dfe_layouts.stored_file_name(name)
        mapped = [dfe_layouts.stored_column_name(file, column) for column in header]
        before = set(old.get(file, []))
        for column, as_stored in zip(header, mapped, strict=True):
            if column in STANDARD_COLUMNS:
                continue
            assert as_stored in before or (file, column) in added, (name, column)
        for column in before - set(mapped):
            assert (file, column) in retired, (file, column)
    assert set(old) - {dfe_layouts.stored_file_name(n) for n in new} == {"sen_needs_all_plans.csv"}  # no sample


# The 2026 samples (the first 40 lines of each file) -----------------------------------------------------


def samples_zip(tmp_path: Path) -> Path:
    """The samples laid out as DfE's zip: data/*.csv, and the two supporting files (not imported) beside them."""
    path = tmp_path / "education-health-and-care-plans_2026.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for sample in sorted(SAMPLES.glob("*.csv")):
            folder = (
                "supporting-files" if sample.name.startswith("SEND ") or sample.name == "sen2_dmo_dco.csv" else "data"
            )
            archive.write(sample, f"{folder}/{sample.name}")
        archive.write(GUIDANCE_2026, "data-guidance/data-guidance.txt")
    return path


@needs_shared
def test_the_2026_samples_import_under_send_hubs_names(db, tmp_path):
    release = import_release(samples_zip(tmp_path))
    assert len(release.summary.files) == 12 and "phase_transfers.csv" in release.summary.files
    assert release.summary.warnings == []
    names = stored(release)
    for kept in [
        ("timeliness_20_week.csv", HEADLINE),
        ("timeliness_20_week.csv", "plans_issued_gt20weeks_ltYear"),
        ("caseload.csv", "AP_PRU_total_pc"),
        ("newplans.csv", "await_prov_2022"),
        ("residential_settings.csv", "Res_tot"),
        ("annual_reviews.csv", "number_decsion_4weeks"),
        ("annual_reviews.csv", "outcome_maintan"),
        # New in 2026, under their own names.
        ("caseload.csv", "special_academy"),
        ("caseload.csv", "special_free_school"),
        ("timeliness_20_week.csv", "avg_weeks_issue_plan_exc"),
        ("annual_reviews.csv", "review_completed_2025"),
        ("phase_transfers.csv", "final_26"),
        ("sen_need_newplans.csv", "number_ds"),
    ]:
        assert kept in names, kept
    spelled_2026 = {c for header in headers_2026().values() for c in header}
    assert not {m for _, m in names if m not in spelled_2026} - {r.stored for r in dfe_layouts.COLUMN_RENAMES}

    # Knowsley is in the samples' first 40 lines of timeliness_20_week.csv (Lancashire is not): 2019 only.
    knowsley = LocalAreaFactory(name="Knowsley", la_code="340", ons_code="E08000011")
    for spelling in (HEADLINE, "pc_plans_issued_20_weeks_ex"):
        [row] = benchmark(knowsley, spelling)
        assert (row.year, row.area_value, row.england, row.region) == (2019, 64.5, 60.4, 60.1)
    [row] = benchmark(knowsley, "avg_weeks_issue_plan")
    assert (row.england, row.area_value) == (None, None)  # x in 2019: missing, not 0
    assert [(r.year, r.england, r.region) for r in benchmark(knowsley, "due_25")] == [(2025, 12232, 3833)]
    with pytest.raises(BenchmarkError, match="special_academy_free was split in the 2026 release"):
        benchmark(knowsley, "caseload:special_academy_free")


# The whole 2025 release rewritten in the 2026 layout ----------------------------------------------------

# From ../shared/data/dfe-ehcp-2026/README.md, written here independently of dfe_layouts.
RENAMED_FILES = {"sen_needs_all_plans.csv": "sen_needs_caseload.csv"}
RENAMED = {
    "annual_reviews.csv": {
        "review_expected": "review_expected_2025",
        "review_not_expected": "review_not_expected_2025",
        "outcome_amend": "outcome_amended",
        "outcome_cease": "outcome_ceased",
        "outcome_maintan": "outcome_maintained",
        "no_outcome": "no_outcome_recorded",
        "number_decsion_4weeks": "decision_4_weeks",
        "number_decision_gt_4weeks": "decision_over_4_weeks",
    },
    "newplans.csv": {"await_prov_2022": "await_prov", "perm_ex_2022": "perm_ex"},
}
REMOVED = {
    "annual_reviews.csv": {
        "review_meeting_25",
        "review_meeting_24",
        "review_meeting_prior_24",
        "total_review_meeting",
        "no_review_meeting",
        "review_decision25",
        "review_decision24",
        "review_decision_prior24",
        "review_decision_not_due",
        "review_decision_outstanding",
        "pc_decsion_4weeks",
        "pc_decision_gt_4weeks",
    },
    "ceased_plans.csv": {"not_rec"},
}
# New columns: (after this 2025 column, new column, its value from the row).
ADDED = {
    "annual_reviews.csv": [
        ("total_ehc_plans", "review_completed_2025", lambda row: row["review_meeting_25"]),
        ("total_ehc_plans", "review_completed_prior_2025", lambda row: row["review_meeting_prior_24"]),
        ("total_ehc_plans", "review_not_completed", lambda row: row["no_review_meeting"]),
    ],
    "timeliness_20_week.csv": [
        (None, "avg_weeks_issue_plan", lambda row: "x" if row["time_period"] < "2024" else "30.5"),
        (None, "avg_weeks_issue_plan_exc", lambda row: "x" if row["time_period"] < "2024" else "29.5"),
    ],
    "sen_need_newplans.csv": [("number_asd", "number_ds", lambda row: "x"), ("asd_pc", "ds_pc", lambda row: "x")],
}
SPLIT = ("special_academy_free", "special_academy", "special_free_school")


def split(cell: str) -> tuple[str, str]:
    """Two cells that sum to ``cell`` (a count); a symbol (x, z) stays in both."""
    if not cell.isdigit():
        return cell, cell
    academies = int(cell) * 3 // 5
    return str(academies), str(int(cell) - academies)


def in_2026_layout(name: str, lines: io.TextIOBase, out: io.StringIO) -> None:
    reader = csv.reader(lines)
    header = next(reader)
    renamed, removed = RENAMED.get(name, {}), REMOVED.get(name, set())
    columns: list[tuple[str, object]] = []  # (2026 name, index into the 2025 row or a function of it)
    for pos, column in enumerate(header):
        if column in removed:
            continue
        if column == SPLIT[0]:
            columns += [(SPLIT[1], ("split", pos, 0)), (SPLIT[2], ("split", pos, 1))]
        else:
            columns.append((renamed.get(column, column).lower(), pos))
        columns += [(new, value) for after, new, value in ADDED.get(name, []) if after == column]
    columns += [(new, value) for after, new, value in ADDED.get(name, []) if after is None]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c for c, _ in columns])
    index = {c: p for p, c in reversed(list(enumerate(header)))}
    for row in reader:
        named = None
        cells = []
        for _, how in columns:
            if isinstance(how, int):
                cells.append(row[how])
            elif isinstance(how, tuple):
                cells.append(split(row[how[1]])[how[2]])
            else:
                named = named or {c: row[p] for c, p in index.items()}
                cells.append(how(named))
        writer.writerow(cells)


@pytest.fixture(scope="module")
def release_2025_as_2026(tmp_path_factory) -> Path:
    if not (RELEASE_ZIP.is_file() and SAMPLES.is_dir()):
        pytest.skip(f"the shared data folder is absent ({SHARED_DATA})")
    path = tmp_path_factory.mktemp("dfe") / "education-health-and-care-plans_2026.zip"
    with (
        zipfile.ZipFile(RELEASE_ZIP) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for member in source.namelist():
            name = Path(member).name
            if not (member.startswith("data/") and member.endswith(".csv")):
                continue
            out = io.StringIO()
            out.write("\ufeff")
            in_2026_layout(name, io.TextIOWrapper(source.open(member), encoding="utf-8-sig", newline=""), out)
            target.writestr(f"data/{RENAMED_FILES.get(name, name)}", out.getvalue())
        target.write(SAMPLES / "phase_transfers.csv", "data/phase_transfers.csv")
    return path


def totals(release: DfeRelease) -> dict[tuple[str, str], tuple[int, float | None, int]]:
    """Per stored (file, measure): values, their sum, and how many are missing."""
    rows = (
        DfeValue.objects.filter(release=release)
        .values("source_file", "measure")
        .annotate(n=Count("id"), total=Sum("value"), missing=Count("id", filter=Q(value=None)))
    )
    # Rounded: PostgreSQL adds floats in no fixed order, so the last digits of a sum vary.
    return {
        (r["source_file"], r["measure"]): (r["n"], None if r["total"] is None else round(r["total"], 6), r["missing"])
        for r in rows
    }


@needs_shared
def test_the_2025_release_in_the_2026_layout_gives_the_same_figures(db, area, release_2025_as_2026):
    old = import_release(RELEASE_ZIP)
    new = import_release(release_2025_as_2026)
    assert new.is_current and new.row_count > 400_000

    # The headline, in any letter case, from either layout.
    for release in (old, new):
        for spelling in (HEADLINE, "pc_plans_issued_20_weeks_ex", "Pc_Plans_Issued_20_Weeks_EX"):
            rows = {r.year: r for r in benchmark(area, spelling, release=release)}
            assert (rows[2024].area_value, rows[2024].england, rows[2024].region) == (17.3, 46.4, 50.5)
    out = io.StringIO()
    call_command("benchmark", area="888", measure="pc_plans_issued_20_weeks_ex", json=True, stdout=out)
    latest = json.loads(out.getvalue())["years"][-1]
    assert (latest["year"], latest["area"], latest["england"]) == (2024, 17.3, 46.4)

    # Every figure both layouts publish is stored under the same name with the same values.
    before, after = totals(old), totals(new)
    gone = {("caseload.csv", SPLIT[0]), ("newplans.csv", SPLIT[0])}
    gone |= {(file, column) for file, columns in REMOVED.items() for column in columns}
    came = {(file, column) for file in ("caseload.csv", "newplans.csv") for column in SPLIT[1:]}
    came |= {(file, new_column) for file, added in ADDED.items() for _, new_column, _ in added}
    came |= {("phase_transfers.csv", c) for c in ("number_plans", "due_25", "due_26", "final_25", "final_26")}
    assert set(before) - set(after) == gone
    assert set(after) - set(before) == came
    assert {k: v for k, v in after.items() if k in before} == {k: v for k, v in before.items() if k in after}

    # The split columns together are the old one.
    for file in ("caseload.csv", "newplans.csv"):
        n, total, missing = before[(file, SPLIT[0])]
        parts = [after[(file, column)] for column in SPLIT[1:]]
        assert all(p[0] == n and p[2] == missing for p in parts)
        assert sum(p[1] for p in parts) == pytest.approx(total)
    assert resolve_measure(new, "sen_needs_caseload:ehc_plans") == ("sen_needs_all_plans.csv", "ehc_plans")
    with pytest.raises(
        BenchmarkError,
        match="special_academy_free was split in the 2026 release into special_academy and special_free_school",
    ):
        benchmark(area, "caseload:special_academy_free")
    assert {r.year for r in benchmark(area, "caseload:special_academy_free", release=old)} >= {2019, 2025}

    # The same 2026 zip again: nothing changes, and the command says so without failing.
    out = io.StringIO()
    call_command("dfe_import", str(release_2025_as_2026), stdout=out)
    assert "already imported, nothing changed" in out.getvalue() and "it is the current release" in out.getvalue()
    assert DfeRelease.objects.count() == 2
