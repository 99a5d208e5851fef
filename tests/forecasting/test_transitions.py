"""The person-level model on generated caseloads with known rates: it recovers the rates, and run from the
second return it reproduces the third within the stated error (total within 2%, each placement group within 5%).
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from sendhub.forecasting import transitions
from sendhub.forecasting.transitions import Rates, by_group, estimate, placement_group, project, step

NEEDS = {"ASD": 0.4, "SEMH": 0.3, "SLCN": 0.3}
START_GROUPS = {"mainstream": 0.7, "resourced": 0.1, "maintained_special": 0.2}
MOVES = {  # from group: {to group: probability}
    "mainstream": {"mainstream": 0.87, "resourced": 0.05, "maintained_special": 0.08},
    "resourced": {"resourced": 0.95, "maintained_special": 0.05},
    "maintained_special": {"maintained_special": 0.97, "independent_special": 0.03},
    "independent_special": {"independent_special": 1.0},
}
JOINERS_PER_AGE = 300
JOIN_AGES = range(3, 16)


def leave_rate(age: int) -> float:
    return 0.04 if age < 15 else (0.25 if age < 19 else 0.6)


def pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def joiners(rng: random.Random, year: int) -> dict[str, tuple]:
    out = {}
    for age in JOIN_AGES:
        for i in range(JOINERS_PER_AGE):
            out[f"j{year}-{age}-{i}"] = (age, pick(rng, NEEDS), pick(rng, START_GROUPS))
    return out


def next_return(rng: random.Random, caseload: dict[str, tuple], year: int) -> dict[str, tuple]:
    out = {}
    for key, (age, need, group) in caseload.items():
        if age + 1 > transitions.MAX_AGE or rng.random() < leave_rate(age):
            continue
        out[key] = (age + 1, need, pick(rng, MOVES[group]))
    out.update(joiners(rng, year))
    return out


@pytest.fixture(scope="module")
def returns():
    rng = random.Random(2026)
    first = {f"p{i}": (rng.randrange(3, 21), pick(rng, NEEDS), pick(rng, START_GROUPS)) for i in range(60_000)}
    second = next_return(rng, first, 2025)
    third = next_return(rng, second, 2026)
    return first, second, third


def test_the_leaving_rates_are_recovered(returns):
    first, second, _ = returns
    rates = estimate(first, second)
    for age in (6, 10, 13):
        assert rates.leave_rate((age, "ASD", "mainstream")) == pytest.approx(leave_rate(age), abs=0.02)
    for age in (16, 17):
        assert rates.leave_rate((age, "SEMH", "mainstream")) == pytest.approx(leave_rate(age), abs=0.05)
    assert rates.leave_by[("age", 20)] == pytest.approx(0.6, abs=0.05)


def test_the_moves_between_placements_are_recovered(returns):
    first, second, _ = returns
    rates = estimate(first, second)
    for age in (7, 11):
        moves = rates.moves((age, "ASD", "mainstream"))
        assert moves[("ASD", "maintained_special")] == pytest.approx(0.08, abs=0.03)
        assert moves[("ASD", "resourced")] == pytest.approx(0.05, abs=0.03)
        assert ("SEMH", "resourced") not in moves  # the need does not change in the generated returns
    pooled = rates.move_by[("age-group", 9, "maintained_special")]
    assert pooled[("ASD", "independent_special")] + pooled[("SEMH", "independent_special")] + pooled[
        ("SLCN", "independent_special")] == pytest.approx(0.03, abs=0.02)


def test_joiners_are_counted_by_state(returns):
    first, second, _ = returns
    rates = estimate(first, second)
    assert sum(rates.joiners.values()) == JOINERS_PER_AGE * len(JOIN_AGES)
    assert sum(c for (age, _n, _g), c in rates.joiners.items() if age == 10) == JOINERS_PER_AGE


def test_run_from_the_second_return_it_reproduces_the_third(returns):
    first, second, third = returns
    rates = estimate(first, second)
    [projected] = project(Counter(second.values()), rates, 1)
    assert sum(projected.values()) == pytest.approx(len(third), rel=0.02)
    actual = Counter(group for _a, _n, group in third.values())
    for group, count in by_group(projected).items():
        assert count == pytest.approx(actual[group], rel=0.05), group


def test_hand_made_rates_step_exactly():
    rates = Rates(leave={(10, "ASD", "mainstream"): 0.1},
                  move={(10, "ASD", "mainstream"): {("ASD", "mainstream"): 0.75, ("ASD", "resourced"): 0.25}},
                  joiners=Counter({(5, "ASD", "mainstream"): 7}))
    out = step({(10, "ASD", "mainstream"): 100}, rates)
    assert out == {(11, "ASD", "mainstream"): pytest.approx(67.5), (11, "ASD", "resourced"): pytest.approx(22.5),
                   (5, "ASD", "mainstream"): 7}
    # A state never seen leaves at the whole caseload's rate... and with nothing known, everyone leaves.
    assert Rates().leave_rate((3, "X", "other")) == 1.0


def test_placement_columns_map_to_groups():
    assert placement_group("special_la_maintained") == "maintained_special"
    assert placement_group("special_non_maintained") == "independent_special"
    assert placement_group("mainstream_academy_senunit") == "resourced"
    assert placement_group("mainstream_academy") == "mainstream"
    assert placement_group("ap_pru_la_maintained") == "ap"
    assert placement_group("neet") == "other"


def test_caseload_states_are_read_from_a_return(area):
    from tests.outcomes.factories_sen2 import ActivePlanFactory, Sen2ReturnFactory

    sen2 = Sen2ReturnFactory(area=area)
    plan = ActivePlanFactory(sen2_return=sen2, primary_need="ASD", placement_column="special_la_maintained",
                             age_at_start_of_year=9)
    plan.request.person.person_key = "k1"
    plan.request.person.save()
    ActivePlanFactory(sen2_return=sen2, age_at_start_of_year=9, in_caseload=False)  # ceased before the census
    ActivePlanFactory(sen2_return=sen2, age_at_start_of_year=12)  # no person key: cannot be followed
    assert transitions.caseload_states(sen2) == {"k1": (9, "ASD", "maintained_special")}


def test_joiners_scale_with_the_population_of_their_age():
    rates = Rates(joiners=Counter({(5, "ASD", "mainstream"): 10, (6, "ASD", "mainstream"): 10}))
    [out] = project({}, rates, 1, [{5: 1.2}])
    assert out == {(5, "ASD", "mainstream"): pytest.approx(12), (6, "ASD", "mainstream"): 10}
