"""Outcomes journey in Chromium: an administrator uploads a generated SEN2 return through the real form, sees it
imported, opens the outcomes dashboard (accessible SVG charts beside tables) and the deadline tracker; every page
visited is checked with axe (WCAG 2.0-2.2 A and AA).

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sendhub.outcomes.models import ManualMeasure, MeasureValue, Sen2Return
from sendhub.outcomes.sen2.generate import generate_sen2
from tests.browser.test_journeys import sign_in

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns that STATIC_ROOT does not exist: the live server serves static files from the apps.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PERSONS = 300
HEADLINE_TITLE = "New EHC plans issued within 20 weeks (%)"


@pytest.fixture
def sen2_file(tmp_path, area):
    path = tmp_path / "sen2-2026.xml"
    with path.open("w", encoding="utf-8") as out:
        generate_sen2(out, persons=PERSONS, year=2026, seed=21, la=area.la_code)
    return path


def test_administrator_uploads_a_return_and_sees_measures_and_deadlines(
    page, area, la_org, admin_user, sen2_file, axe_audit
):
    ManualMeasure.objects.create(
        area=area,
        key="autism-wait",
        name="Weeks waited for an autism assessment",
        unit="weeks",
        direction="lower",
        owner=la_org,
    )
    sign_in(page, admin_user.email)

    # Outcomes -> SEN2 returns -> Upload.
    page.get_by_role("navigation", name="Staff pages").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lancashire outcomes")
    expect(page.get_by_text("No SEN2 return has been imported for Lancashire yet")).to_be_visible()
    page.get_by_role("navigation", name="Outcomes sections").get_by_role("link", name="SEN2 returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SEN2 returns")
    page.get_by_role("link", name="Upload a SEN2 return").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a SEN2 return")
    axe_audit.check(page, "Upload form")

    page.get_by_label("SEN2 return (XML)").set_input_files(str(sen2_file))
    page.get_by_role("button", name="Upload and check").click()

    # The return's page, with the success banner.
    expect(page.get_by_role("heading", level=1)).to_have_text("SEN2 2026 return")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Imported {PERSONS} people from sen2-2026.xml")
    sen2_return = Sen2Return.objects.get(area=area)
    assert page.url.endswith(reverse("outcomes:return-detail", args=[area.slug, sen2_return.pk]))
    assert sen2_return.person_count == PERSONS and MeasureValue.objects.filter(sen2_return=sen2_return).exists()
    people = page.locator(".govuk-summary-list__row", has_text="People").locator("dd")
    expect(people).to_have_text(str(PERSONS))
    axe_audit.check(page, "Return detail")

    # The outcomes dashboard: headline cards, each an accessible SVG chart with a table of its figures beside it.
    page.get_by_role("link", name="Outcomes", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lancashire outcomes")
    cards = page.locator("section.sendhub-card")
    expect(cards).to_have_count(10)
    card = cards.filter(has=page.get_by_role("heading", name=HEADLINE_TITLE))
    chart = card.locator("svg")
    expect(chart).to_have_attribute("role", "img")
    # Named (aria-labelledby) by its <title> and its <desc>, which states the latest value.
    expect(chart).to_have_accessible_name(
        re.compile(rf"^{re.escape(HEADLINE_TITLE)} Latest: Lancashire: \d+(\.\d)?% in 2025\. ")
    )
    table = card.get_by_role("table", name=f"{HEADLINE_TITLE}: figures")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first.locator("th")).to_have_text("2025")
    expect(card.locator(".sendhub-stat")).to_have_text(re.compile(r"^\d+(\.\d)?%$"))
    for n in range(cards.count()):  # every card: an SVG with role=img and an accessible name, and a table
        svg = cards.nth(n).locator("svg")
        expect(svg).to_have_attribute("role", "img")
        title = cards.nth(n).locator("h3").inner_text().strip()
        expect(svg).to_have_accessible_name(re.compile(rf"^{re.escape(title)} (Latest: |No figures yet)"))
        expect(cards.nth(n).locator("table")).to_have_count(1)
    expect(page.get_by_role("heading", name="All measures")).to_be_visible()
    axe_audit.check(page, "Outcomes dashboard")

    # A measure's drill-down.
    card.get_by_role("link", name=HEADLINE_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE_TITLE)
    expect(page.get_by_role("heading", name="By month, 2025")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"by month of 2025"))).to_be_visible()
    axe_audit.check(page, "Measure detail")

    # The deadline tracker, from the dashboard's summary of it: counts and case rows by pseudonymous reference.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name="Statutory deadlines")).to_be_visible()
    page.get_by_role("link", name="Open the deadline tracker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deadline tracker")
    expect(page.get_by_text("This return is more than 8 weeks old")).to_be_visible()
    risk = page.get_by_role("table", name="Deadlines at risk")
    expect(risk).to_be_visible()
    missed = int(risk.locator("tr", has_text="Already missed").locator("td").inner_text().replace(",", ""))
    kinds = page.get_by_role("table", name="By kind of deadline")
    total = sum(int(c.replace(",", "")) for c in kinds.locator("tbody td").all_inner_texts())
    assert total > 0 and missed <= total
    rows = page.get_by_role("table", name="Deadlines, soonest first").locator("tbody tr")
    expect(rows.first.locator("td").first).to_have_text(re.compile(r"^P-[0-9A-F]{8}$"))
    assert rows.count() == min(total, 50)
    axe_audit.check(page, "Deadline tracker")

    page.get_by_label("Show").select_option("decision")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"kind=decision"))
    labels = page.get_by_role("table", name="Deadlines, soonest first").locator("tbody tr td:nth-child(2)")
    assert set(labels.all_inner_texts()) <= {"Decision whether to assess (6 weeks)"}

    page.get_by_role("link", name="Count from today anyway").click()
    expect(page.get_by_text("Counted from today.")).to_be_visible()
    axe_audit.check(page, "Deadline tracker counted from today")

    # Benchmarks (no DfE release imported) and partners' measures.
    page.get_by_role("navigation", name="Outcomes sections").get_by_role("link", name="Compare with England").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare Lancashire with England")
    expect(page.get_by_text("No DfE release has been imported yet")).to_be_visible()
    axe_audit.check(page, "Benchmarks")
    page.get_by_role("navigation", name="Outcomes sections").get_by_role("link", name="Partners' measures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners' measures")
    expect(page.get_by_role("link", name="Weeks waited for an autism assessment")).to_be_visible()
    axe_audit.check(page, "Partners' measures")
    axe_audit.assert_clean()
