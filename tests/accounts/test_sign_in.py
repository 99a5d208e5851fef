import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from sendhub.accounts.models import Role

from .helpers import PASSWORD, make_area, make_member, make_user

SIGN_IN = reverse("accounts:sign-in")


def test_sign_in_page_has_one_labelled_email_field(client):
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<label class="govuk-label govuk-label--s" for="id_username">Email address' in html
    assert 'for="id_password"' in html
    assert "<title>Sign in –" in html


def test_sign_in_with_email_and_password(client):
    user = make_user(email="jo@example.org")
    response = client.post(SIGN_IN, {"username": "Jo@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sign_in_follows_safe_next_only(client):
    make_user(email="jo@example.org")
    response = client.post(
        SIGN_IN + "?next=/accounts/profile/",
        {"username": "jo@example.org", "password": PASSWORD, "next": "/accounts/profile/"},
    )
    assert response.url == "/accounts/profile/"
    client.logout()
    response = client.post(
        SIGN_IN, {"username": "jo@example.org", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_wrong_password_shows_clear_error(client):
    make_user(email="jo@example.org")
    response = client.post(SIGN_IN, {"username": "jo@example.org", "password": "wrong password!"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a correct email address and password" in html
    assert "govuk-error-summary" in html
    assert "_auth_user_id" not in client.session


def test_empty_form_errors_name_each_field(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    html = response.content.decode()
    assert "Enter your email address" in html
    assert "Enter your password" in html
    assert 'href="#id_username"' in html


def test_lockout_after_repeated_failures_refuses_even_the_right_password(client):
    make_user(email="jo@example.org")
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        client.post(SIGN_IN, {"username": "jo@example.org", "password": f"wrong {i}"}).status_code for i in range(limit)
    ]
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert AccessAttempt.objects.filter(username="jo@example.org").exists()

    response = client.post(SIGN_IN, {"username": "jo@example.org", "password": PASSWORD})
    assert response.status_code in (403, 429)
    html = response.content.decode()
    assert "Sign-in locked" in html
    assert f"{limit} failed attempts" in html
    assert "locked for 1 hour." in html
    assert "jo@example.org" not in html
    assert "_auth_user_id" not in client.session


def test_lockout_page_is_the_same_for_an_unknown_email(client):
    make_user(email="jo@example.org")
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": "nobody@example.org", "password": f"wrong {i}"})
    locked = client.post(SIGN_IN, {"username": "nobody@example.org", "password": "anything"})
    assert locked.status_code in (403, 429)
    assert "Sign-in locked" in locked.content.decode()
    assert "nobody@example.org" not in locked.content.decode()
    # Another address from the same place is not locked.
    response = client.post(SIGN_IN, {"username": "jo@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_successful_sign_in_resets_failures(client):
    make_user(email="jo@example.org")
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(SIGN_IN, {"username": "jo@example.org", "password": f"wrong {i}"})
    assert client.post(SIGN_IN, {"username": "jo@example.org", "password": PASSWORD}).status_code == 302
    assert not AccessAttempt.objects.filter(username="jo@example.org").exists()


def test_sign_out_is_post_only(client):
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "_auth_user_id" not in client.session


def test_profile_requires_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_profile_shows_memberships_and_two_factor_status(client):
    area = make_area(name="Lancashire")
    user = make_member(area, Role.VIEWER, full_name="Sam Smith")
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Sam Smith" in html
    assert user.email in html
    assert "Lancashire" in html
    assert "Viewer" in html
    assert "Off" in html
    assert reverse("accounts:two-factor") in html
    assert reverse("accounts:password-change") in html


@pytest.mark.parametrize("new", ["short", ""])
def test_password_change_validates(client, new):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_password_change_keeps_the_person_signed_in(client):
    user = make_user()
    client.force_login(user)
    new = "a much longer new passphrase 42"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get(reverse("accounts:profile")).status_code == 200
