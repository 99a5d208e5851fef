"""Benchmark: Local Offer search over a national-scale directory (issue 4's performance goal).

Generates N services (default 100,000) with locations across England (postcode-district centres from
uk-outcodes.csv, jittered by up to ~2 km), terms (type, one or two needs, age group), schedules and costs, with
bulk inserts (listings, their word index, everything they link to) into a fresh SQLite database (and PostgreSQL
when ``DATABASE_URL`` is set: its directory tables are emptied first, so give it a database of its own). Then
runs a mix of realistic searches (keywords with misspellings, filters, distance from a district, radius,
distance sort, later pages) ``--queries`` times (default 200) through ``search_services`` and prints
p50/p95/max, with this process's CPU time beside the wall clock (on a shared machine the wall clock includes
waiting for a core). The whole search page (``--page-queries``, default 100, the same mix with radii rounded up
to the page's mile choices) is then requested through Django's test client: form, place, search, terms,
template. The unindexed baseline is the same searches done the naive way: read every service with its terms,
points and schedules and filter, score and sort in Python (no SQL prefilter, no bounding box); it is run on
fewer queries (``--baseline-queries``, default 20) because each takes seconds. Goals: p95 < 50 ms for the
search function on both databases, < 150 ms for the page.

    .venv/bin/python bench/directory_search.py [--services 100000] [--queries 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sendhub_bench .venv/bin/python bench/directory_search.py
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
OUTCODES = Path(os.environ.get("SENDHUB_OUTCODES", ROOT.parent / "shared" / "data" / "uk-outcodes.csv"))

ADJECTIVES = "Sunflower Rainbow Oak Willow Bright Steps Together Little Stars Harbour Meadow Beacon Circle".split()
TYPE_NAMES = {
    "support-group": ["Support Group", "Parents' Coffee Morning", "Drop-in", "Family Group"],
    "information-advice": ["Advice Service", "Information Line"],
    "health-service": ["Clinic", "Health Team"],
    "short-breaks": ["Short Breaks", "Saturday Club"],
    "leisure": ["Swimming Club", "Youth Club", "Play Scheme"],
    "therapy": ["Speech and Language Therapy", "Occupational Therapy"],
    "training": ["Parent Workshops", "Makaton Course"],
    "transport": ["Travel Training"],
}
NEED_NAMES = {
    "autism": "Autism",
    "adhd": "ADHD",
    "slcn": "Speech and Language",
    "semh": "Wellbeing",
    "learning-disability": "Learning Disability",
    "sensory": "Deaf Children's",
    "specific-learning": "Dyslexia",
    "downs-syndrome": "Down Syndrome",
    "all-needs": "SEND",
}
SENTENCES = [
    "A friendly group where parents and carers can share experiences and get support.",
    "We offer activities for children and young people with special educational needs.",
    "Sessions are run by trained volunteers and staff who understand autism and ADHD.",
    "Come along for a cup of tea and a chat with other families.",
    "Our team gives information and advice about EHC plans and school support.",
    "Siblings are welcome. The venue has level access and a quiet room.",
    "Swimming lessons in a calm, quiet pool for children who find busy places hard.",
    "Speech and language therapists run drop-in sessions for parents of young children.",
]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def england_points() -> list[tuple[str, float, float, str]]:
    from sendhub.directory.geo import osgb36_to_wgs84

    points = []
    with open(OUTCODES, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["country"] != "ENG" or not row["eastings"]:
                continue
            lat, lon = osgb36_to_wgs84(float(row["eastings"]), float(row["northings"]))
            points.append((row["postcode"], lat, lon, row["town"]))
    return points


def generate(n: int, seed: int = 4) -> dict:
    """Bulk-insert n services with their locations, terms, schedules and costs. Returns timings."""
    from django.db import connection, transaction

    from sendhub.accounts.models import LocalArea
    from sendhub.directory import models as m
    from sendhub.directory.postcodes import import_postcodes
    from sendhub.directory.search import listing_words, search_text_of, word_rows
    from sendhub.directory.taxonomies import AGE_GROUP, NEED, SERVICE_TYPE, ensure_taxonomies, term_id

    rng = random.Random(seed)
    started = time.perf_counter()
    ensure_taxonomies()
    import_postcodes(OUTCODES, kind="outcodes")
    points = england_points()
    # One local area per postcode area (PR, BB, M, ...): about 110 Local Offers of ~900 services each.
    letters = sorted({re.match(r"[A-Z]+", p[0]).group(0) for p in points})
    areas = {}
    for number, code in enumerate(letters):
        areas[code], _ = LocalArea.objects.get_or_create(
            slug=f"bench-{code.lower()}",
            defaults={"name": f"Bench {code}", "la_code": f"B{number:02d}", "ons_code": f"E9{number:07d}"},
        )
    area = areas[letters[0]]
    term_names = {t.id: f"{t.name} {t.code.replace('-', ' ')}" for t in m.TaxonomyTerm.objects.all()}
    orgs = [
        m.DirectoryOrganisation(
            id=uuid.UUID(int=rng.getrandbits(128)), area=area, name=f"Provider {i}", description="A provider"
        )
        for i in range(max(1, n // 10))
    ]
    batch = 5000
    with transaction.atomic():
        m.DirectoryOrganisation.objects.bulk_create(orgs, batch_size=batch)
        services, locations, sals, attributes, schedules, costs, service_words = [], [], [], [], [], [], []
        days = ["MO", "TU", "WE", "TH", "FR", "SA"]
        for i in range(n):
            sid = uuid.UUID(int=rng.getrandbits(128))
            stype = rng.choice(list(TYPE_NAMES))
            needs = rng.sample(list(NEED_NAMES), rng.choice([1, 1, 2]))
            age = rng.choice(["0-4", "5-10", "11-15", "16-19", "20-25", "parents-carers"])
            outcode, lat, lon, town = rng.choice(points)
            area = areas[re.match(r"[A-Z]+", outcode).group(0)]
            name = f"{rng.choice(ADJECTIVES)} {town or outcode} {NEED_NAMES[needs[0]]} {rng.choice(TYPE_NAMES[stype])}"
            description = " ".join(rng.sample(SENTENCES, 3))
            links = [term_id(SERVICE_TYPE, stype), *(term_id(NEED, c) for c in needs), term_id(AGE_GROUP, age)]
            name_words, other_words = listing_words(name, description, "", " ".join(term_names[t] for t in links))
            search_text = search_text_of(name_words, other_words)
            roll = rng.random()
            status = "inactive" if roll < 0.03 else "active"
            published = not (0.03 <= roll < 0.08)
            is_free = rng.random() < 0.35
            services.append(
                m.Service(
                    id=sid,
                    area=area,
                    organization=orgs[i % len(orgs)],
                    name=name[:255],
                    description=description,
                    status=status,
                    is_published=published,
                    is_free=is_free,
                    search_text=search_text,
                    minimum_age=None,
                    maximum_age=None,
                )
            )
            service_words.extend(word_rows(sid, area.pk, name_words, other_words))
            for _ in range(1 if rng.random() < 0.9 else 2):
                lid = uuid.UUID(int=rng.getrandbits(128))
                locations.append(
                    m.Location(
                        id=lid,
                        area=area,
                        name=f"Venue {i}",
                        latitude=lat + rng.uniform(-0.02, 0.02),
                        longitude=lon + rng.uniform(-0.03, 0.03),
                        postcode="",
                    )
                )
                sals.append(
                    m.ServiceAtLocation(id=uuid.UUID(int=rng.getrandbits(128)), service_id=sid, location_id=lid)
                )
            for t in links:
                attributes.append(
                    m.Attribute(
                        id=uuid.UUID(int=rng.getrandbits(128)), link_type="service", link_id=sid, taxonomy_term_id=t
                    )
                )
            if rng.random() < 0.7:
                weekly = rng.random() < 0.6
                byday = rng.choice(days) if weekly else f"{rng.choice([1, 2, 3, -1])}{rng.choice(days)}"
                hour = rng.choice([9, 10, 13, 18, 19])
                schedules.append(
                    m.Schedule(
                        id=uuid.UUID(int=rng.getrandbits(128)),
                        service_id=sid,
                        freq="WEEKLY" if weekly else "MONTHLY",
                        byday=byday,
                        opens_at=f"{hour:02d}:00",
                        closes_at=f"{hour + 2:02d}:00",
                    )
                )
            if not is_free and rng.random() < 0.3:
                costs.append(
                    m.CostOption(
                        id=uuid.UUID(int=rng.getrandbits(128)), service_id=sid, amount=rng.choice([0, 0, 3, 5])
                    )
                )
            if len(services) >= batch:
                _flush(m, services, locations, sals, attributes, schedules, costs, service_words, batch)
        _flush(m, services, locations, sals, attributes, schedules, costs, service_words, batch)
    if connection.vendor == "postgresql":
        # Autovacuum would do this soon after a bulk load (since PostgreSQL 13 inserts alone start a VACUUM,
        # which sets the visibility map that index-only scans need). Not on SQLite: Django never runs ANALYZE
        # there, and its statistics (most schedules hang on services, not service-at-locations) steer SQLite
        # into a scan.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    area_ids = {code: a.pk for code, a in areas.items()}
    return {
        "generate_seconds": time.perf_counter() - started,
        "points": [(p[1], p[2], area_ids[re.match(r"[A-Z]+", p[0]).group(0)]) for p in points],
        "slugs": {a.pk: a.slug for a in areas.values()},
    }


def _flush(m, services, locations, sals, attributes, schedules, costs, service_words, batch):
    m.Service.objects.bulk_create(services, batch_size=batch)
    m.Location.objects.bulk_create(locations, batch_size=batch)
    m.ServiceAtLocation.objects.bulk_create(sals, batch_size=batch)
    m.Attribute.objects.bulk_create(attributes, batch_size=batch)
    m.Schedule.objects.bulk_create(schedules, batch_size=batch)
    m.CostOption.objects.bulk_create(costs, batch_size=batch)
    m.ServiceWord.objects.bulk_create(service_words, batch_size=batch)
    for items in (services, locations, sals, attributes, schedules, costs, service_words):
        items.clear()


def query_mix(points, count: int, seed: int = 11, national: bool = False) -> list[dict]:
    """Searches as the public pages make them: in the Local Offer of the place's area (or, with national,
    across every area, as an ORUK API client might)."""
    rng = random.Random(seed)
    templates = [
        lambda p: {"text": "autism support groups", "near": p, "radius_km": 8.05},
        lambda p: {"need": "adhd", "day": "TU", "near": p, "radius_km": 16, "sort": "distance"},
        lambda p: {"text": "austism support", "near": p, "radius_km": 16},
        lambda p: {"service_type": "short-breaks", "age": "5-10", "free": True, "near": p, "radius_km": 25},
        lambda p: {"text": "speech therapy", "near": p, "sort": "distance"},
        lambda p: {"text": "dislexia", "near": p, "radius_km": 40, "page": 2},
        lambda p: {"service_type": "support-group", "need": "autism", "near": p, "sort": "distance"},
        lambda p: {"text": "swimming", "free": True, "near": p, "radius_km": 10},
        lambda p: {"text": "ASD parents coffee morning", "near": p, "radius_km": 16, "day": "SA"},
        lambda p: {"text": "deaf children", "near": p, "sort": "distance"},
    ]
    out = []
    for i in range(count):
        lat, lon, area_id = rng.choice(points)
        params = templates[i % len(templates)]((lat, lon))
        if not national:
            params["area"] = area_id
        out.append(params)
    return out


PAGE_MILES = (1, 2, 3, 5, 10, 20)  # the search form's distance choices


def page_url(params: dict, slugs: dict) -> str:
    """The public search page's address for a search of the mix (a radius rounded up to the form's miles)."""
    from urllib.parse import urlencode

    query = {"q": params.get("text", ""), "type": params.get("service_type") or "", "need": params.get("need") or ""}
    query.update(age=params.get("age") or "", day=params.get("day") or "", sort=params.get("sort", "relevance"))
    if params.get("free"):
        query["free"] = "on"
    lat, lon = params["near"]
    query["near"] = f"{lat:.4f},{lon:.4f}"
    if params.get("radius_km"):
        miles = params["radius_km"] / 1.609344
        query["miles"] = next((m for m in PAGE_MILES if m >= miles - 0.01), PAGE_MILES[-1])
    if params.get("page", 1) > 1:
        query["page"] = params["page"]
    return f"/areas/{slugs[params['area']]}/local-offer/?{urlencode(query)}"


def measure_pages(mix: list[dict], slugs: dict) -> dict:
    """Whole search pages through Django's test client (middleware, form, place, search, terms, template)."""
    from django.db import connection, reset_queries
    from django.test import Client

    client = Client()
    urls = [page_url(params, slugs) for params in mix]
    for url in urls[:5]:  # warm up (templates, taxonomies)
        assert client.get(url).status_code == 200, url
    times, cpu, counts = [], [], []
    for url in urls:
        reset_queries()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        counts.append(len(connection.queries))
        # A results heading: the form was valid and the place found, so the search ran.
        assert response.status_code == 200 and b'id="results-heading"' in response.content, url
    return {
        "page_p50_ms": round(percentile(times, 0.5), 1),
        "page_p95_ms": round(percentile(times, 0.95), 1),
        "page_max_ms": round(max(times), 1),
        "page_cpu_p50_ms": round(percentile(cpu, 0.5), 1),
        "page_cpu_p95_ms": round(percentile(cpu, 0.95), 1),
        "page_queries_max": max(counts),
    }


def baseline(params: dict) -> list:
    """The naive way: everything into Python, then filter, score and sort there."""
    from sendhub.directory import models as m
    from sendhub.directory.geo import haversine_km
    from sendhub.directory.search import query_concepts
    from sendhub.directory.search.filters import pattern as _pattern
    from sendhub.directory.taxonomies import AGE_GROUP, NEED, SERVICE_TYPE, term_id

    concepts = query_concepts(params.get("text", ""))
    terms: dict = {}
    for link_id, term in m.Attribute.objects.values_list("link_id", "taxonomy_term_id"):
        terms.setdefault(link_id, set()).add(term)
    points: dict = {}
    for sid, lat, lon in m.ServiceAtLocation.objects.values_list(
        "service_id", "location__latitude", "location__longitude"
    ):
        points.setdefault(sid, []).append((lat, lon))
    days: dict = {}
    for sid, byday in m.Schedule.objects.values_list("service_id", "byday"):
        days.setdefault(sid, []).append(byday)
    near, radius = params.get("near"), params.get("radius_km")
    results = []
    for sid, name, text, published, status, free, area_id in m.Service.objects.values_list(
        "id", "name", "search_text", "is_published", "status", "is_free", "area_id"
    ):
        if not published or status != "active":
            continue
        if params.get("area") and area_id != params["area"]:
            continue
        linked = terms.get(sid, set())
        if params.get("service_type") and term_id(SERVICE_TYPE, params["service_type"]) not in linked:
            continue
        if params.get("need") and not linked & {term_id(NEED, params["need"]), term_id(NEED, "all-needs")}:
            continue
        if params.get("age") and term_id(AGE_GROUP, params["age"]) not in linked:
            continue
        if params.get("free") and not free:
            continue
        if params.get("day") and not any(params["day"] in d for d in days.get(sid, [])):
            continue
        score = 0
        for c in concepts:
            import fnmatch

            if any(fnmatch.fnmatchcase(text, _pattern(a, True).replace("%", "*")) for a in c.alternatives):
                score += 10
            elif any(fnmatch.fnmatchcase(text, _pattern(a, False).replace("%", "*")) for a in c.alternatives):
                score += 8
        if concepts and not score:
            continue
        distance = None
        if near:
            distance = min((haversine_km(near[0], near[1], la, lo) for la, lo in points.get(sid, [])), default=None)
            if radius and (distance is None or distance > radius):
                continue
        results.append((-score, distance or 0, name, sid))
    results.sort()
    page = params.get("page", 1)
    return results[(page - 1) * 20 : page * 20]


def child(
    database_url: str, services: int, queries: int, baseline_queries: int, national_queries: int, page_queries: int
) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SENDHUB_DATA_DIR", tempfile.mkdtemp(prefix="sendhub-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "sendhub.settings"
    os.environ.setdefault("SENDHUB_ALLOW_DEV_SECRET", "1")  # a benchmark, not a server: the development key is fine
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries

    call_command("migrate", verbosity=0)
    from sendhub.directory import models as m

    if connection.vendor == "postgresql":
        for model in (
            m.Schedule,
            m.CostOption,
            m.Attribute,
            m.ServiceWord,
            m.ServiceAtLocation,
            m.Location,
            m.Service,
            m.DirectoryOrganisation,
        ):
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
    figures = generate(services)
    points = figures.pop("points")
    slugs = figures.pop("slugs")
    from sendhub.directory.search import search_services, vocabulary

    vocabulary()  # built once per process and cached; not part of a search's time
    mix = query_mix(points, queries)
    for params in mix[:10]:  # warm up
        search_services(**params)
    times, cpu, counts, totals = [], [], [], []
    from django.conf import settings

    settings.DEBUG = True  # count queries
    load_before = os.getloadavg()[0]
    for params in mix:
        reset_queries()
        started, cpu_started = time.perf_counter(), time.process_time()
        page = search_services(**params)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        counts.append(len(connection.queries))
        totals.append(page.total)
    pages = measure_pages(mix[:page_queries], slugs) if page_queries else {}
    settings.DEBUG = False
    national_mix = query_mix(points, national_queries, seed=12, national=True)
    national = []
    for params in national_mix:
        started = time.perf_counter()
        search_services(**params)
        national.append((time.perf_counter() - started) * 1000)
    by_template: dict = {}
    for i, t in enumerate(times):
        by_template.setdefault(i % 10, []).append(t)
    base_times = []
    for params in mix[:baseline_queries]:
        started = time.perf_counter()
        baseline(params)
        base_times.append((time.perf_counter() - started) * 1000)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "services": m.Service.objects.count(),
                "generate_seconds": round(figures["generate_seconds"], 1),
                "p50_ms": round(percentile(times, 0.5), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "max_ms": round(max(times), 1),
                "cpu_p50_ms": round(percentile(cpu, 0.5), 1),
                "cpu_p95_ms": round(percentile(cpu, 0.95), 1),
                "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
                **pages,
                "queries_per_search_max": max(counts),
                "median_total": statistics.median(totals),
                "p95_by_template_ms": {k: round(percentile(v, 0.95), 1) for k, v in sorted(by_template.items())},
                "national_p50_ms": round(percentile(national, 0.5), 1),
                "national_p95_ms": round(percentile(national, 0.95), 1),
                "national_by_template_ms": {k: round(max(national[k::10]), 1) for k in range(min(10, len(national)))},
                "baseline_p50_ms": round(percentile(base_times, 0.5), 1),
                "baseline_p95_ms": round(percentile(base_times, 0.95), 1),
                "ratio_p50": round(percentile(base_times, 0.5) / percentile(times, 0.5), 1),
                "ratio_p95": round(percentile(base_times, 0.95) / percentile(times, 0.95), 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline-queries", type=int, default=20)
    parser.add_argument("--national-queries", type=int, default=30)
    parser.add_argument("--page-queries", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.services, args.queries, args.baseline_queries, args.national_queries, args.page_queries)
        return
    targets = []
    tmp = tempfile.mkdtemp(prefix="sendhub-bench-directory-", dir=ROOT / "var")
    targets.append(("SQLite", f"sqlite:///{tmp}/directory.sqlite3"))
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        targets.append(("PostgreSQL", os.environ["DATABASE_URL"]))
    for label, url in targets:
        completed = subprocess.run(  # noqa: PLW1510
            [
                sys.executable,
                __file__,
                "--child",
                "--db",
                url,
                "--services",
                str(args.services),
                "--queries",
                str(args.queries),
                "--baseline-queries",
                str(args.baseline_queries),
                "--national-queries",
                str(args.national_queries),
                "--page-queries",
                str(args.page_queries),
            ],
            capture_output=True,
            text=True,
        )
        if completed.returncode:
            print(completed.stderr, file=sys.stderr)
            raise SystemExit(f"{label} run failed")
        r = json.loads(completed.stdout.strip().splitlines()[-1])
        print(f"{label}: {r['services']:,} services generated in {r['generate_seconds']} s")
        print(
            f"  search_services over {args.queries} searches: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
            f"max {r['max_ms']} ms; at most {r['queries_per_search_max']} queries per search"
        )
        print(
            f"  CPU time of this process per search: p50 {r['cpu_p50_ms']} ms, p95 {r['cpu_p95_ms']} ms "
            f"(load average {r['load_average'][0]} before, {r['load_average'][1]} after)"
        )
        print(f"  p95 by query template (ms): {r['p95_by_template_ms']}")
        if "page_p50_ms" in r:
            print(
                f"  whole search page over {args.page_queries} requests: p50 {r['page_p50_ms']} ms, "
                f"p95 {r['page_p95_ms']} ms, max {r['page_max_ms']} ms (CPU p50 {r['page_cpu_p50_ms']} ms, "
                f"p95 {r['page_cpu_p95_ms']} ms); at most {r['page_queries_max']} queries per page"
            )
        print(
            f"  the same mix across all areas (no area filter; {args.national_queries} searches): "
            f"p50 {r['national_p50_ms']} ms, p95 {r['national_p95_ms']} ms; slowest by template (ms): "
            f"{r['national_by_template_ms']}"
        )
        print(
            f"  unindexed baseline over {args.baseline_queries} searches: p50 {r['baseline_p50_ms']} ms, "
            f"p95 {r['baseline_p95_ms']} ms; ratio p50 {r['ratio_p50']}x, p95 {r['ratio_p95']}x"
        )


if __name__ == "__main__":
    main()
