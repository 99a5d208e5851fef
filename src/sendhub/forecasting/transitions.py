"""A person-level model from the area's own SEN2 returns: joiners, movers and leavers between two January
caseloads, projected forward (witan.send's approach, as a deterministic expectation rather than simulation).

A child's **state** in a return is (age at the start of the academic year, primary need, placement group). Between
two consecutive returns a child in the first is

* a **leaver** if not in the second's caseload (plan ceased, moved away, left education);
* otherwise a **stayer or mover**: from state (a, n, g) to (a + 1, n', g').

Children in the second but not the first are **joiners**, counted by their state in the second.

Estimates (``estimate``): for each state, the leaving rate and the probabilities of each next (need, group); and
the number of joiners in each state. Sparse cells borrow from coarser ones: a state seen fewer than ``MIN_COUNT``
times leaves at the pooled rate of its (age, group), else its age, else the whole caseload's; it moves as its
(age, group) does, else as its group does at any age, else it stays where it is (a group never seen before).

Projection (``project``): next year's expected count in each state is the sum over this year's states of
count x (1 - leaving rate) x transition probability, plus the joiners; with an ONS population file imported the
joiners of each age are scaled by the change in the projected population of that age (``population.joiner_scale``);
without it the base population is held constant.

Children are matched between returns by ``Sen2Person.person_key`` (the keyed hash of UPN or ULN); a child without
one cannot be followed and is left out of both returns.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

MIN_COUNT = 20
MAX_AGE = 25

State = tuple[int, str, str]  # (age at the start of the year, primary need, placement group)

# DfE caseload columns -> the groups the sufficiency page uses; everything else is "other".
_COLUMN_GROUPS = {
    "special_la_maintained": "maintained_special",
    "special_academy_free": "academy_special",
    "special_independent": "independent_special",
    "special_non_maintained": "independent_special",
    "ap_pru_academy": "ap", "ap_pru_free_school": "ap", "ap_pru_la_maintained": "ap",
    "general_fe_tertiary_colleges": "fe", "specialist_post_16_institutions": "fe", "ukrlp_provider": "fe",
}


def placement_group(column: str) -> str:
    if column in _COLUMN_GROUPS:
        return _COLUMN_GROUPS[column]
    if column.startswith("mainstream_") and column.endswith(("_resourced_provision", "_senunit")):
        return "resourced"
    if column.startswith("mainstream_"):
        return "mainstream"
    return "other"


@dataclass
class Rates:
    leave: dict[State, float] = field(default_factory=dict)
    move: dict[State, dict[tuple[str, str], float]] = field(default_factory=dict)
    joiners: Counter = field(default_factory=Counter)
    # Pooled fallbacks.
    leave_by: dict[tuple, float] = field(default_factory=dict)
    move_by: dict[tuple, dict[tuple[str, str], float]] = field(default_factory=dict)

    def leave_rate(self, state: State) -> float:
        age, _need, group = state
        for key in (state, ("age-group", age, group), ("age", age), ("all",)):
            source = self.leave if key == state else self.leave_by
            if key in source:
                return source[key]
        return 1.0

    def moves(self, state: State) -> dict[tuple[str, str], float]:
        age, need, group = state
        if state in self.move:
            return self.move[state]
        pooled = self.move_by.get(("age-group", age, group)) or self.move_by.get(("group", group))
        if pooled:
            # Pooled over needs: keep the child's need, take the group probabilities.
            by_group: dict[str, float] = defaultdict(float)
            for (_n, g), p in pooled.items():
                by_group[g] += p
            return {(need, g): p for g, p in by_group.items()}
        return {(need, group): 1.0}


def _normalise(counter: Mapping) -> dict:
    total = sum(counter.values())
    return {k: v / total for k, v in counter.items()} if total else {}


def estimate(before: Mapping[str, State], after: Mapping[str, State], *, min_count: int = MIN_COUNT) -> Rates:
    """Rates from two consecutive caseloads: {person key: state} each."""
    seen: Counter = Counter()
    left: Counter = Counter()
    moved: dict[State, Counter] = defaultdict(Counter)
    pooled_seen: Counter = Counter()
    pooled_left: Counter = Counter()
    pooled_moved: dict[tuple, Counter] = defaultdict(Counter)
    for key, state in before.items():
        age, _need, group = state
        pools = (("age-group", age, group), ("age", age), ("all",))
        move_pools = (("age-group", age, group), ("group", group))
        seen[state] += 1
        for pool in pools:
            pooled_seen[pool] += 1
        nxt = after.get(key)
        if nxt is None:
            left[state] += 1
            for pool in pools:
                pooled_left[pool] += 1
            continue
        moved[state][nxt[1], nxt[2]] += 1
        for pool in move_pools:
            pooled_moved[pool][nxt[1], nxt[2]] += 1
    rates = Rates()
    for state, count in seen.items():
        if count >= min_count:
            rates.leave[state] = left[state] / count
            if moved[state]:
                rates.move[state] = _normalise(moved[state])
    for pool, count in pooled_seen.items():
        rates.leave_by[pool] = pooled_left[pool] / count
        if pool in pooled_moved:
            rates.move_by[pool] = _normalise(pooled_moved[pool])
    rates.joiners = Counter(state for key, state in after.items() if key not in before)
    return rates


def step(counts: Mapping[State, float], rates: Rates, joiner_scale: Mapping[int, float] | None = None) -> Counter:
    """Next January's expected caseload by state; ``joiner_scale`` ({age: factor}, from ``population.joiner_scale``)
    scales the joiners of each age by the change in the population of that age (1 for an age not given)."""
    out: Counter = Counter()
    for state, count in counts.items():
        age = state[0]
        if age + 1 > MAX_AGE:
            continue
        stay = count * (1 - rates.leave_rate(state))
        for (need, group), p in rates.moves(state).items():
            out[age + 1, need, group] += stay * p
    for state, count in rates.joiners.items():
        out[state] += count * (joiner_scale or {}).get(state[0], 1.0)
    return out


def project(
    counts: Mapping[State, float], rates: Rates, years: int, joiner_scales: list[Mapping[int, float]] | None = None
) -> list[Counter]:
    """The expected caseload for each of the next ``years`` Januaries; ``joiner_scales[h]`` scales year h + 1's
    joiners by age (without it the base population is held constant)."""
    out = []
    current: Mapping[State, float] = counts
    for h in range(years):
        current = step(current, rates, joiner_scales[h] if joiner_scales and h < len(joiner_scales) else None)
        out.append(current)
    return out


def by_group(counts: Mapping[State, float]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for (_age, _need, group), count in counts.items():
        totals[group] += count
    return dict(totals)


def caseload_states(sen2_return) -> dict[str, State]:
    """{person key: state} of the return's caseload (plans active at the reference date with an age)."""
    from sendhub.outcomes.models import ActivePlan

    rows = (
        ActivePlan.objects.filter(sen2_return=sen2_return, in_caseload=True, age_at_start_of_year__isnull=False)
        .exclude(request__person__person_key="")
        .values_list("request__person__person_key", "age_at_start_of_year", "primary_need", "placement_column")
    )
    return {key: (age, need or "NA", placement_group(column)) for key, age, need, column in rows}
