"""Pages: an issued report is fixed for every role; monitors see issued packs of the areas they monitor only."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from sendhub.accounts.models import Role
from sendhub.reports import services
from sendhub.reports.models import MonitoringReport, Risk
from tests.factories import member


@pytest.fixture
def issued(area, plan, as_at, admin_user, signer, issuer):
    report = services.create_draft(area=area, title="Issued pack", period_start=plan["start"], period_end=as_at,
                                   as_at=as_at, created_by=admin_user)
    services.submit_for_review(report=report, expected_version=report.version, by=admin_user)
    services.sign_off(report=report, expected_version=report.version, by=signer)
    return services.issue(report=report, expected_version=report.version, by=issuer)


CHANGES = [
    ("get", "reports:report-edit"),
    ("post", "reports:report-edit"),
    ("post", "reports:report-submit"),
    ("post", "reports:report-return"),
    ("post", "reports:report-sign-off"),
    ("post", "reports:report-issue"),
    ("post", "reports:report-delete"),
]


@pytest.mark.parametrize("actor", ["admin_user", "editor_user", "forum_user", "monitor_user", "viewer_user",
                                   "outsider", "superuser"])
def test_no_role_can_change_an_issued_report(request, client_for, issued, actor, django_user_model):
    if actor == "superuser":
        user = django_user_model.objects.create_superuser(email="root@example.org", password="x", full_name="Root")
    else:
        user = request.getfixturevalue(actor)
    before = MonitoringReport.objects.filter(pk=issued.pk).values().get()
    client = client_for(user)

    for method, name in CHANGES:
        path = reverse(name, args=[issued.area.slug, issued.pk])
        response = getattr(client, method)(path, {"title": "Changed", "version": issued.version,
                                                  "executive_summary": "Changed", "period_start": "2026-01-01",
                                                  "period_end": "2026-02-01", "as_at": "2026-02-01"})
        assert response.status_code in (403, 404), f"{method.upper()} {name} as {actor}: {response.status_code}"

    assert MonitoringReport.objects.filter(pk=issued.pk).values().get() == before


def test_the_edit_page_explains_why_an_issued_report_is_fixed(client_for, admin_user, issued):
    response = client_for(admin_user).get(reverse("reports:report-edit", args=[issued.area.slug, issued.pk]))

    assert response.status_code == 403
    assert "an issued report cannot be changed" in response.content.decode()


def test_monitors_see_issued_packs_of_the_areas_they_monitor_only(client_for, monitor_user, issued, other_area,
                                                                   dfe_org, admin_user, plan, as_at):
    draft = services.create_draft(area=issued.area, title="Working draft", period_start=plan["start"],
                                  period_end=as_at, as_at=as_at)
    elsewhere = MonitoringReport.objects.create(area=other_area, title="Cumbria pack", period_start=date(2026, 1, 1),
                                                period_end=date(2026, 6, 30), as_at=date(2026, 6, 30))
    client = client_for(monitor_user)

    listing = client.get(reverse("reports:report-list", args=[issued.area.slug])).content.decode()
    overview = client.get(reverse("monitoring:overview")).content.decode()

    assert "Issued pack" in listing and "Working draft" not in listing
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(issued.get_absolute_url()).status_code == 200
    assert "Lancashire" in overview and "Cumbria" not in overview
    assert client.get(elsewhere.get_absolute_url()).status_code == 403

    # Monitoring a second area adds it to the comparison.
    from sendhub.accounts.models import Membership

    Membership.objects.create(user=monitor_user, area=other_area, role=Role.MONITOR, organisation=dfe_org)
    overview = client.get(reverse("monitoring:overview")).content.decode()
    assert "Cumbria" in overview and "No pack issued yet" in overview


def test_issued_downloads_are_the_stored_files(client_for, monitor_user, issued):
    client = client_for(monitor_user)

    pdf = client.get(reverse("reports:report-pdf", args=[issued.area.slug, issued.pk]))
    xlsx = client.get(reverse("reports:report-xlsx", args=[issued.area.slug, issued.pk]))

    assert b"".join(pdf.streaming_content) == issued.pdf.open("rb").read()
    assert pdf["X-Checksum-SHA256"] == issued.pdf_sha256
    assert b"".join(xlsx.streaming_content).startswith(b"PK")
    assert "attachment" in pdf["Content-Disposition"]


def test_a_new_pack_with_the_period_back_to_front_is_refused(client_for, admin_user, area):
    response = client_for(admin_user).post(reverse("reports:report-create", args=[area.slug]), {
        "title": "Pack", "period_start": "2026-06-30", "period_end": "2026-01-01", "as_at": "2026-07-01"})

    assert response.status_code == 200
    assert "The period must end on or after the day it starts" in response.content.decode()
    assert not MonitoringReport.objects.exists()


def test_a_future_as_at_date_is_refused(client_for, admin_user, area):
    response = client_for(admin_user).post(reverse("reports:report-create", args=[area.slug]), {
        "title": "Pack", "period_start": "2026-01-01", "period_end": "2026-06-30", "as_at": "2999-01-01"})

    assert "Figures as at must be today or in the past" in response.content.decode()
    assert not MonitoringReport.objects.exists()


def test_an_administrator_drafts_a_pack_from_the_form(client_for, admin_user, area, plan, as_at):
    response = client_for(admin_user).post(reverse("reports:report-create", args=[area.slug]), {
        "title": "Autumn stocktake", "period_start": plan["start"].isoformat(), "period_end": as_at.isoformat(),
        "as_at": as_at.isoformat()})

    report = MonitoringReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    page = client_for(admin_user).get(report.get_absolute_url()).content.decode()
    assert "Improve the timeliness of EHC plans" in page and "Send for review" in page


def test_a_risk_reference_must_be_unique_in_the_area(client_for, admin_user, area, plan, la_org):
    response = client_for(admin_user).post(reverse("reports:risk-create", args=[area.slug]), {
        "reference": "r1", "kind": "risk", "title": "Dup", "description": "d", "owner": la_org.pk,
        "likelihood": 2, "impact": 2, "mitigation": "m", "status": "open"})

    assert "R1 is already used by another risk in this area" in response.content.decode()
    assert Risk.objects.count() == 1


def test_a_risk_score_out_of_range_is_refused(client_for, admin_user, area, la_org):
    response = client_for(admin_user).post(reverse("reports:risk-create", args=[area.slug]), {
        "reference": "R9", "kind": "risk", "title": "Out of range", "description": "d", "owner": la_org.pk,
        "likelihood": 6, "impact": 2, "mitigation": "m", "status": "open"})

    assert "Select a valid choice" in response.content.decode()
    assert not Risk.objects.exists()


def test_editors_cannot_add_risks(client_for, editor_user, area):
    assert client_for(editor_user).get(reverse("reports:risk-create", args=[area.slug])).status_code == 403


def test_viewer_reads_drafts_but_cannot_move_them(client_for, viewer_user, area, plan, as_at):
    draft = services.create_draft(area=area, title="Draft", period_start=plan["start"], period_end=as_at,
                                  as_at=as_at)
    client = client_for(viewer_user)

    assert client.get(draft.get_absolute_url()).status_code == 200
    response = client.post(reverse("reports:report-submit", args=[area.slug, draft.pk]), {"version": draft.version})
    assert response.status_code == 403
    assert MonitoringReport.objects.get(pk=draft.pk).status == "draft"


def test_monitor_role_sees_the_comparison_link_on_the_home_page(client_for, monitor_user, other_area, dfe_org):
    member(other_area, Role.VIEWER, email="someone@example.org")
    from sendhub.accounts.models import Membership

    Membership.objects.create(user=monitor_user, area=other_area, role=Role.MONITOR, organisation=dfe_org)

    response = client_for(monitor_user).get("/", follow=True)

    # A monitor lands on the comparison itself (issue 16), or on a page that links to it.
    overview = reverse("monitoring:overview")
    assert response.request["PATH_INFO"] == overview or overview in response.content.decode()


def test_the_reports_page_links_to_the_public_progress_page(client_for, admin_user, viewer_user, area):
    from sendhub.progress.models import ProgressPage

    settings_url = reverse("progress:overview", args=[area.slug])
    public_url = reverse("progress-public:index", args=[area.slug])
    list_url = reverse("reports:report-list", args=[area.slug])

    unpublished_admin = client_for(admin_user).get(list_url).content.decode()
    unpublished_viewer = client_for(viewer_user).get(list_url).content.decode()
    assert settings_url in unpublished_admin and public_url not in unpublished_admin
    assert settings_url not in unpublished_viewer and public_url not in unpublished_viewer

    ProgressPage.objects.update_or_create(area=area, defaults={"is_published": True})
    published_viewer = client_for(viewer_user).get(list_url).content.decode()
    assert public_url in published_viewer and settings_url not in published_viewer
