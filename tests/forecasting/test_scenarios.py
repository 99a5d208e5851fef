"""Scenarios are plain arithmetic on the baseline: hand-made demand with answers worked out by hand."""

from __future__ import annotations

import pytest

from sendhub.forecasting.scenarios import (
    ACADEMY,
    DELAY_WEEKS,
    EHCPLANS,
    INDEPENDENT,
    MAINTAINED,
    RESOURCED,
    ScenarioInputs,
    apply,
    meet_in_resourced,
    reduce_independent,
    timeliness_extra,
    timeliness_reaches,
)

ORIGIN = 2025


def baseline():
    return {
        EHCPLANS: {2025: 1000.0, 2026: 1100.0, 2027: 1200.0},
        MAINTAINED: {2025: 300.0, 2026: 300.0, 2027: 300.0},
        ACADEMY: {2025: 100.0, 2026: 100.0, 2027: 100.0},
        INDEPENDENT: {2025: 50.0, 2026: 60.0, 2027: 70.0},
        RESOURCED: {2025: 40.0, 2026: 44.0, 2027: 48.0},
    }


def test_resourced_moves_a_growing_number_from_state_special_schools_in_proportion():
    # 10% of (200 new plans x 40% who would need a special school) = 8 a year, adding up: 8 then 16.
    out = meet_in_resourced(baseline(), origin=ORIGIN, pct=10, new_plans=200, special_share=0.4)
    assert out[RESOURCED][2026] == pytest.approx(52) and out[RESOURCED][2027] == pytest.approx(64)
    assert out[MAINTAINED][2026] == pytest.approx(300 - 6) and out[ACADEMY][2026] == pytest.approx(100 - 2)
    assert out[MAINTAINED][2027] == pytest.approx(300 - 12) and out[ACADEMY][2027] == pytest.approx(100 - 4)
    # The origin year is what was published: never changed. Nor is the number of plans.
    assert out[RESOURCED][2025] == 40 and out[EHCPLANS] == baseline()[EHCPLANS]


def test_resourced_never_takes_more_than_the_special_schools_have():
    out = meet_in_resourced(baseline(), origin=ORIGIN, pct=100, new_plans=10_000, special_share=1)
    assert out[MAINTAINED][2026] == pytest.approx(0) and out[ACADEMY][2026] == pytest.approx(0)
    assert out[RESOURCED][2026] == pytest.approx(44 + 400)


def test_fewer_independent_placements_move_to_state_special_schools_and_keep_the_total():
    out = reduce_independent(baseline(), origin=ORIGIN, per_year=25)
    assert out[INDEPENDENT][2026] == pytest.approx(35) and out[INDEPENDENT][2027] == pytest.approx(20)
    # 25 then 50 move, three quarters to maintained (300 of 400) and a quarter to academies.
    assert out[MAINTAINED][2026] == pytest.approx(318.75) and out[ACADEMY][2026] == pytest.approx(106.25)
    assert out[MAINTAINED][2027] == pytest.approx(337.5)
    for year in (2026, 2027):
        before = sum(baseline()[g][year] for g in (MAINTAINED, ACADEMY, INDEPENDENT))
        assert sum(out[g][year] for g in (MAINTAINED, ACADEMY, INDEPENDENT)) == pytest.approx(before)


def test_independent_placements_do_not_go_below_zero():
    out = reduce_independent(baseline(), origin=ORIGIN, per_year=1000)
    assert out[INDEPENDENT][2026] == 0 and out[INDEPENDENT][2027] == 0
    assert out[MAINTAINED][2027] + out[ACADEMY][2027] == pytest.approx(400 + 70)


def test_timeliness_adds_plans_issued_sooner_split_as_the_caseload_is():
    extra = timeliness_extra(area_pct=20, england_pct=50, new_plans=520)
    assert extra == pytest.approx(520 * 0.30 * DELAY_WEEKS / 52)
    out = timeliness_reaches(baseline(), origin=ORIGIN, area_pct=20, england_pct=50, new_plans=520)
    assert out[EHCPLANS][2026] == pytest.approx(1100 + extra)
    assert out[MAINTAINED][2026] == pytest.approx(300 + extra * 300 / 1100)
    assert out[EHCPLANS][2025] == 1000


@pytest.mark.parametrize("area_pct, england_pct", [(60, 50), (50, 50), (None, 50), (20, None)])
def test_timeliness_already_as_good_or_unknown_changes_nothing(area_pct, england_pct):
    out = timeliness_reaches(baseline(), origin=ORIGIN, area_pct=area_pct, england_pct=england_pct, new_plans=500)
    assert out == baseline()


def test_apply_combines_the_chosen_scenarios_and_leaves_the_baseline_alone():
    demand = baseline()
    inputs = ScenarioInputs(resourced_pct=10, independent_per_year=25, timeliness_to_england=True)
    out = apply(demand, inputs, origin=ORIGIN, new_plans=200, special_share=0.4, area_pct=20, england_pct=50)
    assert demand == baseline()
    assert out[INDEPENDENT][2026] < 60 and out[RESOURCED][2026] > 44 and out[EHCPLANS][2026] > 1100
    assert apply(demand, ScenarioInputs(), origin=ORIGIN, new_plans=200, special_share=0.4, area_pct=20,
                 england_pct=50) == demand
    assert ScenarioInputs().is_baseline and not inputs.is_baseline
