"""The Lancashire demo as the browser journeys' world: built by ``sendhub demo load`` itself (small SEN2 returns,
no DfE release, to keep it quick), with its printed logins, so the journeys walk what a newcomer sees."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from sendhub.accounts.models import LocalArea
from sendhub.demo.lancashire import DEMO_PASSWORD

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

ADMIN = "admin@lancashire.demo"  # the council's SEND improvement programme manager: the improvement lead
FORUM = "forum@lancashire.demo"
MONITOR = "monitor@dfe.demo"
VIEWER = "viewer@lancashire.demo"
WIDTHS = (1280, 375)  # desktop and a small phone


@pytest.fixture
def demo(transactional_db) -> LocalArea:
    out = StringIO()
    call_command("demo_load", "--sen2-persons", "150", "--dfe-release", "none", stdout=out)
    for email in (ADMIN, FORUM, MONITOR, VIEWER):
        assert email in out.getvalue(), f"demo load no longer prints the login {email}"
    return LocalArea.objects.get(slug="lancashire")


def at_width(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 600 else 812})


def sign_in(page, email: str) -> None:
    """Sign in through the form, as a person would, and wait for the page it lands on."""
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def open_menu(page) -> None:
    """On a narrow screen the service navigation folds behind a "Menu" button: open it if it is shown."""
    toggle = page.locator(".govuk-service-navigation__toggle")
    if toggle.count() and toggle.first.is_visible() and toggle.first.get_attribute("aria-expanded") != "true":
        toggle.first.click()


def navigate(page, label: str) -> None:
    """Follow a link of the service navigation (public or staff), opening the menu first on a phone."""
    open_menu(page)
    page.locator(".govuk-service-navigation__list").get_by_role("link", name=label, exact=True).click()


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} is {width} px wide at {viewport} px"
