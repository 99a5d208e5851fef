"""Nothing personal reaches the public page: people's names, commentary, RAG reasons, comments and evidence are
in the plan, and none of it is shown; an action title that names someone is left out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendhub.accounts.models import Role
from sendhub.improvement.models import Action
from tests.factories import ActionFactory, CommentFactory, EvidenceFactory, ProgressUpdateFactory, UserFactory, member
from tests.progress.conftest import days_ago

pytestmark = pytest.mark.django_db

PERSONAL = [
    "Priya Patel",  # the action's named lead
    "Gareth Hughes",  # the author of the updates
    "Mrs Wilson",
    "Tommy",
    "Sharon Smith",
    "07700 900123",
    "sharon.smith@example.org",
    "Dr Khan",
    "Kevin Brown",
    "Fran Forum",  # a forum member who commented
    "Ada Administrator",  # the administrator who wrote the page (in its history)
    "PR1 4AB",
]


def test_names_commentary_and_comments_never_reach_the_public_page(
    area, la_org, admin_user, page, plan, published_finding, forum_user, client_for
):
    finished = plan["finished"]
    finished.lead = UserFactory(full_name="Priya Patel")
    finished.save()
    author = UserFactory(full_name="Gareth Hughes")
    ProgressUpdateFactory(
        action=finished,
        author=author,
        created_at=days_ago(3),
        status=Action.Status.COMPLETE,
        commentary="Gareth met Mrs Wilson about her son Tommy at PR1 4AB; call Sharon Smith on 07700 900123.",
        rag_reason="Late because Kevin Brown is off sick.",
    )
    CommentFactory(action=finished, author=forum_user, text="Email sharon.smith@example.org or ask Dr Khan.")
    EvidenceFactory(action=finished, title="Letter from Dr Khan to Mrs Wilson", added_by=author)
    member(area, Role.EDITOR, la_org, full_name="Kevin Brown")
    page.introduction = "We are making help better."
    page._history_user = admin_user
    page.save()

    response = client_for().get(reverse("progress-public:index", args=[area.slug]))
    html = response.content.decode()

    assert response.status_code == 200 and "Recruit more EHC plan writers" in html
    leaked = [text for text in PERSONAL if text.casefold() in html.casefold()]
    assert leaked == [], f"personal data on the public page: {leaked}"
    assert "Gareth met" not in html and "Late because" not in html and "Letter from" not in html


def test_an_action_title_that_names_someone_is_left_out_and_the_preview_says_so(
    area, la_org, admin_user, page, finding, published_finding, client_for
):
    named = ActionFactory(
        area=area, owner=la_org, title="Sarah Jones to rewrite the EHC plan template", findings=[finding]
    )
    ProgressUpdateFactory(action=named, created_at=days_ago(2))
    partner = ActionFactory(
        area=area, owner=la_org, title="Co-produce the strategy with the Parent Carer Forum", findings=[finding]
    )
    ProgressUpdateFactory(action=partner, created_at=days_ago(2))

    public = client_for().get(reverse("progress-public:index", args=[area.slug])).content.decode()
    preview = client_for(admin_user).get(reverse("progress:preview", args=[area.slug])).content.decode()

    assert "Sarah Jones" not in public and "rewrite the EHC plan template" not in public
    assert "Co-produce the strategy with the Parent Carer Forum" in public
    assert "1 action title was left out because it may include a person&rsquo;s name" in preview
    assert "action title" not in public
