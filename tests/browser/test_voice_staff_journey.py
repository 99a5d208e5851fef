"""Voice journey in Chromium: an administrator signs in, opens the voice insights, opens a comment, confirms a
suggested theme with the keyboard-usable radios and sees it confirmed; every page visited is checked with axe.

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.voice.models import Comment, CommentTag
from tests.browser.test_journeys import sign_in

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.voice"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_administrator_confirms_a_theme(page, area, admin_user, axe_audit):
    for days_ago in range(1, 40, 3):
        other = Comment.objects.create(
            area=area,
            source=Comment.Source.FEEDBACK,
            text="The school taxi changes driver every week.",
            received_at=timezone.now() - timedelta(days=days_ago * 20),
            district="Wyre",
            parts=["school"],
            sentiment="negative",
        )
        CommentTag.objects.create(comment=other, theme="transport", confidence=0.8)
    comment = Comment.objects.create(
        area=area,
        source=Comment.Source.FEEDBACK,
        text="We have waited 30 weeks for the EHC plan and nobody tells us anything.",
        received_at=timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=2), time(10))),
        district="Preston",
        parts=["ehc"],
        sentiment="negative",
        sentiment_confidence=0.9,
    )
    CommentTag.objects.create(comment=comment, theme="ehc_timeliness", confidence=0.86)
    CommentTag.objects.create(comment=comment, theme="communication", confidence=0.58)

    sign_in(page, admin_user.email)
    page.goto(reverse("voice:overview", args=[area.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Parent carer voice")
    expect(page.get_by_role("img", name="Comments on the 5 most mentioned themes, by quarter")).to_be_visible()
    axe_audit.check(page, "Voice overview")

    page.get_by_role("navigation", name="Parent carer voice sections").get_by_role("link", name="Comments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comments")
    axe_audit.check(page, "Comments")
    page.get_by_role("link", name="We have waited 30 weeks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Comment {comment.pk}")
    axe_audit.check(page, "Comment")

    question = page.get_by_role("group", name="Is this comment about “EHC plan timeliness”?")
    question.get_by_label("Yes, it is about this").check()
    page.get_by_role("group", name="Sentiment").get_by_label("Negative").check()
    page.get_by_role("button", name="Save themes").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Themes saved: 1 confirmed")
    row = page.locator("#themes-table tbody tr", has_text="EHC plan timeliness")
    expect(row).to_contain_text("Confirmed")
    expect(row).to_contain_text("by Ada Administrator")
    axe_audit.check(page, "Comment after confirming")
    tag = comment.tags.get(theme="ehc_timeliness")
    assert tag.confirmed and tag.confirmed_by == admin_user

    page.get_by_role("link", name="EHC plan timeliness").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EHC plan timeliness")
    axe_audit.check(page, "Theme")
    axe_audit.assert_clean()
