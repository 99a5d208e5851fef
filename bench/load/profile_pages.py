"""Time each page of the load scenario in-process and count its SQL, to find what the load run shows is slow.

Runs against the load database that ``run.py`` built (same environment), through Django's test client, one request
at a time, with ``connection.queries`` recorded (DEBUG-style query logging forced on):

    .venv/bin/python bench/load/profile_pages.py [--repeat 10] [--top-sql 3]

For each page: median and slowest time, number of queries, time in SQL, and (with ``--top-sql``) the slowest
statements of its slowest request, so a slow page can be told apart as SQL-bound or Python-bound.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import pages  # noqa: E402
import run  # noqa: E402

AREA = "lancashire"
BASE = f"/areas/{AREA}"


def setup_django() -> None:
    args = run.arguments([])
    os.environ.update({k: v for k, v in run.environment(args).items() if k != "SENDHUB_SECRET_KEY"})
    os.environ.setdefault("SENDHUB_ALLOW_DEV_SECRET", "1")  # in-process profiling, not a server: the development key
    os.environ.setdefault("SENDHUB_REQUEST_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(HERE))
    import django

    django.setup()


def measure(client, method: str, url: str, data: dict | None = None):
    from django.db import connection, reset_queries

    reset_queries()
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(url, data) if method == "POST" else client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    measure.cpu_ms = (time.process_time() - cpu) * 1000  # this process only: Python, not the database server
    queries = list(connection.queries)
    return response, elapsed, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--top-sql", type=int, default=0)
    options = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from sendhub.improvement.models import Action

    settings.DEBUG = True  # record every query's SQL and time
    connection.force_debug_cursor = True
    rng = random.Random(7)
    family, staff = Client(), Client()
    from sendhub.accounts.models import User

    staff.force_login(User.objects.get(email="ehc.lead@lancashire.demo"))  # axes needs a request to authenticate
    action = Action.objects.filter(area__slug=AREA, owner__name="Lancashire County Council").order_by("pk").first()
    service_page = None

    def search():
        query = pages.search_query(rng)
        return f"{BASE}/local-offer/" + ("?" + urlencode(query) if query else "")

    checks = [
        ("search (random)", family, search),
        ("service page", family, lambda: service_page),
        ("feedback form", family, lambda: f"{BASE}/have-your-say/feedback/"),
        ("survey form", family, lambda: f"{BASE}/have-your-say/surveys/parent-carer-experience/"),
        ("you said, we did", family, lambda: f"{BASE}/you-said-we-did/"),
        ("how we are improving", family, lambda: f"{BASE}/how-we-are-improving/"),
        ("[staff] improvement dashboard", staff, lambda: f"{BASE}/"),
        ("[staff] action list", staff, lambda: f"{BASE}/actions/"),
        ("[staff] my actions", staff, lambda: f"{BASE}/my-actions/"),
        ("[staff] action page", staff, lambda: f"{BASE}/actions/{action.pk}/"),
        ("[staff] outcomes dashboard", staff, lambda: f"{BASE}/outcomes/"),
        ("[staff] deadline tracker", staff, lambda: f"{BASE}/outcomes/deadlines/"),
        ("[staff] voice overview", staff, lambda: f"{BASE}/voice/"),
        ("[staff] reports list", staff, lambda: f"{BASE}/reports/"),
    ]
    response, _, _ = measure(family, "GET", f"{BASE}/local-offer/?q=autism")
    service_page = next(iter(run_links(response.content.decode())), f"{BASE}/local-offer/")
    print(f"{'page':32} {'median ms':>9} {'max ms':>8} {'queries':>7} {'SQL ms':>7} {'CPU ms':>7}  (first request ms)")
    for name, client, url_of in checks:
        timings, worst = [], None
        for _ in range(options.repeat):
            response, elapsed, queries = measure(client, "GET", url_of())
            if response.status_code != 200:
                print(f"{name}: status {response.status_code}")
                break
            sql = sum(float(q["time"]) for q in queries) * 1000
            timings.append((elapsed, len(queries), sql, measure.cpu_ms))
            if worst is None or elapsed > worst[0]:
                worst = (elapsed, queries)
        if not timings:
            continue
        later = timings[1:] or timings
        print(f"{name:32} {statistics.median(t[0] for t in later):9.1f} {max(t[0] for t in later):8.1f} "
              f"{max(t[1] for t in later):7d} {statistics.median(t[2] for t in later):7.1f} "
              f"{statistics.median(t[3] for t in later):7.1f}  ({timings[0][0]:.0f})")
        for query in sorted(worst[1], key=lambda q: -float(q["time"]))[: options.top_sql]:
            print(f"      {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")


def run_links(html: str) -> list[str]:
    import re

    return re.findall(rf'href="({BASE}/local-offer/services/[0-9a-f-]+/)"', html)


if __name__ == "__main__":
    main()
