"""Writes for co-production and "You said, we did": publishing is a decision, recorded with who and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sendhub.improvement.models import Comment as ActionComment
from sendhub.voice.models import CoproductionActivity, YouSaidWeDid


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


@dataclass(frozen=True)
class ForumOverview:
    """What the Parent Carer Forum's landing page shows: its recent co-production, the "You said, we did" drafts
    waiting for an administrator, and the latest comments partners and the forum wrote on the plan's actions."""

    activities: list[CoproductionActivity]
    activity_count: int
    drafts: list[YouSaidWeDid]
    draft_count: int
    comments: list[ActionComment]


FORUM_PAGE_ROWS = 5


def forum_overview(area, *, rows: int = FORUM_PAGE_ROWS) -> ForumOverview:
    activities = CoproductionActivity.objects.filter(area=area)
    drafts = YouSaidWeDid.objects.filter(area=area, is_published=False)
    comments = ActionComment.objects.filter(action__area=area).select_related("action", "action__area", "author")
    return ForumOverview(
        activities=list(activities.order_by("-held_on", "-pk")[:rows]),
        activity_count=activities.count(),
        drafts=list(drafts.order_by("-pk")[:rows]),
        draft_count=drafts.count(),
        comments=list(comments.order_by("-created_at", "-pk")[:rows]),
    )
