"""Public progress page journey in Chromium: an administrator writes a finding in plain words (checking the
wording first), adds a key number, fixes a form error, publishes the page and previews it; then an anonymous
visitor, with JavaScript off, opens "How we are improving SEND in Lancashire". Every page is checked with axe
(WCAG 2.0-2.2 A and AA), and the public page again as printed.

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.improvement.models import Action
from sendhub.outcomes.models import DfeRelease, DfeValue, MeasureValue, Sen2Return
from sendhub.progress.models import ProgressPage, PublishedFinding
from sendhub.voice.models import YouSaidWeDid
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_journeys import sign_in
from tests.factories import ActionFactory, FindingFactory, InspectionFactory, ProgressUpdateFactory

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns that STATIC_ROOT does not exist: the live server serves static files from the apps.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PLAIN_TITLE = "Making EHC plans on time"
PLAIN_SUMMARY = "Families waited too long for their EHC plans. We need to make plans faster and better."


@pytest.fixture
def plan(area, la_org):
    inspection = InspectionFactory(area=area, start_date=date(2024, 12, 9), end_date=date(2024, 12, 13))
    finding = FindingFactory(
        inspection=inspection,
        reference="PA2",
        title="Significantly improve the process, timeliness, quality and oversight of EHC plans",
    )
    done = ActionFactory(
        area=area, owner=la_org, title="Recruit more EHC plan writers", findings=[finding],
        status=Action.Status.COMPLETE,
    )
    ProgressUpdateFactory(
        action=done, created_at=timezone.now() - timedelta(days=12), status=Action.Status.COMPLETE,
        commentary="Priya Patel interviewed six writers.",
    )
    sen2 = Sen2Return.objects.create(
        area=area, collection_year=2025, reference_date=date(2025, 1, 16), filename="sen2.xml", checksum="3" * 64
    )
    for period, value in (("2023", 40.0), ("2024", 17.3)):
        MeasureValue.objects.create(
            area=area, sen2_return=sen2, measure="PC_plans_issued_20_weeks_ex", period_kind="year", period=period,
            value=value,
        )
    release = DfeRelease.objects.create(filename="ehcp.zip", checksum="4" * 64, latest_year=2024)
    for year, value in ((2023, 50.3), (2024, 46.4)):
        DfeValue.objects.create(
            release=release, source_file="timeliness_20_week.csv", measure="PC_plans_issued_20_weeks_ex",
            breakdown_topic="Total", breakdown="Total", time_period=year, geographic_level="National", value=value,
        )
    YouSaidWeDid.objects.create(
        area=area, you_said="Forms were too long.", we_did="We made them shorter.", is_published=True,
        published_on=date(2026, 1, 5),
    )
    return finding


def test_administrator_publishes_the_progress_page_and_a_visitor_reads_it(
    page, new_page, browser, live_server, area, admin_user, plan, axe_audit
):
    sign_in(page, admin_user.email)
    page.goto(reverse("progress:overview", args=[area.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Public progress page")
    expect(page.locator("#findings-table")).to_contain_text("Not written yet")
    axe_audit.check(page, "Overview")

    # A finding in plain words: check the wording first, then save.
    page.get_by_role("link", name="Write plain words for PA2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plain words for PA2")
    page.get_by_label("Title in plain words").fill(PLAIN_TITLE)
    page.get_by_label("What this means").fill(
        "Leaders should significantly improve the statutory assessment process, the timeliness and quality of "
        "plans, and the oversight of annual reviews across the partnership."
    )
    page.get_by_label("Show this finding on the public page").check()
    page.get_by_role("button", name="Check the wording").click()
    expect(page.locator("#reading-hints")).to_contain_text("This may be hard to read.")
    axe_audit.check(page, "Finding words, checked")
    page.get_by_label("What this means").fill(PLAIN_SUMMARY)
    page.get_by_role("button", name="Save plain words").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Plain words saved for PA2")
    expect(page.locator("#findings-table")).to_contain_text(PLAIN_TITLE)
    assert PublishedFinding.objects.get(finding=plan).is_published

    # A key number.
    page.get_by_role("button", name="Add a key number").click()
    page.get_by_label("Measure", exact=True).select_option("PC_plans_issued_20_weeks_ex")
    page.get_by_label("What the number means").fill("How many new EHC plans we finished within 20 weeks")
    axe_audit.check(page, "Add a key number")
    page.get_by_role("button", name="Add measure").click()
    expect(page.locator("#measures-table")).to_contain_text("How many new EHC plans we finished within 20 weeks")

    # Page settings: publishing without a way to contact us is refused, on the field.
    page.get_by_role("button", name="Write the page settings").click()
    page.get_by_label("Introduction").fill("This page tells you how we are making help better. We add to it often.")
    page.get_by_label("How to get involved").fill("Tell us what is working for your family and what is not.")
    page.get_by_label("Show the page to the public").check()
    page.get_by_role("button", name="Save settings").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Give an email address or a contact link before you publish the page")
    axe_audit.check(page, "Page settings with an error")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Contact email address")).to_be_focused()
    page.get_by_label("Contact email address").fill("send@example.org")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("the page is published")
    assert ProgressPage.objects.get(area=area).is_published
    axe_audit.check(page, "Overview, published")

    page.get_by_role("link", name="Preview the page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we are improving SEND in Lancashire")
    axe_audit.check(page, "Preview")

    # An anonymous visitor with JavaScript off reads everything (axe itself needs JavaScript, so it checks the
    # same page in a second, ordinary browser context below).
    public_url = reverse("progress-public:index", args=[area.slug])
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        visitor = context.new_page()
        visitor.goto(public_url)
        expect(visitor.get_by_role("heading", level=1)).to_have_text("How we are improving SEND in Lancashire")
        expect(visitor.get_by_role("heading", name=PLAIN_TITLE)).to_be_visible()
        expect(visitor.get_by_text(PLAIN_SUMMARY)).to_be_visible()
        expect(visitor.get_by_text("We have finished the work we planned. Inspectors will check it")).to_be_visible()
        expect(visitor.get_by_text("Recruit more EHC plan writers")).to_be_visible()
        expect(visitor.get_by_text("Priya Patel")).to_have_count(0)
        expect(visitor.get_by_role("img", name="How many new EHC plans we finished within 20 weeks")).to_be_visible()
        expect(visitor.get_by_text("England: 46.4% in 2024.", exact=True)).to_be_visible()
        expect(visitor.get_by_text("Forms were too long.")).to_be_visible()
        expect(visitor.get_by_role("main").get_by_role("link", name="Have your say")).to_be_visible()
        expect(visitor.get_by_role("button", name="Sign out")).to_have_count(0)
    finally:
        context.close()

    anonymous = new_page()
    anonymous.goto(public_url)
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("How we are improving SEND in Lancashire")
    axe_audit.check(anonymous, "Public page")
    anonymous.emulate_media(media="print")
    expect(anonymous.locator(".govuk-header")).to_be_hidden()
    expect(anonymous.get_by_role("navigation", name="On this page")).to_be_hidden()
    expect(anonymous.get_by_role("heading", name=PLAIN_TITLE)).to_be_visible()
    axe_audit.check(anonymous, "Public page, printed")
    axe_audit.assert_clean()
