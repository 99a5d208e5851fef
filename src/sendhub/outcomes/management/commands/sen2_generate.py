"""sendhub sen2 generate: write a synthetic, realistic SEN2 XML return (fake people) for demos and benchmarks."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sendhub.outcomes.sen2.generate import generate_sen2


class Command(BaseCommand):
    help = "Write a synthetic SEN2 person-level XML return with fake people (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True, help="Number of persons, e.g. 20000")
        parser.add_argument("--year", type=int, required=True, help="Collection year (January of this year)")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same file)")
        parser.add_argument("--out", required=True, help="Output file ('-' for standard output)")
        parser.add_argument("--la", default="888", help="Three-digit LA code for the header (default 888)")

    def handle(self, *args, **options):
        persons, year, la = options["persons"], options["year"], options["la"]
        if persons < 0:
            raise CommandError("--persons must be 0 or more")
        if not 2015 <= year <= 2100:
            raise CommandError(f"--year must be a collection year such as 2025 (got {year})")
        if not re.fullmatch(r"\d{3}", la):
            raise CommandError(f"--la must be three digits, e.g. 888 (got {la!r})")
        started = time.perf_counter()
        if options["out"] == "-":
            counts = generate_sen2(sys.stdout, persons=persons, year=year, seed=options["seed"], la=la)
            return
        path = Path(options["out"])
        with path.open("w", encoding="utf-8", newline="\n") as out:
            counts = generate_sen2(out, persons=persons, year=year, seed=options["seed"], la=la)
        self.stdout.write(
            f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB): {counts['persons']} persons, "
            f"{counts['requests']} requests, {counts['active_plans']} active plans "
            f"in {time.perf_counter() - started:.1f} s."
        )
