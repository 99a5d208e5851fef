"""Benchmark: render the area dashboard, the outcomes dashboard and other pages with the Lancashire demo data.

Builds a fresh SQLite database (or uses DATABASE_URL), loads the demo, then renders each page through
Django's full request/response stack many times as the area administrator and prints timings and query
counts. Targets: the plan dashboard (issue 2) and the outcomes dashboard (issue 3) render in under 300 ms.
The demo includes two generated 20,000-person SEN2 returns and, when ../shared/data is present, DfE's release.

    .venv/bin/python bench/dashboard.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("SENDHUB_DATA_DIR", tempfile.mkdtemp(prefix="sendhub-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")
os.environ.setdefault("SENDHUB_ALLOW_DEV_SECRET", "1")  # a benchmark, not a server: the development key is fine
os.environ.setdefault("SENDHUB_MANIFEST_STATIC", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("demo_load", verbosity=0)
    load_seconds = time.perf_counter() - started

    from sendhub.accounts.models import User
    from sendhub.improvement.models import Action, Finding

    client = Client()
    client.force_login(User.objects.get(email="admin@lancashire.demo"))
    action = Action.objects.filter(area__slug="lancashire").order_by("pk").first()
    finding = Finding.objects.filter(area__slug="lancashire", reference="PA2").first()
    pages = {
        "dashboard": "/areas/lancashire/",
        "action list": "/areas/lancashire/actions/",
        "finding list": "/areas/lancashire/findings/",
        "finding page": f"/areas/lancashire/findings/{finding.pk}/",
        "action page": f"/areas/lancashire/actions/{action.pk}/",
        "plan export (xlsx)": "/areas/lancashire/export/plan.xlsx",
        "outcomes dashboard": "/areas/lancashire/outcomes/",
        "measure page": "/areas/lancashire/outcomes/measures/PC_plans_issued_20_weeks_ex/",
        "deadline tracker": "/areas/lancashire/outcomes/deadlines/",
        "benchmarks": "/areas/lancashire/outcomes/benchmarks/",
    }
    print(f"database: {connection.vendor}; demo load {load_seconds:.1f} s; {args.repeat} renders per page")
    print(f"{'page':<20} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url  # warm caches
        timings = []
        for _ in range(args.repeat):
            reset_queries()
            begin = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"{name:<20} {statistics.median(timings):>10.1f} {p95:>8.1f} {timings[-1]:>8.1f} {len(queries):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
