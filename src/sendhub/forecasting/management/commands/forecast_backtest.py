"""sendhub forecast backtest [--json]: the chosen method beside the four baselines at every origin."""

from __future__ import annotations

import json
import math
import time

from django.core.management.base import BaseCommand, CommandError

from sendhub.forecasting.backtest import REPORTED_ORIGINS, BacktestRow
from sendhub.forecasting.dfe import ForecastError, backtest_release, chosen_method_name


def _num(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 2)


def row_json(row: BacktestRow) -> dict:
    return {
        "measure": row.measure,
        "as_of": row.as_of,
        "target": row.target,
        "horizon": row.target - row.as_of,
        "areas": row.areas,
        "reported": (row.as_of, row.target) in REPORTED_ORIGINS,
        "improvement_on_best_baseline_pc": _num(row.improvement),
        "methods": [
            {
                "method": r.method,
                "chosen": i == 0,
                "mape": _num(r.metrics.mape),
                "median_ape": _num(r.metrics.median_ape),
                "bias": _num(r.metrics.bias),
                "coverage_80": _num(r.metrics.coverage),
            }
            for i, r in enumerate(row.results)
        ],
    }


class Command(BaseCommand):
    help = (
        "Backtest the forecasting method on the current DfE release: at every origin the release allows, "
        "MAPE, median APE, bias and 80%-interval coverage of the chosen method beside the four baselines, "
        "on the same areas."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            rows = backtest_release()
        except ForecastError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        if options["json"]:
            data = {
                "method": chosen_method_name(),
                "seconds": round(seconds, 2),
                "origins": [row_json(r) for r in rows],
            }
            self.stdout.write(json.dumps(data, indent=2))
            return
        self.stdout.write(
            f"Backtest of '{chosen_method_name()}' beside the four baselines (MAPE, median APE, bias in %; "
            f"coverage of 80% intervals). * = an origin of issue 18's table. {seconds:.1f} s."
        )
        for row in rows:
            mark = "*" if (row.as_of, row.target) in REPORTED_ORIGINS else " "
            self.stdout.write("")
            self.stdout.write(
                f"{mark} {row.measure}: January {row.as_of} -> {row.target} ({row.target - row.as_of} year(s)), "
                f"{row.areas} areas; chosen method {row.improvement:.1f}% below the best baseline's MAPE"
            )
            self.stdout.write(f"    {'method':<56} {'MAPE':>6} {'median':>7} {'bias':>7} {'cover':>6}")
            for r in row.results:
                m = r.metrics
                cover = "-" if m.coverage is None else f"{m.coverage:.0f}%"
                self.stdout.write(
                    f"    {r.method[:56]:<56} {m.mape:6.2f} {m.median_ape:7.2f} {m.bias:+7.2f} {cover:>6}"
                )
