"""Pages: the inspection history in each framework's words, the self-evaluation and its readiness view, the
exports (the PDF checked for tags and headings), the write pages' checks, and the audit round."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sendhub.improvement.models import Finding, Inspection, Judgement
from sendhub.inspection import services
from sendhub.inspection.models import EvidenceLink, PartnerView
from tests.factories import FindingFactory, InspectionFactory
from tests.reports.test_pdf import structure_tags

pytestmark = pytest.mark.django_db


def test_the_overview_speaks_each_frameworks_language(client_for, area, admin_user, viewer_user, inspection):
    old = InspectionFactory(area=area, framework="2016", kind="full", start_date=date(2017, 11, 13),
                            end_date=date(2017, 11, 17), published_date=date(2018, 1, 23), outcome="")
    weakness = FindingFactory(inspection=old, kind=Finding.Kind.SIGNIFICANT_WEAKNESS, reference="SW1")
    revisit = InspectionFactory(area=area, framework="2016", kind="revisit", start_date=date(2020, 3, 2),
                                end_date=date(2020, 3, 6), published_date=date(2020, 5, 12), outcome="")
    Judgement.objects.create(finding=weakness, inspection=revisit, outcome="not_sufficient_progress",
                             judged_on=date(2020, 3, 6))
    for each in (old, revisit, inspection):
        services.plans_set_up(inspection=each, saved_by=admin_user)

    page = client_for(viewer_user).get(reverse("inspection:overview", args=[area.slug])).content.decode()

    assert "Joint local area SEND inspection, November 2017" in page
    assert "Areas of significant weakness" in page and "SW1: Not sufficient progress" in page
    assert "Written statement of action" in page and "Accelerated progress plan" in page
    assert "There are widespread and/or systemic failings leading to significant concerns" in page
    assert "Priority action plan (area SEND), due 28 March 2025" in page
    assert "Monitoring inspection" in page and "August 2026" in page
    assert "Area SEND inspection framework (January 2023, revised June 2025)" in page
    assert "Set up required plans" not in page  # a viewer cannot


def test_setting_up_plans_from_the_overview(client_for, area, admin_user, inspection):
    response = client_for(admin_user).post(reverse("inspection:plans-set-up", args=[area.slug, inspection.pk]))
    assert response.status_code == 302
    assert sorted(inspection.required_plans.values_list("kind", flat=True)) == ["pap", "strategic"]


def test_a_plan_marked_submitted_without_a_date_is_refused_on_the_page(client_for, area, admin_user, inspection):
    plan = services.plans_set_up(inspection=inspection, saved_by=admin_user)[0]
    response = client_for(admin_user).post(
        reverse("inspection:plan-edit", args=[area.slug, plan.pk]), {"status": "submitted", "due_date": "2025-03-28"}
    )
    assert response.status_code == 200
    assert "Enter the date the plan was submitted" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "not_started"


def test_editing_a_judgement_records_history(client_for, area, admin_user, sef):
    entry = sef.entries.get(criterion="SL5")
    url = reverse("inspection:entry-edit", args=[area.slug, sef.pk, entry.pk])
    refused = client_for(admin_user).post(url, {"grade": "positive", "reasoning": ""})
    assert "Explain the judgement" in refused.content.decode()
    response = client_for(admin_user).post(url, {"grade": "inconsistent", "reasoning": "Audits started",
                                                 "review_date": "2027-01-10"})
    assert response.status_code == 302
    assert response["Location"] == reverse("inspection:sef-detail", args=[area.slug, sef.pk]) + "#SL5"
    entry.refresh_from_db()
    assert entry.grade == "inconsistent" and entry.review_date == date(2027, 1, 10)
    page = client_for(admin_user).get(reverse("inspection:sef-detail", args=[area.slug, sef.pk])).content.decode()
    assert "Audits started" in page and "History" in page and "Ada Administrator" in page


def test_each_partner_gives_its_own_view(client_for, area, sef, forum_user, editor_user, viewer_user):
    entry = sef.entries.get(criterion="EO2")
    url = reverse("inspection:partner-view-edit", args=[area.slug, sef.pk, entry.pk])
    client_for(forum_user).post(url + "?partner=council", {"grade": "failings", "reasoning": "Families say so"})
    client_for(editor_user).post(url, {"grade": "inconsistent", "reasoning": ""})
    views = dict(PartnerView.objects.filter(entry=entry).values_list("partner", "grade"))
    assert views == {"forum": "failings", "council": "inconsistent"}  # the forum cannot speak for the council
    assert client_for(viewer_user).get(url).status_code == 403
    page = client_for(viewer_user).get(reverse("inspection:sef-detail", args=[area.slug, sef.pk])).content.decode()
    assert "Views differ" in page


def test_linking_evidence_from_the_page(client_for, area, admin_user, sef):
    entry = sef.entries.get(criterion="EO1")
    url = reverse("inspection:evidence-add", args=[area.slug, sef.pk, entry.pk])
    assert "Select the evidence to link" in client_for(admin_user).post(url, {}).content.decode()
    response = client_for(admin_user).post(url, {"evidence": "measure:PC_plans_issued_20_weeks_ex", "note": "x"})
    assert response.status_code == 302
    assert EvidenceLink.objects.get(entry=entry).measure == "PC_plans_issued_20_weeks_ex"
    readiness = client_for(admin_user).get(reverse("inspection:sef-readiness", args=[area.slug, sef.pk]))
    assert "no information recorded" in readiness.content.decode()


def test_the_exports_are_the_document_for_the_inspection_team(client_for, area, admin_user, monitor_user, sef):
    services.entry_update(entry=sef.entries.get(criterion="EO1"), grade="failings", reasoning="Timeliness 17%",
                          gaps="", review_date=None, saved_by=admin_user)
    client = client_for(monitor_user)
    pdf = client.get(reverse("inspection:sef-export-pdf", args=[area.slug, sef.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and bool(root["/MarkInfo"]["/Marked"])
    tags: set[str] = set()
    structure_tags(root["/StructTreeRoot"], tags)
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD"} <= tags, sorted(tags)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Timeliness 17%" in text and "Leaders evaluate services and make improvements" in text

    workbook = load_workbook(io.BytesIO(client.get(reverse("inspection:sef-export-xlsx", args=[area.slug, sef.pk]))
                                        .content))
    rows = list(workbook["Self-evaluation"].iter_rows(values_only=True))
    assert len(rows) == 12 and rows[1][0] == "EO1" and rows[1][3] == "Widespread and/or systemic failings"
    html = client.get(reverse("inspection:sef-export-html", args=[area.slug, sef.pk])).content.decode()
    assert '<html lang="en-GB">' in html and "<h1>Our self-evaluation</h1>" in html


def test_the_audit_round_page_shows_agreement(client_for, area, admin_user, editor_user, viewer_user,
                                              audit_round, today):
    sample = services.audit_round_draw(audit_round=audit_round, saved_by=admin_user)
    plan = next(p for p in sample if p.double)
    criteria = list(audit_round.template.criteria.all())
    for auditor, grades in ((editor_user, [3, 2, 4]), (admin_user, [3, 3, 4])):
        services.audit_record(sampled=plan, auditor=auditor, agency="education", completed_on=today,
                              grades={c.pk: (g, "") for c, g in zip(criteria, grades, strict=True)},
                              saved_by=auditor)
    page = client_for(viewer_user).get(reverse("inspection:audit-round", args=[area.slug, audit_round.pk]))
    text = page.content.decode()
    assert "67% of 3 paired grades agree" in text
    assert plan.reference in text and "Disagreements awaiting moderation" in text
    assert Inspection.objects.count() == 0
