"""A monitoring pack's way from draft to issued, and the scheduled drafts.

Draft -> in review -> signed off (an administrator) -> issued. Separation of duties: the person who sends a pack
for review, the one who signs it off and the one who issues it are three different people, unless an area
administrator overrides it for a step with a reason (kept as a ``DutyOverride`` and in the pack's history).
Issuing freezes the pack: its content (as at its
date, from the history) is stored as JSON with the HTML, PDF and XLSX made from it, each with its SHA-256; from
then on no role can change or delete it (the model refuses, and so does every view).
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts.models import LocalArea, Membership, Role
from sendhub.accounts.rules import role_in
from sendhub.reports import asat, render
from sendhub.reports.models import DutyOverride, MonitoringReport, ReportIsIssued, ReportSchedule

logger = logging.getLogger(__name__)


class WorkflowError(Exception):
    """The report is not at the step this change needs (e.g. issuing a draft nobody has signed off)."""


class StaleReport(WorkflowError):
    """Someone else changed the report after the person opened it."""


class SeparationOfDuties(WorkflowError):
    """The person already took an earlier step of this pack: someone else must take this one."""


STEP_WORDS = {DutyOverride.Step.SIGN_OFF: "sign it off", DutyOverride.Step.ISSUE: "issue it"}


def earlier_steps_by(report: MonitoringReport, step: str, person) -> list[str]:
    """The earlier workflow steps ``person`` took on this pack (sender for review, signer), for ``step``."""
    earlier = [("sent it for review", report.submitted_by_id)]
    if step == DutyOverride.Step.ISSUE:
        earlier.append(("signed it off", report.signed_off_by_id))
    return [words for words, user_id in earlier if person is not None and user_id == person.pk]


def _check_duties(report: MonitoringReport, step: str, by, override_reason: str) -> DutyOverride | None:
    """Refuse a second step by the same person, unless an area administrator gives a reason (returned unsaved)."""
    took = earlier_steps_by(report, step, by)
    if not took:
        return None
    earlier = " and ".join(took)
    reason = (override_reason or "").strip()
    if not reason:
        raise SeparationOfDuties(
            f"You {earlier}, so someone else must {STEP_WORDS[step]}: the person who sends a pack for review, "
            "the one who signs it off and the one who issues it must be different people. An area administrator "
            "may do it anyway by giving the reason."
        )
    if role_in(by, report.area) != Role.ADMINISTRATOR:
        raise SeparationOfDuties(
            f"You {earlier}, so someone else must {STEP_WORDS[step]}. Only an area administrator may override this."
        )
    return DutyOverride(report=report, step=step, by=by, earlier=earlier, reason=reason[:2000])


def _record_override(override: DutyOverride | None, report: MonitoringReport) -> None:
    if override is None:
        return
    override.at = timezone.now()
    override._history_user = override.by
    override.save()
    report._change_reason = (
        f"Separation of duties overridden: {override.by} {override.earlier} and "
        f"{override.get_step_display().lower()} it. Reason: {override.reason}"
    )[:100]
    logger.info("Monitoring report %s: separation of duties overridden for %s", report.pk, override.step)


def add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def content_for(report: MonitoringReport) -> dict[str, Any]:
    """What the report shows: frozen once issued, otherwise built from the history as at its date."""
    if report.is_issued and report.content is not None:
        return report.content
    return asat.build_content(
        report.area, period_start=report.period_start, period_end=report.period_end, as_at=report.as_at
    )


def _claim(report: MonitoringReport, expected_version: int, allowed: set[str]) -> None:
    """Compare-and-set on version and status, so two people cannot move the same report at once."""
    if report.status == MonitoringReport.Status.ISSUED:
        raise ReportIsIssued(f"{report.title} was issued and cannot be changed.")
    claimed = MonitoringReport.objects.filter(
        pk=report.pk, version=expected_version, status__in=allowed
    ).update(version=F("version") + 1)
    if not claimed:
        report.refresh_from_db()
        if report.status == MonitoringReport.Status.ISSUED:
            raise ReportIsIssued(f"{report.title} was issued and cannot be changed.")
        raise StaleReport(
            f"Someone changed this report after you opened it (it is now {report.get_status_display().lower()}). "
            "Nothing has been saved: check the report as it is now."
        )
    report.version = expected_version + 1


def create_draft(
    *, area: LocalArea, title: str, period_start: date, period_end: date, as_at: date, created_by=None,
    from_schedule: bool = False,
) -> MonitoringReport:
    """A new draft, with an executive summary drafted from the figures for the administrator to rewrite."""
    content = asat.build_content(area, period_start=period_start, period_end=period_end, as_at=as_at)
    report = MonitoringReport(
        area=area, title=title, period_start=period_start, period_end=period_end, as_at=as_at,
        executive_summary=asat.draft_summary(content), created_by=created_by, from_schedule=from_schedule,
    )
    report._history_user = created_by
    report.save()
    return report


def save_draft(*, report: MonitoringReport, expected_version: int, changed_by) -> MonitoringReport:
    """Save an administrator's edit (title, period, date, summary) of a draft or a report in review."""
    with transaction.atomic():
        _claim(report, expected_version, {MonitoringReport.Status.DRAFT, MonitoringReport.Status.IN_REVIEW})
        report._history_user = changed_by
        report.save()
    return report


def submit_for_review(*, report: MonitoringReport, expected_version: int, by) -> MonitoringReport:
    with transaction.atomic():
        _claim(report, expected_version, {MonitoringReport.Status.DRAFT})
        if not report.executive_summary.strip():
            raise WorkflowError("Write the executive summary before sending the report for review.")
        report.status = MonitoringReport.Status.IN_REVIEW
        report.submitted_by, report.submitted_at = by, timezone.now()
        report._history_user = by
        report.save()
    return report


def return_to_draft(*, report: MonitoringReport, expected_version: int, by) -> MonitoringReport:
    with transaction.atomic():
        _claim(report, expected_version, {MonitoringReport.Status.IN_REVIEW, MonitoringReport.Status.SIGNED_OFF})
        report.status = MonitoringReport.Status.DRAFT
        report.signed_off_by = report.signed_off_at = None
        report._history_user = by
        report.save()
    return report


def sign_off(*, report: MonitoringReport, expected_version: int, by, override_reason: str = "") -> MonitoringReport:
    """Sign off a pack in review: not by the person who sent it for review, unless an administrator gives a reason."""
    with transaction.atomic():
        if report.status == MonitoringReport.Status.IN_REVIEW:
            override = _check_duties(report, DutyOverride.Step.SIGN_OFF, by, override_reason)
        else:
            override = None  # _claim says why the step is refused
        _claim(report, expected_version, {MonitoringReport.Status.IN_REVIEW})
        report.status = MonitoringReport.Status.SIGNED_OFF
        report.signed_off_by, report.signed_off_at = by, timezone.now()
        report._history_user = by
        _record_override(override, report)
        report.save()
    return report


def issue(*, report: MonitoringReport, expected_version: int, by, override_reason: str = "") -> MonitoringReport:
    """Freeze the signed-off report: store its content and the documents that go out, with checksums.

    Not by the person who sent it for review or signed it off, unless an administrator gives a reason."""
    if report.status == MonitoringReport.Status.ISSUED:
        raise ReportIsIssued(f"{report.title} was issued and cannot be changed.")
    if report.status != MonitoringReport.Status.SIGNED_OFF:
        raise WorkflowError("Only a signed-off report can be issued.")
    override = _check_duties(report, DutyOverride.Step.ISSUE, by, override_reason)
    now = timezone.now()
    report.issued_at, report.issued_by = now, by
    content = asat.build_content(
        report.area, period_start=report.period_start, period_end=report.period_end, as_at=report.as_at
    )
    report.status = MonitoringReport.Status.ISSUED  # the documents say "Issued"
    html = render.render_document_html(report, content)
    pdf = render.render_pdf(report, content)
    xlsx = render.render_xlsx(report, content)
    with transaction.atomic():
        report.status = MonitoringReport.Status.SIGNED_OFF
        _claim(report, expected_version, {MonitoringReport.Status.SIGNED_OFF})
        stem = f"{report.area.slug}-monitoring-pack-{report.as_at:%Y-%m-%d}-{report.pk}"
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.content, report.html = content, html
        report.html_sha256, report.pdf_sha256, report.xlsx_sha256 = (
            render.sha256(html), render.sha256(pdf), render.sha256(xlsx)
        )
        report.status = MonitoringReport.Status.ISSUED
        report.issued_at, report.issued_by = now, by
        report._history_user = by
        _record_override(override, report)
        report._issuing = True
        try:
            report.save()
        finally:
            report._issuing = False
    logger.info("Monitoring report %s issued for area %s", report.pk, report.area.la_code)
    return report


def delete_draft(*, report: MonitoringReport, by) -> None:
    if report.status != MonitoringReport.Status.DRAFT:
        raise WorkflowError("Only a draft can be deleted; return it to draft first.")
    report._history_user = by
    report.delete()


# Schedules ------------------------------------------------------------------------------------------------


def default_title(period_start: date, period_end: date) -> str:
    return f"Monitoring pack: {period_start:%B %Y} to {period_end:%B %Y}"


def run_schedule(schedule: ReportSchedule, *, today: date) -> MonitoringReport | None:
    """Draft the pack the schedule asks for, if it is due, then email the administrators and move it on."""
    if not schedule.is_active or schedule.next_run_on > today:
        return None
    as_at = schedule.next_run_on - timedelta(days=1)
    period_start = add_months(as_at + timedelta(days=1), -schedule.period_months)
    report = create_draft(
        area=schedule.area, title=default_title(period_start, as_at), period_start=period_start, period_end=as_at,
        as_at=as_at, from_schedule=True,
    )
    next_run = schedule.next_run_on
    while next_run <= today:
        next_run = add_months(next_run, schedule.every_months)
    ReportSchedule.objects.filter(pk=schedule.pk).update(
        next_run_on=next_run, last_run_at=timezone.now(), last_report=report
    )
    schedule.refresh_from_db()
    notify_draft_ready(report)
    return report


def notify_draft_ready(report: MonitoringReport) -> int:
    """Email the area's administrators that a draft is ready (a link, no content: the pack is not public)."""
    recipients = list(
        Membership.objects.filter(area=report.area, role=Role.ADMINISTRATOR, user__is_active=True)
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return 0
    from django.conf import settings

    link = settings.SENDHUB_BASE_URL.rstrip("/") + reverse("reports:report-detail", args=[report.area.slug, report.pk])
    return send_mail(
        subject=f"Draft monitoring pack ready: {report.title}",
        message=(
            f"SEND Hub has drafted the monitoring pack for {report.area.name}, "
            f"{report.period_start:%-d %B %Y} to {report.period_end:%-d %B %Y}, as at {report.as_at:%-d %B %Y}.\n\n"
            f"Review the figures, rewrite the executive summary and send it for sign-off:\n{link}\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )


def run_due_schedules(today: date | None = None) -> list[MonitoringReport]:
    today = today or timezone.localdate()
    reports = []
    for schedule in ReportSchedule.objects.filter(is_active=True, next_run_on__lte=today).select_related("area"):
        try:
            report = run_schedule(schedule, today=today)
        except Exception:  # one area's failure must not stop the others' drafts
            logger.exception("Scheduled monitoring pack failed for area %s", schedule.area.la_code)
            continue
        if report is not None:
            reports.append(report)
    return reports
