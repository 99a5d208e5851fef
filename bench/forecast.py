"""Benchmark: forecasting every area from DfE's release, the backtest, and an area's cached forecast (issue 18).

Imports the release into a fresh SQLite database (or DATABASE_URL: point it at a scratch database), then per
repeat times, with the forecasting cache cleared first:

- **forecast all areas**: ``forecast_release`` for every area and every measure, 5 years ahead from the latest
  January, cold (the release's series loaded from the database, the method run, its intervals calibrated on
  every earlier origin). Target < 10 s.
- **backtest**: every origin the release allows, the chosen method and the four baselines, ``ehcplans`` and
  ``special_total``, with intervals (what ``sendhub forecast backtest`` runs). Target < 60 s.
- **area, cached**: one area's six measures' forecasts and published series once the release is cached (what
  the sufficiency page asks of the forecasting interface). Target: well inside the page's 300 ms.

Each is printed as the best wall time, its CPU time, and its CPU time as a ratio to a reference workload's timed
in the same run (a fixed pure-Python computation), so figures from machines of different speed, or from a machine
shared with other work (where wall time is several times CPU time), can be compared.

    .venv/bin/python bench/forecast.py [PATH] [--repeat 3]

PATH defaults to ../shared/data/dfe-ehcp-plans-2025.zip (never copied into the repository).
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SENDHUB_DATA_DIR", tempfile.mkdtemp(prefix="sendhub-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")
# A throwaway key: production settings refuse the development key, and nothing here is signed or kept.
os.environ.setdefault("SENDHUB_SECRET_KEY", secrets.token_urlsafe(50))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from sendhub.forecasting import dfe as forecasting  # noqa: E402
from sendhub.outcomes import dfe  # noqa: E402
from sendhub.outcomes.models import DfeRelease  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dfe-ehcp-plans-2025.zip"
AREA = "888"  # Lancashire


def reference_workload() -> None:
    """A fixed amount of pure-Python arithmetic (about 0.2 s on a 2024 server core): the yardstick."""
    total = 0.0
    for i in range(1, 600_000):
        total += math.log(i) * 1.0001 ** (i % 97)
    if total < 0:  # pragma: no cover - keeps the loop from being optimised away
        print(total)


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def forecast_all() -> None:
    forecasting.clear_cache()
    release = DfeRelease.objects.get(is_current=True)
    latest = release.latest_year
    rows = forecasting.forecast_release(as_of=latest, horizon=5)
    assert rows, "no forecasts"


def backtest() -> None:
    forecasting.clear_cache()
    rows = forecasting.backtest_release()
    assert rows, "no origins"


def area_cached() -> None:
    latest = DfeRelease.objects.get(is_current=True).latest_year
    forecasting.forecast_release(as_of=latest, horizon=5, la_code=AREA)
    for measure in forecasting.MEASURES:
        forecasting.area_history(la_code=AREA, measure=measure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = Path(args.path)
    if not path.exists():
        print(f"{path}: not found", file=sys.stderr)
        return 1
    call_command("migrate", verbosity=0)
    if not DfeRelease.objects.filter(is_current=True).exists():
        started = time.perf_counter()
        dfe.import_release(path)
        print(f"imported {path.name} in {time.perf_counter() - started:.1f} s (not a target)")
    results: dict[str, list[tuple[float, float]]] = {"reference": [], "forecast all areas": [], "backtest": []}
    results["area, cached"] = []
    for _ in range(args.repeat):
        results["reference"].append(timed(reference_workload))
        results["forecast all areas"].append(timed(forecast_all))
        results["backtest"].append(timed(backtest))
        forecast_all()  # warm the cache for the area
        results["area, cached"].append(min((timed(area_cached) for _ in range(20)), key=lambda t: t[0]))
    reference = min(c for _, c in results["reference"])
    targets = {"forecast all areas": 10.0, "backtest": 60.0, "area, cached": 0.3}
    print(f"method: {forecasting.chosen_method_name()}; best of {args.repeat}")
    print(f"{'':<20} {'wall s':>9} {'CPU s':>9} {'CPU x ref':>12} {'target s':>9}")
    for name, runs in results.items():
        wall, cpu = min(w for w, _ in runs), min(c for _, c in runs)  # each the best of the repeats
        target = f"{targets[name]:>9.1f}" if name in targets else f"{'':>9}"
        print(f"{name:<20} {wall:>9.3f} {cpu:>9.3f} {cpu / reference:>12.2f} {target}")
    slow = [n for n, t in targets.items() if min(w for w, _ in results[n]) > t]
    if slow:
        print(f"over target: {', '.join(slow)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
