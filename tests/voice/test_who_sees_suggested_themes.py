"""Machine-suggested themes (issue 17): parents never see them on their own feedback; staff see them marked as
suggestions until a person confirms them; the insight pages say how many counted tags are only suggestions."""

from __future__ import annotations

from datetime import date

import pytest

from sendhub.voice import insights
from sendhub.voice.models import Comment, CommentTag
from tests.voice import use_record_comment
from tests.voice.test_feedback import STORY
from tests.voice.test_feedback_access import ask, send, shown, url
from tests.voice.test_insights import make as make_on
from tests.voice.test_staff_pages import make
from tests.voice.test_staff_pages import url as staff_url

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.voice")]
ABOUT = "What it is about, as recorded by our staff"


@pytest.fixture(autouse=True)
def _record_comment(request, monkeypatch):
    use_record_comment(request, monkeypatch)


def test_a_parent_never_sees_the_models_suggestions_on_their_feedback(client, area):
    feedback, code = send(client, area, text=STORY)
    comment = Comment.objects.get(feedback=feedback)
    CommentTag.objects.create(comment=comment, theme="praise", confidence=0.68)
    CommentTag.objects.create(comment=comment, theme="ehc_timeliness", confidence=0.28)

    ask(client, area, feedback.reference, code)
    response = client.get(url(area, "feedback-access-detail"))
    assert shown(response)[ABOUT] == "Not recorded yet: a member of staff will read it"
    page = response.content.decode()
    assert "Praise" not in page and "68%" not in page and "timeliness" not in page


def test_a_parent_sees_only_the_themes_staff_confirmed(client, area):
    feedback, code = send(client, area, text=STORY)
    comment = Comment.objects.get(feedback=feedback)
    CommentTag.objects.create(comment=comment, theme="ehc_timeliness", confidence=0.9, confirmed=True)
    CommentTag.objects.create(comment=comment, theme="communication", confidence=0.9)  # still only suggested
    CommentTag.objects.create(comment=comment, theme="praise", confirmed=True, rejected=True)

    ask(client, area, feedback.reference, code)
    assert shown(client.get(url(area, "feedback-access-detail")))[ABOUT] == "EHC plan timeliness"


def test_staff_see_suggestions_marked_as_suggested_until_confirmed(area, admin_user, client_for):
    comment = make(area, "communication")
    CommentTag.objects.create(comment=comment, theme="ehc_timeliness", confidence=0.9, confirmed=True)
    page = client_for(admin_user).get(staff_url("comment-list", area)).content.decode()
    assert "Suggested: Communication" in page or "Suggested: Being listened to" in page
    assert "Suggested: EHC plan timeliness" not in page and "EHC plan timeliness (confirmed)" in page


def test_the_summary_says_how_many_counted_tags_are_only_suggestions(area):
    make_on(area, date(2026, 3, 2), "ehc_timeliness", "communication")
    make_on(area, date(2026, 3, 3), "praise", confirmed=True, confidence=None)
    make_on(area, date(2026, 3, 4), "transport", rejected=True)
    make_on(area, date(2026, 3, 5), "information", confidence=0.1)  # too unlikely to count
    summary = insights.summary(area, today=date(2026, 5, 20))
    assert (summary.counted_tags, summary.suggested_tags, summary.suggested_percent) == (3, 2, 67)


def test_the_overview_labels_machine_suggested_counts(area, viewer_user, client_for):
    make(area, "ehc_timeliness", "communication")
    page = client_for(viewer_user).get(staff_url("overview", area)).content.decode()
    assert "2 of the 2 theme tags counted on these pages (100%) are suggested by the model" in page
