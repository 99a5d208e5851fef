"""Every measure on small hand-built rows, answers worked out by hand; invariants with hypothesis.

Each check runs both :func:`evaluate` (filter and count) and :func:`compute_all` (one pass) and expects the same.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendhub.outcomes.measures import (
    MEASURES,
    ActivePlanRow,
    RequestRow,
    Result,
    add_years,
    age_band,
    compute_all,
    evaluate,
    percent,
)

REF = date(2025, 1, 16)


def req(received: date, **kw) -> RequestRow:
    return RequestRow(received_date=received, **kw)


def issued(received: date, after_days: int, **kw) -> RequestRow:
    """A request whose named plan was issued ``after_days`` days after it was received."""
    return RequestRow(received_date=received, plan_start_date=received + timedelta(days=after_days), **kw)


def plan(**kw) -> ActivePlanRow:
    return ActivePlanRow(**kw)


def both(name, *, requests=(), plans=(), period="2024", topic="total", breakdown="Total") -> Result:
    """The measure by evaluate(), checked against compute_all()."""
    result = evaluate(
        name, requests=requests, active_plans=plans, reference_date=REF, period=period,
        breakdown_topic=topic, breakdown=breakdown,
    )
    kind = "at_date" if MEASURES[name].period_kinds == ("at_date",) else ("month" if len(period) == 7 else "year")
    key_period = REF.isoformat() if kind == "at_date" else period
    found = [
        Result(v, n, d)
        for m, k, p, t, b, v, n, d in compute_all(requests, plans, REF)
        if (m, k, p, t, b) == (name, kind, key_period, topic, breakdown)
    ]
    if found:
        assert found == [result], name
    else:  # compute_all leaves out breakdown rows with nothing counted
        assert topic != "total" or not (requests or plans) or result.numerator == 0
        assert not result.numerator and not result.denominator
    return result


def test_registry_is_complete_and_named_for_dfe():
    for name, m in MEASURES.items():
        assert m.name == name
        assert m.unit in ("count", "percent", "weeks") and m.direction in ("higher", "lower", None)
        assert m.title and m.description
        assert m.period_kinds in (("year", "month"), ("at_date",))
        if m.unit in ("percent", "weeks"):
            assert m.denominator
        if m.dfe_column:
            assert m.dfe_column == name and m.dfe_file.endswith(".csv")
    for name in [
        "requests_received_in_year", "request_outcome_six_weeks", "request_outcome_over_6_weeks", "plans_issued_den",
        "plans_issued_within_20_weeks", "plans_issued_den_ex", "plans_issued_20_weeks_ex",
        "pc_plans_issued_within_20_weeks", "PC_plans_issued_20_weeks_ex", "plans_issued_gt_1_year", "ehcplans",
        "requests_decided_not_to_assess", "number_decsion_4weeks", "mediation_related_request",
        "tribunal_related_request", "number_assess_mediation", "number_assess_tribunal", "number_asd", "asd_pc",
        "mainstream_total", "special_total", "mainstream_la_maintained_senunit", "special_independent",
        "special_academy", "special_free_school", "special_academy_free", "ap_pru_total", "AP_PRU_total_pc",
        "fe_total", "fe_total_pc", "ukrlp_provider", "ed_elsewhere", "ed_elsewhere_pc", "neet_ntci",
        "neet_other_csa", "nm_early_years", "nm_early_years_pc", "placement_unknown", "placement_unknown_pc",
        "avg_weeks_issue_plan", "avg_weeks_issue_plan_exc", "total_ceased", "max_age", "moved_outside_eng",
    ]:
        assert MEASURES[name].dfe_column == name


# Requests -------------------------------------------------------------------------------------------------------


def test_requests_received_in_year_by_received_date_with_year_boundaries():
    rows = [req(date(2023, 12, 31)), req(date(2024, 1, 1)), req(date(2024, 12, 31)), req(date(2025, 1, 1))]
    assert both("requests_received_in_year", requests=rows) == Result(2, 2, None)
    assert both("requests_received_in_year", requests=rows, period="2023").value == 1
    assert both("requests_received_in_year", requests=rows, period="2024-01").value == 1
    assert both("requests_received_in_year", requests=rows, period="2024-12").value == 1
    assert both("requests_received_in_year", requests=rows, period="2024-06").value == 0


def test_six_week_decisions_boundary_42_and_43_days():
    jan1 = date(2024, 1, 1)
    rows = [
        req(jan1, request_outcome_date=jan1 + timedelta(days=42), request_outcome="A"),  # within: exactly 6 weeks
        req(jan1, request_outcome_date=jan1 + timedelta(days=43), request_outcome="B"),  # over
        req(jan1, request_outcome_date=jan1, request_outcome="A"),  # same day: within
        req(jan1),  # no decision yet: in neither
        req(date(2023, 12, 1), request_outcome_date=date(2024, 1, 5), request_outcome="A"),  # received 2023
    ]
    assert both("request_outcome_six_weeks", requests=rows) == Result(2, 2, None)
    assert both("request_outcome_over_6_weeks", requests=rows) == Result(1, 1, None)
    assert both("request_outcome_six_weeks_pc", requests=rows) == Result(66.7, 2, 3)
    assert both("requests_received_in_year", requests=rows).value == 4
    # Assigned by ReceivedDate, as the yearly figure: the 2023 request's January decision stays in 2023-12.
    assert both("request_outcome_six_weeks", requests=rows, period="2023-12").value == 1
    assert both("request_outcome_six_weeks", requests=rows, period="2024-01").value == 2


def test_request_outcomes_refusals_withdrawn_pending():
    d = date(2024, 3, 1)
    rows = [
        req(d, request_outcome="A", request_outcome_date=d),
        req(d, request_outcome="B", request_outcome_date=d),
        req(d, request_outcome="B", request_outcome_date=d),
        req(d, request_outcome="W", request_outcome_date=d),
        req(d),
        req(d, request_outcome="H"),
    ]
    assert both("requests_decided_to_assess", requests=rows).value == 1
    assert both("requests_decided_not_to_assess", requests=rows).value == 2
    assert both("request_not_assess_pc", requests=rows) == Result(33.3, 2, 6)
    assert both("requests_withdrawn", requests=rows).value == 1
    assert both("requests_decision_not_made", requests=rows).value == 1


def test_request_mediation_and_tribunal_counts():
    d = date(2024, 5, 5)
    rows = [
        req(d, request_mediation=True),
        req(d, request_mediation=True, request_tribunal=True),
        req(d, request_tribunal=True),
        req(d),
    ]
    assert both("mediation_related_request", requests=rows).value == 2
    assert both("tribunal_related_request", requests=rows).value == 2
    assert both("tribunal_after_mediation_request", requests=rows).value == 1


# Assessments ----------------------------------------------------------------------------------------------------


def test_assessment_measures_by_assessment_outcome_date():
    jan = date(2023, 11, 1)
    rows = [
        req(jan, assessment_outcome="Y", assessment_outcome_date=date(2024, 2, 1), assessment_mediation=True),
        req(jan, assessment_outcome="S", assessment_outcome_date=date(2024, 2, 1)),
        req(jan, assessment_outcome="N", assessment_outcome_date=jan + timedelta(days=112),  # 2024-02-21: in time
            assessment_tribunal=True, assessment_mediation=True),
        req(jan, assessment_outcome="N", assessment_outcome_date=jan + timedelta(days=113), other_mediation=True),
        req(jan, assessment_outcome="W", assessment_outcome_date=date(2024, 3, 1), other_tribunal=True),
        req(jan, assessment_outcome="Y", assessment_outcome_date=date(2023, 12, 31)),  # 2023
        req(jan),  # ongoing: no outcome date
    ]
    assert both("assess_in_year", requests=rows).value == 5
    assert both("assess_issued", requests=rows).value == 2
    assert both("assess_not_issued", requests=rows).value == 2
    assert both("outcome_decision_within_time", requests=rows).value == 1
    assert both("number_assess_mediation", requests=rows).value == 2
    assert both("number_assess_tribunal", requests=rows).value == 1
    assert both("number_asssess_mediation_tribunal", requests=rows).value == 1
    assert both("number_other_mediation", requests=rows).value == 1
    assert both("number_other_tribunal", requests=rows).value == 1
    assert both("assess_in_year", requests=rows, period="2023").value == 1
    assert both("assess_in_year", requests=rows, period="2024-02").value == 4


# 20-week timeliness ---------------------------------------------------------------------------------------------


def test_twenty_weeks_boundary_140_and_141_days_and_exceptions():
    r = date(2024, 1, 10)
    rows = [
        issued(r, 140),  # exactly 20 weeks: within
        issued(r, 141),  # over
        issued(r, 100, week20=True),  # within, but an exception applied
        issued(r, 200, week20=True),  # over, exception
        req(r),  # no plan: not in any 20-week figure
    ]
    assert both("plans_issued_den", requests=rows) == Result(4, 4, None)
    assert both("plans_issued_within_20_weeks", requests=rows).value == 2
    assert both("pc_plans_issued_within_20_weeks", requests=rows) == Result(50.0, 2, 4)
    assert both("plans_issued_den_ex", requests=rows).value == 2
    assert both("plans_issued_20_weeks_ex", requests=rows).value == 1
    assert both("PC_plans_issued_20_weeks_ex", requests=rows) == Result(50.0, 1, 2)
    assert both("plans_issued_gt20weeks_ltYear", requests=rows).value == 2
    assert both("plans_issued_gt20weeks_ltYear_ex", requests=rows).value == 1


def test_plans_assigned_by_start_date_not_received_date():
    rows = [
        issued(date(2023, 10, 1), 100),  # received 2023, issued 2024-01-09: a 2024 plan
        issued(date(2024, 11, 1), 90),  # issued 2025-01-30: a 2025 plan
    ]
    assert both("plans_issued_den", requests=rows).value == 1
    assert both("plans_issued_den", requests=rows, period="2024-01").value == 1
    assert both("plans_issued_den", requests=rows, period="2025").value == 1
    assert both("requests_received_in_year", requests=rows, period="2024").value == 1


def test_plans_issued_after_52_weeks_is_more_than_364_days():
    r = date(2023, 1, 2)
    rows = [issued(r, 364), issued(r, 365), issued(r, 400, week20=True), issued(r, 30)]
    assert both("plans_issued_gt_1_year", requests=rows, period="2023").value == 0  # 364 days is issued in 2024
    assert both("plans_issued_gt_1_year", requests=rows).value == 2
    assert both("plans_issued_gt_1_year_ex", requests=rows).value == 1
    assert both("pc_plans_issued_gt_1_year", requests=rows) == Result(66.7, 2, 3)
    assert both("PC_plans_issued_gt_1_year_ex", requests=rows) == Result(50.0, 1, 2)
    assert both("plans_issued_gt20weeks_ltYear", requests=rows).value == 1  # the 364-day plan


def test_percentages_are_none_when_nothing_to_divide_by():
    rows = [req(date(2024, 2, 2))]
    assert both("PC_plans_issued_20_weeks_ex", requests=rows) == Result(None, 0, 0)
    only_exceptions = [issued(date(2024, 1, 1), 50, week20=True)]
    assert both("PC_plans_issued_20_weeks_ex", requests=only_exceptions) == Result(None, 0, 0)
    assert both("pc_plans_issued_within_20_weeks", requests=only_exceptions) == Result(100.0, 1, 1)
    assert percent(1, 3) == 33.3 and percent(2, 3) == 66.7 and percent(0, 0) is None


# Annual reviews ---------------------------------------------------------------------------------------------------


def test_reviews_within_12_months_of_the_previous_one():
    rows = [
        plan(review_meeting=date(2024, 3, 1), last_review=date(2023, 3, 1)),  # exactly 12 months: within
        plan(review_meeting=date(2024, 3, 2), last_review=date(2023, 3, 1)),  # a day late
        plan(review_meeting=date(2024, 6, 1), plan_start_date=date(2023, 7, 1)),  # first review: within
        plan(review_meeting=date(2024, 6, 1), last_review=date(2024, 6, 1), plan_start_date=date(2022, 1, 1)),
        plan(review_meeting=date(2024, 6, 1)),  # no previous date known
        plan(review_meeting=date(2023, 6, 1), last_review=date(2022, 6, 1)),  # 2023
        plan(last_review=date(2024, 1, 1)),  # no meeting: not a review held
    ]
    assert both("total_review_meeting", plans=rows).value == 5
    # LastReview == ReviewMeeting is not a previous review, and a StartDate over 2 years before the meeting is
    # not one either (not a first review): that meeting's previous review is unknown.
    assert both("reviews_within_12_months", plans=rows).value == 2
    assert both("reviews_within_12_months_pc", plans=rows) == Result(66.7, 2, 3)
    first_late = [plan(review_meeting=date(2024, 9, 1), plan_start_date=date(2023, 6, 1))]
    assert both("reviews_within_12_months_pc", plans=first_late) == Result(0.0, 0, 1)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_review_decisions_within_4_weeks_boundary_28_days():
    m = date(2024, 4, 1)
    rows = [
        plan(review_meeting=m, review_draft=m + timedelta(days=28)),
        plan(review_meeting=m, review_draft=m + timedelta(days=29)),
        plan(review_meeting=m, review_draft=m - timedelta(days=1)),  # before the meeting: not a decision date
        plan(review_meeting=m),
    ]
    assert both("number_decsion_4weeks", plans=rows).value == 1
    assert both("number_decision_gt_4weeks", plans=rows).value == 1
    assert both("pc_decsion_4weeks", plans=rows) == Result(50.0, 1, 2)
    assert both("number_decsion_4weeks", plans=rows, period="2024-04").value == 1


# Stock at the reference date --------------------------------------------------------------------------------------


def test_ehcplans_needs_and_placements_at_the_reference_date():
    rows = [
        plan(primary_need="ASD", placement_column="mainstream_academy"),
        plan(primary_need="ASD", placement_column="special_la_maintained"),
        plan(primary_need="SEMH", placement_column="special_independent"),
        plan(primary_need="", placement_column="other_arrangements_la"),
        plan(primary_need="XYZ", placement_column=""),
        # Active during the year, not at the reference date: in no caseload measure.
        plan(primary_need="ASD", placement_column="mainstream_academy", in_caseload=False),
    ]
    assert both("ehcplans", plans=rows) == Result(5, 5, None)
    assert both("number_asd", plans=rows).value == 2
    assert both("asd_pc", plans=rows) == Result(40.0, 2, 5)
    assert both("number_semh", plans=rows).value == 1
    assert both("number_need_unknown", plans=rows).value == 2
    assert both("unknown_pc", plans=rows).value == 40.0
    assert both("number_hi", plans=rows).value == 0
    assert both("hi_pc", plans=rows) == Result(0.0, 0, 5)
    assert both("mainstream_total", plans=rows).value == 1
    assert both("mainstream_academy", plans=rows).value == 1
    # DfE's special_total includes independent special schools.
    assert both("special_total", plans=rows).value == 2
    assert both("special_total_pc", plans=rows) == Result(40.0, 2, 5)
    assert both("special_independent", plans=rows).value == 1
    assert both("ed_elsewhere", plans=rows).value == 1
    assert both("other_arrangements_la", plans=rows).value == 1
    assert both("placement_unknown", plans=rows).value == 1
    assert both("placement_unknown_pc", plans=rows).value == 20.0
    assert both("ehcplans", plans=[]) == Result(0, 0, None)


def test_every_plan_is_in_exactly_one_column_and_the_totals_add_up():
    from sendhub.outcomes.placements import COLUMNS, TOTALS

    rows = [plan(placement_column=name) for name, _title in COLUMNS] + [plan(placement_column="nonsense")]
    values = {m: v for m, k, _p, t, _b, v, _n, _d in compute_all([], rows, REF) if t == "total"}
    assert values["ehcplans"] == len(COLUMNS) + 1
    assert sum(values[name] for name, _title in COLUMNS) == values["ehcplans"]
    assert values["placement_unknown"] == 2  # its own, and a column that does not exist
    for total, (_title, members) in TOTALS.items():
        assert values[total] == sum(values[name] for name, _t in members)
    assert values["special_total"] == 5 and values["special_academy_free"] == 2
    assert values["AP_PRU_total_pc"] == round(100 * 3 / values["ehcplans"], 1)
    assert sum(values[t] for t in TOTALS) == values["ehcplans"]


def test_reviews_overdue_at_the_reference_date():
    rows = [
        plan(last_review=date(2024, 1, 16)),  # one year before REF: not overdue (due on the reference date)
        plan(last_review=date(2024, 1, 15)),  # overdue
        plan(review_meeting=date(2024, 6, 1), last_review=date(2023, 1, 1)),  # latest is the meeting
        plan(plan_start_date=date(2023, 6, 1)),  # never reviewed, issued 19 months ago
        plan(),  # nothing known
    ]
    assert both("reviews_overdue", plans=rows) == Result(2, 2, None)


# Breakdowns --------------------------------------------------------------------------------------------------------


def test_breakdowns_by_district_age_band_and_need():
    r = date(2024, 2, 1)
    rows = [
        issued(r, 100, district="PR1", age_band="Age 5 to 10", primary_need="ASD"),
        issued(r, 200, district="PR1", age_band="Age 11 to 15"),
        issued(r, 100, district="BB2", age_band="Age 5 to 10", primary_need="SEMH"),
    ]
    assert both("PC_plans_issued_20_weeks_ex", requests=rows, topic="district", breakdown="PR1").value == 50.0
    assert both("plans_issued_den", requests=rows, topic="district", breakdown="BB2").value == 1
    assert both("plans_issued_den", requests=rows, topic="district", breakdown="LA1").value == 0
    assert both("plans_issued_den", requests=rows, topic="age_band", breakdown="Age 5 to 10").value == 2
    assert both("plans_issued_den", requests=rows, topic="primary_need", breakdown="Unknown").value == 1
    assert both("plans_issued_den", requests=rows, topic="primary_need", breakdown="ASD").value == 1
    plans = [plan(district="PR1", primary_need="ASD"), plan(district="PR2", primary_need="ASD")]
    assert both("number_asd", plans=plans, topic="district", breakdown="PR2").value == 1
    assert both("asd_pc", plans=plans, topic="primary_need", breakdown="ASD").value == 100.0


@pytest.mark.parametrize(
    ("age", "band"),
    [(None, "Unknown"), (0, "Under age 5"), (4, "Under age 5"), (5, "Age 5 to 10"), (10, "Age 5 to 10"),
     (11, "Age 11 to 15"), (15, "Age 11 to 15"), (16, "Age 16 to 19"), (19, "Age 16 to 19"), (20, "Age 20 to 25"),
     (25, "Age 20 to 25"), (26, "Unknown")],
)
def test_age_bands(age, band):
    assert age_band(age) == band


def test_period_start_leaves_out_earlier_flow_rows_but_not_stock():
    rows = [req(date(2023, 12, 31)), req(date(2024, 1, 1))]
    out = list(compute_all(rows, [plan()], REF, period_start=date(2024, 1, 1)))
    periods = {(m, p) for m, k, p, t, b, *_ in out if m in ("requests_received_in_year", "ehcplans") and t == "total"}
    assert periods == {("requests_received_in_year", "2024"), ("requests_received_in_year", "2024-01"),
                       ("ehcplans", REF.isoformat())}


# Properties ----------------------------------------------------------------------------------------------------------

START = date(2023, 1, 1)


def _later(received: int, after: int | None) -> date | None:
    return None if after is None else START + timedelta(days=received + after)


request_rows = st.builds(
    lambda received, outcome_after, plan_after, week20, district, band, outcome: RequestRow(
        received_date=START + timedelta(days=received),
        request_outcome_date=_later(received, outcome_after),
        request_outcome=outcome,
        plan_start_date=_later(received, plan_after),
        week20=week20,
        district=district,
        age_band=band,
    ),
    st.integers(min_value=0, max_value=730),
    st.none() | st.integers(min_value=0, max_value=90),
    st.none() | st.integers(min_value=60, max_value=500),
    st.booleans(),
    st.sampled_from(["PR1", "BB2", "LA3"]),
    st.sampled_from(["Under age 5", "Age 5 to 10", "Unknown"]),
    st.sampled_from(["A", "B", "W", ""]),
)


def _index(out):
    return {(m, k, p, t, b): (v, n, d) for m, k, p, t, b, v, n, d in out}


@settings(max_examples=60, deadline=None)
@given(st.lists(request_rows, max_size=40))
def test_invariants_hold(rows):
    values = _index(compute_all(rows, [], REF))
    keys = {(k, p, t, b) for (_, k, p, t, b) in values}

    def get(name, key):
        return values.get((name, *key), (0, 0, 0))

    for key in keys:
        received = get("requests_received_in_year", key)[0]
        six, over = get("request_outcome_six_weeks", key)[0], get("request_outcome_over_6_weeks", key)[0]
        assert six + over <= received
        pc = get("request_outcome_six_weeks_pc", key)
        assert pc[1] == six and (pc[2] or 0) == six + over
        den, den_ex = get("plans_issued_den", key)[0], get("plans_issued_den_ex", key)[0]
        within, within_ex = get("plans_issued_within_20_weeks", key)[0], get("plans_issued_20_weeks_ex", key)[0]
        middle, over_year = get("plans_issued_gt20weeks_ltYear", key)[0], get("plans_issued_gt_1_year", key)[0]
        assert within + middle + over_year == den  # within + over = total
        assert den_ex <= den and within_ex <= within and within_ex <= den_ex
        for pc_name, n, d in (
            ("pc_plans_issued_within_20_weeks", within, den), ("PC_plans_issued_20_weeks_ex", within_ex, den_ex)
        ):
            value = values.get((pc_name, *key))
            if value is not None:
                assert value == ((round(100 * n / d, 1) if d else None), n, d)
    # Months add up to the year for every count measure and breakdown.
    for (name, kind, period, topic, breakdown), (value, _, _) in values.items():
        if kind == "year" and MEASURES[name].unit == "count":
            months = sum(
                v for (m, k, p, t, b), (v, _, _) in values.items()
                if (m, k, t, b) == (name, "month", topic, breakdown) and p.startswith(period + "-")
            )
            assert months == value, (name, period, topic, breakdown)
    # evaluate() agrees with compute_all() on the headline measure for every year.
    for year in ("2023", "2024", "2025"):
        stored = values.get(("PC_plans_issued_20_weeks_ex", "year", year, "total", "Total"), (None, 0, 0))
        assert evaluate("PC_plans_issued_20_weeks_ex", requests=rows, period=year) == Result(*stored)
