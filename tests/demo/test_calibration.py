"""The demo's SEN2 return calibrated to DfE's published figures (``sendhub.demo.calibration``)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from sendhub.demo import calibration as cal
from sendhub.outcomes.measures import percent

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
RELEASE_ZIP = SHARED_DATA / "dfe-ehcp-plans-2025.zip"
needs_release = pytest.mark.skipif(
    not RELEASE_ZIP.is_file(), reason=f"the shared data folder is absent ({SHARED_DATA})"
)
REF_2025 = date(2025, 1, 16)


def small_values(year: int = 2024) -> dict:
    """A small LA's published figures, with DfE's kinds of inconsistency: 6-week counts adding up to more than
    the decided requests, timeliness bands one short of plans_issued_den, a combined special academy column."""
    rq, asm, tl, ce, cl, sn = ("requests.csv", "assessments.csv", "timeliness_20_week.csv", "ceased_plans.csv",
                               "caseload.csv", "sen_needs_all_plans.csv")  # fmt: skip
    flows = {
        (rq, "requests_received_in_year"): 120, (rq, "requests_decided_to_assess"): 90,
        (rq, "requests_decided_not_to_assess"): 25, (rq, "requests_decision_not_made"): 5,
        (rq, "requests_withdrawn"): 0, (rq, "request_outcome_six_weeks"): 110, (rq, "request_outcome_over_6_weeks"): 8,
        (rq, "request_outcome_six_weeks_pc"): 93.9, (rq, "mediation_related_request"): 6,
        (rq, "tribunal_related_request"): 3, (rq, "tribunal_after_mediation_request"): 1,
        (asm, "assess_issued"): 60, (asm, "assess_not_issued"): 3, (asm, "outcome_decision_within_time"): 1,
        (asm, "number_assess_mediation"): 1, (asm, "number_other_tribunal"): 2,
        (tl, "plans_issued_den"): 55, (tl, "plans_issued_den_ex"): 54, (tl, "plans_issued_within_20_weeks"): 10,
        (tl, "plans_issued_20_weeks_ex"): 9, (tl, "plans_issued_gt20weeks_ltyear"): 36,
        (tl, "plans_issued_gt_1_year"): 8, (tl, "plans_issued_gt_1_year_ex"): 8,
        (ce, "max_age"): 2, (ce, "transfer"): 5, (ce, "no_engage"): 4, (ce, "total_ceased"): 12,
    }  # fmt: skip
    stock = {
        (cl, "ehcplans"): 400, (cl, "mainstream_la_maintained"): 150, (cl, "mainstream_la_maintained_senunit"): 5,
        (cl, "mainstream_academy"): 60, (cl, "special_la_maintained"): 100, (cl, "special_academy_free"): 20,
        (cl, "special_independent"): 15, (cl, "general_fe_tertiary_colleges"): 30, (cl, "neet"): 6,
        (cl, "neet_other_csa"): 2, (cl, "nm_early_years"): 4, (cl, "placement_unknown"): 8,
        (sn, "ehc_plans"): 400, (sn, "number_asd"): 140, (sn, "number_slcn"): 90, (sn, "number_semh"): 80,
        (sn, "number_mld"): 60, (sn, "number_pd"): 29, (sn, "number_need_unknown"): 1,
    }  # fmt: skip
    values = {(f, year, m): float(v) for (f, m), v in flows.items()}
    values |= {(f, year + 1, m): float(v) for (f, m), v in stock.items()}
    return values


def test_six_week_count_keeps_the_published_percentage():
    # Lancashire 2024: 3490 + 125 published for 3572 decided requests, 96.4%.
    n = cal.six_week_count(3572, 96.4, 3490)
    assert percent(n, 3572) == 96.4
    assert cal.six_week_count(10, None, 12) == 10  # no percentage: the count, never more than decided


def test_targets_settle_dfe_inconsistencies_in_favour_of_the_headline():
    t = cal.targets_from_values(small_values(), year=2024)
    assert (t.received, t.decided_to_assess, t.decided_not_to_assess, t.decision_not_made) == (120, 90, 25, 5)
    assert percent(t.six_weeks, t.decided) == 93.9  # out of the 115 decided, not the published 118
    # plans: den and within kept, the missing plan lands over 20 weeks but within a year
    assert (t.plans_issued, t.plans_issued - t.exceptions, t.within_20, t.gt_1_year) == (55, 54, 10, 8)
    assert t.gt20_lt_year == 37 and t.within_20_exc == 1
    assert t.ceased == {"1": 2, "2": 0, "3": 0, "4": 0, "5": 5, "6": 4, "7": 0, "8": 0, "9": 0, "": 1}
    assert t.caseload == 400
    assert t.placements["special_academy"] + t.placements["special_free_school"] == 20
    assert t.needs[cal.NO_NEED] == 1 and sum(t.needs.values()) == 400
    assert any("gt20weeks_ltYear 36 -> 37" in note for note in t.notes)
    assert any("6-week" in note for note in t.notes)


def test_the_plan_reproduces_every_target_exactly():
    t = cal.targets_from_values(small_values(), year=2024)
    specs = cal.build_plan(t, reference_date=REF_2025, seed=7)
    counts = cal.tally(specs, year=2024, reference_date=REF_2025)
    expected = t.expected()
    assert {k: counts.get(k, 0) for k, v in expected.items() if isinstance(v, int)} == {
        k: v for k, v in expected.items() if isinstance(v, int)
    }
    assert cal.build_plan(t, reference_date=REF_2025, seed=7) == specs  # deterministic for a seed


def test_the_plan_is_coherent():
    """Dates in order, placements of the right age, nothing after the census."""
    t = cal.targets_from_values(small_values(), year=2024)
    for spec in cal.build_plan(t, reference_date=REF_2025, seed=3):
        r = spec.request
        assert spec.birth < r.received
        for earlier, later in ((r.received, r.decided), (r.decided, r.assessed), (r.assessed, r.plan_start),
                               (r.plan_start, r.cease)):  # fmt: skip
            if earlier is not None and later is not None:
                assert earlier <= later, spec
        assert all(d is None or d <= REF_2025 for d in (r.decided, r.assessed, r.plan_start, r.cease))
        if spec.column == "neet_other_csa":
            assert cal.compulsory_school_age(spec, 2024)
        if spec.column in ("neet_other", "general_fe_tertiary_colleges"):
            assert not cal.compulsory_school_age(spec, 2024)


def test_the_following_year_continues_the_last():
    t = cal.targets_from_values(small_values(), year=2024)
    following = cal.projected_targets(t)
    assert following.year == 2025
    assert following.caseload == t.caseload + following.plans_issued - sum(following.ceased.values())
    assert following.received > t.received
    ref = date(2026, 1, 15)
    counts = cal.tally(cal.build_plan(following, reference_date=ref, seed=2026), year=2025, reference_date=ref)
    assert counts["ehcplans"] == following.caseload
    assert counts["plans_issued_den"] == following.plans_issued


def release_values(path: Path, la_code: str) -> dict:
    """The LA's all-children figures straight from the zip, as :func:`calibration.published_values` gives them."""
    from sendhub.outcomes.dfe import is_total_breakdown, parse_time_period

    values: dict = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            base = name.rsplit("/", 1)[-1]
            if base not in cal.FLOW_FILES + cal.STOCK_FILES:
                continue
            for row in csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8-sig")):
                if row["old_la_code"] != la_code or row["geographic_level"] != "Local authority" \
                        or not is_total_breakdown(row["breakdown_topic"], row["breakdown"]):  # fmt: skip
                    continue
                year = parse_time_period(row["time_period"])
                for column, text in row.items():
                    try:
                        values[(base, year, column.lower())] = float(text)
                    except ValueError:
                        continue
    return values


@needs_release
def test_lancashire_2024_plan_equals_dfe_published_figures():
    t = cal.targets_from_values(release_values(RELEASE_ZIP, "888"), year=2024)
    counts = cal.tally(cal.build_plan(t, reference_date=REF_2025, seed=2025), year=2024, reference_date=REF_2025)
    assert counts["requests_received_in_year"] == 3658
    assert (counts["requests_decided_to_assess"], counts["requests_decided_not_to_assess"],
            counts["requests_decision_not_made"]) == (2696, 876, 86)  # fmt: skip
    decided = 2696 + 876
    assert percent(counts["request_outcome_six_weeks"], decided) == 96.4
    assert (counts["mediation_related_request"], counts["tribunal_related_request"],
            counts["tribunal_after_mediation_request"]) == (248, 105, 15)  # fmt: skip
    assert (counts["assess_in_year"], counts["assess_issued"], counts["assess_not_issued"],
            counts["outcome_decision_within_time"]) == (1937, 1917, 20, 7)  # fmt: skip
    assert (counts["plans_issued_den"], counts["plans_issued_within_20_weeks"]) == (1720, 298)
    assert (counts["plans_issued_den_ex"], counts["plans_issued_20_weeks_ex"]) == (1718, 297)
    assert percent(298, 1720) == percent(297, 1718) == 17.3
    assert counts["plans_issued_gt_1_year"] == 238
    assert counts["total_ceased"] == 1002 and counts["no_engage"] == 469 and counts["transfer"] == 249
    assert counts["ehcplans"] == 12317
    for column, n in {"mainstream_la_maintained": 3159, "mainstream_la_maintained_resourced_provision": 27,
                      "mainstream_la_maintained_senunit": 119, "mainstream_academy": 1435,
                      "special_la_maintained": 3567, "special_independent": 725, "placement_unknown": 466,
                      "general_fe_tertiary_colleges": 1271, "neet": 364}.items():  # fmt: skip
        assert counts[column] == n, column
    assert counts["special_academy"] + counts["special_free_school"] == 337
    assert (counts["number_asd"], counts["number_slcn"], counts["number_need_unknown"]) == (4290, 2592, 8)
    assert (counts["number_decsion_4weeks"], counts["number_decision_gt_4weeks"]) == (3569, 4862)


@needs_release
@pytest.mark.django_db
def test_published_values_read_the_imported_release():
    from sendhub.outcomes import dfe

    dfe.import_release(RELEASE_ZIP)
    values = cal.published_values("888")
    assert values[("timeliness_20_week.csv", 2024, "pc_plans_issued_20_weeks_ex")] == 17.3
    assert values[("caseload.csv", 2025, "ehcplans")] == 12317
    assert cal.targets_from_values(values, year=2024) == cal.targets_from_values(
        release_values(RELEASE_ZIP, "888"), year=2024
    )


@needs_release
@pytest.mark.django_db
def test_the_calibrated_return_imports_with_dfe_figures():
    """End to end: the release imported, the fictional county's GIAS extract imported, the planned return written
    and imported; every figure SEND Hub computes for 2024 (and January 2025) equals the targets, and the headline
    ones equal DfE's."""
    from sendhub.accounts.models import LocalArea
    from sendhub.demo.calibrated_return import write_planned_sen2
    from sendhub.establishments.fictional import county_establishments, write_extract
    from sendhub.establishments.services import gias_extract_import
    from sendhub.outcomes import dfe, services
    from sendhub.outcomes.models import MeasureValue

    dfe.import_release(RELEASE_ZIP)
    area, _ = LocalArea.objects.get_or_create(la_code="888", defaults={"name": "Lancashire", "slug": "lancashire"})
    establishments = county_establishments(la_code="888")
    gias_extract_import(data=write_extract(establishments), filename="edubasealldata20250116.csv", imported_by=None)
    targets = cal.targets_from_values(cal.published_values("888"), year=2024)
    plan = cal.build_plan(targets, reference_date=REF_2025, seed=2025)
    text = io.StringIO()
    write_planned_sen2(text, plan=plan, year=2025, seed=2025, la="888", establishments=establishments)
    result = services.sen2_import(stream=io.BytesIO(text.getvalue().encode()), filename="calibrated.xml", area=area,
                                  imported_by=None)  # fmt: skip
    assert result.sen2_return is not None, result.errors[:3]
    rows = MeasureValue.objects.filter(sen2_return=result.sen2_return, breakdown_topic="total",
                                       period__in=["2024", REF_2025.isoformat()])  # fmt: skip
    computed = dict(rows.values_list("measure", "value"))
    assert {k: computed.get(k) for k in targets.expected()} == targets.expected()
    assert computed["PC_plans_issued_20_weeks_ex"] == computed["pc_plans_issued_within_20_weeks"] == 17.3
    assert (computed["plans_issued_den"], computed["plans_issued_den_ex"]) == (1720, 1718)
    assert (computed["requests_received_in_year"], computed["ehcplans"]) == (3658, 12317)
    assert (computed["mainstream_la_maintained_senunit"], computed["special_independent"]) == (119, 725)


def test_targets_for_a_year_project_from_the_latest_published():
    values = small_values(2024)
    assert cal.published_years(values) == [2024]
    assert cal.targets_for(values, 2023) is None
    assert cal.targets_for(values, 2024) == cal.targets_from_values(values, year=2024)
    assert cal.targets_for(values, 2026) == cal.projected_targets(cal.projected_targets(cal.targets_for(values, 2024)))
