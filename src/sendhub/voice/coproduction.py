"""Writes for co-production and "You said, we did": publishing is a decision, recorded with who and when."""

from __future__ import annotations

from datetime import date

from sendhub.voice.models import YouSaidWeDid


def publish(entry: YouSaidWeDid, *, user, today: date) -> YouSaidWeDid:
    """Show the entry on the area's public "You said, we did" page from today."""
    entry.is_published = True
    entry.published_on = entry.published_on or today
    entry._history_user = user
    entry.save(update_fields=["is_published", "published_on"])
    return entry


def unpublish(entry: YouSaidWeDid, *, user) -> YouSaidWeDid:
    """Take the entry off the public page (its first publication date is kept for the record)."""
    entry.is_published = False
    entry._history_user = user
    entry.save(update_fields=["is_published"])
    return entry


def published(area) -> list[YouSaidWeDid]:
    """Published entries, newest first, with their actions in one extra query."""
    return list(
        YouSaidWeDid.objects.filter(area=area, is_published=True)
        .prefetch_related("actions")
        .order_by("-published_on", "-pk")
    )
