"""Benchmark: build the demo's monitoring pack (all findings, 60 actions, charts) as HTML, PDF and XLSX.

Builds a fresh SQLite database (or uses DATABASE_URL), loads the Lancashire demo, then times, several times
each: the content as at the end of the last half-year (read from the audit history), the HTML page through
Django's full request/response stack, and the tagged PDF and the XLSX annex. Goals (issue 6): the full PDF
pack in under 15 s and the HTML in under 1 s; (issue 16) the draft page and its PDF are cached per version of the
pack: a view after the first under 0.3 s, and the PDF served from the cache.

    .venv/bin/python bench/monitoring_pack.py [--repeat 5]
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
os.environ.setdefault("SENDHUB_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402


def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return times, result


def line(name: str, times: list[float], goal: float | None = None) -> str:
    median, worst = statistics.median(times), max(times)
    verdict = "" if goal is None else ("  goal met" if worst < goal else "  GOAL MISSED")
    return f"{name:<44} median {median:7.3f} s   max {worst:7.3f} s   (n={len(times)}){verdict}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    call_command("demo_load", "--reset", verbosity=0)
    print(f"Demo loaded in {time.perf_counter() - began:.1f} s")

    from sendhub.accounts.models import LocalArea, User
    from sendhub.reports import asat, render, services
    from sendhub.reports.models import MonitoringReport

    area = LocalArea.objects.get(slug="lancashire")
    report = MonitoringReport.objects.filter(area=area, status="issued").first()
    as_at = report.as_at
    draft = services.create_draft(area=area, title="Benchmark pack", period_start=report.period_start,
                                  period_end=as_at, as_at=as_at)
    content_times, content = timed(lambda: asat.build_content(area, period_start=draft.period_start,
                                                              period_end=as_at, as_at=as_at), args.repeat)
    findings = len(content["findings"])
    actions = len({a["id"] for f in content["findings"] for a in f["actions"]})
    print(f"Pack as at {as_at}: {findings} findings, {actions} actions linked to them")
    client = Client()
    client.force_login(User.objects.get(email="admin@lancashire.demo"))
    from django.core.cache import cache

    from sendhub.reports import cache as pack_cache

    cache.delete_many([pack_cache.key(draft, part) for part in ("content", "page", "pdf")])
    first_page, response = timed(lambda: client.get(draft.get_absolute_url()), 1)
    assert response.status_code == 200
    page_times, response = timed(lambda: client.get(draft.get_absolute_url()), args.repeat)
    assert response.status_code == 200
    pdf_url = reverse("reports:report-pdf", args=[area.slug, draft.pk])
    first_pdf, response = timed(lambda: client.get(pdf_url), 1)
    assert response.status_code == 200
    cached_pdf, response = timed(lambda: client.get(pdf_url), args.repeat)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf_times, pdf = timed(lambda: render.render_pdf(draft, asat.build_content(
        area, period_start=draft.period_start, period_end=as_at, as_at=as_at)), args.repeat)
    xlsx_times, _ = timed(lambda: render.render_xlsx(draft, content), args.repeat)
    print(line("Content from the history", content_times))
    print(line("HTML page, first view (builds the cache)", first_page, goal=2.0))
    print(line("HTML page, cached for this version", page_times, goal=0.3))
    print(line("PDF download, first (renders)", first_pdf, goal=15.0))
    print(line("PDF download, from the cache", cached_pdf, goal=0.3))
    print(line("PDF pack (content + render)", pdf_times, goal=15.0))
    print(line("XLSX data annex (render)", xlsx_times))
    print(f"PDF: {len(pdf) / 1024:.0f} KiB; generated {timezone.now():%Y-%m-%d %H:%M}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
