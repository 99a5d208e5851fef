"""Playwright fixtures for the browser journeys: Debian's Chromium, a page on the live server, and axe checks.

The journeys drive /usr/bin/chromium (installed by ``make system-deps``); Playwright never downloads a browser.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread, so Django would refuse the ORM calls that
# the tests make (factories, assertions) while a browser is open. The tests are synchronous: allow them.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def browser():
    """One Chromium for this package's tests; each test gets fresh contexts (cookies, storage) from ``new_page``.

    Package scope, not session: Playwright's sync API cannot start while another instance runs in the same
    thread, so ours must stop before browser tests elsewhere in the suite start theirs.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Browser journeys need Debian's Chromium at {CHROMIUM} (`make system-deps` installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page()``: a page in a new browser context (its own cookies) whose relative URLs go to the live server.

    Every journey also proves the Content Security Policy breaks nothing: Chromium reports each script, style or
    image it refused on the console, and any such report fails the test.
    """
    contexts = []
    refused: list[str] = []

    def note_refusal(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def make():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", note_refusal)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not refused, "the Content Security Policy refused:\n  " + "\n  ".join(refused)


@pytest.fixture
def page(new_page):
    return new_page()


# Accessibility checks ------------------------------------------------------------------------------------

_axe = None


def _axe_runner():
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    return _axe


def axe_violations(page) -> list[str]:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) on the page as it is now; one readable line per violation."""
    results = _axe_runner().run(page, options=AXE_OPTIONS)
    lines = []
    for violation in results.response["violations"]:
        targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return lines


def axe_check(page) -> None:
    """Fail if axe finds any WCAG A or AA violation on the page."""
    violations = axe_violations(page)
    assert not violations, f"axe violations on {page.url}:\n  " + "\n  ".join(violations)


@dataclass
class AxeAudit:
    """Collects axe results page by page through a journey; ``assert_clean()`` fails listing every violation."""

    pages: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def check(self, page, label: str | None = None) -> None:
        name = f"{label or page.title()} ({page.url})"
        self.pages.append(name)
        violations = axe_violations(page)
        if violations:
            self.problems[name] = violations

    def assert_clean(self) -> None:
        assert self.pages, "no page was checked"
        if self.problems:
            report = "\n".join(f"{name}:\n  " + "\n  ".join(violations) for name, violations in self.problems.items())
            pytest.fail(f"axe found violations on {len(self.problems)} of {len(self.pages)} pages:\n{report}")


@pytest.fixture
def axe_audit():
    return AxeAudit()
