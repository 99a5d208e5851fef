"""`sendhub reports build`: make a monitoring pack's HTML, PDF or XLSX for an area as at a date (not stored)."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sendhub.accounts.selectors import resolve_area
from sendhub.reports import asat, render, services
from sendhub.reports.models import MonitoringReport


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date: use YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "Build a monitoring pack as at a date and write it as HTML, PDF and/or XLSX files."

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="LA code, ONS code or slug")
        parser.add_argument("--as-at", required=True, type=_date, help="YYYY-MM-DD")
        parser.add_argument("--months", type=int, default=6, help="Length of the period ending on --as-at")
        parser.add_argument("--html", type=Path)
        parser.add_argument("--pdf", type=Path)
        parser.add_argument("--xlsx", type=Path)

    def handle(self, *args, **options):
        area = resolve_area(options["area"])
        if area is None:
            raise CommandError(f"No area with code or slug {options['area']!r}")
        if not 1 <= options["months"] <= 24:
            raise CommandError("--months must be between 1 and 24")
        as_at = options["as_at"]
        start = services.add_months(as_at + timedelta(days=1), -options["months"])
        report = MonitoringReport(area=area, title=services.default_title(start, as_at), period_start=start,
                                  period_end=as_at, as_at=as_at)
        began = time.perf_counter()
        content = asat.build_content(area, period_start=start, period_end=as_at, as_at=as_at)
        report.executive_summary = asat.draft_summary(content)
        self.stdout.write(f"Content as at {as_at}: {time.perf_counter() - began:.2f} s")
        for key, make in (("html", render.render_document_html), ("pdf", render.render_pdf),
                          ("xlsx", render.render_xlsx)):
            if options[key]:
                began = time.perf_counter()
                data = make(report, content)
                options[key].write_bytes(data.encode() if isinstance(data, str) else data)
                self.stdout.write(f"{key.upper()} written to {options[key]}: {time.perf_counter() - began:.2f} s")
