"""The voice demo: about 2,000 comments loaded quickly, with themes shifting over time, two survey waves with
trust rising, co-production records and "You said, we did"."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from sendhub.demo import lancashire
from sendhub.demo import voice as demo_voice
from sendhub.voice import insights
from sendhub.voice.models import Answer, Comment, CommentTag, CoproductionActivity, Response, Wave, YouSaidWeDid

pytestmark = pytest.mark.django_db


def test_voice_demo_loads_quickly_with_shifting_themes_and_trust_rising():
    today = timezone.localdate()
    area = lancashire.build(today).area
    started = time.perf_counter()
    summary = demo_voice.load(area, today=today)
    seconds = time.perf_counter() - started
    assert seconds < 15, f"the voice demo took {seconds:.1f}s"
    print(f"voice demo loaded in {seconds:.1f}s")

    comments = Comment.objects.filter(area=area)
    assert 1900 <= comments.count() <= 2100
    assert CommentTag.objects.filter(comment__area=area).count() > comments.count()
    assert comments.filter(safeguarding=True, safeguarding_reviewed_at__isnull=True).exists()
    assert comments.filter(findings__isnull=False).exists()

    timeline = insights.themes_over_time(area, today=today, kind="quarter", count=12)
    rows = {row.theme: row.counts for row in timeline.rows}
    first_year, last_year = slice(0, 4), slice(8, 12)
    assert sum(rows["ehc_timeliness"][first_year]) > 1.5 * sum(rows["ehc_timeliness"][last_year])
    assert sum(rows["praise"][last_year]) > 2 * sum(rows["praise"][first_year])

    waves = list(Wave.objects.filter(survey__area=area).order_by("opens_at"))
    assert len(waves) == 2 and all(Response.objects.filter(wave=w).count() >= 100 for w in waves)
    assert Answer.objects.filter(response__wave=waves[0]).exists()
    (_, first), (_, second) = summary.trust
    assert second > first + 10

    assert CoproductionActivity.objects.filter(area=area).count() == 15
    assert CoproductionActivity.objects.filter(area=area, actions__isnull=False).distinct().count() >= 12
    entries = YouSaidWeDid.objects.filter(area=area)
    assert entries.count() == 8 and entries.filter(is_published=True).count() == 6
    assert entries.filter(actions__isnull=False).exists()
