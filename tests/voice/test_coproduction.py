"""Co-production log and "You said, we did": administrators and Parent Carer Forum members record activities and
draft entries; only administrators publish; the public page shows published entries only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.voice.models import CoproductionActivity, YouSaidWeDid
from tests.factories import ActionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.voice")]


def url(name, area, *args):
    return reverse(name, args=[area.slug, *args])


def test_administrator_logs_and_edits_a_coproduction_activity(area, admin_user, forum_org, la_org, client_for):
    action = ActionFactory(area=area, owner=la_org, reference="A27")
    client = client_for(admin_user)
    assert "Log a co-production activity" in client.get(url("voice:coproduction-create", area)).content.decode()
    response = client.post(
        url("voice:coproduction-create", area),
        {
            "title": "EHC plan template workshop",
            "kind": "workshop",
            "held_on": "2026-01-15",
            "summary": "Parents rewrote the template.",
            "organisations": [forum_org.pk, la_org.pk],
            "attendees_count": "24",
            "actions": [action.pk],
        },
    )
    activity = CoproductionActivity.objects.get(area=area)
    assert response.status_code == 302 and response["Location"] == url("voice:coproduction-detail", area, activity.pk)
    assert set(activity.organisations.all()) == {forum_org, la_org} and list(activity.actions.all()) == [action]

    response = client.post(
        url("voice:coproduction-edit", area, activity.pk),
        {"title": "EHC plan template co-design", "kind": "workshop", "held_on": "2026-01-15",
         "summary": "Parents rewrote the template.", "organisations": [forum_org.pk], "attendees_count": "25"},
    )
    assert response.status_code == 302
    page = client.get(url("voice:coproduction-detail", area, activity.pk)).content.decode()
    assert "EHC plan template co-design" in page and "History" in page and "Ada Administrator" in page
    listing = client.get(url("voice:coproduction-list", area)).content.decode()
    assert "EHC plan template co-design" in listing


def test_coproduction_form_errors_and_permissions(area, admin_user, forum_user, viewer_user, client_for):
    response = client_for(admin_user).post(url("voice:coproduction-create", area), {"held_on": "2999-01-01"})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and "today or in the past" in page
    assert client_for(forum_user).get(url("voice:coproduction-create", area)).status_code == 200
    assert client_for(viewer_user).get(url("voice:coproduction-create", area)).status_code == 403
    for user in (forum_user, viewer_user):
        assert client_for(user).get(url("voice:coproduction-list", area)).status_code == 200


def test_forum_member_records_coproduction_and_drafts_you_said_we_did(area, forum_user, forum_org, client_for):
    client = client_for(forum_user)
    assert "Log a co-production activity" in client.get(url("voice:coproduction-list", area)).content.decode()
    response = client.post(
        url("voice:coproduction-create", area),
        {"title": "Short breaks listening event", "kind": "workshop", "held_on": "2026-01-20",
         "summary": "Families described waits for short breaks.", "organisations": [forum_org.pk]},
    )
    activity = CoproductionActivity.objects.get(area=area)
    assert response.status_code == 302
    assert activity.history.first().history_user == forum_user  # the audit history names the forum member

    response = client.post(
        url("voice:ysd-create", area),
        {"theme": "", "you_said": "Short breaks were hard to find.", "we_did": "We listed them in one place."},
    )
    entry = YouSaidWeDid.objects.get(area=area)
    assert response.status_code == 302 and not entry.is_published
    detail = client.get(url("voice:ysd-detail", area, entry.pk)).content.decode()
    assert "An area administrator checks and publishes drafts" in detail and "Edit draft" in detail
    assert 'value="publish"' not in detail
    assert client.get(url("voice:ysd-edit", area, entry.pk)).status_code == 200
    assert client.post(url("voice:ysd-publish", area, entry.pk), {"publish": "publish"}).status_code == 403
    entry.refresh_from_db()
    assert not entry.is_published
    page = client_for().get(url("you-said-we-did:index", area)).content.decode()
    assert "Short breaks were hard to find." not in page


def test_forum_member_cannot_change_a_published_entry(area, forum_user, client_for):
    entry = YouSaidWeDid.objects.create(area=area, you_said="x", we_did="y", is_published=True,
                                        published_on=timezone.localdate())
    client = client_for(forum_user)
    response = client.post(url("voice:ysd-edit", area, entry.pk), {"you_said": "changed", "we_did": "changed"})
    assert response.status_code == 403 and "only an area administrator can change it" in response.content.decode()
    entry.refresh_from_db()
    assert entry.you_said == "x"


def test_you_said_we_did_publish_shows_on_the_public_page_and_drafts_do_not(area, admin_user, la_org, client_for):
    action = ActionFactory(area=area, owner=la_org, title="Relaunch the Local Offer")
    client = client_for(admin_user)
    response = client.post(
        url("voice:ysd-create", area),
        {"theme": "information", "you_said": "The Local Offer was hard to use.",
         "we_did": "We relaunched it with pages families tested.", "actions": [action.pk]},
    )
    entry = YouSaidWeDid.objects.get(area=area)
    assert response.status_code == 302 and not entry.is_published
    YouSaidWeDid.objects.create(area=area, you_said="A draft we never publish.", we_did="Nothing yet.")

    public = client_for()
    page = public.get(url("you-said-we-did:index", area)).content.decode()
    assert "The Local Offer was hard to use." not in page and "Nothing has been published yet" in page

    assert client.post(url("voice:ysd-publish", area, entry.pk), {"publish": "publish"}).status_code == 302
    entry.refresh_from_db()
    assert entry.is_published and entry.published_on == timezone.localdate()
    page = public.get(url("you-said-we-did:index", area)).content.decode()
    assert "The Local Offer was hard to use." in page and "Relaunch the Local Offer" in page
    assert "A draft we never publish." not in page

    client.post(url("voice:ysd-publish", area, entry.pk), {"publish": "unpublish"})
    assert "The Local Offer was hard to use." not in public.get(url("you-said-we-did:index", area)).content.decode()
    detail = client.get(url("voice:ysd-detail", area, entry.pk)).content.decode()
    assert "History" in detail and "Publish" in detail


def test_only_administrators_publish_you_said_we_did(area, editor_user, forum_user, client_for):
    entry = YouSaidWeDid.objects.create(area=area, you_said="x", we_did="y")
    for user in (editor_user, forum_user):
        client = client_for(user)
        assert client.post(url("voice:ysd-publish", area, entry.pk)).status_code == 403
        assert client.get(url("voice:ysd-list", area)).status_code == 200
    assert client_for(editor_user).get(url("voice:ysd-edit", area, entry.pk)).status_code == 403
    entry.refresh_from_db()
    assert not entry.is_published


def test_public_page_for_an_unknown_area_is_not_found(db, client_for):
    assert client_for().get(reverse("you-said-we-did:index", args=["nowhere"])).status_code == 404
