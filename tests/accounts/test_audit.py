"""The audit log: sign-ins (good, failed, locked out, idle), exports and downloads, and who can read it."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from sendhub.accounts.models import AuditEvent, Role
from tests.factories import ActionFactory, member

SIGN_IN = reverse("accounts:sign-in")
PASSWORD = "a long enough password 1"  # noqa: S105


@pytest.fixture
def jo(area, la_org):
    user = member(area, Role.EDITOR, la_org, email="jo@example.org", full_name="Jo Bloggs")
    user.set_password(PASSWORD)
    user.save()
    return user


def kinds() -> list[str]:
    return list(AuditEvent.objects.order_by("at", "pk").values_list("kind", flat=True))


def test_signing_in_and_out_is_recorded(client, jo):
    client.post(SIGN_IN, {"username": "jo@example.org", "password": PASSWORD})
    client.post(reverse("accounts:sign-out"))

    events = list(AuditEvent.objects.order_by("at", "pk"))
    assert [e.kind for e in events] == ["signed_in", "signed_out"]
    assert all(e.user == jo for e in events)
    assert all(len(e.request_id) == 32 for e in events), "each event names the request that caused it"


def test_a_failed_sign_in_names_the_account_only_if_it_exists(client, jo):
    client.post(SIGN_IN, {"username": "jo@example.org", "password": "wrong password"})
    client.post(SIGN_IN, {"username": "nobody.known@example.org", "password": "wrong password"})

    known, unknown = AuditEvent.objects.order_by("at", "pk")
    assert (known.kind, known.user) == ("sign_in_failed", jo)
    assert (unknown.kind, unknown.user) == ("sign_in_failed", None)
    # The mistyped address is stored nowhere in the event.
    assert "nobody.known" not in str(unknown.detail) + unknown.what


def test_repeated_failures_lock_the_account_and_say_so(client, jo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": "jo@example.org", "password": "wrong password"})

    assert AuditEvent.objects.filter(kind="locked_out", user=jo).count() == 1


def test_an_idle_session_is_signed_out_and_recorded(client, jo, area, settings):
    client.force_login(jo)
    home = reverse("improvement:dashboard", args=[area.slug])
    assert client.get(home).status_code == 200
    session = client.session
    session["sendhub_last_seen"] = int(time.time()) - settings.SENDHUB_SESSION_IDLE_SECONDS - 5
    session.save()

    response = client.get(home)

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind="idle_sign_out", user=jo).exists()


def test_an_active_session_is_kept(client, jo, area):
    client.force_login(jo)
    home = reverse("improvement:dashboard", args=[area.slug])
    for _ in range(3):
        assert client.get(home).status_code == 200


def test_exports_and_downloads_are_recorded_with_the_area(client_for, admin_user, area):
    ActionFactory(area=area)
    client = client_for(admin_user)
    assert client.get(reverse("improvement:export-csv", args=[area.slug])).status_code == 200
    assert client.get(reverse("improvement:export-xlsx", args=[area.slug])).status_code == 200

    exports = AuditEvent.objects.filter(kind="exported").order_by("pk")
    assert [(e.user, e.area, e.what, e.detail["format"]) for e in exports] == [
        (admin_user, area, "Improvement plan", "csv"),
        (admin_user, area, "Improvement plan", "xlsx"),
    ]


def test_administrators_read_the_log_and_others_cannot(client_for, admin_user, viewer_user, outsider, area):
    client = client_for(admin_user)
    client.get(reverse("improvement:export-csv", args=[area.slug]))
    url = reverse("area-admin:audit-log", args=[area.slug])

    page = client.get(url).content.decode()
    assert "Exported data" in page and "Improvement plan (CSV)" in page
    assert "Signed in" not in client.get(url + "?kind=exported").content.decode().split("<tbody")[1]
    # Sign-ins of people outside the area are not shown to this area's administrators.
    client_for(outsider)
    assert AuditEvent.objects.filter(kind="signed_in", user=outsider).exists()
    assert "Otto Outsider" not in page
    assert client_for(viewer_user).get(url).status_code == 403


def test_audit_events_are_never_changed():
    event = AuditEvent.objects.create(kind="signed_in")
    event.what = "changed"
    with pytest.raises(ValueError, match="never changed"):
        event.save()


def test_a_busy_session_still_ends_when_the_session_age_is_reached(client, jo, area, settings):
    client.force_login(jo)
    home = reverse("improvement:dashboard", args=[area.slug])
    session = client.session
    session["sendhub_signed_in_at"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session["sendhub_last_seen"] = int(time.time()) - 1  # active a second ago
    session.save()

    response = client.get(home)

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind="session_expired", user=jo).exists()
