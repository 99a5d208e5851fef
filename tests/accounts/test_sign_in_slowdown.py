"""Issue 13, item 2: failures for one account from many addresses slow its sign-in progressively.

django-axes locks an account per client address; an attacker with many addresses would otherwise get the per-address
allowance from each of them. A hard per-account lock would let anyone shut a person out, so instead each further
password check for a much-failed account waits longer, and the holder can always get in by emailed link
(tests/accounts/test_sign_in_link.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts import services
from sendhub.accounts.identity import identity_key
from sendhub.accounts.models import AuditEvent, SignInThrottle
from sendhub.accounts.selectors import slowdown_seconds
from tests.factories import UserFactory

SIGN_IN = reverse("accounts:sign-in")
PASSWORD = "a long enough password 13"  # noqa: S105
ADDRESS = "jo@example.org"


def from_address(n: int) -> Client:
    return Client(REMOTE_ADDR=f"198.51.100.{n}")


def sign_in(client: Client, password: str = "a wrong guess", username: str = ADDRESS):  # noqa: S107
    return client.post(SIGN_IN, {"username": username, "password": password})


def throttle() -> SignInThrottle:
    return SignInThrottle.objects.get(key=identity_key(ADDRESS))


def let_time_pass(seconds: float) -> None:
    SignInThrottle.objects.update(last_attempt_at=timezone.now() - timedelta(seconds=seconds))


@pytest.fixture
def jo(db):
    return UserFactory(email=ADDRESS, password=PASSWORD)


@pytest.fixture
def password_checks(monkeypatch):
    """How many times Django's ModelBackend was asked to check a password."""
    calls = []
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        calls.append(username)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    return calls


def fail_from_many_addresses(count: int) -> None:
    """``count`` wrong passwords, each from its own address; past the allowance each waits out its turn."""
    for n in range(count):
        if n >= settings.SENDHUB_LOGIN_SLOWDOWN_AFTER:
            let_time_pass(slowdown_seconds(n))
        assert sign_in(from_address(n + 1)).status_code == 200


def test_the_wait_doubles_after_the_allowance_up_to_the_cool_off():
    after = settings.SENDHUB_LOGIN_SLOWDOWN_AFTER
    waits = [slowdown_seconds(n) for n in range(after + 14)]
    assert waits[:after] == [0] * after
    assert waits[after : after + 5] == [1, 2, 4, 8, 16]
    assert max(waits) == int(settings.AXES_COOLOFF_TIME * 3600) == slowdown_seconds(10**9)


def test_failures_from_many_addresses_slow_the_account_without_checking_the_password(jo, password_checks):
    fail_from_many_addresses(settings.SENDHUB_LOGIN_SLOWDOWN_AFTER)
    checks_before = len(password_checks)
    failures_before = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).count()

    fresh = from_address(200)
    response = sign_in(fresh, PASSWORD)

    assert response.status_code == 429 and response["Retry-After"] == "1"
    page = response.content.decode()
    assert "too many failed attempts to sign in to this account. Wait 1 second, then try again" in page
    assert reverse("accounts:sign-in-link-request") in page
    assert "_auth_user_id" not in fresh.session
    assert len(password_checks) == checks_before, "the password was not checked"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).count() == failures_before
    assert throttle().failures == settings.SENDHUB_LOGIN_SLOWDOWN_AFTER, "a refused try is not a failure"


def test_each_further_failure_waits_longer_and_the_right_password_works_after_the_wait(jo):
    fail_from_many_addresses(settings.SENDHUB_LOGIN_SLOWDOWN_AFTER)

    let_time_pass(1)
    assert sign_in(from_address(201)).status_code == 200, "after the wait the password is checked (and wrong)"
    slowed = sign_in(from_address(202), PASSWORD)
    assert slowed.status_code == 429 and slowed["Retry-After"] == "2"
    assert "Wait 2 seconds" in slowed.content.decode()

    let_time_pass(2)
    signed_in = from_address(203)
    assert sign_in(signed_in, PASSWORD).status_code == 302
    assert int(signed_in.session["_auth_user_id"]) == jo.pk
    assert not SignInThrottle.objects.exists(), "the holder signing in starts the count again"


def test_requests_arriving_together_get_one_password_check_between_them(jo, password_checks):
    fail_from_many_addresses(settings.SENDHUB_LOGIN_SLOWDOWN_AFTER + 3)  # the next wait is 8 s
    let_time_pass(8)
    checks_before = len(password_checks)
    statuses = [sign_in(from_address(100 + n)).status_code for n in range(5)]
    assert statuses == [200, 429, 429, 429, 429]
    assert len(password_checks) == checks_before + 1


def test_an_unknown_address_is_slowed_the_same_way(db):
    for n in range(settings.SENDHUB_LOGIN_SLOWDOWN_AFTER):
        sign_in(from_address(n + 1), username="nobody@example.org")
    response = sign_in(from_address(99), username="Nobody@Example.org")
    assert response.status_code == 429 and "Wait 1 second" in response.content.decode()


def test_tries_refused_by_the_per_address_lock_are_not_counted_again(jo):
    client = from_address(1)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client)
    for _ in range(10):
        assert sign_in(client).status_code == 429  # axes: "Sign-in locked"
    assert throttle().failures == settings.AXES_FAILURE_LIMIT


def test_a_quiet_day_forgets_the_failures(jo):
    fail_from_many_addresses(settings.SENDHUB_LOGIN_SLOWDOWN_AFTER + 5)
    let_time_pass(24 * 60 * 60)
    assert services.sign_in_throttle_claim(identity=ADDRESS) == 0
    assert not SignInThrottle.objects.exists()


def test_the_table_names_no_one(jo):
    fail_from_many_addresses(2)
    row = throttle()
    assert ADDRESS not in row.key and len(row.key) == 64


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_when_the_wait_ends_get_one_turn():
    import threading

    from django.db import connection

    now = timezone.now()
    SignInThrottle.objects.create(key=identity_key(ADDRESS), failures=settings.SENDHUB_LOGIN_SLOWDOWN_AFTER + 2,
                                  first_failure_at=now, last_attempt_at=now - timedelta(seconds=5))
    barrier, waits = threading.Barrier(6), []

    def attempt():
        try:
            barrier.wait()
            waits.append(services.sign_in_throttle_claim(identity=ADDRESS))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(waits) == 6 and waits.count(0) == 1, "one password check between them"
    assert all(4 <= wait <= 5 for wait in waits if wait), "the others wait for the next turn"
