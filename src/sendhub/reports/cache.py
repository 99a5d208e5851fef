"""A pack's content, its page body and its PDF, cached per version of the pack.

Building a pack reads the audit history and draws every chart (about 1.5 s for the demo), and its PDF takes
several seconds more: a draft page is opened again and again while people review it. Every change to a pack
(an edit, a workflow step) raises its version, and the key holds the version, the status and the pack's
creation moment (so a reused id never finds another pack's entry). The figures as at a past day do not change;
a pack as at today (or later) is kept only a few minutes, as the day's changes still count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from sendhub.reports import render, services
from sendhub.reports.models import MonitoringReport

T = TypeVar("T")

PAST_SECONDS = 24 * 60 * 60
TODAY_SECONDS = 5 * 60


def key(report: MonitoringReport, part: str) -> str:
    created = report.created_at.isoformat() if report.created_at else "new"
    return f"sendhub:pack:{report.pk}:{created}:{report.version}:{report.status}:{report.as_at}:{part}"


def _seconds(report: MonitoringReport) -> int:
    return TODAY_SECONDS if report.as_at >= timezone.localdate() else PAST_SECONDS


def _cached(report: MonitoringReport, part: str, make: Callable[[], T]) -> T:
    name = key(report, part)
    value = cache.get(name)
    if value is None:
        value = make()
        cache.set(name, value, _seconds(report))
    return value


def content(report: MonitoringReport) -> dict[str, Any]:
    """What the pack shows (the frozen content once issued)."""
    if report.is_issued and report.content is not None:
        return report.content
    return _cached(report, "content", lambda: services.content_for(report))


def page_body(report: MonitoringReport) -> str:
    """The pack's sections as HTML for its page inside the site (charts as inline SVG)."""
    return _cached(report, "page", lambda: render_to_string(
        "reports/pack_sections.html", render.report_context(report, content(report), for_pdf=False)))


def pdf(report: MonitoringReport) -> bytes:
    """A draft's PDF (an issued pack's PDF is the stored, checksummed file)."""
    return _cached(report, "pdf", lambda: render.render_pdf(report, content(report)))
