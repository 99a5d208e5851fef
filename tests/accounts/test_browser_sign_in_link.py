"""The emailed sign-in link's pages by keyboard, axe-clean, in Chromium (run with -m browser)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts.models import SignInLink
from tests.factories import UserFactory

from .test_browser import assert_axe_clean, live_url, page, pytestmark  # noqa: F401 - fixtures and marks shared

TOKEN = "browser-journey-sign-in-link-token"  # noqa: S105


@pytest.fixture
def link_holder():
    """Made before the browser starts: Playwright's sync API runs an event loop, so no ORM calls after."""
    user = UserFactory(email="jo@example.org", full_name="Jo Bloggs")
    SignInLink.objects.create(user=user, token_hash=hashlib.sha256(TOKEN.encode()).hexdigest(),
                              expires_at=timezone.now() + timedelta(minutes=30))
    return user


def test_sign_in_link_pages_are_keyboard_usable_and_axe_clean(live_url, link_holder, page):  # noqa: F811
    page.goto(live_url + reverse("accounts:sign-in"))
    page.get_by_role("link", name="get a sign-in link by email").click()
    page.wait_for_load_state()
    assert page.url == live_url + reverse("accounts:sign-in-link-request")
    assert_axe_clean(page)
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Enter your email address" in page.content()
    assert_axe_clean(page)
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Email address").press("Enter")
    page.wait_for_selector("text=Check your email")
    assert_axe_clean(page)

    link = live_url + reverse("accounts:sign-in-link", args=[TOKEN])
    page.goto(link)
    assert "You will be signed in as jo@example.org" in page.content()
    assert_axe_clean(page)
    page.get_by_role("button", name="Sign in").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Choose a new password")
    assert_axe_clean(page)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Save new password").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_axe_clean(page)

    page.goto(link)
    assert "already been used" in page.content()
    assert_axe_clean(page)
