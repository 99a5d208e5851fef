"""Inspection readiness journey in Chromium: an administrator sees the inspection history in each framework's
words, sets up the plans the result requires, fills in a criterion of the self-evaluation (errors first), links
evidence and opens the readiness view; a forum member gives the forum's own view; a monitor reads an audit round.
Every page is checked with axe at desktop width and again at 375px.

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.improvement.models import Finding, Inspection
from sendhub.inspection import services
from sendhub.inspection.models import AuditRound
from tests.browser.test_journeys import sign_in
from tests.factories import FindingFactory, InspectionFactory
from tests.outcomes.factories_sen2 import ActivePlanFactory, Sen2ReturnFactory

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


def test_readiness_journey(page, new_page, area, admin_user, forum_user, monitor_user, axe_audit):
    today = timezone.localdate()
    inspection = InspectionFactory(
        area=area, framework="2023", kind=Inspection.Kind.FULL, start_date=date(2024, 12, 9),
        end_date=date(2024, 12, 13), published_date=date(2025, 2, 7), outcome=Inspection.Outcome.SYSTEMIC_FAILINGS,
    )
    FindingFactory(inspection=inspection, kind=Finding.Kind.PRIORITY_ACTION, reference="PA2", title="EHC plans")
    sef = services.self_evaluation_create(area=area, title="Partnership self-evaluation", prepared_on=today,
                                          saved_by=admin_user)
    sen2 = Sen2ReturnFactory(area=area)
    for i in range(30):
        ActivePlanFactory(sen2_return=sen2, primary_need="ASD", request__plan_start_date=date(2025, 3, 1 + i % 28))
    template = services.audit_template_create(area=area, name="Panel audit", saved_by=admin_user,
                                              criteria=[("A", "Views in own words", 2), ("E", "SMART outcomes", 3)])
    audit_round = AuditRound.objects.create(area=area, template=template, title="Spring audit",
                                            period_start=date(2025, 3, 1), period_end=date(2025, 3, 31),
                                            sen2_return=sen2, sample_percent=10, double_percent=100, seed=1)
    sample = services.audit_round_draw(audit_round=audit_round, saved_by=admin_user)
    criteria = list(template.criteria.all())
    for auditor, agency, grades in ((admin_user, "education", [3, 2]), (forum_user, "health", [3, 3])):
        services.audit_record(sampled=sample[0], auditor=auditor, agency=agency, completed_on=today,
                              grades={c.pk: (g, "") for c, g in zip(criteria, grades, strict=True)},
                              saved_by=auditor)

    sign_in(page, admin_user.email)
    page.goto(reverse("inspection:overview", args=[area.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspection")
    expect(page.get_by_text("There are widespread and/or systemic failings").first).to_be_visible()
    page.get_by_role("button", name="Set up required plans").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("2 required plans set up")
    expect(page.get_by_role("link", name="Priority action plan (area SEND)")).to_be_visible()
    check_both_widths(page, axe_audit, "Inspection overview")

    page.get_by_role("link", name="Priority action plan (area SEND)").click()
    page.get_by_role("group", name="Status").get_by_label("Submitted").check()
    page.get_by_role("button", name="Save plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the plan was submitted")
    check_both_widths(page, axe_audit, "Plan, with errors")

    page.goto(sef.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership self-evaluation")
    check_both_widths(page, axe_audit, "Self-evaluation")
    page.get_by_role("link", name="Edit judgement for EO1").click()
    page.get_by_label("Widespread and/or systemic failings").check()
    page.get_by_role("button", name="Save judgement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Explain the judgement")
    check_both_widths(page, axe_audit, "Edit judgement, with errors")
    page.get_by_label("Reasoning").fill("Only 17% of new plans were issued within 20 weeks in 2024.")
    page.get_by_label("Review date").fill("2027-03-01")
    page.get_by_role("button", name="Save judgement").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Judgement for EO1 saved")

    page.get_by_role("link", name="Link evidence to EO1").click()
    check_both_widths(page, axe_audit, "Link evidence")
    page.get_by_label("Evidence", exact=True).select_option(label="Praise")
    page.get_by_role("button", name="Link evidence").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Evidence linked")

    page.get_by_role("link", name="Readiness: missing and stale evidence by criterion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Readiness for inspection")
    expect(page.get_by_text("Praise: no information recorded")).to_be_visible()
    check_both_widths(page, axe_audit, "Readiness")

    forum_page = new_page()
    sign_in(forum_page, forum_user.email)
    forum_page.goto(sef.get_absolute_url())
    forum_page.get_by_role("link", name="Give your organisation's view of EO2").click()
    expect(forum_page.get_by_role("heading", level=1)).to_have_text("Parent carer forum's view of EO2")
    forum_page.get_by_label("Widespread and/or systemic failings").check()
    forum_page.get_by_label("Why").fill("Families tell us they were not involved in writing plans.")
    forum_page.get_by_role("button", name="Save view").click()
    expect(forum_page.locator("#EO2")).to_contain_text("Families tell us")
    check_both_widths(forum_page, axe_audit, "Self-evaluation, forum member")

    monitor_page = new_page()
    sign_in(monitor_page, monitor_user.email)
    monitor_page.goto(audit_round.get_absolute_url())
    expect(monitor_page.get_by_role("heading", level=1)).to_have_text("Spring audit")
    expect(monitor_page.get_by_text("50% of 2 paired grades agree")).to_be_visible()
    check_both_widths(monitor_page, axe_audit, "Audit round")

    axe_audit.assert_clean()
