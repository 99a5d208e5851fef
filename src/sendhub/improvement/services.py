"""Writes to the improvement plan that span several models, each in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
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


class DuplicateReference(Exception):
    """Another record took the reference between the form's check and the save (two people saving at once, or a
    double-submitted form); nothing has been saved. ``field`` is the form field to show the message on."""

    field = "reference"


@contextmanager
def _reference_taken(taken: Callable[[], bool], message: str) -> Iterator[None]:
    """Turn the unique constraint's IntegrityError into DuplicateReference when ``taken()`` says the reference is
    now in use. Wrap a ``transaction.atomic()`` block: it has rolled back (to its savepoint, inside an outer
    transaction) before the check runs, so the check, and whatever the caller does next, can still query."""
    try:
        yield
    except IntegrityError as error:
        if taken():
            raise DuplicateReference(message) from error
        raise


def _action_reference_taken(action: Action) -> AbstractContextManager[None]:
    """Refusal of the action's reference when another action of the area has it now."""
    others = Action.objects.filter(area_id=action.area_id, reference=action.reference).exclude(pk=action.pk)
    return _reference_taken(others.exists, f"Another action already has the reference {action.reference}")


def action_create(*, action: Action, findings: list[Finding], created_by=None) -> Action:
    """Add an action to the plan. Raises DuplicateReference when another action took its reference meanwhile."""
    with _action_reference_taken(action), transaction.atomic():
        action._history_user = created_by
        action.save()
        action.findings.set(findings)
    return action


def action_save(*, action: Action, findings: list[Finding] | None, expected_version: int, changed_by) -> Action:
    """Save an administrator's edit of an action's details, refusing a stale edit (EditConflict) and a reference
    another action took meanwhile (DuplicateReference)."""
    with _action_reference_taken(action), transaction.atomic():
        _claim_version(action, expected_version)
        action._history_user = changed_by
        action.save()
        if findings is not None:
            action.findings.set(findings)
    return action


def finding_save(*, finding: Finding, responsible_organisations: list | None = None) -> Finding:
    """Create or change a finding (with the organisations named in it). Raises DuplicateReference when another
    finding of the inspection took its reference meanwhile."""

    others = Finding.objects.filter(inspection_id=finding.inspection_id, reference=finding.reference)
    message = f"This inspection already has a finding with reference {finding.reference}"
    with _reference_taken(others.exclude(pk=finding.pk).exists, message), transaction.atomic():
        finding.save()
        if responsible_organisations is not None:
            finding.responsible_organisations.set(responsible_organisations)
    return finding


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
    arguments = dict(
        finding=finding, inspection=inspection, outcome=outcome, judged_on=judged_on, text=text,
        recorded_by=recorded_by, recorded_at=recorded_at,
    )  # fmt: skip
    try:
        return _judgement_write(**arguments)
    except IntegrityError:
        # Two people recorded this inspection's judgement at once and the other's row came first: record this
        # one over it, as recording it a moment later would have (the history keeps both).
        if not Judgement.objects.filter(finding=finding, inspection=inspection).exists():
            raise
        return _judgement_write(**arguments)


def _judgement_write(
    *, finding: Finding, inspection: Inspection, outcome: str, judged_on: date, text: str, recorded_by, recorded_at
) -> Judgement:
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
