"""Sufficiency journey in Chromium: an administrator opens the Sufficiency page from the staff navigation, records
specialist places, chooses a scenario (a bad value first) and sees the scenario column change, downloads the SCAP
workbook, sorts the national table with the keyboard, and opens the public page. Every page is checked with axe at
desktop width and again at 375px.

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sendhub.forecasting import scap
from sendhub.forecasting.selectors import clear_cache
from sendhub.outcomes.models import StatisticalNeighbour
from tests.browser.test_journeys import sign_in
from tests.forecasting.factories import import_small_release

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

NARROW = {"width": 375, "height": 800}
WIDE = {"width": 1280, "height": 900}


def check_both_widths(page, axe_audit, label: str) -> None:
    axe_audit.check(page, label)
    page.set_viewport_size(NARROW)
    axe_audit.check(page, f"{label} (375px)")
    page.set_viewport_size(WIDE)


def scenario_cell(page, year: int, column: int) -> int:
    row = page.locator("#scenario-table tbody tr", has=page.locator("th", has_text=str(year)))
    return int(row.locator("td").nth(column).inner_text().replace(",", ""))


@pytest.fixture
def release(db, tmp_path):
    release = import_small_release(tmp_path / "release")
    yield release
    clear_cache()


def test_sufficiency_journey(page, area, admin_user, release, axe_audit, tmp_path):
    StatisticalNeighbour.objects.create(la_name="Lancashire", neighbour_name="Borough 03", rank=1)
    sign_in(page, admin_user.email)
    page.goto(reverse("improvement:dashboard", args=[area.slug]))
    page.get_by_role("navigation", name="Staff pages").get_by_role("link", name="Sufficiency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sufficiency of specialist places")
    expect(page.get_by_role("img", name="All EHC plans: published and forecast")).to_be_visible()
    expect(page.get_by_text("We expect about")).to_be_visible()
    check_both_widths(page, axe_audit, "Sufficiency page")

    # Record places.
    sections = page.get_by_role("navigation", name="Sufficiency sections")
    sections.get_by_role("link", name="Record specialist places").click()
    page.get_by_label("January the places are for").fill("2026")
    page.get_by_label("Maintained special schools", exact=True).check()
    page.get_by_label("Places", exact=True).fill("3000")
    page.get_by_role("button", name="Save places").click()
    expect(page.get_by_text("3,000 places saved: Maintained special schools, January 2026")).to_be_visible()
    check_both_widths(page, axe_audit, "Record places")

    # A scenario: a bad value first, then a good one.
    page.goto(reverse("forecasting:sufficiency", args=[area.slug]))
    before = scenario_cell(page, 2027, 5)
    assert scenario_cell(page, 2027, 5) == scenario_cell(page, 2027, 4)
    field = page.get_by_label("Fewer independent special school placements each year")
    field.fill("-3")
    page.get_by_role("button", name="Show the scenario").click()
    expect(page.get_by_role("alert")).to_contain_text("The number of children must be 0 or more")
    check_both_widths(page, axe_audit, "Scenario with an error")
    page.get_by_label("Fewer independent special school placements each year").fill("100")
    page.get_by_role("button", name="Show the scenario").click()
    expect(page.locator("#scenario-table caption")).to_have_text("Baseline and scenario")
    assert scenario_cell(page, 2027, 4) == before
    assert scenario_cell(page, 2027, 5) == before - 200
    check_both_widths(page, axe_audit, "Scenario")

    # The SCAP workbook.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the SCAP forecast (XLSX)").click()
    path = tmp_path / "scap.xlsx"
    download_info.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames[0] == scap.FORECAST_SHEET
    assert book[scap.FORECAST_SHEET]["B2"].value == "Lancashire"

    # The national table, sorted with the keyboard.
    page.get_by_role("link", name="Compare every area").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Every area's forecast")
    link = page.get_by_role("link", name="Plans issued in 20 weeks")
    link.focus()
    page.keyboard.press("Enter")
    header = page.locator("th[aria-sort]")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(header).to_contain_text("Plans issued in 20 weeks")
    expect(page.locator("tbody tr").first.locator("th")).to_contain_text("Borough 11")
    expect(page.get_by_text("Neighbour 1")).to_be_visible()
    check_both_widths(page, axe_audit, "National table")

    # The public page, signed out.
    page.get_by_role("button", name="Sign out").click()
    page.goto(reverse("sufficiency-public:index", args=[area.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Planning school places for children with SEND")
    check_both_widths(page, axe_audit, "Public page")
    axe_audit.assert_clean()
