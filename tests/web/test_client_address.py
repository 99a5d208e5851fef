"""Issue 13, item 2: the client's address comes from X-Forwarded-For only when a trusted proxy sent the request, and
sign-in lockout and every public rate limit key on it (behind nginx everyone used to be one client)."""

from __future__ import annotations

import runpy
from pathlib import Path

import factory
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse
from django_ratelimit.core import get_usage
from factory.django import DjangoModelFactory

from sendhub.directory.models import DirectoryOrganisation, Service
from sendhub.web.client_address import client_address
from tests.factories import LocalAreaFactory, UserFactory

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "src" / "sendhub" / "settings.py"
PROXY = "10.0.0.2"
PASSWORD = "a long enough password 13"  # noqa: S105


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def through_proxy(forwarded: str) -> Client:
    """A browser whose requests nginx (at PROXY) passes on, naming the browser's address as ``forwarded``."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.fixture
def proxies(settings):
    settings.SENDHUB_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    return settings


# The rule ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.2", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.2", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left entry was written by the client
        ("10.0.0.2", "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),  # load balancer, then nginx
        ("127.0.0.1", "203.0.113.7:51234", "203.0.113.7"),  # a proxy that adds the port
        ("10.0.0.2", "[2001:db8::7]:443", "2001:db8::7"),
        ("10.0.0.2", "::ffff:203.0.113.7", "203.0.113.7"),
        ("10.0.0.2", "", "10.0.0.2"),  # the proxy named no one: it is the client
        ("10.0.0.2", "203.0.113.7, not-an-address", "10.0.0.2"),  # a trusted hop passed on rubbish
        ("10.0.0.2", "10.0.0.5", "10.0.0.5"),  # only proxies: the furthest one
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),  # not a proxy of ours: the header is anyone's
        ("::ffff:198.51.100.9", None, "198.51.100.9"),
    ],
)
def test_the_client_is_the_right_most_untrusted_address(proxies, remote, forwarded, client):
    assert client_address(request_from(remote, forwarded)) == client


def test_without_trusted_proxies_the_header_is_ignored(settings):
    assert settings.SENDHUB_TRUSTED_PROXIES == []
    assert client_address(request_from("127.0.0.1", "203.0.113.7")) == "127.0.0.1"


@pytest.mark.parametrize("bad", ["10.0.0.300", "nginx", "10.0.0.0/33"])
def test_a_bad_trusted_proxy_stops_the_server_with_a_clear_message(monkeypatch, tmp_path, bad):
    monkeypatch.setenv("SENDHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SENDHUB_TRUSTED_PROXIES", f"127.0.0.1, {bad}")
    with pytest.raises(ImproperlyConfigured, match=rf"SENDHUB_TRUSTED_PROXIES: '{bad}' is not an IP address"):
        runpy.run_path(str(SETTINGS_FILE))


def test_trusted_proxies_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SENDHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SENDHUB_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/24,::1")
    values = runpy.run_path(str(SETTINGS_FILE))
    assert values["SENDHUB_TRUSTED_PROXIES"] == ["127.0.0.1/32", "10.0.0.0/24", "::1/128"]
    monkeypatch.delenv("SENDHUB_TRUSTED_PROXIES")
    assert runpy.run_path(str(SETTINGS_FILE))["SENDHUB_TRUSTED_PROXIES"] == [], "none trusted by default"


# Sign-in lockout -----------------------------------------------------------------------------------------------


def fail_sign_in(client: Client, times: int) -> None:
    for _ in range(times):
        client.post(reverse("accounts:sign-in"), {"username": "jo@example.org", "password": "a wrong guess"})


@pytest.mark.django_db
def test_two_people_behind_the_proxy_are_two_clients_for_the_lockout(proxies):
    jo = UserFactory(email="jo@example.org", password=PASSWORD)
    attacker, holder = through_proxy("203.0.113.66"), through_proxy("198.51.100.20")

    fail_sign_in(attacker, django_settings.AXES_FAILURE_LIMIT)
    locked = attacker.post(reverse("accounts:sign-in"), {"username": "jo@example.org", "password": PASSWORD})
    assert locked.status_code == 429 and "Sign-in locked" in locked.content.decode()

    response = holder.post(reverse("accounts:sign-in"), {"username": "jo@example.org", "password": PASSWORD})
    assert response.status_code == 302 and int(holder.session["_auth_user_id"]) == jo.pk


@pytest.mark.django_db
def test_a_forged_header_from_outside_does_not_escape_the_lockout(proxies):
    UserFactory(email="jo@example.org", password=PASSWORD)
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            reverse("accounts:sign-in"), {"username": "jo@example.org", "password": "a wrong guess"})
    forged = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.200")
    response = forged.post(reverse("accounts:sign-in"), {"username": "jo@example.org", "password": PASSWORD})
    assert response.status_code == 429 and "_auth_user_id" not in forged.session


@pytest.mark.django_db
def test_a_forged_header_sent_through_the_proxy_names_the_real_client(proxies):
    UserFactory(email="jo@example.org", password=PASSWORD)
    # nginx appends the address it saw ($proxy_add_x_forwarded_for), so whatever the browser wrote stays on the left.
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        fail_sign_in(through_proxy(f"192.0.2.{n}, 203.0.113.66"), 1)
    again = through_proxy("192.0.2.99, 203.0.113.66")
    response = again.post(reverse("accounts:sign-in"), {"username": "jo@example.org", "password": PASSWORD})
    assert response.status_code == 429


# Public forms' rate limits -------------------------------------------------------------------------------------


def test_rate_limit_keys_are_the_client_address(proxies):
    def count(request) -> int:
        return get_usage(request, group="test", key="ip", rate="100/h", method="POST", increment=True)["count"]

    assert count(request_from(PROXY, "203.0.113.1")) == 1
    assert count(request_from(PROXY, "203.0.113.1")) == 2
    assert count(request_from(PROXY, "203.0.113.2")) == 1, "another family behind the same proxy"
    assert count(request_from("198.51.100.9", "203.0.113.1")) == 1, "a forged header from outside is ignored"
    assert count(request_from("198.51.100.9", "203.0.113.3")) == 2


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = DirectoryOrganisation

    area = factory.SubFactory(LocalAreaFactory)
    name = factory.Sequence(lambda n: f"Provider {n}")
    description = "An invented provider."


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    area = factory.SubFactory(LocalAreaFactory)
    organization = factory.SubFactory(ProviderFactory, area=factory.SelfAttribute("..area"))
    name = factory.Sequence(lambda n: f"Listing {n}")
    description = "A support group for families."
    is_published = True


@pytest.mark.django_db
def test_problem_reports_are_limited_per_family_not_per_proxy(proxies):
    proxies.SENDHUB_REPORT_RATE = "2/h"
    service = ServiceFactory()
    url = reverse("directory:report", args=[service.area.slug, service.pk])
    report = {"problem": "other", "details": "The phone number is wrong"}
    first = through_proxy("203.0.113.1")
    assert [first.post(url, report).status_code for _ in range(3)] == [302, 302, 429]
    assert through_proxy("203.0.113.2").post(url, report).status_code == 302
    forged = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.3")
    assert [forged.post(url, report, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(3)] == [
        302, 302, 429]


@pytest.mark.django_db
def test_feedback_lookups_are_limited_per_family_not_per_proxy(proxies):
    proxies.SENDHUB_VOICE_ACCESS_RATE = "2/h"
    area = LocalAreaFactory()
    url = reverse("voice-public:feedback-access", args=[area.slug])
    tries = {"reference": "FB-AAAAAAAA", "proof": "ABCD-EFGH"}
    first = through_proxy("203.0.113.1")
    assert [first.post(url, tries).status_code for _ in range(3)] == [200, 200, 429]
    assert through_proxy("203.0.113.2").post(url, tries).status_code == 200


def test_check_deploy_warns_behind_a_proxy_with_no_trusted_proxies(settings):
    from sendhub.web.checks import proxies_are_named

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SENDHUB_TRUSTED_PROXIES = []
    [warning] = proxies_are_named()
    assert warning.id == "sendhub.W011" and "SENDHUB_TRUSTED_PROXIES" in warning.hint
    settings.SENDHUB_TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert proxies_are_named() == []
