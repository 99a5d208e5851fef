"""Benchmark: SEN2 import throughput and peak memory against lxml parsing alone, and a pandas approach.

For generated files of 20,000 persons (and 600,000 with ``--large``) prints: file size; the time lxml's iterparse
takes just to read the file (iterate and clear); the time of the full import (parse, validate, minimise, store)
on a fresh SQLite database, and on PostgreSQL when ``DATABASE_URL`` is set (after deleting the previous run's
return and vacuuming, so that each run is a first import); their ratio; persons per second; the CPU seconds of
the importing process and of its parser processes (files over ``PARSER_PROCESS_MIN_BYTES`` are parsed in forked
processes while the importing one writes); and the peak RSS of each (each import runs in its own subprocess; for
the parser processes, the largest). ``--repeat N`` imports N times, each just after an lxml run, and shows the
fastest import and the median and range of the ratios of each import to its lxml run; ``--single-process``
imports without parser processes. Then, on the 20,000-person file, a
straightforward pandas approach as a public SEN2 dashboard does it: ``xml.etree.ElementTree`` parse, then one
``pd.concat`` per record (measured on the first 2,000 records and extrapolated linearly when the full run would
be too long; needs the ``bench`` extra). Goals (issue 3): import within 3x lxml alone; peak RSS < 400 MB on
600,000 persons; >= 25x faster than pandas.

    .venv/bin/python bench/sen2_import.py [--large] [--persons 20000] [--single-process] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def lxml_alone(path: Path) -> float:
    from lxml import etree

    started = time.perf_counter()
    for _event, element in etree.iterparse(str(path), events=("end",), tag="{*}Person"):
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return time.perf_counter() - started


def child(path: str, database_url: str, single_process: bool) -> None:
    """Run one import in this (fresh) process and print its figures as JSON."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SENDHUB_DATA_DIR", tempfile.mkdtemp(prefix="sendhub-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "sendhub.settings"
    os.environ.setdefault("SENDHUB_ALLOW_DEV_SECRET", "1")  # a benchmark, not a server: the development key is fine
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from sendhub.accounts.models import LocalArea
    from sendhub.outcomes.sen2 import importer
    from sendhub.outcomes.sen2.importer import import_sen2

    if single_process:
        importer.PARSER_PROCESS_MIN_BYTES = None

    area, _ = LocalArea.objects.get_or_create(
        la_code="888", defaults={"name": "Lancashire", "slug": "lancashire", "ons_code": "E10000017"}
    )
    # Every run is a first import (a re-import would also delete the previous return's rows, in the timing),
    # into tables without the dead rows of earlier runs.
    area.sen2_returns.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE outcomes_sen2person, outcomes_ehcrequest, outcomes_activeplan")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu_before = _cpu(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with open(path, "rb") as stream:
        result = import_sen2(stream=stream, filename=Path(path).name, area=area)
    seconds = time.perf_counter() - started
    parser = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "errors": result.error_count,
                "persons": result.counts.get("persons", 0),
                "requests": result.counts.get("requests", 0),
                "active_plans": result.counts.get("active_plans", 0),
                "rss_before_mb": rss_before / 1024,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "cpu": _cpu(resource.RUSAGE_SELF) - cpu_before,
                "parser_cpu": _cpu(resource.RUSAGE_CHILDREN),
                "parser_peak_rss_mb": parser.ru_maxrss / 1024,
            }
        )
    )


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_child(path: Path, database_url: str, single_process: bool = False) -> dict:
    completed = subprocess.run(  # noqa: PLW1510
        [sys.executable, __file__, "--child", str(path), "--db", database_url]
        + (["--single-process"] if single_process else []),
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def pandas_approach(path: Path, cap: int = 2000, budget_seconds: float = 120.0) -> tuple[float, bool, int]:
    """ElementTree + one DataFrame append per record; returns (seconds, extrapolated, records)."""
    import xml.etree.ElementTree as ET  # noqa: N817

    import pandas as pd

    started = time.perf_counter()
    tree = ET.parse(path)  # noqa: S314 (our own generated file)
    persons = tree.getroot().find("Persons").findall("Person")
    parse_seconds = time.perf_counter() - started
    frame = pd.DataFrame()
    total = len(persons)
    started = time.perf_counter()
    done = 0
    for person in persons:
        record = {child.tag: child.text for child in person if len(child) == 0}
        for request in person.findall("Requests"):
            row = dict(record)
            row.update({child.tag: child.text for child in request if len(child) == 0})
            assessment = request.find("Assessment")
            if assessment is not None:
                row.update({child.tag: child.text for child in assessment if len(child) == 0})
            frame = pd.concat([frame, pd.DataFrame([row])], ignore_index=True)
        done += 1
        if done >= cap and (time.perf_counter() - started) / done * total > budget_seconds:
            break
    append_seconds = time.perf_counter() - started
    extrapolated = done < total
    if extrapolated:
        append_seconds = append_seconds / done * total
    return parse_seconds + append_seconds, extrapolated, done


def run_all(args, workdir: Path) -> None:
    from sendhub.outcomes.sen2.generate import generate_sen2

    sizes = [args.persons] + ([600_000] if args.large else [])
    ours_20k = None
    for persons in sizes:
        path = workdir / f"sen2-{persons}.xml"
        started = time.perf_counter()
        with path.open("w", encoding="utf-8") as out:
            generate_sen2(out, persons=persons, year=2025, seed=1)
        print(f"\n== {persons:,} persons: {path.stat().st_size / 1e6:.1f} MB "
              f"(generated in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        parse = min(lxml_alone(path) for _ in range(2))
        print(f"lxml iterparse alone:        {parse:7.2f} s  ({persons / parse:,.0f} persons/s)")
        databases = [("SQLite", [f"sqlite:///{workdir / f'bench-{persons}-{i}.sqlite3'}" for i in range(args.repeat)])]
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            databases.append(("PostgreSQL", [os.environ["DATABASE_URL"]] * args.repeat))
        for label, urls in databases:
            # Each run on a fresh SQLite file; on PostgreSQL, the child deletes the earlier run's return first.
            # Each import is paired with an lxml run just before it: on a shared machine the speed of both drifts
            # by 20-40% within minutes, so a ratio is only fair between neighbours.
            runs = []
            for url in urls:
                lxml_seconds = lxml_alone(path)
                runs.append({**run_child(path, url, args.single_process), "lxml": lxml_seconds})
            figures = min(runs, key=lambda f: f["seconds"])
            ratios = sorted(f["seconds"] / f["lxml"] for f in runs)
            print(
                f"full import ({label + '):':12} {figures['seconds']:7.2f} s  "
                f"({persons / figures['seconds']:,.0f} persons/s; median {ratios[len(ratios) // 2]:.2f}x lxml alone "
                f"in the run just before it, range {ratios[0]:.2f}-{ratios[-1]:.2f}x; "
                f"{figures['requests']:,} requests, {figures['active_plans']:,} active plans; "
                f"errors {figures['errors']})\n    CPU {figures['cpu']:.2f} s + parser processes "
                f"{figures['parser_cpu']:.2f} s; peak RSS {figures['peak_rss_mb']:.0f} MB, parser processes "
                f"{figures['parser_peak_rss_mb']:.0f} MB (largest)"
                + (
                    f"; runs {', '.join(format(f['seconds'], '.2f') for f in runs)} s "
                    f"(lxml {', '.join(format(f['lxml'], '.2f') for f in runs)} s)"
                    if len(runs) > 1
                    else ""
                )
            )
            if label == "SQLite" and persons == args.persons:
                ours_20k = figures["seconds"]
        if persons == args.persons and not args.no_pandas:
            seconds, extrapolated, done = pandas_approach(path)
            note = f" (extrapolated linearly from the first {done:,} records)" if extrapolated else ""
            print(f"pandas (ElementTree + concat per record): {seconds:7.1f} s{note}")
            if ours_20k:
                print(f"our import is {seconds / ours_20k:.0f}x faster than the pandas approach")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also the 600,000-person file")
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--no-pandas", action="store_true")
    parser.add_argument("--single-process", action="store_true", help="import without the parser process")
    parser.add_argument("--repeat", type=int, default=1, help="imports per database (the fastest is shown)")
    parser.add_argument("--child")
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.single_process)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="sendhub-sen2-bench-"))
    try:
        run_all(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # the 600,000-person file and its database take 0.9 GB
    return 0


if __name__ == "__main__":
    sys.exit(main())
