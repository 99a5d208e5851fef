import re

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendhub.accounts.models import Role

from .helpers import PASSWORD, make_area, make_member, make_user

TWO_FACTOR = reverse("accounts:two-factor")
SIGN_IN = reverse("accounts:sign-in")


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{value:0{device.digits}d}"


def confirmed_device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_set_up_shows_qr_code_and_key_then_confirms_with_a_real_code(client):
    user = make_user()
    client.force_login(user)
    response = client.get(TWO_FACTOR)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Set up two-factor authentication</h1>' in html
    assert re.search(r'<svg role="img" aria-label="QR code[^"]*"', html)
    assert "<title>QR code" in html
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert response.context["secret"].replace(" ", "")
    # Reloading the page keeps the same key (no new device per visit).
    client.get(TWO_FACTOR)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(TWO_FACTOR, {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "The security code is wrong" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()
    response = client.post(TWO_FACTOR, {"token": code_for(device)})
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    device.refresh_from_db()
    assert device.confirmed
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "An authenticator app is set up and was used to sign in this time" in profile


def test_code_format_is_checked(client):
    user = make_user()
    client.force_login(user)
    client.get(TWO_FACTOR)
    response = client.post(TWO_FACTOR, {"token": "12ab"})
    assert "Enter the security code as 6 digits" in response.content.decode()
    response = client.post(TWO_FACTOR, {"token": ""})
    assert "Enter the 6-digit security code" in response.content.decode()


def test_sign_in_with_a_device_asks_for_the_code_before_signing_in(client):
    user = make_user(email="admin@example.org")
    device = confirmed_device_for(user)
    response = client.post(
        SIGN_IN + "?next=/accounts/profile/",
        {"username": "admin@example.org", "password": PASSWORD, "next": "/accounts/profile/"},
    )
    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)
    assert "_auth_user_id" not in client.session
    # The profile still needs sign-in: the password alone is not enough.
    assert client.get(reverse("accounts:profile")).status_code == 302

    page = client.get(response.url)
    assert page.status_code == 200
    assert "Enter your security code" in page.content.decode()

    bad = client.post(TWO_FACTOR, {"token": "12345x", "next": "/accounts/profile/"})
    assert "_auth_user_id" not in client.session
    assert bad.status_code == 200

    response = client.post(TWO_FACTOR, {"token": code_for(device), "next": "/accounts/profile/"})
    assert response.status_code == 302
    assert response.url == "/accounts/profile/"
    assert int(client.session["_auth_user_id"]) == user.pk
    profile = client.get("/accounts/profile/")
    assert profile.status_code == 200
    assert profile.wsgi_request.user.is_verified()


def test_two_factor_page_without_password_step_goes_to_sign_in(client):
    response = client.get(TWO_FACTOR)
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_signed_in_person_with_device_but_unverified_session_can_verify(client):
    user = make_user()
    device = confirmed_device_for(user)
    client.force_login(user)
    page = client.get(TWO_FACTOR)
    assert "Enter your security code" in page.content.decode()
    response = client.post(TWO_FACTOR, {"token": code_for(device)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).wsgi_request.user.is_verified()


def test_middleware_sends_administrators_to_two_factor_when_required(client, settings):
    settings.SENDHUB_REQUIRE_2FA_FOR_ADMINS = True
    area = make_area()
    admin = make_member(area, Role.ADMINISTRATOR)
    viewer = make_member(area, Role.VIEWER)
    people = reverse("area-admin:people", args=[area.slug])

    client.force_login(viewer)
    assert client.get(people).status_code == 200

    client.force_login(admin)
    response = client.get(people)
    assert response.status_code == 302
    assert response.url == f"{TWO_FACTOR}?next={people}"
    # Set up, confirm, and carry on to the page asked for.
    setup = client.get(response.url)
    assert "Set up two-factor authentication" in setup.content.decode()
    device = TOTPDevice.objects.get(user=admin)
    done = client.post(TWO_FACTOR, {"token": code_for(device), "next": people})
    assert done.status_code == 302
    assert done.url == people
    assert client.get(people).status_code == 200


def test_middleware_does_nothing_when_not_required(client):
    area = make_area()
    admin = make_member(area, Role.ADMINISTRATOR)
    client.force_login(admin)
    assert client.get(reverse("area-admin:people", args=[area.slug])).status_code == 200
