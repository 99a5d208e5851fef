"""Four people walk the Lancashire demo in Chromium, at desktop width and at 375 px, each to the thing they came
for, with axe (WCAG 2.0-2.2 A and AA) on every page they see:

- a parent in Preston: the front door -> Find support -> "autism" near PR1 2HE -> page 2 keeps the search ->
  a listing;
- the Parent Carer Forum's co-chair: signs in -> lands on the forum's page -> records a co-production activity ->
  drafts a "You said, we did" entry (which waits for an administrator);
- a DfE monitor: signs in -> lands on the cross-area monitoring page, with "Monitoring" in the navigation;
- the council's improvement lead: signs in -> the dashboard -> actions filtered -> page 2 keeps the filter.

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from sendhub.voice.models import CoproductionActivity, YouSaidWeDid
from tests.browser.demo_fixtures import (
    ADMIN,
    FORUM,
    MONITOR,
    WIDTHS,
    at_width,
    demo,  # noqa: F401 - fixture
    navigate,
    no_horizontal_scroll,
    sign_in,
)

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def showing(page) -> tuple[int, int, int]:
    """The pagination's "Showing 21 to 40 of 45" as (21, 40, 45)."""
    text = page.get_by_text(re.compile(r"^Showing \d[\d,]* to \d[\d,]* of \d[\d,]*$")).inner_text()
    first, last, total = (int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text))
    return first, last, total


def result_names(page) -> list[str]:
    return page.locator("ol.sendhub-results > li h3").all_inner_texts()


def test_a_parent_in_preston_finds_autism_support_from_the_front_door(new_page, demo, axe_audit):  # noqa: F811
    for width in WIDTHS:  # one demo, both widths: each in a fresh browser context
        page = new_page()
        at_width(page, width)
        _a_parent_in_preston_finds_autism_support_from_the_front_door(page, demo, axe_audit, width)


def _a_parent_in_preston_finds_autism_support_from_the_front_door(page, area, axe_audit, width: int) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Support for children and young people with SEND")
    for label in ("Find support", "Have your say", "How we are improving", "You said, we did"):
        expect(page.get_by_role("main").get_by_role("link", name=label, exact=True)).to_be_visible()
    no_horizontal_scroll(page)
    axe_audit.check(page, f"Front door at {width}px")

    page.get_by_role("main").get_by_role("link", name="Find support", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find support and services")
    axe_audit.check(page, f"Find support at {width}px")
    # The public pages share one navigation: from here the family can reach the other three.
    navigate(page, "Have your say")
    expect(page).to_have_url(re.compile(reverse("voice-public:index", args=[area.slug]) + "$"))
    navigate(page, "Find support")

    page.get_by_label("Keywords").fill("autism")
    page.get_by_label("Near").fill("PR1 2HE")
    page.get_by_role("button", name="Search", exact=True).click()
    summary = page.locator("#results-heading")
    expect(summary).to_contain_text("autism")
    heading = summary.inner_text()
    first_page = result_names(page)
    assert first_page, "no results for autism near PR1 2HE"
    _start, _end, total = showing(page)
    assert total > len(first_page), f"only one page of results: {heading}"
    axe_audit.check(page, f"Results page 1 at {width}px")

    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
    wanted = query(page)
    assert wanted["q"] == ["autism"] and wanted["near"] == ["PR1 2HE"], page.url
    expect(summary).to_have_text(heading)  # the same search: "N services ... matching autism", not every service
    assert showing(page)[2] == total
    second_page = result_names(page)
    assert second_page and not set(second_page) & set(first_page)
    axe_audit.check(page, f"Results page 2 at {width}px")

    chosen = second_page[0]
    page.locator("ol.sendhub-results > li h3 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen)
    axe_audit.check(page, f"Listing at {width}px")


def test_the_forum_records_coproduction_and_drafts_you_said_we_did(new_page, demo, axe_audit):  # noqa: F811
    for width in WIDTHS:  # one demo, both widths: each in a fresh browser context
        page = new_page()
        at_width(page, width)
        _the_forum_records_coproduction_and_drafts_you_said_we_did(page, demo, axe_audit, width)


def _the_forum_records_coproduction_and_drafts_you_said_we_did(page, area, axe_audit, width: int) -> None:
    sign_in(page, FORUM)
    expect(page).to_have_url(re.compile(reverse("voice:forum", args=[area.slug]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Parent Carer Forum")
    axe_audit.check(page, f"Forum page at {width}px")

    title = f"Short breaks listening event ({width}px)"
    page.get_by_role("link", name="Log a co-production activity").click()
    axe_audit.check(page, f"Co-production form at {width}px")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Workshop", exact=True).check()
    page.get_by_label("Date", exact=True).fill((date.today() - timedelta(days=3)).isoformat())
    page.get_by_label("What happened and what was decided").fill("Families told us short breaks are hard to find.")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    activity = CoproductionActivity.objects.get(area=area, title=title)
    assert activity.history.first().history_user.email == FORUM  # recorded in the audit history as the forum's
    axe_audit.check(page, f"Activity at {width}px")

    navigate(page, "Forum")
    you_said = f"Short breaks were hard to find ({width}px)."
    page.get_by_role("link", name="Draft a \u201cYou said, we did\u201d entry").click()
    page.get_by_label("You said", exact=True).fill(you_said)
    we_did = "We listed every short break in the Local Offer, with how to ask for one."
    page.get_by_label("We did", exact=True).fill(we_did)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("saved as a draft: an area administrator publishes it")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)  # publishing is an administrator's
    entry = YouSaidWeDid.objects.get(area=area, you_said=you_said)
    assert not entry.is_published
    axe_audit.check(page, f"Draft at {width}px")

    navigate(page, "Forum")
    expect(page.get_by_role("link", name=you_said)).to_be_visible()  # waiting for an administrator


def test_the_monitor_lands_on_the_monitoring_page(new_page, demo, axe_audit):  # noqa: F811
    for width in WIDTHS:  # one demo, both widths: each in a fresh browser context
        page = new_page()
        at_width(page, width)
        _the_monitor_lands_on_the_monitoring_page(page, demo, axe_audit, width)


def _the_monitor_lands_on_the_monitoring_page(page, area, axe_audit, width: int) -> None:
    sign_in(page, MONITOR)
    expect(page).to_have_url(re.compile(reverse("monitoring:overview") + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Areas you monitor")
    axe_audit.check(page, f"Monitoring at {width}px")

    page.get_by_role("main").get_by_role("link", name="Improvement plan").first.click()
    expect(page).to_have_url(re.compile(reverse("improvement:dashboard", args=[area.slug]) + "$"))
    navigate(page, "Monitoring")  # from an area's pages, "Monitoring" leads back
    expect(page).to_have_url(re.compile(reverse("monitoring:overview") + "$"))


def test_the_improvement_lead_filters_actions_and_pages_through_them(new_page, demo, axe_audit):  # noqa: F811
    for width in WIDTHS:  # one demo, both widths: each in a fresh browser context
        page = new_page()
        at_width(page, width)
        _the_improvement_lead_filters_actions_and_pages_through_them(page, demo, axe_audit, width)


def _the_improvement_lead_filters_actions_and_pages_through_them(page, area, axe_audit, width: int) -> None:
    sign_in(page, ADMIN)
    expect(page).to_have_url(re.compile(reverse("improvement:dashboard", args=[area.slug]) + "$"))
    axe_audit.check(page, f"Dashboard at {width}px")

    navigate(page, "Actions")
    if not page.get_by_label("Status").is_visible():
        page.get_by_text("Filter actions").click()
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"status=in_progress"))
    first_rows = page.locator("main table tbody tr").all_inner_texts()
    _s, _e, total = showing(page)
    axe_audit.check(page, f"Actions filtered at {width}px")

    page.get_by_role("link", name="Next page").click()
    assert query(page)["status"] == ["in_progress"] and query(page)["page"] == ["2"], page.url
    assert showing(page)[2] == total
    second_rows = page.locator("main table tbody tr").all_inner_texts()
    assert second_rows and not set(second_rows) & set(first_rows)
    axe_audit.check(page, f"Actions page 2 at {width}px")

    page.get_by_role("link", name="Previous page").click()
    assert query(page)["status"] == ["in_progress"] and query(page)["page"] == ["1"]
    assert page.locator("main table tbody tr").all_inner_texts() == first_rows
