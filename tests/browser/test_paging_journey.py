"""Paging through every paged list in Chromium, with a filter or search applied where the list has one.

For each list found by ``tests.test_paging.paged_views`` (so a new paged list fails here until it is added): apply
the list's filter or search through its own form, go to page 2 and back to page 1, and check that the filter stays
in the address, the count ("Showing 3 to 4 of N") stays the same, page 2 shows other rows, and page 1 shows the
same rows again. The world is the Lancashire demo, with each list's page size made small so that every list has
a second page. Every page is checked with axe.

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import resolve, reverse
from django.views.generic.list import MultipleObjectMixin

from sendhub.accounts import audit
from sendhub.accounts.models import AuditEvent, Organisation, User
from sendhub.outcomes.models import Direction, ManualMeasure
from tests.browser.demo_fixtures import ADMIN, demo, sign_in  # noqa: F401 - demo is a fixture
from tests.test_paging import paged_views

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ROWS = "main tbody tr, main ol.sendhub-results > li"


def open_filters(page) -> None:
    summary = page.locator("main details.govuk-details > summary").first
    if summary.count() and summary.get_attribute("aria-expanded") != "true":
        details = page.locator("main details.govuk-details").first
        if not details.evaluate("el => el.open"):
            summary.click()


def filter_form(label: str, *, select: str | None = None, fill: str | None = None, button: str) -> Callable:
    def apply(page) -> None:
        open_filters(page)
        field = page.get_by_label(label, exact=True)
        if not field.count():  # a label with a hint or "(optional)" after it
            field = page.get_by_label(label).first
        if select is not None:
            field.select_option(select)
        else:
            field.fill(fill)
        page.get_by_role("button", name=button, exact=True).click()

    return apply


@dataclass(frozen=True)
class PagedList:
    name: str
    apply: Callable | None = None  # applies the list's filter or search through its form
    wanted: dict | None = None  # what the filter must leave in the address
    page_size: int = 2


LISTS = [
    PagedList("directory:search", filter_form("Keywords", fill="autism", button="Search"), {"q": ["autism"]}, 5),
    PagedList("outcomes:deadlines", filter_form("Show", select="annual_review", button="Filter"),
              {"kind": ["annual_review"]}, 5),
    PagedList("improvement:action-list", filter_form("Status", select="in_progress", button="Apply filters"),
              {"status": ["in_progress"]}, 5),
    PagedList("voice:comment-list", filter_form("Theme", select="communication", button="Apply filters"),
              {"theme": ["communication"]}, 5),
    PagedList("directory:listing-list", filter_form("Name contains", fill="autism", button="Apply filters"),
              {"q": ["autism"]}, 3),
    PagedList("area-admin:audit-log", filter_form("Show", select="exported", button="Show events"),
              {"kind": ["exported"]}),
    PagedList("improvement:finding-list"),
    PagedList("improvement:inspection-list", page_size=1),
    PagedList("improvement:my-actions"),
    PagedList("governance:meeting-list"),
    PagedList("voice:coproduction-list"),
    PagedList("voice:ysd-list"),
    PagedList("reports:report-list", page_size=1),
    PagedList("reports:risk-list"),
    PagedList("outcomes:return-list", page_size=1),
    PagedList("outcomes:manual-measure-list", page_size=1),
    PagedList("area-admin:people"),
    PagedList("area-admin:organisation-list"),
]


def test_every_paged_list_is_in_the_journey():
    assert {item.name for item in LISTS} == set(paged_views())


@pytest.fixture
def small_pages(monkeypatch, demo):  # noqa: F811
    """Each list's page size made small (the live server runs in this process), and the few extra rows that the
    demo lacks: a second locally recorded measure and some exports for the audit log."""
    import sendhub.directory.views as directory_views
    from sendhub.outcomes.views import DeadlineTrackerView

    for item in LISTS:
        view = resolve(reverse(item.name, args=[demo.slug])).func.view_class
        if issubclass(view, MultipleObjectMixin):
            monkeypatch.setattr(view, "paginate_by", item.page_size)
    sizes = {item.name: item.page_size for item in LISTS}
    monkeypatch.setattr(DeadlineTrackerView, "page_size", sizes["outcomes:deadlines"])
    if hasattr(directory_views, "PER_PAGE"):  # the search's own page size
        monkeypatch.setattr(directory_views, "PER_PAGE", sizes["directory:search"])

    owner = Organisation.objects.filter(area=demo).first() or Organisation.objects.first()
    ManualMeasure.objects.create(area=demo, key="short-break-waits", name="Weeks waiting for a short break",
                                 unit="weeks", direction=Direction.LOWER_IS_BETTER, owner=owner)
    admin = User.objects.get(email=ADMIN)
    for n in range(5):
        audit.record(AuditEvent.Kind.EXPORTED, user=admin, area=demo, what=f"Improvement plan ({n + 1})")
    return demo


def showing(page) -> tuple[int, int, int]:
    text = page.get_by_text(re.compile(r"^Showing \d[\d,]* to \d[\d,]* of \d[\d,]*$")).inner_text()
    first, last, total = (int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text))
    return first, last, total


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def rows(page) -> list[str]:
    return page.locator(ROWS).all_inner_texts()


def test_paging_forward_and_back_keeps_the_filter_on_every_list(page, small_pages, axe_audit):
    area = small_pages
    sign_in(page, ADMIN)
    for item in LISTS:
        page.goto(reverse(item.name, args=[area.slug]))
        if item.apply:
            item.apply(page)
        label = f"{item.name}{' filtered' if item.apply else ''}"
        wanted = item.wanted or {}
        assert {key: query(page).get(key) for key in wanted} == wanted, f"{label}: the filter is not in {page.url}"
        first_rows = rows(page)
        first, last, total = showing(page)
        assert (first, last) == (1, item.page_size) and total > item.page_size, label
        axe_audit.check(page, f"{label}, page 1")

        page.get_by_role("link", name="Next page").click()
        expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
        assert "??" not in page.url and {key: query(page).get(key) for key in wanted} == wanted, page.url
        assert showing(page) == (item.page_size + 1, min(total, 2 * item.page_size), total), label
        second_rows = rows(page)
        assert set(second_rows) - set(first_rows) and set(first_rows) - set(second_rows), f"{label}: same rows"
        axe_audit.check(page, f"{label}, page 2")

        page.get_by_role("link", name="Previous page").click()
        expect(page).to_have_url(re.compile(r"[?&]page=1(&|$)"))
        assert {key: query(page).get(key) for key in wanted} == wanted, page.url
        assert showing(page) == (1, item.page_size, total) and rows(page) == first_rows, label
    axe_audit.assert_clean()
