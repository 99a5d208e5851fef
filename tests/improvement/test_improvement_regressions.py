"""Regressions found by the fuzz suite (tests/fuzz/test_forms.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_invalid_action_filter_is_shown_in_an_error_summary(client_for, admin_user, area):
    """A filter value that is not a choice (a hand-edited or old bookmarked link) is named in a GOV.UK error
    summary, as every form error is, and the list is shown unfiltered."""
    response = client_for(admin_user).get(
        reverse("improvement:action-list", args=[area.slug]), {"status": "' OR '1'='1", "owner": "999999"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "Select a valid choice" in html


def test_the_progress_update_page_posts_the_actions_version_and_current_status(client_for, admin_user, area, la_org):
    """The update page (not only the form on the action's page) carries the action's version and current status,
    so an update posted from it is saved rather than refused with "Version: This field is required"."""
    from bs4 import BeautifulSoup

    from sendhub.improvement.models import Action, ProgressUpdate
    from tests.factories import ActionFactory

    action = ActionFactory(area=area, owner=la_org, status=Action.Status.IN_PROGRESS, rag=Action.Rag.ON_TRACK)
    client = client_for(admin_user)
    path = reverse("improvement:update-create", args=[area.slug, action.pk])

    page = BeautifulSoup(client.get(path).content, "html.parser")
    version = page.find("input", attrs={"name": "version"})["value"]
    status = page.find("input", attrs={"name": "status", "checked": True})["value"]
    rag = page.find("input", attrs={"name": "rag", "checked": True})["value"]
    response = client.post(path, {"version": version, "status": status, "rag": rag, "commentary": "Posted."})

    assert (version, status, rag) == (str(action.version), "in_progress", "on_track")
    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(action=action, commentary="Posted.").exists()
