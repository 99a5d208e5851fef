"""The sufficiency read model on a small release with known shares: demand by group, capacity and the gap, and
the national table."""

from __future__ import annotations

import pytest

from sendhub.forecasting import dfe, selectors
from sendhub.forecasting.models import PlacementGroup
from sendhub.forecasting.scenarios import EHCPLANS, ScenarioInputs
from sendhub.forecasting.selectors import NoForecast, carried
from sendhub.outcomes.models import StatisticalNeighbour
from tests.forecasting.factories import (
    ACADEMY,
    ENGLAND_TIMELINESS,
    INDEPENDENT,
    MAINTAINED,
    NEW_PLAN_RATE,
    NON_MAINTAINED,
    RESOURCED_EACH,
    SpecialistCapacityFactory,
    plans_in,
)


def test_no_release_is_a_reason_not_an_error(area):
    with pytest.raises(NoForecast, match="has not been imported"):
        selectors.sufficiency(area, ScenarioInputs())
    assert selectors.area_summary(area) is None


def test_an_area_not_in_the_release_has_no_forecast(release, other_area):
    other_area.la_code = "999"
    with pytest.raises(NoForecast, match="No local authority with DfE code '999'"):
        selectors.area_forecast(other_area)


def test_the_baseline_splits_dfe_totals_by_the_latest_shares(release, area):
    forecast = selectors.area_forecast(area)
    assert forecast.origin == 2025 and forecast.la_name == "Lancashire"
    assert forecast.new_plans == round(plans_in("888", 2024) * NEW_PLAN_RATE) and forecast.new_plans_year == 2024
    assert (forecast.timeliness, forecast.england_timeliness, forecast.timeliness_year) == (17.0, ENGLAND_TIMELINESS,
                                                                                            2024)
    rows = {(r.measure, r.year): r for r in dfe.forecast_release(as_of=2025, horizon=5, la_code="888")}
    demand = forecast.baseline()
    for year in range(2026, 2031):
        special = rows["special_total", year].value
        assert demand[EHCPLANS][year] == rows["ehcplans", year].value
        assert demand[PlacementGroup.MAINTAINED_SPECIAL][year] == pytest.approx(special * MAINTAINED, rel=2e-3)
        assert demand[PlacementGroup.ACADEMY_SPECIAL][year] == pytest.approx(special * ACADEMY, rel=2e-3)
        assert demand[PlacementGroup.INDEPENDENT_SPECIAL][year] == pytest.approx(
            special * (INDEPENDENT + NON_MAINTAINED), rel=2e-3
        )
        assert demand[PlacementGroup.RESOURCED][year] == pytest.approx(
            rows["mainstream_total", year].value * RESOURCED_EACH * 6, rel=5e-3
        )
        assert demand[PlacementGroup.AP][year] == rows["ap_pru_total", year].value
    # The origin year is the published figure.
    assert demand[EHCPLANS][2025] == round(plans_in("888", 2025))


def test_carried_forward_capacity():
    assert carried({2026: 10, 2028: 30}, 2027) == (10, True)
    assert carried({2026: 10, 2028: 30}, 2028) == (30, False)
    assert carried({2026: 10}, 2025) == (None, False)


def test_the_gap_is_places_minus_children_with_capacity_carried_forward(release, area, other_area):
    SpecialistCapacityFactory(area=area, year=2026, group="maintained_special", places=3000)
    SpecialistCapacityFactory(area=area, year=2026, group="academy_special", places=2000)
    SpecialistCapacityFactory(area=area, year=2026, group="resourced", places=900)
    SpecialistCapacityFactory(area=area, year=2028, group="maintained_special", places=3500)
    SpecialistCapacityFactory(area=other_area, year=2026, group="resourced", places=99_999)
    data = selectors.sufficiency(area, ScenarioInputs())
    gap = {row.year: row for row in data.state_funded_gap(data.baseline)}
    state = ("maintained_special", "academy_special", "resourced")
    assert gap[2026].places == 5900 and not gap[2026].carried_forward
    assert gap[2027].places == 5900 and gap[2027].carried_forward
    assert gap[2028].places == 6400
    assert gap[2027].gap == pytest.approx(5900 - sum(data.baseline[g][2027] for g in state))
    independent = data.group_gap("independent_special", data.baseline)
    assert all(row.places is None and row.gap is None for row in independent)


def test_a_scenario_changes_the_scenario_and_not_the_baseline(release, area):
    base = selectors.sufficiency(area, ScenarioInputs())
    scenario = selectors.sufficiency(area, ScenarioInputs(independent_per_year=50))
    assert scenario.baseline == base.baseline
    independent = PlacementGroup.INDEPENDENT_SPECIAL
    assert scenario.scenario[independent][2027] == pytest.approx(base.baseline[independent][2027] - 100)


def test_the_summary_speaks_of_three_years_ahead(release, area):
    summary = selectors.area_summary(area)
    data = selectors.sufficiency(area, ScenarioInputs())
    special = sum(data.baseline[g][2028] for g in ("maintained_special", "academy_special", "independent_special"))
    assert (summary.origin, summary.year) == (2025, 2028)
    assert summary.special_then == pytest.approx(special)
    assert summary.state_places_then is None


def test_the_national_table_has_every_area_growth_timeliness_and_mix(release):
    origin, rows = selectors.national_rows()
    assert origin == 2025 and len(rows) == 14
    lancashire = next(r for r in rows if r.la_code == "888")
    forecast = {(r.measure, r.year): r.value for r in dfe.forecast_release(as_of=2025, horizon=5, la_code="888")}
    assert lancashire.plans == round(plans_in("888", 2025))
    assert lancashire.plans_growth == pytest.approx((forecast["ehcplans", 2030] / lancashire.plans - 1) * 100)
    assert lancashire.timeliness == 17.0
    assert lancashire.special_pc == pytest.approx(40, abs=0.05)
    assert lancashire.mainstream_pc == pytest.approx(40, abs=0.05)
    assert lancashire.independent_pc == pytest.approx(20, abs=0.1)


def test_sorting_puts_missing_figures_last_both_ways(release):
    _, rows = selectors.national_rows()
    rows = [rows[0].__class__(**{**vars(rows[0]), "timeliness": None}), *rows[1:]]
    by_timeliness = selectors.sorted_rows(rows, "timeliness", descending=True)
    values = [r.timeliness for r in by_timeliness]
    assert values[-1] is None and values[:-1] == sorted(values[:-1], reverse=True)
    assert selectors.sorted_rows(rows, "timeliness", descending=False)[-1].timeliness is None
    names = [r.la_name for r in selectors.sorted_rows(rows, "name", descending=False)]
    assert names == sorted(names, key=str.casefold)


def test_neighbours_are_read_by_name(area):
    StatisticalNeighbour.objects.create(la_name="Lancashire", neighbour_name="Borough 03", rank=1)
    StatisticalNeighbour.objects.create(la_name="Lancashire", neighbour_name="Cumbria", rank=2)
    StatisticalNeighbour.objects.create(la_name="Cumbria", neighbour_name="Lancashire", rank=1)
    assert selectors.neighbour_names(area) == ["Borough 03", "Cumbria"]
