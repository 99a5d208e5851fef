"""Scenarios beside the baseline forecast: plain arithmetic on the forecast demand, each assumption stated.

Pure functions, no database. ``Demand`` is ``{key: {year: children}}`` where the keys are the placement groups
(``models.PlacementGroup`` values) and ``"ehcplans"`` (every child with a plan). Every function returns a new
``Demand``; the baseline passed in is never changed. Years are January census years after the origin; the
horizon ``h`` of a year is ``year - origin``.

The assumptions, as the page states them:

* **More new plans met in resourced provision** (``meet_in_resourced``): of the new plans each year that would
  have led to a special school place (``new_plans x special_share``), ``pct`` % are met in resourced provision or
  an SEN unit instead. Children stay where they are placed, so the number moved grows by the same amount each
  year (leavers are ignored over five years, so this is an upper estimate). Taken from state-funded special
  schools in proportion to their forecast, never below zero.
* **Fewer independent special placements** (``reduce_independent``): ``per_year`` fewer children a year are
  placed in independent or non-maintained special schools than the forecast, cumulatively, never below zero.
  They still need a special school place: they move to state-funded special schools (in proportion), so the total
  of special places does not change but the state-funded places needed do.
* **20-week timeliness reaches England's** (``timeliness_reaches``): plans do not become more or fewer, they are
  issued sooner. A plan issued late is on average ``DELAY_WEEKS`` weeks later than one on time, so lifting the
  share on time by ``england - area`` points brings ``new_plans x (england - area)% x DELAY_WEEKS / 52`` plans
  into each January's caseload sooner: a one-off rise from the first year, split across placements as the
  caseload is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Demand = dict[str, dict[int, float]]

MAINTAINED = "maintained_special"
ACADEMY = "academy_special"
INDEPENDENT = "independent_special"
RESOURCED = "resourced"
AP = "ap"
EHCPLANS = "ehcplans"
STATE_SPECIAL = (MAINTAINED, ACADEMY)
SPECIAL = (MAINTAINED, ACADEMY, INDEPENDENT)
# The mean extra wait of a plan issued after 20 weeks: DfE publishes late plans in two bands (20 weeks to a year,
# over a year); most are in the first, whose middle is about 36 weeks, 16 weeks late.
DELAY_WEEKS = 16


@dataclass(frozen=True)
class ScenarioInputs:
    resourced_pct: float = 0.0  # % of new plans that would need a special school, met in resourced provision
    independent_per_year: int = 0  # fewer independent special placements each year
    timeliness_to_england: bool = False

    @property
    def is_baseline(self) -> bool:
        return not (self.resourced_pct or self.independent_per_year or self.timeliness_to_england)


def copy(demand: Mapping[str, Mapping[int, float]]) -> Demand:
    return {key: dict(values) for key, values in demand.items()}


def _years(demand: Demand, origin: int) -> list[int]:
    return sorted({y for values in demand.values() for y in values if y > origin})


def _move(demand: Demand, year: int, amount: float, sources: Iterable[str], target: str) -> float:
    """Move up to ``amount`` children in ``year`` from ``sources`` (in proportion to them) to ``target``;
    returns how many were moved (no source goes below zero)."""
    sources = [s for s in sources if s in demand]
    available = sum(demand[s].get(year, 0.0) for s in sources)
    moved = min(max(amount, 0.0), available)
    if moved <= 0:
        return 0.0
    for source in sources:
        share = demand[source].get(year, 0.0) / available
        demand[source][year] = demand[source].get(year, 0.0) - moved * share
    demand.setdefault(target, {})
    demand[target][year] = demand[target].get(year, 0.0) + moved
    return moved


def meet_in_resourced(demand: Demand, *, origin: int, pct: float, new_plans: float, special_share: float) -> Demand:
    out = copy(demand)
    per_year = max(pct, 0.0) / 100 * max(new_plans, 0.0) * max(special_share, 0.0)
    for year in _years(out, origin):
        _move(out, year, per_year * (year - origin), STATE_SPECIAL, RESOURCED)
    return out


def reduce_independent(demand: Demand, *, origin: int, per_year: float) -> Demand:
    out = copy(demand)
    if INDEPENDENT not in out:
        return out
    for year in _years(out, origin):
        wanted = min(max(per_year, 0.0) * (year - origin), out[INDEPENDENT].get(year, 0.0))
        if wanted <= 0:
            continue
        state = sum(out[g].get(year, 0.0) for g in STATE_SPECIAL if g in out)
        out[INDEPENDENT][year] -= wanted
        for group in STATE_SPECIAL:
            out.setdefault(group, {})
            share = out[group].get(year, 0.0) / state if state else 1 / len(STATE_SPECIAL)
            out[group][year] = out[group].get(year, 0.0) + wanted * share
    return out


def timeliness_extra(*, area_pct: float | None, england_pct: float | None, new_plans: float) -> float:
    """Plans brought into each January's caseload sooner if the area issued as many on time as England."""
    if area_pct is None or england_pct is None or england_pct <= area_pct:
        return 0.0
    return max(new_plans, 0.0) * (england_pct - area_pct) / 100 * DELAY_WEEKS / 52


def timeliness_reaches(
    demand: Demand, *, origin: int, area_pct: float | None, england_pct: float | None, new_plans: float
) -> Demand:
    out = copy(demand)
    extra = timeliness_extra(area_pct=area_pct, england_pct=england_pct, new_plans=new_plans)
    if extra <= 0 or EHCPLANS not in out:
        return out
    for year in _years(out, origin):
        total = demand[EHCPLANS].get(year)
        if not total:
            continue
        for key, values in out.items():
            if key == EHCPLANS:
                values[year] = values.get(year, 0.0) + extra
            elif year in values:
                values[year] = values[year] + extra * demand[key][year] / total
    return out


def apply(
    demand: Demand,
    inputs: ScenarioInputs,
    *,
    origin: int,
    new_plans: float,
    special_share: float,
    area_pct: float | None,
    england_pct: float | None,
) -> Demand:
    """The baseline with every chosen scenario applied, timeliness first (it changes how many children there
    are), then where they are placed."""
    out = copy(demand)
    if inputs.timeliness_to_england:
        out = timeliness_reaches(out, origin=origin, area_pct=area_pct, england_pct=england_pct, new_plans=new_plans)
    if inputs.resourced_pct:
        out = meet_in_resourced(
            out, origin=origin, pct=inputs.resourced_pct, new_plans=new_plans, special_share=special_share
        )
    if inputs.independent_per_year:
        out = reduce_independent(out, origin=origin, per_year=inputs.independent_per_year)
    return out
