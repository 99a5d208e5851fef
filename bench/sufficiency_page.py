"""Benchmark: the Sufficiency page, the national table and the SCAP workbook on DfE's real release (issue 18).

Builds a fresh SQLite database (or uses DATABASE_URL: point it at a scratch database), imports the release, adds
Lancashire with the demo's recorded places and a superuser, then times through Django's full request/response
stack: each page's first view after the release is loaded (cold: the forecast is computed) and the best of
``--repeat`` later views (cached per release, with a scenario chosen so the arithmetic runs each time). Target: the
area's page under 300 ms once cached.

    .venv/bin/python bench/sufficiency_page.py [PATH] [--repeat 5]

PATH defaults to ../shared/data/dfe-ehcp-plans-2025.zip (never copied into the repository).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SENDHUB_DATA_DIR", tempfile.mkdtemp(prefix="sendhub-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")
os.environ.setdefault("SENDHUB_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("SENDHUB_MANIFEST_STATIC", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from sendhub.accounts.models import LocalArea, User  # noqa: E402
from sendhub.demo import sufficiency as demo_sufficiency  # noqa: E402
from sendhub.forecasting.selectors import clear_cache  # noqa: E402
from sendhub.outcomes import dfe  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dfe-ehcp-plans-2025.zip"


def get(client: Client, url: str, **query) -> float:
    started = time.perf_counter()
    response = client.get(url, query)
    seconds = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    setup_test_environment()
    started = time.perf_counter()
    dfe.import_release(args.path)
    print(f"release imported in {time.perf_counter() - started:.1f} s")
    area, _ = LocalArea.objects.get_or_create(
        slug="lancashire", defaults={"name": "Lancashire", "la_code": "888", "ons_code": "E10000017",
                                     "region": LocalArea.Region.NORTH_WEST})
    user = User.objects.filter(email="bench@example.org").first() or User.objects.create_superuser(
        email="bench@example.org", password=secrets.token_urlsafe(20), full_name="Bench")
    demo_sufficiency.load(area, admin=user)
    client = Client()
    client.force_login(user)
    pages = {
        "sufficiency page": (reverse("forecasting:sufficiency", args=[area.slug]), {"resourced_pct": "10",
                                                                                   "independent_per_year": "20"}),
        "national table": (reverse("forecasting:national", args=[area.slug]), {"sort": "growth", "dir": "desc"}),
        "SCAP workbook": (reverse("forecasting:scap-xlsx", args=[area.slug]), {}),
        "public page": (reverse("sufficiency-public:index", args=[area.slug]), {}),
    }
    clear_cache()
    failed = False
    for name, (url, query) in pages.items():
        cold = get(client, url, **query)
        warm = min(get(client, url, **query) for _ in range(args.repeat))
        flag = ""
        if name == "sufficiency page" and warm >= 0.3:
            flag, failed = "  (over the 300 ms target)", True
        print(f"{name:<18} first {cold * 1000:7.0f} ms   cached best of {args.repeat} {warm * 1000:6.0f} ms{flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
