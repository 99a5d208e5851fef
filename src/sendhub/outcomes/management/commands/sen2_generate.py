"""sendhub sen2 generate: write a synthetic, realistic SEN2 XML return (fake people) for demos and benchmarks."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sendhub.establishments.fictional import county_establishments, write_extract
from sendhub.establishments.gias import GiasFileError, read_extract
from sendhub.outcomes.sen2.generate import census_date, generate_sen2

MAX_GIAS_BYTES = 200 * 1024 * 1024  # England's full extract is about 60 MB


class Command(BaseCommand):
    help = (
        "Write a synthetic SEN2 person-level XML return with fake people (deterministic for a seed), in the structure "
        "of DfE's specification for the collection year: placements by URN from a GIAS directory (a fictional county "
        "by default, or --gias FILE), colleges by UKPRN, SENsetting codes for the rest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True, help="Number of persons, e.g. 20000")
        parser.add_argument("--year", type=int, required=True, help="Collection year (January of this year)")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same file)")
        parser.add_argument("--out", required=True, help="Output file ('-' for standard output)")
        parser.add_argument("--la", default="888", help="Three-digit LA code for the header (default 888)")
        parser.add_argument("--gias", default=None, metavar="FILE",
                            help="Take the schools and colleges from this GIAS 'establishment fields' CSV (as "
                                 "downloaded) instead of the fictional county")
        parser.add_argument("--gias-seed", type=int, default=None,
                            help="Seed of the fictional county's GIAS directory (default: its own default)")
        parser.add_argument("--write-gias", action="store_true",
                            help="Also write the fictional county's GIAS extract next to --out, as "
                                 "edubasealldataYYYYMMDD.csv (for 'sendhub gias import')")

    def handle(self, *args, **options):
        persons, year, la = options["persons"], options["year"], options["la"]
        if persons < 0:
            raise CommandError("--persons must be 0 or more")
        if not 2015 <= year <= 2100:
            raise CommandError(f"--year must be a collection year such as 2025 (got {year})")
        if not re.fullmatch(r"\d{3}", la):
            raise CommandError(f"--la must be three digits, e.g. 888 (got {la!r})")
        if options["gias"] and (options["write_gias"] or options["gias_seed"] is not None):
            raise CommandError("--write-gias and --gias-seed are for the fictional county; with --gias FILE the "
                               "schools come from that file, which you import with 'sendhub gias import FILE'")
        if options["write_gias"] and options["out"] == "-":
            raise CommandError("--write-gias writes the extract next to --out: give --out a file, not '-'")
        establishments = self._establishments(options, la)
        started = time.perf_counter()
        settings = {"persons": persons, "year": year, "seed": options["seed"], "la": la,
                    "establishments": establishments}
        if options["out"] == "-":
            generate_sen2(sys.stdout, **settings)
            return
        path = Path(options["out"])
        with path.open("w", encoding="utf-8", newline="\n") as out:
            counts = generate_sen2(out, **settings)
        self.stdout.write(
            f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB): {counts['persons']} persons, "
            f"{counts['requests']} requests, {counts['active_plans']} active plans "
            f"({counts['in_caseload']} at the reference date) in {time.perf_counter() - started:.1f} s."
        )
        if options["write_gias"]:
            extract = path.with_name(f"edubasealldata{census_date(year):%Y%m%d}.csv")
            extract.write_bytes(write_extract(establishments))
            self.stdout.write(f"Wrote {extract}: the fictional GIAS extract its URNs come from ({len(establishments)} "
                              f"establishments); import it first with 'sendhub gias import {extract}'.")

    def _establishments(self, options, la: str) -> list:
        if not options["gias"]:
            seed = options["gias_seed"]
            return county_establishments(la_code=la, **({"seed": seed} if seed is not None else {}))
        path = Path(options["gias"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_GIAS_BYTES:
            raise CommandError(f"{path.name} is larger than {MAX_GIAS_BYTES // (1024 * 1024)} MB: not a GIAS extract")
        try:
            establishments = read_extract(path.read_bytes(), source=path.name)
        except UnicodeDecodeError as error:
            raise CommandError(f"{path.name} is not encoded as GIAS encodes its files (Windows-1252): byte "
                               f"{error.start:,} cannot be read") from error
        except GiasFileError as error:
            raise CommandError(f"{path.name} is not a GIAS extract SEND Hub can read: {error}") from error
        if not establishments:
            raise CommandError(f"{path.name} lists no establishments")
        return establishments
