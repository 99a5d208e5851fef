"""Issue 13, item 2: the account holder can always get in through an emailed, single-use sign-in link, whatever
someone else's wrong guesses have done to password sign-in (per-address lockout, per-account slowdown)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendhub.accounts.models import AuditEvent, SignInLink, SignInThrottle
from tests.factories import UserFactory

SIGN_IN = reverse("accounts:sign-in")
ASK = reverse("accounts:sign-in-link-request")
PASSWORD = "a long enough password 13"  # noqa: S105
ADDRESS = "jo@example.org"


@pytest.fixture
def jo(db):
    return UserFactory(email=ADDRESS, password=PASSWORD, full_name="Jo Bloggs")


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """``ask(client, email)``: post the form; emails go when the request's transaction commits, as in production."""

    def ask_for_link(client: Client, email: str = ADDRESS):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(ASK, {"email": email}, follow=True)

    return ask_for_link


def link_in(message) -> str:
    return urlsplit(re.search(r"https?://\S+/accounts/sign-in/link/\S+/", message.body).group(0)).path


def lock_out(client: Client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": ADDRESS, "password": "a wrong guess"})
    assert client.post(SIGN_IN, {"username": ADDRESS, "password": PASSWORD}).status_code == 429


def slow_down() -> None:
    for n in range(settings.SENDHUB_LOGIN_SLOWDOWN_AFTER + 8):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(SIGN_IN, {"username": ADDRESS, "password": "a wrong guess"})
    response = Client(REMOTE_ADDR="203.0.113.200").post(SIGN_IN, {"username": ADDRESS, "password": PASSWORD})
    assert response.status_code == 429 and "Wait" in response.content.decode()


def test_the_locked_out_and_sign_in_pages_offer_the_link(client, jo):
    assert ASK in client.get(SIGN_IN).content.decode()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(SIGN_IN, {"username": ADDRESS, "password": "a wrong guess"})
    assert locked.status_code == 429 and ASK in locked.content.decode()
    assert "get a sign-in link by email" in locked.content.decode()


def test_a_locked_out_and_slowed_holder_gets_in_by_emailed_link(client, jo, ask):
    lock_out(client)
    slow_down()

    sent = ask(client, "  JO@Example.org ")
    assert sent.status_code == 200 and "Check your email" in sent.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [ADDRESS]
    assert settings.SENDHUB_BASE_URL in mail.outbox[0].body
    url = link_in(mail.outbox[0])

    # Opening the link (as a mail scanner would) only asks to continue.
    page = client.get(url)
    assert page.status_code == 200 and "You will be signed in as jo@example.org" in page.content.decode()
    assert "_auth_user_id" not in client.session and SignInLink.objects.get().used_at is None

    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("accounts:new-password")
    assert int(client.session["_auth_user_id"]) == jo.pk
    signed_in = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGNED_IN)
    assert signed_in.user == jo and signed_in.detail == {"by": "emailed link"}
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_LINK_SENT, user=jo).count() == 1
    assert not SignInThrottle.objects.exists(), "getting in ends the slowdown"
    assert not AccessAttempt.objects.filter(ip_address="127.0.0.1").exists(), "and this address's lockout"


def test_a_link_works_once(client, jo, ask):
    ask(client)
    url = link_in(mail.outbox[0])
    assert client.post(url).status_code == 302
    other = Client()
    again = other.post(url)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert "_auth_user_id" not in other.session
    assert other.get(url).status_code == 410


def test_a_link_expires(client, jo, ask):
    ask(client)
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(link_in(mail.outbox[0]))
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unknown_token_is_refused(client, jo):
    response = client.post(reverse("accounts:sign-in-link", args=["not-a-real-token"]))
    assert response.status_code == 410 and "not recognised" in response.content.decode()


def test_only_a_hash_of_the_token_is_stored(client, jo, ask):
    ask(client)
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    link = SignInLink.objects.get()
    assert token not in link.token_hash and len(link.token_hash) == 64


def test_the_answer_is_the_same_for_an_unknown_or_closed_account(client, jo, ask):
    known = ask(client).content.decode()
    mail.outbox.clear()
    unknown = ask(client, "nobody@example.org").content.decode()
    jo.is_active = False
    jo.save()
    closed = ask(client).content.decode()
    assert mail.outbox == []
    strip = re.compile(r"\S+@example\.org|csrfmiddlewaretoken\S+|nonce-?\S+|nonce=\"[^\"]+\"")
    assert strip.sub("", known) == strip.sub("", unknown) == strip.sub("", closed)


def test_links_to_one_account_are_capped_but_earlier_ones_keep_working(client, jo, ask):
    cap = settings.SENDHUB_SIGN_IN_LINKS_PER_PERIOD
    for n in range(cap + 2):
        assert ask(Client(REMOTE_ADDR=f"192.0.2.{n + 1}")).status_code == 200
    assert len(mail.outbox) == cap, "someone asking for links for another account cannot flood their mailbox"
    assert SignInLink.objects.count() == cap
    assert Client().post(link_in(mail.outbox[0])).status_code == 302, "the first link still works"


def test_requests_for_links_are_rate_limited_per_client(client, jo, settings, ask):
    settings.SENDHUB_SIGN_IN_LINK_RATE = "2/h"
    assert ask(client, "a@example.org").status_code == 200
    assert ask(client, "b@example.org").status_code == 200
    refused = ask(client)
    assert refused.status_code == 429 and "Too many requests for sign-in links" in refused.content.decode()
    assert mail.outbox == []
    assert ask(Client(REMOTE_ADDR="192.0.2.50")).status_code == 200 and len(mail.outbox) == 1


def test_a_bad_address_is_explained(client, jo, ask):
    response = ask(client, "")
    assert response.status_code == 200 and "Enter your email address" in response.content.decode()
    response = ask(client, "not an address")
    assert "Enter an email address in the correct format" in response.content.decode()
    assert mail.outbox == [] and not SignInLink.objects.exists()


def test_the_link_stands_in_for_the_password_only_not_the_second_factor(client, jo, ask):
    TOTPDevice.objects.create(user=jo, name="Authenticator app", confirmed=True)
    ask(client)
    response = client.post(link_in(mail.outbox[0]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:two-factor"))
    assert "_auth_user_id" not in client.session


def test_after_a_link_the_holder_may_choose_a_new_password_without_the_old_one(client, jo, ask):
    ask(client)
    client.post(link_in(mail.outbox[0]))
    new = "a brand new passphrase for jo 7"
    response = client.post(reverse("accounts:new-password"), {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    jo.refresh_from_db()
    assert jo.check_password(new)
    assert int(client.session["_auth_user_id"]) == jo.pk, "still signed in"
    assert client.get(reverse("accounts:new-password")).url == reverse("accounts:password-change"), "once only"


def test_a_weak_new_password_is_explained_and_changes_nothing(client, jo, ask):
    ask(client)
    client.post(link_in(mail.outbox[0]))
    response = client.post(reverse("accounts:new-password"), {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    jo.refresh_from_db()
    assert jo.check_password(PASSWORD)


def test_without_a_link_the_new_password_page_sends_to_change_password(client, jo):
    client.force_login(jo)
    response = client.get(reverse("accounts:new-password"))
    assert response.status_code == 302 and response.url == reverse("accounts:password-change")
    assert Client().get(reverse("accounts:new-password")).url.startswith(SIGN_IN)
