"""sendhub forecast dfe --as-of YEAR --horizon H [--la CODE] [--measure NAME ...] [--json]."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sendhub.forecasting.dfe import MEASURES, ForecastError, chosen_method_name, forecast_release


def _round(value: float) -> int:
    return int(round(value))


class Command(BaseCommand):
    help = (
        "Forecast EHC plans and placement totals for every local area (or one) from the current DfE release, "
        "using only what was published for January --as-of and earlier, with 80% intervals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=int, required=True, help="The January census year forecast from, e.g. 2025")
        parser.add_argument("--horizon", type=int, required=True, help="How many Januaries ahead (1-10)")
        parser.add_argument("--la", help="DfE's three-digit LA code, e.g. 888 for Lancashire (default: every area)")
        parser.add_argument(
            "--measure",
            action="append",
            choices=MEASURES,
            help="A measure to forecast (repeatable; default: all of " + ", ".join(MEASURES) + ")",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table")

    def handle(self, *args, **options):
        as_of, horizon = options["as_of"], options["horizon"]
        measures = tuple(options["measure"] or MEASURES)
        try:
            rows = forecast_release(as_of=as_of, horizon=horizon, la_code=options["la"], measures=measures)
        except ForecastError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            data = {
                "as_of": as_of,
                "method": chosen_method_name(),
                "forecasts": [
                    {
                        "la_code": r.la_code,
                        "la_name": r.la_name,
                        "year": r.year,
                        "measure": r.measure,
                        "value": _round(r.value),
                        "lower": _round(r.lower),
                        "upper": _round(r.upper),
                    }
                    for r in rows
                ],
            }
            self.stdout.write(json.dumps(data, indent=2))
            return
        self.stdout.write(
            f"Forecast as of January {as_of}, {horizon} year(s) ahead, by {chosen_method_name()} "
            "(80% intervals from earlier origins' errors)"
        )
        header = (
            f"{'LA':<4} {'Local authority':<32} {'Measure':<17} {'January':>7} {'Forecast':>9} {'80% interval':>19}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in rows:
            interval = f"{_round(r.lower):,} - {_round(r.upper):,}"
            self.stdout.write(
                f"{r.la_code:<4} {r.la_name[:32]:<32} {r.measure:<17} {r.year:>7} {_round(r.value):>9,} {interval:>19}"
            )
        if not rows:
            self.stdout.write(f"No forecasts: the figures for January {as_of} are suppressed for the areas asked.")
