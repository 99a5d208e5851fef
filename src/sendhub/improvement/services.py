"""Writes to the improvement plan that span several models, each in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sendhub.improvement.models import Action, Evidence, Finding, Inspection, Judgement, ProgressUpdate


class EditConflict(Exception):
    """Someone else saved the action after the person opened it; nothing has been saved."""

    def __init__(self, action: Action) -> None:
        latest = action.history.select_related("history_user").first()
        who = latest.history_user.full_name if latest and latest.history_user else "someone else"
        when = timezone.localtime(latest.history_date).strftime("%H:%M on %d %B %Y") if latest else "recently"
        self.who, self.when = who, when
        super().__init__(
            f"{who} changed this action at {when}, after you opened it. Your changes have not been saved: "
            "check the action as it is now and make your changes again."
        )


@dataclass(frozen=True)
class EvidenceLink:
    title: str
    url: str


@dataclass(frozen=True)
class EvidenceFile:
    title: str
    upload: UploadedFile
    content_type: str


def _claim_version(action: Action, expected_version: int) -> None:
    """Atomically move the action to the next version, or raise EditConflict.

    A conditional UPDATE is a compare-and-set in both SQLite (it takes the write lock) and PostgreSQL (the
    row lock makes a concurrent writer re-check the WHERE clause), so two saves of the same version can
    never both succeed.
    """
    claimed = Action.objects.filter(pk=action.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        raise EditConflict(action)
    action.version = expected_version + 1


def action_create(*, action: Action, findings: list[Finding], created_by=None) -> Action:
    with transaction.atomic():
        action._history_user = created_by
        action.save()
        action.findings.set(findings)
    return action


def action_save(*, action: Action, findings: list[Finding] | None, expected_version: int, changed_by) -> Action:
    """Save an administrator's edit of an action's details, refusing a stale edit."""
    with transaction.atomic():
        _claim_version(action, expected_version)
        action._history_user = changed_by
        action.save()
        if findings is not None:
            action.findings.set(findings)
    return action


def action_update_record(
    *,
    action: Action,
    author,
    status: str,
    rag: str,
    rag_reason: str,
    commentary: str,
    expected_version: int,
    evidence_files: tuple[EvidenceFile, ...] = (),
    evidence_links: tuple[EvidenceLink, ...] = (),
    recorded_at=None,
) -> ProgressUpdate:
    """Record a progress update: commentary, the new status and RAG with its reason, and any evidence."""
    with transaction.atomic():
        _claim_version(action, expected_version)
        update = ProgressUpdate(
            action=action,
            author=author,
            commentary=commentary,
            rag=rag,
            rag_reason=rag_reason,
            status=status,
            created_at=recorded_at or timezone.now(),
        )
        update._history_user = author
        if recorded_at is not None:
            # Back-dated updates (imports, the demo) keep their own date in the history too.
            update._history_date = action._history_date = recorded_at
        update.save()
        for link in evidence_links:
            evidence = Evidence(
                action=action,
                update=update,
                title=link.title,
                url=link.url,
                added_by=author,
                added_at=update.created_at,
            )
            evidence._history_user = author
            evidence.save()
        for item in evidence_files:
            evidence = Evidence(
                action=action,
                update=update,
                title=item.title,
                original_filename=item.upload.name[:255],
                content_type=item.content_type,
                size_bytes=item.upload.size,
                added_by=author,
                added_at=update.created_at,
            )
            evidence.file.save(item.upload.name, item.upload, save=False)
            evidence._history_user = author
            evidence.save()
        action.status, action.rag, action.rag_reason = status, rag, rag_reason
        action._history_user = author
        action.save()
    return update


def judgement_record(
    *,
    finding: Finding,
    inspection: Inspection,
    outcome: str,
    judged_on: date,
    text: str,
    recorded_by=None,
    recorded_at: datetime | None = None,
) -> Judgement:
    """Record a later inspection's judgement of a finding; the finding's status follows its latest judgement.

    ``recorded_at`` back-dates the history (imports, the demo) so "as at" reports see when it was known.
    """
    with transaction.atomic():
        judgement = Judgement.objects.filter(finding=finding, inspection=inspection).first() or Judgement(
            finding=finding, inspection=inspection
        )
        judgement.outcome, judgement.judged_on, judgement.text = outcome, judged_on, text
        judgement._history_user = recorded_by
        if recorded_at is not None:
            judgement._history_date = finding._history_date = recorded_at
        judgement.save()
        latest = finding.judgements.order_by("-judged_on", "-pk").first()
        finding.status = latest.outcome if latest else Finding.Status.OPEN
        finding._history_user = recorded_by
        finding.save(update_fields=["status"])
    return judgement


def max_upload_bytes() -> int:
    return settings.SENDHUB_MAX_UPLOAD_BYTES
