"""The report workflow: draft, review, sign-off, issue (frozen with checksums); schedules."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from sendhub.reports import services, tasks
from sendhub.reports.models import MonitoringReport, ReportIsIssued, ReportSchedule


@pytest.fixture
def draft(area, plan, as_at, admin_user):
    return services.create_draft(area=area, title="Pack", period_start=plan["start"], period_end=as_at, as_at=as_at,
                                 created_by=admin_user)


@pytest.fixture
def issue_it(signer, issuer):
    """Send for review as ``user``, then sign off and issue as two other administrators."""

    def run(report, user):
        services.submit_for_review(report=report, expected_version=report.version, by=user)
        services.sign_off(report=report, expected_version=report.version, by=signer)
        return services.issue(report=report, expected_version=report.version, by=issuer)

    return run


def test_a_new_draft_has_a_summary_drafted_from_the_figures(draft):
    assert draft.status == MonitoringReport.Status.DRAFT
    assert "of the plan's 2 actions" in draft.executive_summary


def test_issuing_freezes_the_content_and_the_documents_with_checksums(draft, admin_user, signer, issue_it):
    report = issue_it(draft, admin_user)

    report.refresh_from_db()
    assert report.status == MonitoringReport.Status.ISSUED and report.signed_off_by == signer
    assert report.content["findings"][0]["reference"] in {"PA1", "PA2"}
    pdf, xlsx = report.pdf.read(), report.xlsx.read()
    assert pdf.startswith(b"%PDF") and xlsx.startswith(b"PK")
    assert hashlib.sha256(pdf).hexdigest() == report.pdf_sha256
    assert hashlib.sha256(xlsx).hexdigest() == report.xlsx_sha256
    assert hashlib.sha256(report.html.encode()).hexdigest() == report.html_sha256
    assert services.content_for(report) is report.content


def test_an_issued_report_cannot_be_changed_or_deleted(draft, admin_user, issue_it):
    report = issue_it(draft, admin_user)

    report.title = "Changed"
    with pytest.raises(ReportIsIssued):
        report.save()
    with pytest.raises(ReportIsIssued):
        report.delete()
    for step in (services.submit_for_review, services.return_to_draft, services.sign_off):
        with pytest.raises(ReportIsIssued):
            step(report=report, expected_version=report.version, by=admin_user)
    stored = MonitoringReport.objects.get(pk=report.pk)
    assert stored.title == "Pack" and stored.status == MonitoringReport.Status.ISSUED


def test_steps_happen_in_order(draft, admin_user):
    with pytest.raises(services.WorkflowError, match="signed-off"):
        services.issue(report=draft, expected_version=draft.version, by=admin_user)
    with pytest.raises(services.WorkflowError):
        services.sign_off(report=draft, expected_version=draft.version, by=admin_user)
    assert MonitoringReport.objects.get(pk=draft.pk).status == MonitoringReport.Status.DRAFT


def test_a_stale_step_is_refused(draft, admin_user):
    opened_version = draft.version
    services.submit_for_review(report=draft, expected_version=opened_version, by=admin_user)

    other_copy = MonitoringReport.objects.get(pk=draft.pk)
    with pytest.raises(services.StaleReport, match="Someone changed this report"):
        services.return_to_draft(report=other_copy, expected_version=opened_version, by=admin_user)


def test_a_draft_without_a_summary_cannot_go_for_review(draft, admin_user):
    draft.executive_summary = "  "
    services.save_draft(report=draft, expected_version=draft.version, changed_by=admin_user)

    with pytest.raises(services.WorkflowError, match="executive summary"):
        services.submit_for_review(report=draft, expected_version=draft.version, by=admin_user)


def test_a_due_schedule_drafts_a_pack_and_emails_the_administrators(area, plan, admin_user):
    today = timezone.localdate()
    schedule = ReportSchedule.objects.create(area=area, every_months=6, period_months=6, next_run_on=today)

    reports = services.run_due_schedules(today)

    assert len(reports) == 1
    report = reports[0]
    assert report.from_schedule and report.as_at == today - timedelta(days=1)
    assert report.period_start == services.add_months(today, -6)
    schedule.refresh_from_db()
    assert schedule.next_run_on == services.add_months(today, 6) and schedule.last_report == report
    assert [m.to for m in mail.outbox] == [[admin_user.email]]
    assert report.get_absolute_url() in mail.outbox[0].body
    assert services.run_due_schedules(today) == []  # not due again until the next date


def test_the_task_drafts_due_packs(area, plan, admin_user):
    ReportSchedule.objects.create(area=area, next_run_on=timezone.localdate())

    result = tasks.draft_due_packs.enqueue()

    assert len(result.return_value) == 1
    # The test backend runs tasks at once and cannot defer one to a later day.
    assert tasks.queue_next_run() is False


def test_add_months_keeps_to_the_end_of_short_months():
    from datetime import date

    assert services.add_months(date(2026, 8, 31), -6) == date(2026, 2, 28)
    assert services.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
