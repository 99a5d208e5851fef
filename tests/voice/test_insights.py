"""Insight selectors on a hand-built set of comments: counts by month, district and part, rejected and unlikely
tags left out, and emerging themes as defined in voice/insights.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.utils import timezone

from sendhub.voice import insights
from sendhub.voice.models import Comment, CommentTag

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 20)


def make(area, on: date, *themes, district="Preston", parts=("ehc",), sentiment="negative", **tag_fields):
    comment = Comment.objects.create(
        area=area,
        source=Comment.Source.FEEDBACK,
        text="A comment",
        received_at=timezone.make_aware(datetime.combine(on, time(12))),
        district=district,
        parts=list(parts),
        sentiment=sentiment,
    )
    for theme in themes:
        CommentTag.objects.create(comment=comment, theme=theme, **{"confidence": 0.9, **tag_fields})
    return comment


def test_themes_by_month_count_confident_and_confirmed_tags_but_not_rejected_or_unlikely(area, other_area):
    make(area, date(2026, 3, 2), "ehc_timeliness", "communication")
    make(area, date(2026, 3, 31), "ehc_timeliness")
    make(area, date(2026, 4, 1), "ehc_timeliness", confidence=0.2, confirmed=True)  # confirmed: counts
    make(area, date(2026, 4, 5), "ehc_timeliness", rejected=True)  # rejected: never counts
    make(area, date(2026, 4, 6), "ehc_timeliness", confidence=0.3)  # below the threshold
    make(other_area, date(2026, 4, 7), "ehc_timeliness")  # another area

    timeline = insights.themes_over_time(area, today=TODAY, kind="month", count=3)
    assert [p.label for p in timeline.periods] == ["Mar 2026", "Apr 2026", "May 2026"]
    rows = {row.theme: row.counts for row in timeline.rows}
    assert rows["ehc_timeliness"] == [2, 1, 0]
    assert rows["communication"] == [1, 0, 0]
    assert rows["praise"] == [0, 0, 0]

    quarters = insights.themes_over_time(area, today=TODAY, kind="quarter", count=2)
    assert [p.label for p in quarters.periods] == ["2026 Q1", "2026 Q2"]
    assert {r.theme: r.counts for r in quarters.rows}["ehc_timeliness"] == [2, 1]


def test_month_boundaries_follow_local_time(area):
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (British Summer Time).
    comment = make(area, date(2026, 3, 31), "praise")
    comment.received_at = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    comment.save()
    timeline = insights.themes_over_time(area, today=TODAY, kind="month", count=3, themes=["praise"])
    assert timeline.rows[0].counts == [0, 1, 0]


def test_by_district_and_by_part(area):
    make(area, date(2026, 5, 1), "transport", district="Burnley", parts=["school", "other"], sentiment="negative")
    make(area, date(2026, 5, 2), "transport", "praise", district="Burnley", parts=["school"], sentiment="positive")
    make(area, date(2026, 5, 3), "health_waiting", district="Wyre", parts=["health"], sentiment="neutral")
    make(area, date(2026, 5, 4), "praise", district="", parts=[], sentiment="positive")
    make(area, date(2026, 5, 4), "transport", district="Wyre", rejected=True)

    districts = {row.district: row for row in insights.by_district(area)}
    assert list(districts) == ["Burnley", "Wyre", "Not given"]
    assert (districts["Burnley"].comments, districts["Burnley"].negative, districts["Burnley"].positive) == (2, 1, 1)
    assert districts["Burnley"].themes[0] == ("transport", "Transport", 2)
    assert [t[0] for t in districts["Wyre"].themes] == ["health_waiting"]  # the rejected tag is left out

    parts = {row.part: row for row in insights.by_part(area)}
    assert (parts["school"].comments, parts["school"].negative, parts["school"].positive) == (2, 1, 1)
    assert (parts["health"].comments, parts["health"].neutral) == (1, 1)
    assert parts["ehc"].comments == 1 and parts["other"].comments == 1 and parts["local_offer"].comments == 0

    split = {row.key: row.count for row in insights.sentiment_split(area)}
    assert split == {"negative": 2, "mixed": 0, "neutral": 1, "positive": 2}


def test_emerging_themes_compare_the_last_three_whole_months_with_the_six_before(area):
    # Windows for 20 May 2026: recent = Feb, Mar, Apr 2026; previous = Aug 2025 to Jan 2026; May is left out.
    assert insights.theme_windows(TODAY) == (date(2025, 8, 1), date(2026, 2, 1), date(2026, 5, 1))
    for n in range(12):  # transport: 12 recent (4 a month) against 6 before (1 a month): rising 300%
        make(area, date(2026, 2 + n % 3, 10), "transport")
    for n in range(6):
        make(area, insights.add_months(date(2025, 8, 10), n), "transport")
    for n in range(10):  # short breaks: new, 10 recent and none before
        make(area, date(2026, 3, 1 + n), "short_breaks")
    for n in range(12):  # EHC timeliness: 12 recent, 24 before: the same monthly rate, not emerging
        make(area, date(2026, 2 + n % 3, 10), "ehc_timeliness")
    for n in range(24):
        make(area, insights.add_months(date(2025, 8, 10), n % 6), "ehc_timeliness")
    for n in range(9):  # praise: rising but below the minimum count
        make(area, date(2026, 4, 1 + n), "praise")
    for n in range(30):  # this month's comments are not in either window
        make(area, date(2026, 5, 1 + n % 19), "information")

    emerging = insights.emerging_themes(area, today=TODAY)
    assert [(e.theme, e.recent, e.previous) for e in emerging] == [("short_breaks", 10, 0), ("transport", 12, 6)]
    assert emerging[0].rise_percent is None and emerging[1].rise_percent == 300


def test_overview_is_cached_until_a_tag_changes(area, django_assert_max_num_queries):
    comment = make(area, date(2026, 5, 1), "transport")
    first = insights.overview(area, today=TODAY)
    with django_assert_max_num_queries(4):  # only the cheap version check
        assert insights.overview(area, today=TODAY).summary == first.summary
    tag = comment.tags.get()
    tag.rejected = True
    tag.save()
    again = insights.overview(area, today=TODAY)
    assert {r.theme: r.total for r in again.timeline.rows}["transport"] == 0


def test_example_comments_leave_out_flagged_comments_and_other_themes(area):
    shown = make(area, date(2026, 5, 1), "transport")
    make(area, date(2026, 5, 2), "transport", confidence=0.1)
    flagged = make(area, date(2026, 5, 3), "transport")
    flagged.safeguarding = True
    flagged.save()
    make(area, date(2026, 5, 4), "praise")
    assert insights.example_comments(area, "transport") == [shown]
