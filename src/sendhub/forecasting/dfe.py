"""Forecasts of EHC plans and placements for every local area from DfE's published release: the public interface.

``forecast_release`` forecasts the caseload measures of every local area (or one) from the current imported
release, as known at January ``as_of``; ``area_history`` gives an area's published series; pages, the CLI and
the SCAP export use only these. The method behind them is ``CHOSEN`` (how it was chosen:
``docs/decisions.md``, "Forecasting from DfE's figures"); 80% intervals come from its errors at earlier
origins (``backtest.calibrate``).

The panel of the release and each (as_of, horizon) forecast are cached in memory per release id (the release's
rows never change once imported; a new import gets a new id), so an area's page after the first costs a dict
lookup.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sendhub.forecasting import methods
from sendhub.forecasting.backtest import BacktestRow, calibrate, run_backtest
from sendhub.forecasting.series import CASELOAD_MEASURES, Panel, load_panel

MEASURES: tuple[str, ...] = CASELOAD_MEASURES
MAX_HORIZON = 10
# Chosen by its mean MAPE relative to the best baseline over every backtest cell whose target is January 2024 or
# earlier (never January 2025's figures); the same weights come out of a rolling choice made at each origin from
# the cells known then. Every option tried, with its figures: docs/decisions.md and docs/performance.md.
CHOSEN = methods.Combination(
    name="combined (flow regression 0.8, linear trend 0.2)",
    parts=(
        methods.FlowRegression(penalty=0.1, damping=0.8, bench_window=3, skip_break=True, pipeline=True),
        methods.Baseline("linear trend (4 points)", methods.linear_trend_4),
    ),
    weights=(0.8, 0.2),
)


class ForecastError(Exception):
    """The forecast cannot be made: no release, an unknown area or measure, an origin without data."""


@dataclass(frozen=True)
class ForecastRow:
    la_code: str
    la_name: str
    region_name: str
    year: int  # the January census year forecast
    measure: str
    value: float
    lower: float  # the 80% interval
    upper: float
    method: str


@dataclass(frozen=True)
class HistoryPoint:
    la_code: str
    year: int
    measure: str
    value: float | None  # None where DfE published x or z


def chosen_method_name() -> str:
    return CHOSEN.name


_lock = threading.Lock()
_panels: dict[int, Panel] = {}
_forecasts: dict[tuple[int, int, int, str], list[ForecastRow]] = {}


def _current_panel() -> Panel:
    from sendhub.outcomes.dfe import current_release

    release = current_release()
    if release is None:
        raise ForecastError("No DfE release is imported; run 'sendhub dfe import PATH' first.")
    with _lock:
        panel = _panels.get(release.pk)
    if panel is None:
        panel = load_panel(release)
        with _lock:
            _panels.clear()  # one release is current at a time
            _forecasts.clear()
            _panels[release.pk] = panel
    return panel


def clear_cache() -> None:
    with _lock:
        _panels.clear()
        _forecasts.clear()


def _check_measures(measures: Sequence[str]) -> None:
    unknown = [m for m in measures if m not in MEASURES]
    if unknown:
        raise ForecastError(f"Unknown measure {unknown[0]!r}; forecast measures are {', '.join(MEASURES)}.")


def _all_rows(panel: Panel, as_of: int, horizon: int, measure: str) -> list[ForecastRow]:
    key = (panel.release_id or 0, as_of, horizon, measure)
    with _lock:
        cached = _forecasts.get(key)
    if cached is not None:
        return cached
    known = panel.known_at(as_of)
    forecasts = CHOSEN.forecast(known, measure, as_of, horizon)
    calibration = calibrate(known, CHOSEN, measure, as_of=as_of, horizon=horizon)
    rows = []
    for code in sorted(forecasts):
        area = panel.areas[code]
        for h, value in enumerate(forecasts[code], start=1):
            lower, upper = calibration.interval(value, h)
            rows.append(
                ForecastRow(code, area.name, area.region_name, as_of + h, measure, value, lower, upper, CHOSEN.name)
            )
    with _lock:
        _forecasts[key] = rows
    return rows


def forecast_release(
    *, as_of: int, horizon: int, la_code: str | None = None, measures: Sequence[str] = MEASURES
) -> list[ForecastRow]:
    """Forecasts for January ``as_of + 1`` .. ``as_of + horizon`` from what was published for January ``as_of``
    and earlier (and calendar years before ``as_of``), for every local area or the one with ``la_code``.

    Raises ``ForecastError`` with a message for a person: no release imported, ``as_of`` outside the release,
    a horizon outside 1..``MAX_HORIZON``, an unknown LA code or measure. An area whose figure for ``as_of`` is
    suppressed has no rows for that measure.
    """
    panel = _current_panel()
    _check_measures(measures)
    if not 1 <= horizon <= MAX_HORIZON:
        raise ForecastError(f"The horizon must be 1 to {MAX_HORIZON} years; {horizon} was given.")
    latest = panel.latest_year
    first = min((y for s in panel.caseload.values() for y in s.values), default=latest)
    if latest is None or as_of > latest:
        raise ForecastError(f"The release's latest January is {latest}; cannot forecast as of January {as_of}.")
    if as_of < first + 1:
        raise ForecastError(
            f"The release starts in January {first}; forecasting needs two Januaries, so as of {first + 1} at the "
            f"earliest ({as_of} was given)."
        )
    if la_code is not None and la_code not in panel.areas:
        raise ForecastError(f"No local authority with DfE code {la_code!r} in the release (e.g. 888 for Lancashire).")
    out: list[ForecastRow] = []
    for measure in measures:
        rows = _all_rows(panel, as_of, horizon, measure)
        out.extend(r for r in rows if la_code is None or r.la_code == la_code)
    return out


def area_history(*, la_code: str, measure: str) -> list[HistoryPoint]:
    """The published January series of one area for one measure, oldest first (None where suppressed)."""
    panel = _current_panel()
    _check_measures([measure])
    if la_code not in panel.areas:
        raise ForecastError(f"No local authority with DfE code {la_code!r} in the release (e.g. 888 for Lancashire).")
    series = panel.series(la_code, measure)
    return [HistoryPoint(la_code, year, measure, value) for year, value in sorted(series.values.items())]


def backtest_release() -> list[BacktestRow]:
    """The backtest of ``CHOSEN`` beside the four baselines at every origin the current release allows."""
    return run_backtest(_current_panel(), CHOSEN, methods.BASELINES)
