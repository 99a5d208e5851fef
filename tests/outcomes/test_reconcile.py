"""The reconciliation's comparison (pure): which figures, in which order, when they differ and why."""

from __future__ import annotations

import dataclasses

import pytest

from sendhub.outcomes import reconcile
from sendhub.outcomes.measures import MEASURES
from sendhub.outcomes.placements import TOTALS
from sendhub.outcomes.reconcile import (
    DFE_MARKED,
    DFE_NO_COLUMN,
    DFE_NO_FIGURE,
    DFE_NOT_IN_RELEASE,
    DIFFERS,
    HEADLINE,
    MATCHES,
    NOT_COMPUTED,
    NOT_PUBLISHED,
    SEN2_NO_MEASURE,
    SEN2_NOT_STORED,
    Figure,
    compare,
    describe,
    figure_specs,
    summary,
)

# The registry without the measures these tests need SEN2 not to have (SEND Hub may compute them one day).
NOT_IN_SEN2 = {"total_ceased", "fe_total"}
REGISTRY = {
    name: m for name, m in MEASURES.items() if not {name, (m.dfe_column or "").lower()} & NOT_IN_SEN2
}
SPECS = {spec.measure: spec for spec in figure_specs(REGISTRY)}


def fig(name: str, sen2=None, dfe=None, **fields) -> Figure:
    """A figure of ``name`` with both values; a missing SEN2 measure or DfE value says so unless told otherwise."""
    spec = SPECS[name]
    if spec.sen2_measure is None:
        fields.setdefault("sen2_state", SEN2_NO_MEASURE)
    if spec.dfe_column is None:
        fields.setdefault("dfe_state", DFE_NO_COLUMN)
    return Figure(spec, sen2_value=sen2, dfe_value=dfe, **fields)


def run(*figures: Figure) -> dict[str, reconcile.ReconciliationRow]:
    rows = reconcile.reconcile(figures, year=2024, reference_date="2025-01-16")
    return {row.measure: row for row in rows}


# Which figures ------------------------------------------------------------------------------------------------


def test_headline_figures_come_first_in_order_then_every_other_measure_once():
    specs = figure_specs()
    headline = [s for s in specs if s.headline]
    assert [(s.dfe_file, s.dfe_column) for s in headline] == list(HEADLINE)
    assert all(not s.headline for s in specs[len(headline):])
    names = [s.sen2_measure for s in specs if s.sen2_measure]
    assert sorted(names) == sorted(MEASURES) and len(names) == len(set(names))
    assert [s.measure for s in headline[:6]] == [
        "requests_received_in_year",
        "request_outcome_six_weeks_pc",
        "assess_in_year",
        "plans_issued_den",
        "pc_plans_issued_within_20_weeks",
        "PC_plans_issued_20_weeks_ex",
    ]
    caseload = [s.dfe_column for s in headline if s.caseload]
    assert caseload == ["ehcplans", *TOTALS]


def test_headline_measure_is_found_by_its_dfe_column_in_any_letter_case_and_unknown_ones_say_so():
    renamed = dataclasses.replace(
        MEASURES["requests_received_in_year"], name="total_plans_ceased", dfe_file="Ceased_Plans.csv",
        dfe_column="TOTAL_CEASED",
    )
    specs = {s.measure: s for s in figure_specs({**REGISTRY, renamed.name: renamed})}
    ceased = specs["total_plans_ceased"]
    assert ceased.headline and ceased.sen2_measure == "total_plans_ceased" and ceased.dfe_column == "TOTAL_CEASED"
    assert "total_ceased" not in specs
    without = {s.measure: s for s in figure_specs({})}
    assert without["total_ceased"].sen2_measure is None and without["total_ceased"].title == "EHC plans ceased"
    assert without["ehcplans"].caseload and not without["total_ceased"].caseload
    assert without["PC_plans_issued_20_weeks_ex"].unit == "percent"  # DfE's names: PC_... or ..._pc
    assert without["request_outcome_six_weeks_pc"].unit == "percent"
    assert without["plans_issued_den"].unit == "count"


# When figures differ -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "sen2", "dfe", "difference", "differs"),
    [
        ("count", 1005, 1005.0, 0, False),
        ("count", 1004, 1005, -1, True),  # any difference in a count
        ("count", 1006.0, 1005, 1, True),
        ("percent", 17.3, 17.3, 0, False),
        ("percent", 17.32, 17.28, 0, False),  # both 17.3 to one decimal place, as DfE publishes
        ("percent", 17.4, 17.3, 0.1, True),  # 0.1 apart is beyond rounding
        ("percent", 57.8, 17.3, 40.5, True),
        ("percent", 0.0, 0.04, 0, False),
        ("count", None, 5, None, None),
        ("percent", 5.0, None, None, None),
    ],
)
def test_compare(unit, sen2, dfe, difference, differs):
    assert compare(unit, sen2, dfe) == (difference, differs)
    if difference is not None:
        assert isinstance(compare(unit, sen2, dfe)[0], int) == float(difference).is_integer()


def test_statuses_values_and_periods():
    rows = run(
        fig("requests_received_in_year", 1278, 1278.0),
        fig("PC_plans_issued_20_weeks_ex", 17.3, 17.3),
        fig("ehcplans", 12317, 12000),
        fig("total_ceased", dfe=1002),
        fig("reviews_overdue", 40),
    )
    requests = rows["requests_received_in_year"]
    assert (requests.status, requests.sen2_value, requests.dfe_value, requests.difference) == (MATCHES, 1278, 1278, 0)
    assert isinstance(requests.dfe_value, int) and requests.likely_cause == ""
    assert (requests.period, requests.dfe_period) == ("2024", "2024")
    plans = rows["ehcplans"]
    assert (plans.status, plans.difference, plans.period, plans.dfe_period) == (DIFFERS, 317, "2025-01-16", "202425")
    ceased = rows["total_ceased"]
    assert ceased.status == NOT_COMPUTED and ceased.dfe_value == 1002
    assert ceased.likely_cause == "SEND Hub computes no such measure from the SEN2 return."
    overdue = rows["reviews_overdue"]
    assert overdue.status == NOT_PUBLISHED and overdue.sen2_value == 40
    assert overdue.likely_cause == "DfE does not publish this figure (a SEND Hub measure)."
    assert summary(list(rows.values())) == {DIFFERS: 1, MATCHES: 2, NOT_PUBLISHED: 1, NOT_COMPUTED: 1}
    assert describe(summary(list(rows.values()))) == [
        "1 differs beyond rounding",
        "2 match",
        "1 not published by DfE",
        "1 not computed from the SEN2 return",
    ]


@pytest.mark.parametrize(
    ("fields", "cause"),
    [
        ({"dfe_state": DFE_MARKED, "dfe_marker": "x"}, "DfE published 'x': not available (or suppressed)"),
        ({"dfe_state": DFE_MARKED, "dfe_marker": "c"}, "DfE published 'c': suppressed to protect confidentiality"),
        ({"dfe_state": DFE_MARKED, "dfe_marker": "z"}, "DfE published 'z': not applicable"),
        ({"dfe_state": DFE_MARKED, "dfe_marker": ""}, "DfE's cell is empty"),
        ({"dfe_state": DFE_NO_FIGURE}, "DfE's release has no figure for this LA and year (assessments.csv, 2024)"),
        (
            {"dfe_state": DFE_NOT_IN_RELEASE, "dfe_note": "assess_in_year was removed."},
            "Not in this DfE release (assessments.csv: assess_in_year). assess_in_year was removed.",
        ),
    ],
)
def test_why_dfe_has_no_figure(fields, cause):
    row = run(fig("assess_in_year", 1937, None, **fields))["assess_in_year"]
    assert row.status == NOT_PUBLISHED and row.sen2_value == 1937 and row.difference is None
    assert row.likely_cause.startswith(cause)


def test_why_sen2_has_no_figure():
    rows = run(
        fig("PC_plans_issued_20_weeks_ex", None, 17.3),
        fig("plans_issued_den", None, 1720, sen2_state=SEN2_NOT_STORED),
        fig("fe_total", None, None, dfe_state=DFE_MARKED, dfe_marker="x"),
    )
    assert rows["PC_plans_issued_20_weeks_ex"].status == NOT_COMPUTED
    assert rows["PC_plans_issued_20_weeks_ex"].likely_cause == "No value from the return: nothing to divide by."
    assert rows["plans_issued_den"].likely_cause.startswith(
        "The return has no stored figure for it: nothing of its kind in 2024, or its figures were computed before "
        "SEND Hub had this measure"
    )
    caseload = run(fig("ehcplans", None, 12317, sen2_state=SEN2_NOT_STORED))["ehcplans"]
    assert caseload.likely_cause.startswith(
        "The return has no stored figure for it: its figures were computed before SEND Hub had this measure"
    )
    both = rows["fe_total"]
    assert both.status == NOT_COMPUTED
    assert both.likely_cause == (
        "SEND Hub computes no such measure from the SEN2 return. DfE published 'x': not available (or suppressed) "
        "(caseload.csv, 202425)."
    )


# Likely causes ------------------------------------------------------------------------------------------------


def test_timeliness_differing_only_without_exceptions_is_exception_coding():
    rows = run(
        fig("pc_plans_issued_within_20_weeks", 17.3, 17.3),
        fig("PC_plans_issued_20_weeks_ex", 57.8, 17.3),
        fig("plans_issued_den", 1720, 1720),
        fig("plans_issued_den_ex", 700, 1718),
    )
    for name, twin in (("PC_plans_issued_20_weeks_ex", "pc_plans_issued_within_20_weeks"),
                       ("plans_issued_den_ex", "plans_issued_den")):
        assert rows[name].status == DIFFERS
        assert rows[name].likely_cause.startswith(f"Exception (Week20) coding: including exceptions the figure "
                                                  f"matches DfE's ({twin})")


def test_timeliness_differing_with_and_without_exceptions_is_not_put_down_to_exceptions():
    rows = run(
        fig("pc_plans_issued_within_20_weeks", 20.0, 17.3),
        fig("PC_plans_issued_20_weeks_ex", 57.8, 17.3),
        fig("plans_issued_20_weeks_ex", 900, 297),
        fig("plans_issued_den_ex", 1718, 1718),
    )
    cause = rows["PC_plans_issued_20_weeks_ex"].likely_cause
    assert "Week20" not in cause
    assert cause == "Follows from the counts differing (plans_issued_20_weeks_ex)."


def test_placement_totals_with_many_unknown_placements_point_to_gias():
    rows = run(
        fig("ehcplans", 12317, 12317),
        fig("mainstream_total", 4000, 4991),
        fig("mainstream_total_pc", 32.5, 40.5),
        fig("placement_unknown", 1457, 466),
    )
    for name in ("mainstream_total", "mainstream_total_pc", "placement_unknown"):
        assert rows[name].status == DIFFERS
        assert rows[name].likely_cause.startswith(
            "Placements not recognised: 1,457 plans are placement_unknown in the return (against DfE's 466). "
            "Their placement URNs are probably not in GIAS"
        )


def test_unknown_placements_no_higher_than_dfe_are_not_blamed():
    rows = run(fig("ehcplans", 12317, 12317), fig("special_total", 4000, 4653), fig("placement_unknown", 466, 466))
    assert "GIAS" not in rows["special_total"].likely_cause


def test_unknown_placements_without_a_dfe_figure_are_many_from_five_percent_of_plans():
    many = run(
        fig("ehcplans", 1000, 1000),
        fig("special_total", 300, 350),
        fig("placement_unknown", 50, None, dfe_state=DFE_MARKED, dfe_marker="x"),
    )
    assert "(5.0% of plans)" in many["special_total"].likely_cause
    few = run(
        fig("ehcplans", 1000, 1000),
        fig("special_total", 300, 350),
        fig("placement_unknown", 49, None, dfe_state=DFE_MARKED, dfe_marker="x"),
    )
    assert "GIAS" not in few["special_total"].likely_cause


def test_caseload_differences():
    more = run(fig("ehcplans", 1410, 1350), fig("number_asd", 500, 480))
    assert more["ehcplans"].likely_cause.startswith("More plans in the return than DfE counted at the January census")
    assert "ceased before the reference date" in more["ehcplans"].likely_cause
    assert more["number_asd"].likely_cause == (
        "Follows from the number of plans differing (ehcplans: SEN2 1,410, DfE 1,350)."
    )
    fewer = run(fig("ehcplans", 1300, 1350))
    assert fewer["ehcplans"].likely_cause.startswith("Fewer plans in the return than DfE counted")
    alone = run(fig("ehcplans", 1350, 1350), fig("number_asd", 500, 480))
    assert alone["number_asd"].likely_cause == ""


def test_flows_lower_or_higher_than_dfe():
    rows = run(fig("requests_received_in_year", 3500, 3658), fig("assess_in_year", 2000, 1937))
    assert rows["requests_received_in_year"].likely_cause.startswith(
        "Fewer in the return than DfE published: records entered late, or a resubmission to DfE after this return"
    )
    assert rows["assess_in_year"].likely_cause.startswith("More in the return than DfE published")


def test_percentage_follows_from_its_counts_or_is_worked_out_differently():
    differing = run(
        fig("requests_received_in_year", 3600, 3658),
        fig("requests_decided_not_to_assess", 876, 876),
        fig("request_not_assess_pc", 24.3, 23.9),
    )
    assert differing["request_not_assess_pc"].likely_cause == (
        "Follows from the counts differing (requests_received_in_year)."
    )
    same_counts = run(
        fig("requests_received_in_year", 3658, 3658),
        fig("requests_decided_not_to_assess", 876, 876),
        fig("request_not_assess_pc", 24.3, 23.9),
    )
    assert same_counts["request_not_assess_pc"].likely_cause.startswith(
        "The counts behind it match DfE's (requests_received_in_year, requests_decided_not_to_assess)"
    )
