"""Monitoring pack journey in Chromium: an administrator drafts a pack and sends it for review, a second signs it
off and a third issues it (separation of duties); a DfE monitor then opens the issued pack. Every page visited is
checked with axe.

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendhub.reports.models import MonitoringReport
from tests.browser.test_journeys import sign_in
from tests.reports.conftest import as_at, issuer, plan, signer  # noqa: F401 - fixtures

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_administrator_issues_a_pack_and_a_monitor_reads_it(new_page, area, plan, as_at, admin_user,  # noqa: F811
                                                            signer, issuer, monitor_user, axe_audit):  # noqa: F811
    page = new_page()
    sign_in(page, admin_user.email)
    page.goto(reverse("reports:report-list", args=[area.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring reports")
    axe_audit.check(page, "Reports list")
    page.get_by_role("link", name="Start a monitoring pack").click()
    page.get_by_label("Title").fill("Autumn stocktake")
    page.get_by_label("Period starts").fill(plan["start"].isoformat())
    page.get_by_label("Period ends").fill(as_at.isoformat())
    page.get_by_label("Figures as at").fill(as_at.isoformat())
    axe_audit.check(page, "New pack form")
    page.get_by_role("button", name="Draft the pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn stocktake")
    expect(page.get_by_role("heading", name="PA1: Improve the timeliness of EHC plans")).to_be_visible()
    axe_audit.check(page, "Draft pack")
    page.get_by_role("link", name="Edit details and summary").click()
    page.get_by_label("Executive summary").fill("Timeliness is improving; assessment waits remain too long.")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent for review", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Sign off", exact=True)).to_have_count(0)  # someone else signs off
    axe_audit.check(page, "Pack in review (the person who sent it)")
    pack_url = page.url
    for person, button in ((signer, "Sign off"), (issuer, "Issue to DfE and NHS England")):
        other = new_page()
        sign_in(other, person.email)
        other.goto(pack_url)
        other.get_by_role("button", name=button, exact=True).click()
    expect(other.get_by_text("This pack is fixed: nobody can change it.")).to_be_visible()
    expect(other.get_by_role("link", name="Edit details and summary")).to_have_count(0)
    axe_audit.check(other, "Issued pack (administrator)")
    report = MonitoringReport.objects.get()
    assert report.status == "issued" and report.pdf_sha256
    assert len({report.submitted_by_id, report.signed_off_by_id, report.issued_by_id}) == 3

    monitor = new_page()
    sign_in(monitor, monitor_user.email)
    monitor.goto(reverse("reports:report-list", args=[area.slug]))
    monitor.get_by_role("link", name="Autumn stocktake").click()
    expect(monitor.get_by_role("heading", level=1)).to_have_text("Autumn stocktake")
    expect(monitor.get_by_text("Timeliness is improving; assessment waits remain too long.").first).to_be_visible()
    expect(monitor.get_by_role("button", name="Sign off")).to_have_count(0)
    axe_audit.check(monitor, "Issued pack (monitor)")
    monitor.goto(reverse("monitoring:overview"))
    expect(monitor.get_by_role("heading", level=1)).to_have_text("Areas you monitor")
    axe_audit.check(monitor, "Monitoring overview")
    axe_audit.assert_clean()
