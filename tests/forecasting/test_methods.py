"""The forecasting methods on small hand-made series with known answers, and that no later figure reaches them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from sendhub.forecasting import methods as m
from sendhub.forecasting.backtest import calibrate
from sendhub.forecasting.dfe import CHOSEN
from sendhub.forecasting.series import NATIONAL

from .test_series import grown, panel_of

POINTS = [(2019, 100.0), (2020, 110.0), (2021, 121.0), (2022, 133.1)]  # 10% a year


def test_last_value_is_flat():
    assert m.last_value(POINTS, 3) == [133.1] * 3


def test_last_years_growth_compounds():
    points = [(2021, 100.0), (2022, 120.0)]
    assert m.last_growth(points, 2) == pytest.approx([144.0, 172.8])
    # Over a suppressed year, the growth is per year.
    assert m.last_growth([(2020, 100.0), (2022, 121.0)], 1) == pytest.approx([133.1])


def test_mean_growth_of_3_years_is_geometric():
    points = [(2019, 100.0), (2020, 150.0), (2021, 150.0), (2022, 200.0)]
    ratio = 2 ** (1 / 3)
    assert m.mean_growth_3(points, 2) == pytest.approx([200 * ratio, 200 * ratio**2])
    # Only the last three years count: a 2018 figure changes nothing.
    assert m.mean_growth_3([(2018, 1.0), *points], 2) == pytest.approx([200 * ratio, 200 * ratio**2])


def test_linear_trend_adds_the_least_squares_slope_to_the_last_figure():
    points = [(2019, 100.0), (2020, 120.0), (2021, 130.0), (2022, 150.0)]  # slope 16 a year
    assert m.ols_slope([2019, 2020, 2021, 2022], [100, 120, 130, 150]) == pytest.approx(16.0)
    assert m.linear_trend_4(points, 3) == pytest.approx([166.0, 182.0, 198.0])
    assert m.linear_trend_4([(2021, 50.0), (2022, 10.0)], 1) == [0.0]  # never below nothing


def test_a_single_point_or_a_zero_falls_back_to_the_last_value():
    assert m.last_growth([(2022, 7.0)], 2) == [7.0, 7.0]
    assert m.mean_growth_3([(2021, 0.0), (2022, 7.0)], 1) == [7.0]
    assert m.linear_trend_4([(2022, 7.0)], 1) == [7.0]


def test_shrinkage_by_hand():
    # Mean deviation 0.2 over two years; sampling variance 0.02 / 2 = 0.01, between-area variance 0.01: halfway.
    assert m.shrink([0.1, 0.3], within_var=0.02, between_var=0.01) == pytest.approx(0.1)
    assert m.shrink([0.1, 0.3], within_var=0.0, between_var=0.01) == pytest.approx(0.2)  # no noise: kept
    assert m.shrink([0.1, 0.3], within_var=0.02, between_var=0.0) == 0.0  # areas do not differ: England's
    assert m.shrink([], within_var=1, between_var=1) == 0.0


def test_variance_components_by_hand():
    # Within: deviations of (1, 3) and (5, 7) from their means are all 1: 4 / 2 = 2.
    # Between: the means 2 and 6 spread with variance 4, less the within part 2 / 2: 3.
    within, between = m.variance_components([[1.0, 3.0], [5.0, 7.0], [9.0]])
    assert (within, between) == (pytest.approx(2.0), pytest.approx(3.0))
    assert m.variance_components([[1.0]]) == (1.0, 0.0)


def test_pooled_growth_follows_england_when_every_area_does():
    panel = panel_of({NATIONAL: grown(1000, 1.1), "001": grown(100, 1.1), "002": grown(300, 1.1)})
    out = m.PooledGrowth(window=2, bench_window=3, damping=0.8).forecast(panel.known_at(2025), "ehcplans", 2025, 2)
    assert out["001"] == pytest.approx([grown(100, 1.1)[2025] * 1.1, grown(100, 1.1)[2025] * 1.21], rel=1e-2)


def test_pooled_growth_keeps_a_steady_lead_and_damps_it():
    # England 10% a year exactly; area 002 20% a year, steadily; area 001 with England.
    nat = {y: 1000 * 1.1 ** (y - 2019) for y in range(2019, 2026)}
    fast = {y: 100 * 1.2 ** (y - 2019) for y in range(2019, 2026)}
    slow = {y: 100 * 1.1 ** (y - 2019) for y in range(2019, 2026)}
    panel = panel_of({NATIONAL: nat, "001": slow, "002": fast})
    method = m.PooledGrowth(window=2, bench_window=3, damping=0.5)
    out = method.forecast(panel, "ehcplans", 2025, 3)
    lead = math.log(1.2 / 1.1)  # steady (no within-area noise), so not shrunk at all
    expected, level = [], math.log(fast[2025])
    for h in range(3):
        level += math.log(1.1) + lead * 0.5**h
        expected.append(math.exp(level))
    assert out["002"] == pytest.approx(expected)
    assert out["001"] == pytest.approx([slow[2025] * 1.1**h for h in (1, 2, 3)])


def test_the_region_can_be_the_benchmark():
    region = {y: 500 * 1.3 ** (y - 2019) for y in range(2019, 2026)}
    area = {y: 100 * 1.3 ** (y - 2019) for y in range(2019, 2026)}
    panel = panel_of({NATIONAL: grown(1000, 1.05), "R:E12000002": region, "001": area, "002": area})
    out = m.PooledGrowth(benchmark="region").forecast(panel, "ehcplans", 2025, 1)
    assert out["001"][0] == pytest.approx(area[2025] * 1.3)


def test_an_area_suppressed_at_the_origin_gets_no_forecast_and_a_zero_stays_zero():
    panel = panel_of({NATIONAL: grown(1000, 1.1), "001": {2023: 5.0, 2024: 6.0, 2025: None}, "002": {2024: 3, 2025: 0}})
    for method in (*m.BASELINES, CHOSEN):
        out = method.forecast(panel, "ehcplans", 2025, 2)
        assert "001" not in out
        assert out["002"] == [0.0, 0.0]


def _poisoned(panel_series: dict, after: int) -> dict:
    return {k: {y: (v if y <= after else 1e9) for y, v in s.items()} for k, s in panel_series.items()}


@pytest.mark.parametrize("method", [*m.BASELINES, m.PooledGrowth(), m.FlowRegression(), CHOSEN], ids=lambda x: x.name)
def test_no_figure_after_the_origin_can_reach_a_forecast(method):
    """Every method, and the intervals, give the same answer when the years after the origin are poisoned."""
    series = {
        NATIONAL: grown(10_000, 1.1),
        "R:E12000002": grown(2_000, 1.12),
        "001": grown(100, 1.15),
        "002": {**grown(300, 1.05), 2021: None},
        "003": grown(50, 1.2),
    }
    flows = {
        ("001", ("newplans.csv", "new_ehc_plans")): {2021: 10.0, 2022: 12.0, 2023: 15.0},
        ("001", ("requests.csv", "requests_received_in_year")): {2021: 20.0, 2022: 25.0, 2023: 40.0},
        (NATIONAL, ("requests.csv", "requests_received_in_year")): {2021: 2000.0, 2022: 2100.0, 2023: 4000.0},
    }
    clean = panel_of(series, flows=flows)
    poisoned_flows = {k: {y: (v if y < 2023 else 1e9) for y, v in s.items()} for k, s in flows.items()}
    poisoned = panel_of(_poisoned(series, 2023), flows=poisoned_flows)
    for panel in (clean, poisoned):
        assert panel.known_at(2023).series("001", "ehcplans").get(2024) is None
    a = method.forecast(clean.known_at(2023), "ehcplans", 2023, 2)
    b = method.forecast(poisoned.known_at(2023), "ehcplans", 2023, 2)
    assert a == b and a
    ca = calibrate(clean.known_at(2023), method, "ehcplans", as_of=2023, horizon=2)
    cb = calibrate(poisoned.known_at(2023), method, "ehcplans", as_of=2023, horizon=2)
    assert ca == cb


def test_solve_and_ridge_by_hand():
    assert m.solve([[2.0, 1.0], [1.0, 3.0]], [5.0, 10.0]) == pytest.approx([1.0, 3.0])
    with pytest.raises(ValueError, match="singular"):
        m.solve([[1.0, 2.0], [2.0, 4.0]], [1.0, 2.0])
    rows = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]]
    targets = [1 + 2 * a - b for a, b in rows]
    intercept, beta = m.ridge(rows, targets, alpha=0.0)
    assert (intercept, beta) == (pytest.approx(1.0), pytest.approx([2.0, -1.0]))
    # A penalty pulls the coefficients toward 0 and the intercept toward the mean.
    _, shrunk = m.ridge(rows, targets, alpha=100.0)
    assert 0 < shrunk[0] < 2.0 and -1.0 < shrunk[1] < 0


def test_flow_regression_follows_england_when_every_area_does():
    series = {NATIONAL: grown(10_000, 1.1), **{f"{i:03d}": grown(100 * i, 1.1) for i in range(1, 30)}}
    flows = {
        (f"{i:03d}", ("newplans.csv", "new_ehc_plans")): {y: 12.0 * i for y in range(2019, 2025)} for i in range(1, 30)
    }
    panel = panel_of(series, flows=flows)
    out = m.FlowRegression().forecast(panel, "ehcplans", 2025, 2)
    last = grown(500, 1.1)[2025]
    assert out["005"] == pytest.approx([last * 1.1, last * 1.21], rel=0.01)


def test_flow_regression_learns_that_more_new_plans_mean_faster_growth():
    """Areas adding more new plans per plan grew faster every year; the one adding most is forecast fastest."""
    series, flows = {NATIONAL: grown(10_000, 1.1)}, {}
    for i in range(1, 30):
        rate = 0.05 + i / 200  # new plans a year per plan held
        values, v = {}, 100.0 * i
        for y in range(2019, 2026):
            values[y] = v
            v *= 1.1 * math.exp((rate - 0.125) * (1 if y % 2 else 0.5))  # noisy in time, so the flow explains it
        series[f"{i:03d}"] = values
        flows[(f"{i:03d}", ("newplans.csv", "new_ehc_plans"))] = {y: rate * values[y] for y in range(2019, 2025)}
    panel = panel_of(series, flows=flows)
    out = m.FlowRegression(skip_break=False).forecast(panel, "ehcplans", 2025, 1)
    growth = {code: out[code][0] / series[code][2025] for code in out}
    assert growth["029"] > growth["015"] > growth["001"]


def test_flow_regression_learns_that_more_requests_per_plan_mean_faster_growth():
    """Areas receiving more requests per plan held grew faster the next year; only the pipeline term can tell."""
    series, flows = {NATIONAL: grown(10_000, 1.1)}, {}
    for i in range(1, 30):
        rate = 0.1 + i / 100  # requests a year per plan held
        values, v = {}, 100.0 * i
        for y in range(2019, 2026):
            values[y] = v
            v *= 1.1 * math.exp((rate - 0.25) * (1 if y % 2 else 0.5))
        series[f"{i:03d}"] = values
        flows[(f"{i:03d}", ("requests.csv", "requests_received_in_year"))] = {
            y: rate * values[y + 1] for y in range(2019, 2025)
        }
    flows[(NATIONAL, ("requests.csv", "requests_received_in_year"))] = {
        y: 0.25 * series[NATIONAL][y + 1] for y in range(2019, 2025)
    }
    panel = panel_of(series, flows=flows)
    growth = {}
    for pipeline in (True, False):
        out = m.FlowRegression(skip_break=False, pipeline=pipeline).forecast(panel, "ehcplans", 2025, 1)
        growth[pipeline] = {code: out[code][0] / series[code][2025] for code in out}
    assert growth[True]["029"] > growth[True]["015"] > growth[True]["001"]
    spread = {p: growth[p]["029"] - growth[p]["001"] for p in growth}
    assert spread[True] > 2 * spread[False]  # the own-growth terms alone barely see it


def test_combination_is_the_geometric_mean():
    @dataclass(frozen=True)
    class Flat:
        name: str
        value: float

        def forecast(self, panel, measure, as_of, horizon):
            return {code: [self.value] * horizon for code in panel.areas if code != self.name}

    panel = panel_of({"001": {2025: 1.0}, "002": {2025: 1.0}})
    out = m.Combination("both", (Flat("x", 4.0), Flat("002", 9.0))).forecast(panel, "ehcplans", 2025, 2)
    assert out == {"001": [pytest.approx(6.0), pytest.approx(6.0)]}  # 002 is not forecast by both
    out = m.Combination("with a zero", (Flat("x", 4.0), Flat("y", 0.0))).forecast(panel, "ehcplans", 2025, 1)
    assert out == {"001": [2.0], "002": [2.0]}


def test_a_weighted_combination_by_hand():
    @dataclass(frozen=True)
    class Flat:
        name: str
        value: float

        def forecast(self, panel, measure, as_of, horizon):
            return {code: [self.value] * horizon for code in panel.areas}

    panel = panel_of({"001": {2025: 1.0}})
    out = m.Combination("weighted", (Flat("x", 8.0), Flat("y", 1.0)), weights=(2 / 3, 1 / 3)).forecast(
        panel, "ehcplans", 2025, 1
    )
    assert out == {"001": [pytest.approx(4.0)]}  # 8 ** (2/3) * 1 ** (1/3)
    out = m.Combination("with a zero", (Flat("x", 8.0), Flat("y", 0.0)), weights=(0.75, 0.25)).forecast(
        panel, "ehcplans", 2025, 1
    )
    assert out == {"001": [pytest.approx(6.0)]}  # the weighted plain mean
    with pytest.raises(ValueError, match="one weight per part"):
        m.Combination("bad", (Flat("x", 1.0), Flat("y", 1.0)), weights=(0.5, 0.6))
    with pytest.raises(ValueError, match="one weight per part"):
        m.Combination("bad", (Flat("x", 1.0), Flat("y", 1.0)), weights=(1.0,))
