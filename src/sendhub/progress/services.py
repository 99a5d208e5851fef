"""Writes for the public progress page. Each records who made the change (django-simple-history)."""

from __future__ import annotations

from datetime import datetime

from sendhub.accounts.models import LocalArea
from sendhub.improvement.models import Finding
from sendhub.progress.models import ProgressPage, PublishedFinding, PublishedMeasure


def page_save(page: ProgressPage, *, user, now: datetime) -> ProgressPage:
    """Save the page's words; publishing it (from unpublished) stamps ``last_published_at``."""
    was_published = bool(page.pk) and ProgressPage.objects.filter(pk=page.pk, is_published=True).exists()
    if page.is_published and not was_published:
        page.last_published_at = now
    page._history_user = user
    page.save()
    return page


def finding_words_save(published: PublishedFinding, *, area: LocalArea, finding: Finding, user) -> PublishedFinding:
    """Save a finding's plain words (creating them the first time), always for the finding's own area."""
    published.area = area
    published.finding = finding
    published._history_user = user
    published.save()
    return published


def measure_save(measure: PublishedMeasure, *, area: LocalArea, user) -> PublishedMeasure:
    measure.area = area
    measure._history_user = user
    measure.save()
    return measure


def measure_remove(measure: PublishedMeasure, *, user) -> None:
    """Take a measure off the page; its history keeps what it said."""
    measure._history_user = user
    measure.delete()
