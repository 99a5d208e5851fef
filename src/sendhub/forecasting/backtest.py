"""Backtesting forecasts of DfE's published series: forecast from an origin, compare with what was published.

Pure: given a ``Panel`` (every series of a release), a method and an origin, the forecast is made from
``panel.known_at(origin)`` only, and scored against the published figure for the target January.

Decisions:

- **The same areas for every method.** At an origin the score of every method, and of the four baselines, is
  over the same areas: those with a published, positive figure for every January from three years before the
  origin (or the first published year, if later) to the origin, and for the target (issue 18's table is on
  these areas; the check that it reproduces is in the tests).
- **Metrics.** For each area the absolute percentage error ``|forecast - actual| / actual``; MAPE is their mean,
  the median APE their median, bias the mean signed error ``(forecast - actual) / actual`` (positive: too
  high), coverage the share of actuals inside the 80% interval ``[lower, upper]``.
- **Intervals.** ``calibrate`` takes the method's log errors ``log(actual / forecast)`` from every earlier origin
  whose target is published by the origin (so only what was known then), by horizon, and uses their empirical
  10th and 90th percentiles (``mode="quantile"``, the default). A horizon with fewer than ``MIN_ERRORS`` errors
  uses the errors of shorter horizons scaled up by ``horizon / their horizon`` (growth mis-estimated by a fixed
  amount a year gives errors that grow in proportion to the horizon). The other modes were tried and are kept
  for the backtest's record: ``symmetric`` (plus or minus the 80th percentile of the absolute errors),
  ``pooled`` (symmetric, always from all horizons scaled) and ``recent`` (pooled, only the errors of forecasts
  for the latest January). The default was chosen by coverage at the origins before 2025 (docs/decisions.md).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sendhub.forecasting.series import Panel

MIN_ERRORS = 100
INTERVAL = (0.10, 0.90)  # the 80% interval's quantiles
FIRST_ORIGIN_POINTS = 2  # an origin needs at least two published Januaries before a growth can be measured


class Forecaster(Protocol):
    name: str

    def forecast(self, panel: Panel, measure: str, as_of: int, horizon: int) -> dict[str, list[float]]: ...


@dataclass(frozen=True)
class Metrics:
    n: int
    mape: float  # percent
    median_ape: float  # percent
    bias: float  # percent, mean signed (forecast - actual) / actual
    coverage: float | None  # percent of actuals inside the 80% interval, None without intervals


def metrics(results: Sequence[tuple[float, float, float | None, float | None]]) -> Metrics:
    """Metrics of (forecast, actual, lower, upper) tuples; actuals must be positive."""
    if not results:
        return Metrics(0, math.nan, math.nan, math.nan, None)
    apes = [abs(f - a) / a * 100 for f, a, _, _ in results]
    signed = [(f - a) / a * 100 for f, a, _, _ in results]
    with_interval = [(a, lo, hi) for _, a, lo, hi in results if lo is not None and hi is not None]
    coverage = (
        100 * sum(1 for a, lo, hi in with_interval if lo <= a <= hi) / len(with_interval) if with_interval else None
    )
    return Metrics(len(results), statistics.fmean(apes), statistics.median(apes), statistics.fmean(signed), coverage)


def comparison_areas(panel: Panel, measure: str, as_of: int, target: int) -> list[str]:
    """The areas every method is scored on at this origin (see the module's decisions)."""
    first = min((y for s in panel.caseload.values() for y in s.values), default=as_of)
    years = [*range(max(first, as_of - 3), as_of + 1), target]
    out = []
    for code in panel.areas:
        series = panel.series(code, measure)
        values = [series.get(y) for y in years]
        if all(v is not None and v > 0 for v in values):
            out.append(code)
    return sorted(out)


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q`` quantile by linear interpolation (numpy's default)."""
    if not sorted_values:
        return math.nan
    pos = q * (len(sorted_values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


@dataclass(frozen=True)
class Calibration:
    """Log-error quantiles by horizon: forecast * exp(low) .. forecast * exp(high) is the 80% interval."""

    bands: dict[int, tuple[float, float]]
    counts: dict[int, int]

    def interval(self, value: float, horizon: int) -> tuple[float, float]:
        low, high = self.bands[horizon]
        return value * math.exp(low), value * math.exp(high)


def log_errors(
    panel: Panel, method: Forecaster, measure: str, *, before: int, first_origin: int, only_latest: bool = False
) -> dict[int, list[float]]:
    """``log(actual / forecast)`` by horizon for every origin from ``first_origin`` whose target is ``<= before``
    (with ``only_latest``, only the forecasts for January ``before`` itself)."""
    errors: dict[int, list[float]] = {}
    for origin in range(first_origin, before):
        horizon = before - origin
        known = panel.known_at(origin)
        forecasts = method.forecast(known, measure, origin, horizon)
        for code, path in forecasts.items():
            series = panel.series(code, measure)
            for h, value in enumerate(path, start=1):
                actual = series.get(origin + h)
                if actual is None or actual <= 0 or value <= 0 or (only_latest and origin + h != before):
                    continue
                errors.setdefault(h, []).append(math.log(actual / value))
    return errors


def calibrate(
    panel: Panel, method: Forecaster, measure: str, *, as_of: int, horizon: int, mode: str = "quantile"
) -> Calibration:
    """Interval bands for forecasts made at ``as_of`` up to ``horizon`` years ahead, from earlier origins only."""
    first_year = min((y for s in panel.caseload.values() for y in s.values), default=as_of)
    first_origin = first_year + FIRST_ORIGIN_POINTS - 1
    # "recent": only the forecasts of the latest January (from each earlier origin), the most recent errors.
    errors = log_errors(panel, method, measure, before=as_of, first_origin=first_origin, only_latest=mode == "recent")
    bands: dict[int, tuple[float, float]] = {}
    counts: dict[int, int] = {}
    for h in range(1, horizon + 1):
        own = sorted(errors.get(h, []))
        if len(own) >= MIN_ERRORS and mode not in ("pooled", "recent"):
            pool = own
        else:
            pool = sorted(e * h / k for k in range(1, h + 1) for e in errors.get(k, []))
        counts[h] = len(pool)
        if not pool:
            bands[h] = (-0.1 * h, 0.1 * h)  # nothing earlier to learn from: a wide, stated default
        elif mode in ("symmetric", "pooled", "recent"):
            half = quantile(sorted(abs(e) for e in pool), INTERVAL[1] - INTERVAL[0])
            bands[h] = (-half, half)
        else:
            bands[h] = (quantile(pool, INTERVAL[0]), quantile(pool, INTERVAL[1]))
    return Calibration(bands, counts)


@dataclass(frozen=True)
class OriginResult:
    method: str
    measure: str
    as_of: int
    target: int
    metrics: Metrics


def score(
    panel: Panel,
    method: Forecaster,
    measure: str,
    as_of: int,
    target: int,
    *,
    areas: Iterable[str],
    with_intervals: bool = True,
    interval_mode: str = "quantile",
) -> OriginResult:
    """The method's forecast for January ``target`` from January ``as_of``, scored on ``areas``."""
    horizon = target - as_of
    forecasts = method.forecast(panel.known_at(as_of), measure, as_of, horizon)
    calibration = (
        calibrate(panel.known_at(as_of), method, measure, as_of=as_of, horizon=horizon, mode=interval_mode)
        if with_intervals
        else None
    )
    results = []
    for code in areas:
        path = forecasts.get(code)
        actual = panel.series(code, measure).get(target)
        if path is None or actual is None:
            continue
        value = path[horizon - 1]
        lower, upper = calibration.interval(value, horizon) if calibration else (None, None)
        results.append((value, actual, lower, upper))
    return OriginResult(method.name, measure, as_of, target, metrics(results))


def origins(panel: Panel, *, max_horizon: int = 3) -> list[tuple[int, int]]:
    """Every (origin, target) the panel allows: at least two Januaries before the origin, target published."""
    years = sorted({y for s in panel.caseload.values() for y, v in s.values.items() if v is not None})
    if not years:
        return []
    first, last = years[0], years[-1]
    return [
        (o, t)
        for t in range(first, last + 1)
        for o in range(first + FIRST_ORIGIN_POINTS - 1, t)
        if t - o <= max_horizon
    ]


REPORTED_ORIGINS = ((2022, 2025), (2023, 2025), (2024, 2025))
BACKTEST_MEASURES = ("ehcplans", "special_total")


@dataclass(frozen=True)
class BacktestRow:
    """One origin and measure: the chosen method's metrics beside each baseline's, on the same areas."""

    measure: str
    as_of: int
    target: int
    areas: int
    results: tuple[OriginResult, ...]  # the chosen method first, then the baselines

    @property
    def best_baseline_mape(self) -> float:
        return min(r.metrics.mape for r in self.results[1:])

    @property
    def improvement(self) -> float:
        """How much lower the chosen method's MAPE is than the best baseline's, in percent of the latter."""
        return 100 * (1 - self.results[0].metrics.mape / self.best_baseline_mape)


def run_backtest(
    panel: Panel,
    chosen: Forecaster,
    baselines: Sequence[Forecaster],
    *,
    measures: Sequence[str] = BACKTEST_MEASURES,
    max_horizon: int = 3,
) -> list[BacktestRow]:
    """Every origin the panel allows (up to ``max_horizon`` years ahead), for each measure."""
    rows = []
    for measure in measures:
        for as_of, target in origins(panel, max_horizon=max_horizon):
            areas = comparison_areas(panel, measure, as_of, target)
            if not areas:
                continue
            results = tuple(score(panel, m, measure, as_of, target, areas=areas) for m in (chosen, *baselines))
            rows.append(BacktestRow(measure, as_of, target, len(areas), results))
    return rows
