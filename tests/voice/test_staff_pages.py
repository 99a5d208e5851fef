"""Staff voice pages: the overview, comments and their themes, permissions and query counts."""

from __future__ import annotations

import sys
import types
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.voice.models import Comment, CommentTag
from tests.factories import FindingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.voice")]


def make(area, *themes, days_ago=10, text="The EHC plan took a year.", original="", **fields):
    comment = Comment.objects.create(
        area=area,
        source=Comment.Source.FEEDBACK,
        text=text,
        original_text=original,
        received_at=timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(12))),
        district=fields.pop("district", "Preston"),
        parts=fields.pop("parts", ["ehc"]),
        sentiment=fields.pop("sentiment", "negative"),
        sentiment_confidence=0.8,
        **fields,
    )
    for theme in themes:
        CommentTag.objects.create(comment=comment, theme=theme, confidence=0.8)
    return comment


def url(name, area, *args):
    return reverse(f"voice:{name}", args=[area.slug, *args])


def test_overview_shows_counts_chart_table_and_safeguarding_queue_for_administrators(
    area, admin_user, viewer_user, client_for
):
    make(area, "ehc_timeliness", "communication")
    make(area, "praise", sentiment="positive", district="Wyre")
    flagged = make(area, "transport", safeguarding=True, safeguarding_reasons=["self-harm"])

    page = client_for(admin_user).get(url("overview", area)).content.decode()
    assert "Parent carer voice" in page and 'role="img"' in page
    assert "Comments by theme and quarter" in page and "EHC plan timeliness" in page
    assert "Safeguarding alerts awaiting review" in page and f"Read comment {flagged.pk}" in page

    viewer_page = client_for(viewer_user).get(url("overview", area)).content.decode()
    assert "Safeguarding alerts" not in viewer_page and "Retrain the model" not in viewer_page


def test_administrator_marks_a_safeguarding_alert_reviewed(area, admin_user, editor_user, client_for):
    flagged = make(area, "transport", safeguarding=True)
    assert client_for(editor_user).post(url("safeguarding-reviewed", area, flagged.pk)).status_code == 403
    response = client_for(admin_user).post(url("safeguarding-reviewed", area, flagged.pk))
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.safeguarding_reviewed_by == admin_user and flagged.safeguarding_reviewed_at is not None


def test_flagged_comments_are_for_administrators_only(area, admin_user, editor_user, client_for):
    flagged = make(area, "transport", safeguarding=True)
    assert client_for(editor_user).get(url("comment-detail", area, flagged.pk)).status_code == 404
    assert client_for(admin_user).get(url("comment-detail", area, flagged.pk)).status_code == 200


def test_confirming_rejecting_and_adding_themes_records_who(area, forum_user, client_for):
    finding = FindingFactory(inspection__area=area)
    comment = make(area, "ehc_timeliness", "transport")
    client = client_for(forum_user)
    page = client.get(url("comment-detail", area, comment.pk)).content.decode()
    assert "Check the themes" in page and "Suggested by the model, 80% confident." in page

    response = client.post(
        url("comment-detail", area, comment.pk),
        {
            "tag_ehc_timeliness": "yes",
            "tag_transport": "no",
            "add_themes": ["communication"],
            "sentiment": "neutral",
            "findings": [finding.pk],
        },
    )
    assert response.status_code == 302
    tags = {t.theme: t for t in comment.tags.all()}
    assert tags["ehc_timeliness"].confirmed and not tags["ehc_timeliness"].rejected
    assert tags["transport"].rejected and not tags["transport"].confirmed
    assert tags["communication"].confirmed and tags["communication"].confidence is None
    assert {t.confirmed_by for t in tags.values()} == {forum_user}
    assert all(t.confirmed_at for t in tags.values())
    comment.refresh_from_db()
    assert (comment.sentiment, comment.sentiment_confirmed) == ("neutral", True)
    assert list(comment.findings.all()) == [finding]

    page = client.get(url("comment-detail", area, comment.pk)).content.decode()
    assert "Confirmed" in page and "Rejected" in page and "by Fran Forum" in page
    assert "History" in page and "Theme: Transport" in page


def test_review_form_without_a_sentiment_shows_an_error_summary(area, editor_user, client_for):
    comment = make(area, "transport", sentiment="")
    response = client_for(editor_user).post(url("comment-detail", area, comment.pk), {"tag_transport": "yes"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert comment.tags.get().confirmed is False


def test_viewer_and_monitor_can_read_but_not_confirm(area, viewer_user, monitor_user, client_for):
    comment = make(area, "transport")
    for user in (viewer_user, monitor_user):
        client = client_for(user)
        page = client.get(url("comment-detail", area, comment.pk)).content.decode()
        assert "Check the themes" not in page
        response = client.post(
            url("comment-detail", area, comment.pk), {"tag_transport": "yes", "sentiment": "neutral"}
        )
        assert response.status_code == 403
    assert comment.tags.get().confirmed is False


def test_original_text_is_for_administrators_only(area, admin_user, editor_user, client_for):
    comment = make(area, "transport", text="[name] waited a year.", original="Jack Smith waited a year.")
    assert "Jack Smith" in client_for(admin_user).get(url("comment-detail", area, comment.pk)).content.decode()
    editor_page = client_for(editor_user).get(url("comment-detail", area, comment.pk)).content.decode()
    assert "Jack Smith" not in editor_page and "[name] waited a year." in editor_page


def test_outsiders_and_other_areas(area, other_area, outsider, admin_user, client_for):
    comment = make(other_area, "transport")
    assert client_for(admin_user).get(url("comment-detail", area, comment.pk)).status_code == 404
    assert client_for(outsider).get(url("overview", area)).status_code == 403
    assert client_for().get(url("overview", area)).status_code == 302


def test_comment_list_filters(area, admin_user, client_for):
    make(area, "transport", text="Bus late again", district="Wyre", parts=["school"])
    make(area, "praise", text="Lovely caseworker", sentiment="positive", district="Burnley")
    reviewed = make(area, "ehc_timeliness", text="Plan was late")
    reviewed.tags.update(confirmed=True)
    client = client_for(admin_user)

    def texts(query):
        return client.get(url("comment-list", area) + query).content.decode()

    page = texts("?theme=transport")
    assert "Bus late again" in page and "Lovely caseworker" not in page
    page = texts("?sentiment=positive&district=Burnley")
    assert "Lovely caseworker" in page and "Bus late again" not in page
    page = texts("?part=school")
    assert "Bus late again" in page and "Plan was late" not in page
    page = texts("?needs_review=on")
    assert "Plan was late" not in page and "Bus late again" in page
    page = texts("?received_from=2030-01-01")
    assert "No comments match." in page
    assert "There is a problem" in texts("?received_from=2026-02-01&received_to=2026-01-01")


def test_list_pages_use_a_bounded_number_of_queries(area, admin_user, client_for, django_assert_max_num_queries):
    for n in range(30):
        make(area, "transport", "praise", days_ago=n)
    client = client_for(admin_user)
    for name in ("comment-list", "overview", "coproduction-list", "ysd-list"):
        client.get(url(name, area))  # warm the session and the caches
        with django_assert_max_num_queries(20):
            assert client.get(url(name, area)).status_code == 200


def test_theme_page_shows_volume_examples_and_linked_findings(area, viewer_user, client_for):
    finding = FindingFactory(inspection__area=area, reference="PA2", title="EHC plans")
    comment = make(area, "ehc_timeliness", text="Waited 40 weeks for the plan")
    comment.findings.add(finding)
    page = client_for(viewer_user).get(url("theme-detail", area, "ehc_timeliness")).content.decode()
    assert "<h1" in page and "EHC plan timeliness" in page and "Comments by month" in page
    assert "Waited 40 weeks for the plan" in page and "PA2: EHC plans" in page
    assert client_for(viewer_user).get(url("theme-detail", area, "nonsense")).status_code == 404


def test_retrain_button_calls_training_for_administrators(area, admin_user, editor_user, client_for, monkeypatch):
    calls = []
    fake = types.ModuleType("sendhub.voice.training")
    fake.retrain = lambda a: calls.append(a) or types.SimpleNamespace(training_size=420, confirmed_examples=12)
    monkeypatch.setitem(sys.modules, "sendhub.voice.training", fake)
    import sendhub.voice

    monkeypatch.setattr(sendhub.voice, "training", fake, raising=False)
    assert client_for(editor_user).post(url("retrain", area)).status_code == 403
    response = client_for(admin_user).post(url("retrain", area), {"next": url("overview", area)}, follow=True)
    assert calls == [area]
    assert "Model retrained on 420 comments, 12 of them confirmed by staff" in response.content.decode()
