import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts import services
from sendhub.accounts.models import Invitation, Membership, Organisation, Role, User

from .helpers import PASSWORD, make_area, make_member, make_organisation, make_user

NEW_PASSWORD = "a long and unusual passphrase 7"


@pytest.fixture
def area():
    return make_area(name="Lancashire", slug="lancashire")


@pytest.fixture
def admin(area):
    return make_member(area, Role.ADMINISTRATOR, full_name="Alex Admin")


def invite_url(area):
    return reverse("area-admin:invite", args=[area.slug])


def test_invite_page_renders_for_admins(client, area, admin):
    client.force_login(admin)
    response = client.get(invite_url(area))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for field in ("id_full_name", "id_email", "id_organisation"):
        assert f'for="{field}"' in html
    assert 'for="id_role_0"' in html


def test_admin_invites_by_email_and_the_link_works(client, area, admin, django_capture_on_commit_callbacks):
    council = make_organisation(area, name="Lancashire County Council")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invite_url(area),
            {"full_name": "Pat Partner", "email": "Pat@Example.org", "role": Role.EDITOR, "organisation": council.pk},
        )
    assert response.status_code == 302
    assert response.url == reverse("area-admin:people", args=[area.slug])
    invitation = Invitation.objects.get()
    assert invitation.email == "pat@example.org"
    assert invitation.invited_by == admin
    assert invitation.history.first().history_user == admin

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@example.org"]
    assert "Lancashire" in message.subject
    link = f"https://sendhub.example.org/accounts/invitations/{invitation.token}/"
    assert link in message.body

    client.logout()
    path = re.search(r"https://sendhub\.example\.org(\S+)", message.body).group(1)
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Join Lancashire" in html
    assert "Editor" in html
    assert 'for="id_new_password1"' in html


def test_people_page_lists_pending_invitations_and_they_can_be_cancelled(client, area, admin):
    invitation = services.invitation_create(
        area=area, email="v@example.org", full_name="Val", role=Role.VIEWER, organisation=None, invited_by=admin
    )
    client.force_login(admin)
    html = client.get(reverse("area-admin:people", args=[area.slug])).content.decode()
    assert "v@example.org" in html
    client.post(reverse("area-admin:invitation-cancel", args=[area.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert not invitation.is_usable


def test_reinviting_replaces_the_earlier_link(area, admin):
    first = services.invitation_create(
        area=area, email="v@example.org", full_name="Val", role=Role.VIEWER, organisation=None, invited_by=admin
    )
    second = services.invitation_create(
        area=area, email="V@example.org", full_name="Val", role=Role.VIEWER, organisation=None, invited_by=admin
    )
    first.refresh_from_db()
    assert not first.is_usable
    assert second.is_usable


def test_new_person_accepts_sets_password_and_lands_on_the_dashboard(client, area, admin):
    council = make_organisation(area)
    invitation = services.invitation_create(
        area=area,
        email="new@example.org",
        full_name="New Person",
        role=Role.EDITOR,
        organisation=council,
        invited_by=admin,
    )
    url = reverse("accounts:invitation-accept", args=[invitation.token])
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("improvement:dashboard", args=[area.slug])
    user = User.objects.get(email="new@example.org")
    assert user.full_name == "New Person"
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user, area=area)
    assert (membership.role, membership.organisation) == (Role.EDITOR, council)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk

    # The link works once.
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "already been accepted" in again.content.decode()


def test_password_rules_apply_when_accepting(client, area, admin):
    invitation = services.invitation_create(
        area=area,
        email="new@example.org",
        full_name="New Person",
        role=Role.VIEWER,
        organisation=None,
        invited_by=admin,
    )
    url = reverse("accounts:invitation-accept", args=[invitation.token])
    response = client.post(url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.org").exists()


def test_existing_user_must_sign_in_with_the_invited_email(client, area, admin):
    person = make_user(email="known@example.org")
    invitation = services.invitation_create(
        area=area,
        email="known@example.org",
        full_name="Known",
        role=Role.VIEWER,
        organisation=None,
        invited_by=admin,
    )
    url = reverse("accounts:invitation-accept", args=[invitation.token])
    page = client.get(url).content.decode()
    assert "Sign in to accept" in page
    assert "new_password1" not in page
    # A password post cannot take over the existing account.
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))
    assert not Membership.objects.filter(user=person, area=area).exists()

    other = make_user(email="other@example.org")
    client.force_login(other)
    assert "You are signed in as other@example.org" in client.get(url).content.decode()
    assert client.post(url).status_code == 403
    assert not Membership.objects.filter(area=area, user=other).exists()

    client.force_login(person)
    response = client.post(url)
    assert response.status_code == 302
    assert Membership.objects.filter(user=person, area=area, role=Role.VIEWER).exists()
    assert person.check_password(PASSWORD)


def test_expired_invitation_changes_nothing(client, area, admin):
    invitation = services.invitation_create(
        area=area,
        email="late@example.org",
        full_name="Late",
        role=Role.VIEWER,
        organisation=None,
        invited_by=admin,
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    url = reverse("accounts:invitation-accept", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert not User.objects.filter(email="late@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_unknown_token_is_a_clear_page(client):
    response = client.get(reverse("accounts:invitation-accept", args=["not-a-real-token"]))
    assert response.status_code == 410
    assert "The link is not recognised" in response.content.decode()


def test_editor_must_have_an_organisation_in_the_area(client, area, admin):
    client.force_login(admin)
    response = client.post(
        invite_url(area), {"full_name": "Ed", "email": "ed@example.org", "role": Role.EDITOR, "organisation": ""}
    )
    assert response.status_code == 200
    assert "Select the organisation this editor works for" in response.content.decode()
    elsewhere = make_organisation(make_area())
    response = client.post(
        invite_url(area),
        {"full_name": "Ed", "email": "ed@example.org", "role": Role.EDITOR, "organisation": elsewhere.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_monitor_must_have_a_national_body(client, area, admin):
    council = make_organisation(area)
    dfe = make_organisation(None, name="Department for Education", kind=Organisation.Kind.DFE)
    client.force_login(admin)
    response = client.post(
        invite_url(area),
        {"full_name": "Mo", "email": "mo@example.org", "role": Role.MONITOR, "organisation": council.pk},
    )
    assert "Select the Department for Education or NHS England" in response.content.decode()
    response = client.post(
        invite_url(area), {"full_name": "Mo", "email": "mo@example.org", "role": Role.MONITOR, "organisation": dfe.pk}
    )
    assert response.status_code == 302
    # A national body is not an area organisation for other roles.
    response = client.post(
        invite_url(area), {"full_name": "Vi", "email": "vi@example.org", "role": Role.VIEWER, "organisation": dfe.pk}
    )
    assert "Select an organisation in Lancashire" in response.content.decode()


def test_existing_member_cannot_be_invited_again(client, area, admin):
    member = make_member(area, Role.VIEWER)
    client.force_login(admin)
    response = client.post(invite_url(area), {"full_name": "Again", "email": member.email.upper(), "role": Role.VIEWER})
    assert response.status_code == 200
    assert "is already a member of Lancashire" in response.content.decode()
    assert not Invitation.objects.exists()


def test_non_admin_cannot_invite(client, area):
    editor = make_member(area, Role.EDITOR, organisation=make_organisation(area))
    client.force_login(editor)
    assert client.get(invite_url(area)).status_code == 403
    response = client.post(invite_url(area), {"full_name": "X", "email": "x@example.org", "role": Role.VIEWER})
    assert response.status_code == 403
    assert not Invitation.objects.exists()
