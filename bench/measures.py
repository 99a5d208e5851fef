"""Benchmark: recompute every measure for a Lancashire-sized area (issue 3 goal: < 2 s for 20,000 persons).

Builds a fresh SQLite database (or uses DATABASE_URL: point it at a scratch database), writes one synthetic
SEN2 return straight into the tables with bulk_create (20,000 persons; about 25,000 requests, 40% of them in
the reporting year; 15,000 active plans; dates, outcomes, needs and settings drawn with a fixed seed), then
times ``recompute_measures`` (read, compute, replace MeasureValue rows) and prints seconds and rows written.
The return it made is deleted at the end.

    .venv/bin/python bench/measures.py [--persons 20000] [--repeat 3] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta

os.environ.setdefault("SENDHUB_DATA_DIR", tempfile.mkdtemp(prefix="sendhub-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")
os.environ.setdefault("SENDHUB_ALLOW_DEV_SECRET", "1")  # a benchmark, not a server: the development key is fine

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

DISTRICTS = (
    [f"PR{i}" for i in range(1, 10)] + [f"BB{i}" for i in range(1, 13)] + [f"LA{i}" for i in range(1, 7)]
    + [f"FY{i}" for i in range(1, 9)] + ["L39", "L40", "OL13", "WN8"]
)
NEEDS = ["ASD", "SEMH", "SLCN", "MLD", "SLD", "SPLD", "PD", "HI", "VI", "PMLD", "MSI", "OTH"]
NEED_WEIGHTS = [33, 17, 21, 9, 4, 3, 3, 1.5, 1, 1, 0.5, 2]
# Placements: about 85% at a school or college of the fictional county (by URN, resolved through its GIAS
# extract, as a real return's are), the rest one of SEN2's codes for placements with no establishment, or none.
SETTINGS = ["OLA", "OPA", "EHE", "NEET", "NIEO", ""]
SETTING_WEIGHTS = [5, 1, 3, 2, 1, 3]
URN_SHARE = 0.85
_URNS: list[str] = []


def placement(rng) -> dict:
    if _URNS and rng.random() < URN_SHARE:
        return {"setting": "", "setting_urn": rng.choice(_URNS)}
    return {"setting": rng.choices(SETTINGS, SETTING_WEIGHTS)[0]}


def load_county_gias() -> None:
    """The fictional county's GIAS extract, so URN placements resolve as they would for a council."""
    from sendhub.establishments.fictional import county_establishments, write_extract
    from sendhub.establishments.services import gias_extract_import

    county = county_establishments()
    gias_extract_import(data=write_extract(county), filename="edubasealldata20250103.csv")
    _URNS[:] = [str(e.urn) for e in county if e.status == "Open"]


def build_return(area, persons: int, seed: int):
    from sendhub.outcomes.models import ActivePlan, EhcRequest, Sen2Person, Sen2Return

    rng = random.Random(seed)
    reference = date(2025, 1, 16)
    sen2_return = Sen2Return.objects.create(
        area=area, collection_year=2025, reference_date=reference, filename="bench.xml", checksum="0" * 64
    )
    people = [
        Sen2Person(
            sen2_return=sen2_return,
            position=i + 1,
            person_key=f"{i:064x}",
            reference=f"P{i:07d}",
            sex=rng.choice("MF"),
            postcode_district=rng.choice(DISTRICTS),
            age_at_reference_date=rng.randint(1, 25),
        )
        for i in range(persons)
    ]
    Sen2Person.objects.bulk_create(people, batch_size=5000)
    people = list(Sen2Person.objects.filter(sen2_return=sen2_return).order_by("position"))
    requests = []
    reporting = date(2024, 1, 1)
    for person in people:
        for _ in range(1 if rng.random() < 0.78 else 2):
            # 40% received in the reporting year (2024; generous: Lancashire receives about 3,600 a year), the
            # rest spread over earlier years (the request history of people with active plans).
            if rng.random() < 0.4:
                received = reporting + timedelta(days=rng.randint(0, (reference - reporting).days))
            else:
                received = date(2015, 1, 1) + timedelta(days=rng.randint(0, (reporting - date(2015, 1, 1)).days))
            decided = received + timedelta(days=rng.randint(10, 70))
            outcome = rng.choices(["A", "B", "W", ""], [65, 25, 2, 8])[0]
            if outcome == "" or decided > reference:
                outcome, decided = "", None
            req = EhcRequest(
                sen2_return=sen2_return, person=person, received_date=received, request_outcome=outcome,
                request_outcome_date=decided, request_mediation=rng.random() < 0.07,
                request_tribunal=rng.random() < 0.03, age_at_request=max(0, (person.age_at_reference_date or 5) - 2),
            )
            if outcome == "A":
                finished = received + timedelta(days=rng.randint(90, 500))
                if finished <= reference:
                    req.assessment_outcome = rng.choices(["Y", "N", "W"], [93, 6, 1])[0]
                    req.assessment_outcome_date = finished
                    req.week20 = rng.random() < 0.06
                    req.assessment_mediation = rng.random() < 0.02
                    req.assessment_tribunal = rng.random() < 0.015
                    if req.assessment_outcome == "Y":
                        req.plan_start_date = finished + timedelta(days=rng.randint(0, 30))
                        if req.plan_start_date > reference:
                            req.plan_start_date = reference
                        req.plan_setting = rng.choices(SETTINGS, SETTING_WEIGHTS)[0]
            requests.append(req)
    EhcRequest.objects.bulk_create(requests, batch_size=5000)
    with_plans = list(
        EhcRequest.objects.filter(sen2_return=sen2_return, plan_start_date__isnull=False).values_list(
            "pk", "plan_start_date"
        )
    )
    plans = []
    for pk, start in with_plans:
        last = start + timedelta(days=365 * rng.randint(0, 4) + rng.randint(-30, 60))
        last = min(last, reference - timedelta(days=rng.randint(30, 400)))
        meeting = last + timedelta(days=rng.randint(300, 460)) if rng.random() < 0.75 else None
        if meeting and meeting > reference:
            meeting = None
        plans.append(
            ActivePlan(
                sen2_return=sen2_return, request_id=pk, last_review=max(last, start), review_meeting=meeting,
                review_draft=meeting + timedelta(days=rng.randint(5, 60)) if meeting else None,
                primary_need=rng.choices(NEEDS, NEED_WEIGHTS)[0] if rng.random() < 0.98 else "",
                age_at_reference_date=rng.randint(2, 25), **placement(rng),
            )
        )
    # Top up to the issue's ~15,000 active plans with older plans (started before 2019).
    while len(plans) < int(persons * 0.75):
        pk, _ = rng.choice(with_plans)
        plans.append(
            ActivePlan(
                sen2_return=sen2_return, request_id=pk, last_review=reference - timedelta(days=rng.randint(10, 500)),
                primary_need=rng.choices(NEEDS, NEED_WEIGHTS)[0], age_at_reference_date=rng.randint(5, 25),
                **placement(rng),
            )
        )
    ActivePlan.objects.bulk_create(plans, batch_size=5000)
    return sen2_return, len(people), len(requests), len(plans)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    from sendhub.accounts.models import LocalArea
    from sendhub.outcomes.computation import build_rows, coverage_start, recompute_measures
    from sendhub.outcomes.measures import compute_all

    area, _ = LocalArea.objects.get_or_create(
        slug="bench-measures",
        defaults={"name": "Bench measures", "la_code": "B01", "ons_code": "E99999901", "region": "north_west"},
    )
    load_county_gias()
    started = time.perf_counter()
    with transaction.atomic():
        sen2_return, n_people, n_requests, n_plans = build_return(area, args.persons, args.seed)
    print(
        f"database: {connection.vendor}; {n_people:,} persons, {n_requests:,} requests, {n_plans:,} active plans "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    try:
        for i in range(args.repeat):
            t0 = time.perf_counter()
            requests, plans = build_rows(sen2_return)
            t1 = time.perf_counter()
            out = list(
                compute_all(requests, plans, sen2_return.reference_date, period_start=coverage_start(sen2_return))
            )
            t2 = time.perf_counter()
            rows = recompute_measures(sen2_return)
            t3 = time.perf_counter()
            print(
                f"run {i + 1}: recompute_measures {t3 - t2:.2f} s, {rows:,} MeasureValue rows written "
                f"(parts measured separately: read {t1 - t0:.2f} s, compute {t2 - t1:.2f} s for {len(out):,} values)"
            )
    finally:
        sen2_return.delete()
        area.delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
