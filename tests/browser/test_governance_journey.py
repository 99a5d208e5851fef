"""Board journey in Chromium: an administrator adds a meeting, an agenda item linked to a finding, a decision and
an action arising (added to the plan) and writes the minutes; then a DfE monitor opens the meeting and reads it
all. Every page visited is checked with axe.

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.governance.models import Meeting
from tests.browser.test_journeys import sign_in
from tests.factories import FindingFactory, InspectionFactory

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns that STATIC_ROOT does not exist: the live server serves static files from the apps.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_administrator_records_a_meeting_and_a_monitor_reads_it(
    page, new_page, area, admin_user, monitor_user, la_org, axe_audit
):
    finding = FindingFactory(
        inspection=InspectionFactory(area=area), reference="PA2", title="Improve EHC plan timeliness"
    )
    held_on = timezone.localdate() - timedelta(days=10)

    sign_in(page, admin_user.email)
    page.goto(reverse("governance:meeting-list", args=[area.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("SEND Partnership Board")
    axe_audit.check(page, "Board")

    page.get_by_role("link", name="Add a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a meeting")
    page.get_by_role("button", name="Save meeting").click()  # empty: errors first
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the meeting")
    axe_audit.check(page, "Add a meeting, with errors")
    page.get_by_label("Date of the meeting").fill(held_on.isoformat())
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("Location or online meeting").fill("County Hall, Preston")
    page.get_by_role("group", name="Status").get_by_label("Held").check()
    page.get_by_role("button", name="Save meeting").click()

    meeting = Meeting.objects.get(area=area, held_on=held_on)
    expect(page.get_by_role("heading", level=1)).to_have_text(str(meeting))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")
    axe_audit.check(page, "Meeting")

    page.get_by_role("link", name="Add an agenda item").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add an agenda item")
    axe_audit.check(page, "Add an agenda item")
    page.get_by_label("Title").fill("EHC plan timeliness")
    page.get_by_label("Presenter").fill("Head of SEND Assessment and Review")
    findings = page.get_by_role("group", name="Inspection findings discussed")
    findings.get_by_label("PA2: Improve EHC plan timeliness").check()
    page.get_by_role("button", name="Save agenda item").click()
    agenda = page.locator("table", has=page.locator("caption", has_text="Agenda items"))
    expect(agenda).to_contain_text("EHC plan timeliness")
    expect(agenda.get_by_role("link", name="PA2: Improve EHC plan timeliness")).to_have_attribute(
        "href", finding.get_absolute_url()
    )

    page.get_by_role("link", name="Record a decision").click()
    axe_audit.check(page, "Record a decision")
    page.get_by_label("What the board decided").fill("The board agreed the EHC recovery plan.")
    page.get_by_label("Agenda item").select_option(label="1. EHC plan timeliness")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("#decisions + table")).to_contain_text("The board agreed the EHC recovery plan.")

    page.get_by_role("link", name="Record an action arising").click()
    axe_audit.check(page, "Record an action arising")
    page.get_by_label("Action", exact=True).fill("Report the assessment backlog by district")
    page.get_by_label("Organisation responsible").select_option(label=la_org.name)
    page.get_by_label("Due date").fill((held_on + timedelta(days=56)).isoformat())
    page.get_by_role("button", name="Save action arising").click()
    expect(page.locator("#actions-arising + table")).to_contain_text("Report the assessment backlog by district")
    axe_audit.check(page, "Meeting with its record")

    page.get_by_role("link", name="Add “Report the assessment backlog by district” to the plan").click()
    axe_audit.check(page, "Add to the improvement plan")
    page.get_by_label("Reference for the improvement plan action").fill("A61")
    page.get_by_role("button", name="Add to the improvement plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report the assessment backlog by district")
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Write the minutes").click()
    axe_audit.check(page, "Write the minutes")
    page.get_by_label("Minutes").fill("Present: the chair and all partners.")
    page.get_by_role("button", name="Save draft minutes").click()
    expect(page.locator("#minutes ~ .govuk-inset-text")).to_contain_text("Present: the chair and all partners.")

    monitor = new_page()
    sign_in(monitor, monitor_user.email)
    monitor.goto(meeting.get_absolute_url())
    expect(monitor.get_by_role("heading", level=1)).to_have_text(str(meeting))
    expect(monitor.locator("#agenda + table")).to_contain_text("EHC plan timeliness")
    expect(monitor.get_by_role("link", name="PA2: Improve EHC plan timeliness")).to_be_visible()
    expect(monitor.locator("#decisions + table")).to_contain_text("The board agreed the EHC recovery plan.")
    expect(monitor.locator("#actions-arising + table")).to_contain_text(la_org.name)
    expect(monitor.get_by_role("link", name="Action A61")).to_be_visible()
    expect(monitor.get_by_role("link", name="Add an agenda item")).to_have_count(0)
    axe_audit.check(monitor, "Meeting, as a monitor")
    axe_audit.assert_clean()
