"""Forecasting methods for DfE's yearly published series: the four spreadsheet baselines and SEND Hub's models.

Every method is pure: it is given the ``Panel`` as it was known at the origin (``panel.known_at(as_of)``: the
caseload to January ``as_of``, the flows to calendar year ``as_of - 1``), a measure, the origin and a horizon,
and returns ``{la_code: [value for January as_of + 1, ..., as_of + horizon]}`` for every area it can forecast.
An area whose figure for the origin year is suppressed or missing gets no forecast (there is nothing to start
from); one whose origin figure is 0 is forecast flat at 0 (a growth rate has no meaning there).

The baselines reproduce the table in issue 18 (checked in ``tests/forecasting/test_backtest.py`` on the real
release):

- ``last value``: the origin's figure, flat.
- ``last year's growth``: the origin's figure grown each year by the last year's growth ratio.
- ``mean growth of 3 years``: grown by the geometric mean yearly growth of the last three years
  ``(y[o] / y[o-3]) ** (1/3)`` (fewer years where fewer are published).
- ``linear trend (4 points)``: the origin's figure plus the least-squares slope of the last four points times
  the horizon (the line is anchored on the last figure, as a spreadsheet's "add the average yearly rise" is).

The models pool strength across areas:

- ``PooledGrowth``: England's recent growth plus the area's own deviation from it, shrunk toward 0 by empirical
  Bayes and damped over the horizon;
- ``FlowRegression``: the area's next deviation from England's growth predicted, by a ridge regression fitted
  across every area and year known at the origin, from its recent deviations and its flows (new plans per
  plan, growth of requests and of new plans);
- ``Combination``: the (weighted) geometric mean of several methods. SEND Hub's forecasts (``dfe.CHOSEN``)
  combine the flow regression (weight 0.8) with the linear trend (0.2); how that was chosen, with every option
  tried, is in docs/decisions.md and docs/performance.md.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from sendhub.forecasting.series import NATIONAL, Panel, Series, crosses_break, log_growths, region_key

Forecasts = dict[str, list[float]]


def _origin_points(series: Series, as_of: int) -> list[tuple[int, float]] | None:
    """The published points up to ``as_of``, or None when the origin year itself has no figure."""
    points = series.until(as_of).points()
    if not points or points[-1][0] != as_of:
        return None
    return points


# Baselines -------------------------------------------------------------------------------------------------


def last_value(points: list[tuple[int, float]], horizon: int) -> list[float]:
    return [points[-1][1]] * horizon


def last_growth(points: list[tuple[int, float]], horizon: int) -> list[float]:
    last = points[-1][1]
    if len(points) < 2 or points[-2][1] <= 0 or last <= 0:
        return last_value(points, horizon)
    (y0, v0), (y1, v1) = points[-2], points[-1]
    ratio = (v1 / v0) ** (1 / (y1 - y0))
    return [last * ratio**h for h in range(1, horizon + 1)]


def mean_growth_3(points: list[tuple[int, float]], horizon: int) -> list[float]:
    year, last = points[-1]
    window = [(y, v) for y, v in points if y >= year - 3]
    y0, v0 = window[0]
    if y0 == year or v0 <= 0 or last <= 0:
        return last_value(points, horizon)
    ratio = (last / v0) ** (1 / (year - y0))
    return [last * ratio**h for h in range(1, horizon + 1)]


def linear_trend_4(points: list[tuple[int, float]], horizon: int) -> list[float]:
    year, last = points[-1]
    window = [(y, v) for y, v in points if y >= year - 3]
    if len(window) < 2:
        return last_value(points, horizon)
    slope = ols_slope([y for y, _ in window], [v for _, v in window])
    return [max(last + slope * h, 0.0) for h in range(1, horizon + 1)]


def ols_slope(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0


PerArea = Callable[[list[tuple[int, float]], int], list[float]]


@dataclass(frozen=True)
class Baseline:
    """A per-area method applied to every local area's own series."""

    name: str
    per_area: PerArea

    def forecast(self, panel: Panel, measure: str, as_of: int, horizon: int) -> Forecasts:
        out: Forecasts = {}
        for code in panel.areas:
            points = _origin_points(panel.series(code, measure), as_of)
            if points is not None:
                out[code] = self.per_area(points, horizon)
        return out


BASELINES = (
    Baseline("last value", last_value),
    Baseline("last year's growth", last_growth),
    Baseline("mean growth of 3 years", mean_growth_3),
    Baseline("linear trend (4 points)", linear_trend_4),
)


# The pooled model ------------------------------------------------------------------------------------------


def shrink(deviations: list[float], *, within_var: float, between_var: float) -> float:
    """The empirical-Bayes estimate of an area's mean deviation from the benchmark growth.

    An area's observed mean deviation over ``n`` years has sampling variance ``within_var / n``; the true
    deviations of areas spread with variance ``between_var`` around 0. The posterior mean shrinks the observed
    mean toward 0 by ``between_var / (between_var + within_var / n)``.
    """
    if not deviations:
        return 0.0
    n = len(deviations)
    mean = statistics.fmean(deviations)
    if between_var <= 0:
        return 0.0
    return mean * between_var / (between_var + within_var / n)


def variance_components(all_devs: list[list[float]]) -> tuple[float, float]:
    """(within-area variance of yearly deviations, between-area variance of true mean deviations), by the
    method of moments (one-way random effects), over areas with two or more deviations."""
    groups = [d for d in all_devs if len(d) >= 2]
    if not groups:
        return 1.0, 0.0
    within_num = sum(sum((x - statistics.fmean(d)) ** 2 for x in d) for d in groups)
    within_df = sum(len(d) - 1 for d in groups)
    within = within_num / within_df if within_df else 0.0
    means = [statistics.fmean(d) for d in groups]
    mean_n = statistics.fmean(len(d) for d in groups)
    spread = statistics.pvariance(means) if len(means) > 1 else 0.0
    between = max(spread - within / mean_n, 0.0)
    return within, between


@dataclass(frozen=True)
class PooledGrowth:
    """Each area grows at England's (or its region's) growth plus its own shrunken deviation from it.

    For a measure, per year ``t`` the area's log growth ``g_area(t)`` is split into the benchmark's growth
    ``g_bench(t)`` and the area's deviation ``d(t) = g_area(t) - g_bench(t)``. Over the last ``window`` years
    the area's mean deviation is shrunk toward 0 by empirical Bayes (``shrink``), with the within- and
    between-area variances estimated from all areas at the same origin, so an area whose growth has been
    steadily above England's keeps most of its lead while a noisy one is pulled toward England. The benchmark's
    next growth is its mean log growth over ``bench_window`` years. Deviations are damped by ``damping`` per
    year ahead (areas drift back toward the benchmark). With ``skip_break`` the yearly change spanning the 2023
    collection change is left out of both.
    """

    name: str = "pooled growth"
    window: int = 3
    bench_window: int = 2
    damping: float = 1.0
    benchmark: str = "national"  # or "region"
    skip_break: bool = False

    def _bench_key(self, panel: Panel, code: str) -> str:
        if self.benchmark == "region":
            return region_key(panel.areas[code].region_code)
        return NATIONAL

    def forecast(self, panel: Panel, measure: str, as_of: int, horizon: int) -> Forecasts:
        bench_growths: dict[str, dict[int, float]] = {}
        devs: dict[str, list[float]] = {}
        origin: dict[str, float] = {}
        for code in panel.areas:
            points = _origin_points(panel.series(code, measure), as_of)
            if points is None:
                continue
            origin[code] = points[-1][1]
            key = self._bench_key(panel, code)
            if key not in bench_growths:
                bench_points = panel.series(key, measure).until(as_of).points()
                bench_growths[key] = dict((y, g) for y, g, _ in log_growths(bench_points))
            own = {y: g for y, g, _ in log_growths(points, skip_break=self.skip_break) if y > as_of - self.window}
            devs[code] = [g - bench_growths[key][y] for y, g in own.items() if y in bench_growths[key]]
        within, between = variance_components(list(devs.values()))
        out: Forecasts = {}
        for code, last in origin.items():
            if last <= 0:
                out[code] = [last] * horizon
                continue
            bench = bench_growths[self._bench_key(panel, code)]
            recent = [
                g
                for y, g in sorted(bench.items())
                if y > as_of - self.bench_window and not (self.skip_break and crosses_break(y))
            ]
            g_bench = statistics.fmean(recent) if recent else 0.0
            d = shrink(devs[code], within_var=within, between_var=between)
            level, path = math.log(last), []
            for h in range(1, horizon + 1):
                level += g_bench + d * self.damping ** (h - 1)
                path.append(math.exp(level))
            out[code] = path
        return out


# The pooled regression on growth and flows ---------------------------------------------------------------


def _growth(series: Series, year: int) -> float | None:
    """The log growth from January ``year - 1`` to January ``year``, None unless both are positive numbers."""
    a, b = series.get(year), series.get(year - 1)
    return math.log(a / b) if a and b and a > 0 and b > 0 else None


def _log_ratio(a: float | None, b: float | None) -> float | None:
    return math.log(a / b) if a and b and a > 0 and b > 0 else None


def solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """``x`` with ``matrix @ x == vector`` by Gaussian elimination with partial pivoting (a small, dense system)."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12:
            raise ValueError("singular system")
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            for c in range(col, n + 1):
                a[r][c] -= factor * a[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (a[r][n] - sum(a[r][c] * x[c] for c in range(r + 1, n))) / a[r][r]
    return x


def ridge(rows: list[list[float]], targets: list[float], *, alpha: float) -> tuple[float, list[float]]:
    """(intercept, coefficients) minimising squared error + ``alpha`` * |coefficients|^2 (features centred)."""
    n, k = len(rows), len(rows[0])
    means = [statistics.fmean(r[j] for r in rows) for j in range(k)]
    my = statistics.fmean(targets)
    xc = [[r[j] - means[j] for j in range(k)] for r in rows]
    gram = [[sum(x[i] * x[j] for x in xc) + (alpha if i == j else 0.0) for j in range(k)] for i in range(k)]
    rhs = [sum(x[i] * (y - my) for x, y in zip(xc, targets, strict=True)) for i in range(k)]
    beta = solve(gram, rhs) if n else [0.0] * k
    return my - sum(m * b for m, b in zip(means, beta, strict=True)), beta


@dataclass(frozen=True)
class FlowRegression:
    """Each area's next-year deviation from England's growth, learnt across all areas from growth and flows.

    For every area and year ``t`` known at the origin, the deviation ``d(t+1) = g_area(t+1) - g_England(t+1)``
    is regressed (ridge, ``penalty`` x the number of rows) on what was published by January ``t``:

    - ``d(t)``, ``d(t-1)``, ``d(t-2)``: the area's own last three deviations (0 where unknown or across the
      2023 break, with ``skip_break``);
    - new plans in calendar ``t-1`` per EHC plan in January ``t-1``, relative to England's (log ratio): how fast
      plans are being added (the stock-flow identity: caseload(t) = caseload(t-1) + new - ceased);
    - the growth of requests for assessment and of new plans in calendar ``t-1``, relative to England's (a
      rise in requests is new plans a year later);
    - with ``pipeline``, requests for assessment in calendar ``t-1`` per EHC plan held in January ``t``,
      relative to England's (log ratio): the plans about to be added to the caseload, as a share of it. Most
      requests received in a year are decided, and most of those become plans, within the next year, so this is
      the nearest published figure to the ``new`` term of the stock-flow identity for the year being forecast;
    - for a placement total, the area's deviation in all EHC plans in year ``t``.

    A feature DfE has not published (ceased plans exist only from 2022, so they are not used; requests with
    ``x``) is 0, i.e. "like England". Deviations beyond +-``clip`` (a return that halves or doubles in a year)
    are clipped while fitting so that one faulty return cannot steer every area. The forecast is England's mean
    growth over ``bench_window`` years plus the predicted deviation, damped by ``damping`` per year ahead.
    """

    name: str = "flow regression"
    penalty: float = 0.1
    damping: float = 0.8
    bench_window: int = 3
    history: int = 5  # years of (t, t+1) pairs fitted
    clip: float = 0.3
    skip_break: bool = True
    pipeline: bool = True

    def _features(self, panel: Panel, code: str, measure: str, t: int) -> list[float]:
        s, e = panel.series(code, measure), panel.series(NATIONAL, measure)
        out = []
        for k in range(3):
            gi, ge = _growth(s, t - k), _growth(e, t - k)
            usable = gi is not None and ge is not None and not (self.skip_break and crosses_break(t - k))
            out.append(gi - ge if usable else 0.0)
        new, req, plans = panel.flow(code, "new_plans"), panel.flow(code, "requests"), panel.series(code, "ehcplans")
        new_e, req_e = panel.flow(NATIONAL, "new_plans"), panel.flow(NATIONAL, "requests")
        plans_e = panel.series(NATIONAL, "ehcplans")
        pairs = (
            (_log_ratio(new.get(t - 1), plans.get(t - 1)), _log_ratio(new_e.get(t - 1), plans_e.get(t - 1))),
            (_log_ratio(req.get(t - 1), req.get(t - 2)), _log_ratio(req_e.get(t - 1), req_e.get(t - 2))),
            (_log_ratio(new.get(t - 1), new.get(t - 2)), _log_ratio(new_e.get(t - 1), new_e.get(t - 2))),
        )
        if self.pipeline:
            pairs += ((_log_ratio(req.get(t - 1), plans.get(t)), _log_ratio(req_e.get(t - 1), plans_e.get(t))),)
        out += [a - b if a is not None and b is not None else 0.0 for a, b in pairs]
        if measure != "ehcplans":
            gi, ge = _growth(plans, t), _growth(plans_e, t)
            out.append(gi - ge if gi is not None and ge is not None else 0.0)
        return out

    def forecast(self, panel: Panel, measure: str, as_of: int, horizon: int) -> Forecasts:
        england = panel.series(NATIONAL, measure)
        rows, targets = [], []
        for t in range(as_of - self.history, as_of):
            ge = _growth(england, t + 1)
            if ge is None or (self.skip_break and crosses_break(t + 1)):
                continue
            for code in panel.areas:
                gi = _growth(panel.series(code, measure), t + 1)
                if gi is not None:
                    rows.append(self._features(panel, code, measure, t))
                    targets.append(min(max(gi - ge, -self.clip), self.clip))
        intercept, beta = 0.0, []
        if len(targets) >= 20:
            intercept, beta = ridge(rows, targets, alpha=self.penalty * len(targets))
        recent = [
            g
            for y in range(as_of - self.bench_window + 1, as_of + 1)
            if (g := _growth(england, y)) is not None and not (self.skip_break and crosses_break(y))
        ]
        g_england = statistics.fmean(recent) if recent else 0.0
        out: Forecasts = {}
        for code in panel.areas:
            last = panel.series(code, measure).get(as_of)
            if last is None:
                continue
            if last <= 0:
                out[code] = [last] * horizon
                continue
            features = self._features(panel, code, measure, as_of)
            d = intercept + sum(b * x for b, x in zip(beta, features, strict=True)) if beta else 0.0
            level, path = math.log(last), []
            for h in range(horizon):
                level += g_england + d * self.damping**h
                path.append(math.exp(level))
            out[code] = path
        return out


@dataclass(frozen=True)
class Combination:
    """The weighted geometric mean of several methods' forecasts (for the areas every one of them forecasts);
    where a part forecasts 0, the weighted arithmetic mean. Without ``weights``, the parts count equally."""

    name: str
    parts: tuple
    weights: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.weights is not None and (
            len(self.weights) != len(self.parts) or not math.isclose(sum(self.weights), 1.0)
        ):
            raise ValueError("a combination needs one weight per part, summing to 1")

    def forecast(self, panel: Panel, measure: str, as_of: int, horizon: int) -> Forecasts:
        outs = [p.forecast(panel, measure, as_of, horizon) for p in self.parts]
        weights = self.weights or tuple(1 / len(self.parts) for _ in self.parts)
        combined: Forecasts = {}
        for code, first in outs[0].items():
            paths = [first, *(o.get(code) for o in outs[1:])]
            if any(p is None for p in paths):
                continue
            combined[code] = [
                math.exp(sum(w * math.log(p[h]) for w, p in zip(weights, paths, strict=True)))
                if all(p[h] > 0 for p in paths)
                else sum(w * p[h] for w, p in zip(weights, paths, strict=True))  # a part at 0 (a trend run out)
                for h in range(horizon)
            ]
        return combined


Method = Baseline | PooledGrowth | FlowRegression | Combination
