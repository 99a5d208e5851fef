"""Our labels and hints reach the password pages (they were set after GovukFormMixin had rendered the bound fields,
so Django's "New password confirmation" and its validator list showed instead)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import InvitationFactory, UserFactory


def labels_and_hints(response) -> list[str]:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return [" ".join(tag.get_text(" ").split()) for tag in soup.select("form label.govuk-label, form .govuk-hint")]


@pytest.mark.django_db
def test_the_password_change_page_uses_our_words(client):
    client.force_login(UserFactory())
    assert labels_and_hints(client.get(reverse("accounts:password-change"))) == [
        "Current password",
        "New password",
        "At least 12 characters. Do not use your name, your email address or a common password.",
        "Confirm new password",
        "Enter the same password again",
    ]


@pytest.mark.django_db
def test_the_invitation_page_uses_our_words(client):
    invitation = InvitationFactory()
    found = labels_and_hints(client.get(reverse("accounts:invitation-accept", args=[invitation.token])))
    assert found == [
        "Create a password",
        "At least 12 characters. Do not use your name, your email address or a common password.",
        "Confirm your password",
        "Enter the same password again",
    ]
