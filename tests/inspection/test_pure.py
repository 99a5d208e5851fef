"""The pure parts: the frameworks' rules and clocks, Cohen's kappa against a hand-worked example, the stratified
sample and the readiness rules."""

from __future__ import annotations

from datetime import date

import pytest

from sendhub.inspection import frameworks
from sendhub.inspection.agreement import agreement
from sendhub.inspection.readiness import EvidenceState, assess
from sendhub.inspection.sampling import Candidate, stratified_sample

# Frameworks -------------------------------------------------------------------------------------------------


def test_working_days_skip_weekends():
    # Friday 7 February 2025 + 35 working days = seven whole weeks later, Friday 28 March 2025.
    assert frameworks.add_working_days(date(2025, 2, 7), 35) == date(2025, 3, 28)
    # Saturday start: the first working day is Monday.
    assert frameworks.add_working_days(date(2025, 2, 8), 1) == date(2025, 2, 10)


def test_add_months_keeps_the_day_or_the_month_end():
    assert frameworks.add_months(date(2025, 2, 7), 18) == date(2026, 8, 7)
    assert frameworks.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)


def test_outcome_3_requires_a_priority_action_plan_and_an_updated_strategic_plan():
    required = frameworks.required_plans("2023", "full", outcome="3", published=date(2025, 2, 7))
    assert [(r.plan.kind, r.due_date) for r in required] == [
        ("pap", date(2025, 3, 28)),
        ("strategic", date(2025, 4, 18)),  # 50 working days
    ]
    assert required[0].reminder_date == date(2025, 3, 18)


def test_outcome_2_requires_only_the_strategic_plan_and_outcome_1_nothing():
    assert [r.plan.kind for r in frameworks.required_plans("2023", "full", outcome="2", published=None)] == [
        "strategic"
    ]
    assert frameworks.required_plans("2023", "full", outcome="1", published=date(2025, 1, 1)) == []


def test_2016_plans_follow_weaknesses_and_insufficient_progress():
    wsoa = frameworks.required_plans("2016", "full", significant_weaknesses=12, published=date(2018, 1, 23))
    assert [r.plan.name for r in wsoa] == ["Written statement of action"]
    assert frameworks.required_plans("2016", "full", significant_weaknesses=0, published=date(2018, 1, 23)) == []
    app = frameworks.required_plans("2016", "revisit", not_sufficient=5, published=date(2020, 5, 12))
    assert [(r.plan.name, r.due_date) for r in app] == [("Accelerated progress plan", None)]


def test_outcome_3_expects_a_monitoring_inspection_about_18_months_after_the_report():
    expected = frameworks.expected_activities("2023", "full", outcome="3", published=date(2025, 2, 7))
    assert [(rule.kind, when) for rule, when in expected][:2] == [
        ("monitoring", date(2026, 8, 7)),
        ("full", date(2028, 2, 7)),
    ]


def test_words_differ_between_frameworks():
    assert frameworks.kind_name("2016", "revisit") == "Revisit"
    assert frameworks.kind_name("2023", "monitoring") == "Monitoring inspection"
    assert not frameworks.kind_allowed("2023", "revisit") and not frameworks.kind_allowed("2016", "monitoring")
    assert frameworks.judgement_wording("2016", "revisit", "sufficient_progress") == "Sufficient progress"
    assert frameworks.judgement_wording("2023", "monitoring", "sufficient_progress") != "Sufficient progress"
    assert frameworks.FRAMEWORKS["2023"].outcomes["3"].statement.startswith("There are widespread and/or systemic")
    assert len(frameworks.CRITERIA) == 11


# Agreement --------------------------------------------------------------------------------------------------


def test_kappa_matches_the_hand_worked_example():
    # Ten plans graded by two auditors. Agree on 7: p_o = 0.7.
    # First auditor: 4 x2, 3 x4, 2 x3, 1 x1; second: 4 x2, 3 x3, 2 x4, 1 x1.
    # p_e = (2*2 + 4*3 + 3*4 + 1*1) / 100 = 0.29; kappa = (0.7 - 0.29) / (1 - 0.29) = 0.41 / 0.71 = 0.5775.
    first = [4, 3, 3, 2, 2, 1, 3, 4, 2, 3]
    second = [4, 3, 2, 2, 2, 1, 3, 3, 2, 4]
    result = agreement(list(zip(first, second, strict=True)))
    assert result.pairs == 10 and result.agreed == 7
    assert result.percent == pytest.approx(70.0)
    assert result.kappa == pytest.approx(0.41 / 0.71)
    assert round(result.kappa, 4) == 0.5775
    assert result.kappa_words == "Moderate"


def test_kappa_edge_cases():
    assert agreement([]).kappa is None and agreement([]).percent is None
    one_grade = agreement([(3, 3), (3, 3)])
    assert one_grade.percent == 100 and one_grade.kappa is None  # chance agreement is 1: undefined
    assert agreement([(1, 2), (2, 1)]).kappa == pytest.approx(-1.0)
    assert agreement([(1, 1), (2, 2), (4, 4)]).kappa == pytest.approx(1.0)


# Sampling ---------------------------------------------------------------------------------------------------


def _candidates() -> list[Candidate]:
    rows = [Candidate(f"N{i:03}", "new", "ASD", "PR1") for i in range(60)]
    rows += [Candidate(f"M{i:03}", "new", "SLCN", "PR2") for i in range(40)]
    rows += [Candidate(f"R{i:03}", "reviewed", "SEMH", "BB1") for i in range(50)]
    return rows


def test_the_sample_covers_every_stratum_at_no_less_than_the_share():
    drawn = stratified_sample(_candidates(), percent=5, double_percent=20, seed=1)
    by_stratum: dict[tuple[str, str], int] = {}
    for d in drawn:
        key = (d.candidate.cohort, d.candidate.need)
        by_stratum[key] = by_stratum.get(key, 0) + 1
    assert by_stratum == {("new", "ASD"): 3, ("new", "SLCN"): 2, ("reviewed", "SEMH"): 3}
    assert sum(d.double for d in drawn) == 2  # ceil(8 x 20%)
    new = [d for d in drawn if d.candidate.cohort == "new"]
    assert len(new) / 100 >= 0.05


def test_the_same_seed_draws_the_same_sample_and_a_reference_is_drawn_once():
    first = stratified_sample(_candidates(), percent=5, double_percent=20, seed=7)
    again = stratified_sample(list(reversed(_candidates())), percent=5, double_percent=20, seed=7)
    assert first == again
    twice = [Candidate("X1", "new", "ASD", "PR1"), Candidate("X1", "reviewed", "ASD", "PR1")]
    assert len(stratified_sample(twice, percent=100, double_percent=0, seed=1)) == 1


@pytest.mark.parametrize(("percent", "double"), [(0, 10), (101, 10), (5, -1), (5, 101)])
def test_the_shares_must_make_sense(percent, double):
    with pytest.raises(ValueError):
        stratified_sample(_candidates(), percent=percent, double_percent=double, seed=1)


# Readiness --------------------------------------------------------------------------------------------------


def test_readiness_flags_missing_and_stale_evidence_and_differing_views():
    today = date(2026, 12, 4)
    fresh = EvidenceState("Board decision", "Strategy agreed", date(2026, 11, 1))
    stale = EvidenceState("Evidence file", "Old audit", date(2026, 1, 1))
    missing = EvidenceState("Statutory measure", "20 weeks", None, missing=True)
    result = assess(
        code="EO1", text="Needs", grade="inconsistent", reasoning="Because", review_date=date(2027, 1, 1),
        evidence=[fresh, stale, missing], partner_grades={"forum": "failings"}, today=today, stale_after_days=183,
    )
    assert result.stale == [stale]
    assert result.issues == [
        "Old audit: stale, latest information 1 January 2026",
        "20 weeks: no information recorded",
        "Partners' views differ from each other or from the partnership's judgement",
    ]
    ready = assess(
        code="EO1", text="Needs", grade="inconsistent", reasoning="Because", review_date=date(2027, 1, 1),
        evidence=[fresh], partner_grades={"forum": "inconsistent"}, today=today, stale_after_days=183,
    )
    assert ready.ready
    empty = assess(code="SL1", text="x", grade="", reasoning="", review_date=date(2026, 1, 1), evidence=[],
                   partner_grades={}, today=today, stale_after_days=183)
    assert empty.issues == ["No judgement recorded", "No reasoning for the judgement", "No evidence linked",
                            "Review date passed (1 January 2026)"]
