"""Password rules on every form that sets one: 12 characters at least, not a breached/common password (Django's
offline list of 20,000), not all digits, not like the person's name or email address. A refused password changes
nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendhub.accounts.models import Invitation, Role, User
from tests.factories import InvitationFactory, member

GOOD = "wren-harbour-lantern-42"  # noqa: S105

REFUSED = [
    ("short-pw-1", "too short. It must contain at least 12 characters"),
    ("password1234", "too common"),
    ("qwertyuiop123", "too common"),
    ("739184620375", "entirely numeric"),
    ("patricia.partner", "too similar to the"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("password", "message"), REFUSED)
def test_an_invitation_cannot_be_accepted_with_a_weak_password(client, area, password, message):
    invitation = InvitationFactory(area=area, email="patricia.partner@example.org", full_name="Patricia Partner",
                                   role=Role.VIEWER)
    url = reverse("accounts:invitation-accept", args=[invitation.token])

    response = client.post(url, {"new_password1": password, "new_password2": password})

    assert response.status_code == 200 and message in response.content.decode()
    assert not User.objects.filter(email="patricia.partner@example.org").exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


@pytest.mark.django_db
def test_a_strong_password_is_accepted(client, area):
    invitation = InvitationFactory(area=area, email="patricia.partner@example.org", full_name="Patricia Partner",
                                   role=Role.VIEWER)
    response = client.post(reverse("accounts:invitation-accept", args=[invitation.token]),
                           {"new_password1": GOOD, "new_password2": GOOD})
    assert response.status_code == 302
    assert User.objects.get(email="patricia.partner@example.org").check_password(GOOD)


@pytest.mark.django_db
@pytest.mark.parametrize(("password", "message"), REFUSED[:4])
def test_a_password_cannot_be_changed_to_a_weak_one(client, area, password, message):
    user = member(area, Role.VIEWER, email="vic.v@example.org", full_name="Vic Viewer")
    user.set_password(GOOD)
    user.save()
    client.force_login(user)

    response = client.post(reverse("accounts:password-change"),
                           {"old_password": GOOD, "new_password1": password, "new_password2": password})

    assert response.status_code == 200 and message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(GOOD)
