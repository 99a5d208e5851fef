"""Journeys through SEND Hub in Chromium: keyboard sign-in, recording progress, form errors, skip link, and an
axe check (WCAG 2.0-2.2 A and AA) of every page visited.

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from sendhub.improvement.models import Action, Evidence, Finding, ProgressUpdate
from tests.browser.conftest import axe_check
from tests.factories import (
    PASSWORD,
    ActionFactory,
    CommentFactory,
    EvidenceFactory,
    FindingFactory,
    InspectionFactory,
    JudgementFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
)

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns that STATIC_ROOT does not exist: the live server serves static files from the apps.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# The smallest file that both the upload check (filetype) and a PDF reader accept as a PDF.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# Helpers ---------------------------------------------------------------------------------------------------


def sign_in_by_keyboard(page, email: str, password: str = PASSWORD) -> None:
    """Use the real sign-in form with the keyboard only: Tab to each field, type, press Enter."""
    page.goto(reverse("accounts:sign-in"))
    email_field = page.get_by_label("Email address")
    for _ in range(15):
        page.keyboard.press("Tab")
        if email_field.evaluate("el => el === document.activeElement"):
            break
    expect(email_field).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto(reverse("accounts:sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def rag_counts(page) -> dict[str, int]:
    """The dashboard's "Open actions by RAG" table, as {"On track": n, ...}."""
    table = page.locator("table", has=page.locator("caption", has_text="open actions on track, at risk and off track"))
    counts = {}
    for row in table.locator("tbody tr").all():
        label = row.locator("td").first.inner_text().strip()
        counts[label] = int(re.match(r"\s*(\d+)", row.locator("td").nth(1).inner_text()).group(1))
    return counts


def stat(page, text: str) -> int:
    """A dashboard headline number, found by the words after it (e.g. "actions overdue")."""
    card = page.locator(".sendhub-card", has_text=text)
    return int(card.locator(".sendhub-stat").inner_text())


def radio_group(page, legend: str):
    return page.get_by_role("group", name=legend, exact=True)


# World ----------------------------------------------------------------------------------------------------


@pytest.fixture
def plan(area, la_org, health_org, admin_user, editor_user):
    """A small improvement plan: an inspection with two findings (one judged at a revisit) and three actions."""
    inspection = InspectionFactory(area=area)
    pa1 = FindingFactory(
        inspection=inspection, reference="PA1", title="Leaders should improve the timeliness of EHC plans"
    )
    pa2 = FindingFactory(
        inspection=inspection,
        reference="PA2",
        title="Leaders should improve joint commissioning",
        theme=Finding.Theme.EHC_PLANS,
    )
    pa1.responsible_organisations.set([la_org, health_org])
    judgement = JudgementFactory(finding=pa1, text="Leaders have made sufficient progress on EHC plan timeliness.")
    today = date.today()
    timeliness = ActionFactory(
        area=area,
        reference="A1",
        title="Recruit more EHC plan writers",
        owner=la_org,
        lead=editor_user,
        findings=[pa1],
        success_criteria="80% of EHC plans issued within 20 weeks",
    )
    therapy = ActionFactory(
        area=area,
        reference="A2",
        title="Reduce waits for speech and language therapy",
        owner=health_org,
        lead=admin_user,
        findings=[pa2],
        start_date=today - timedelta(days=200),
        due_date=today - timedelta(days=10),
        rag=Action.Rag.AT_RISK,
        rag_reason="Recruitment is slower than planned.",
    )
    commissioning = ActionFactory(
        area=area,
        reference="A3",
        title="Agree a joint commissioning strategy",
        owner=la_org,
        findings=[pa1, pa2],
        status=Action.Status.NOT_STARTED,
    )
    for action in (timeliness, therapy, commissioning):
        MilestoneFactory(action=action, title=f"{action.reference} plan agreed", completed_on=today - timedelta(days=5))
        MilestoneFactory(action=action, title=f"{action.reference} first review", due_date=today + timedelta(days=14))
    MilestoneFactory(action=therapy, title="A2 extra therapists in post", due_date=today - timedelta(days=3))
    update = ProgressUpdateFactory(action=therapy, author=admin_user, rag=Action.Rag.AT_RISK, rag_reason="Slow hiring")
    EvidenceFactory(action=therapy, update=update, title="Workforce plan", added_by=admin_user)
    ProgressUpdateFactory(action=timeliness, author=editor_user, commentary="Two writers started in March.")
    CommentFactory(action=timeliness, author=admin_user, text="Please share the recruitment timeline.")
    return {
        "inspection": inspection,
        "revisit": judgement.inspection,
        "findings": [pa1, pa2],
        "actions": [timeliness, therapy, commissioning],
    }


# Journeys -------------------------------------------------------------------------------------------------


def test_editor_signs_in_and_records_an_off_track_update_with_evidence(page, area, editor_user, plan, axe_audit):
    action = plan["actions"][0]
    assert action.owner == editor_user.memberships.get().organisation

    sign_in_by_keyboard(page, editor_user.email)
    # An editor of one area goes straight to its dashboard.
    expect(page).to_have_url(re.compile(re.escape(reverse("improvement:dashboard", args=[area.slug])) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lancashire improvement plan")
    axe_audit.check(page, "Dashboard (before)")
    overdue_before = stat(page, "actions overdue")
    rag_before = rag_counts(page)
    assert overdue_before == 1  # A2
    assert rag_before == {"On track": 2, "At risk": 1, "Off track": 0}

    page.get_by_role("navigation", name="Staff pages").get_by_role("link", name="Actions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    axe_audit.check(page, "Actions")
    page.get_by_role("link", name=f"{action.reference} {action.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{action.reference}: {action.title}")
    axe_audit.check(page, "Action (before)")

    radio_group(page, "Status").locator("label", has_text="In progress").click()
    radio_group(page, "RAG").locator("label", has_text="Off track").click()
    expect(page.get_by_role("radio", name="Off track")).to_be_checked()
    page.get_by_label("Reason for the RAG").fill("The new writers cannot start until September.")
    page.get_by_label("What has happened since the last update").fill("Interviews held; two offers accepted.")
    page.locator("#id_evidence_file").set_input_files(
        {"name": "recruitment-plan.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.locator("#id_evidence_file_title").fill("Recruitment plan")
    page.get_by_role("button", name="Save progress update").click()

    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Progress update on {action.reference} saved")
    expect(page.locator("h1 + p")).to_contain_text("Off track")
    evidence_link = page.get_by_role("link", name=re.compile(r"^Recruitment plan \(recruitment-plan\.pdf, "))
    expect(evidence_link).to_be_visible()
    expect(page.get_by_text("Interviews held; two offers accepted.")).to_be_visible()
    axe_audit.check(page, "Action (after the update)")
    with page.expect_download() as download:
        evidence_link.click()
    assert download.value.suggested_filename == "recruitment-plan.pdf"
    assert Path(download.value.path()).read_bytes() == PDF_BYTES

    update = ProgressUpdate.objects.get(action=action, commentary="Interviews held; two offers accepted.")
    assert (update.author, update.rag, update.status) == (editor_user, Action.Rag.OFF_TRACK, "in_progress")
    assert Evidence.objects.get(update=update).title == "Recruitment plan"

    page.get_by_role("navigation", name="Staff pages").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lancashire improvement plan")
    assert stat(page, "actions overdue") == overdue_before
    assert rag_counts(page) == {"On track": 1, "At risk": 1, "Off track": 1}
    recent = page.locator("h2:text-is('Recent updates') + ul > li").first
    expect(recent).to_contain_text(f"{action.reference} {action.title}")
    expect(recent).to_contain_text("Off track")
    expect(recent).to_contain_text("Interviews held; two offers accepted.")
    axe_audit.check(page, "Dashboard (after)")

    page.get_by_role("link", name="1 off track actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    rows = page.locator("table.govuk-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{action.reference} {action.title}")
    axe_audit.check(page, "Actions filtered to off track")
    axe_audit.assert_clean()


def test_progress_update_errors_are_summarised_focused_and_linked(page, editor_user, plan, axe_audit):
    action = plan["actions"][0]
    sign_in(page, editor_user.email)
    page.goto(action.get_absolute_url())
    radio_group(page, "RAG").locator("label", has_text="Off track").click()
    page.get_by_label("What has happened since the last update").fill("Nothing new.")
    page.get_by_role("button", name="Save progress update").click()

    summary = page.locator(".govuk-error-summary")
    expect(page).to_have_title(re.compile(r"^Record progress on A1"))
    expect(summary).to_be_focused()  # GOV.UK Frontend focuses the summary so screen readers announce it
    link = summary.get_by_role("link", name=re.compile("Enter the reason the action is at risk or off track"))
    expect(link).to_have_attribute("href", "#id_rag_reason")
    expect(page.locator("#id_rag_reason-error")).to_contain_text("Enter the reason the action is at risk or off track")
    expect(page.get_by_role("radio", name="Off track")).to_be_checked()  # answers are kept
    axe_audit.check(page, "Progress update with errors")

    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_rag_reason")).to_be_focused()
    axe_audit.assert_clean()
    assert not ProgressUpdate.objects.filter(action=action, commentary="Nothing new.").exists()


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_first_tab_reaches_skip_link_which_moves_to_main_content(page, area, admin_user, plan, signed_in, axe_audit):
    if signed_in:
        sign_in(page, admin_user.email)
        page.goto(plan["actions"][0].get_absolute_url())
    else:
        page.goto(reverse("web:accessibility"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main-content$"))
    expect(page.locator("#main-content")).to_be_focused()
    axe_audit.check(page)
    axe_audit.assert_clean()


def test_every_page_is_axe_clean(new_page, area, admin_user, plan, axe_audit):
    slug = area.slug
    inspection, finding, action = plan["inspection"], plan["findings"][0], plan["actions"][1]

    anonymous = new_page()
    for url, heading in [
        (reverse("home"), "Support for children and young people with SEND"),
        (reverse("web:accessibility"), None),
        (reverse("accounts:sign-in"), "Sign in"),
    ]:
        anonymous.goto(url)
        if heading:
            expect(anonymous.get_by_role("heading", level=1)).to_have_text(heading)
        axe_audit.check(anonymous, f"Anonymous {url}")

    page = new_page()
    sign_in(page, admin_user.email)
    pages = [
        (reverse("home"), "Lancashire improvement plan"),  # one area: straight to its dashboard
        (reverse("web:accessibility"), None),
        (reverse("improvement:dashboard", args=[slug]), "Lancashire improvement plan"),
        (reverse("improvement:inspection-list", args=[slug]), None),
        (inspection.get_absolute_url(), None),
        (plan["revisit"].get_absolute_url(), None),
        (reverse("improvement:finding-list", args=[slug]), None),
        (finding.get_absolute_url(), None),
        (reverse("improvement:action-list", args=[slug]) + "?rag=at_risk&overdue=on", "Actions"),
        (reverse("improvement:my-actions", args=[slug]), None),
        (action.get_absolute_url(), f"{action.reference}: {action.title}"),
        (reverse("improvement:action-edit", args=[slug, action.pk]), None),
        (reverse("improvement:update-create", args=[slug, action.pk]), None),
        (reverse("improvement:inspection-create", args=[slug]), "Add an inspection"),
        (reverse("area-admin:people", args=[slug]), "People in Lancashire"),
        (reverse("accounts:profile"), "Your account"),
    ]
    for url, heading in pages:
        response = page.goto(url)
        assert response.ok, f"{url} answered {response.status}"
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        if url.startswith(reverse("improvement:action-list", args=[slug]) + "?"):  # the filters are open
            expect(page.locator("details.govuk-details")).to_have_attribute("open", "")
            expect(page.get_by_role("link", name=re.compile(r"^A2 "))).to_be_visible()
        axe_audit.check(page, url)
    axe_audit.assert_clean()


def test_dashboard_screenshot(page, area, admin_user, plan, tmp_path):
    sign_in(page, admin_user.email)
    page.goto(reverse("improvement:dashboard", args=[area.slug]))
    path = tmp_path / "dashboard.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 10_000
    axe_check(page)
