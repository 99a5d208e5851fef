"""Writes to the board's records, each in one transaction.

Every write to a meeting's record first locks the meeting's row and re-reads its minutes' status: once the
minutes are approved they are the formal record, and a write that raced the approval must not slip in after it.
(``select_for_update`` takes a row lock in PostgreSQL; SQLite has one writer at a time, and a transaction that
read a row another has since changed fails rather than overwriting it.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from sendhub.accounts.models import LocalArea
from sendhub.governance.models import (
    ActionArising,
    AgendaItem,
    Board,
    Decision,
    Meeting,
    Paper,
    long_date,
)
from sendhub.improvement import services as improvement_services
from sendhub.improvement.models import Action, Finding
from sendhub.outcomes.measures import MEASURES
from sendhub.reports.models import MonitoringReport


class GovernanceError(Exception):
    """A write refused by one of the board's rules; nothing was saved and the message says why. ``field`` names
    the form field the message belongs to, when it is about one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@contextmanager
def _unique(taken: Callable[[], bool], message: str, field: str | None) -> Iterator[None]:
    """Turn a unique constraint's IntegrityError into GovernanceError on ``field`` when ``taken()`` says another
    record now holds the value: two people saved at once, and both passed the form's check before either saved.
    Wraps a ``transaction.atomic()`` block, so the check runs after it has rolled back."""
    try:
        yield
    except IntegrityError as error:
        if taken():
            raise GovernanceError(message, field=field) from error
        raise


class RecordClosed(GovernanceError):
    """The meeting's minutes are approved, so its record can no longer change."""


class ApprovalRefused(GovernanceError):
    pass


class PromotionRefused(GovernanceError):
    pass


class OtherAreaRefused(GovernanceError):
    """An object from another local area was named: areas never share records."""


# Helpers ---------------------------------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the approving meeting.
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("board", "minutes_approved_at_meeting__board")
        .get(pk=meeting.pk)
    )


def _require_open(meeting: Meeting) -> Meeting:
    """The meeting, locked and re-read; RecordClosed if its minutes have been approved."""
    locked = _lock(meeting)
    if locked.minutes_are_approved:
        raise RecordClosed(
            f"The minutes of this meeting were approved at the {locked.minutes_approved_at_meeting}: "
            "its record can no longer be changed"
        )
    return locked


def _require_area(area: LocalArea, objects: Iterable, what: str) -> None:
    for obj in objects:
        if obj.area_id != area.pk:
            raise OtherAreaRefused(f"{what} {obj} belongs to another area")


def _require_same_meeting(agenda_item: AgendaItem | None, meeting: Meeting) -> None:
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise OtherAreaRefused("The agenda item belongs to another meeting")


def board_for(area: LocalArea) -> Board:
    """The area's board; an unsaved one with the usual name when the area has not set one up yet."""
    return Board.objects.filter(area=area).first() or Board(area=area)


# Board and meetings ---------------------------------------------------------------------------------------


def board_save(*, board: Board, saved_by) -> Board:
    others = Board.objects.filter(area_id=board.area_id).exclude(pk=board.pk)
    message = "Someone else has just set up the board: look at its details, then make your changes again"
    with _unique(others.exists, message, None), transaction.atomic():
        board._history_user = saved_by
        board.save()
    return board


def _board_of(area: LocalArea, saved_by) -> Board:
    """The area's board, locked, set up now if the area has none (once, however many meetings are added at once)."""
    board = Board.objects.select_for_update(of=("self",)).filter(area=area).first()
    if board is not None:
        return board
    try:
        return board_save(board=Board(area=area), saved_by=saved_by)
    except GovernanceError:  # set up by another request since we looked: use that one
        return Board.objects.select_for_update(of=("self",)).get(area=area)


def meeting_save(*, meeting: Meeting, area: LocalArea, saved_by) -> Meeting:
    """Create or change a meeting's details. A new meeting goes to the area's board, set up on first use."""

    def taken() -> bool:  # the board may be set up below, so it is looked up when asked
        clashes = Meeting.objects.filter(board_id=meeting.board_id, held_on=meeting.held_on)
        return clashes.exclude(pk=meeting.pk).exists()

    message = f"The board already has a meeting on {long_date(meeting.held_on)}"
    with _unique(taken, message, "held_on"), transaction.atomic():
        if meeting.board_id is None:
            meeting.board = _board_of(area, saved_by)
        if meeting.board.area_id != area.pk:
            raise OtherAreaRefused("The meeting belongs to another area's board")
        if meeting.pk:
            _require_open(meeting)
            # A meeting that approved earlier minutes must stay after them.
            latest_approved = meeting.minutes_approved.order_by("-held_on").first()
            if latest_approved is not None and meeting.held_on <= latest_approved.held_on:
                raise GovernanceError(
                    f"This meeting approved the minutes of the meeting on {long_date(latest_approved.held_on)}, "
                    "so it must be after that date"
                )
        meeting._history_user = saved_by
        meeting.save()
    return meeting


# Agenda, papers, decisions and actions arising --------------------------------------------------------------


def agenda_item_save(
    *,
    item: AgendaItem,
    findings: Iterable[Finding],
    actions: Iterable[Action],
    reports: Iterable[MonitoringReport],
    measures: Iterable[str],
    saved_by,
) -> AgendaItem:
    """Save an agenda item and what it links to: findings, actions, monitoring reports and outcome measures."""
    area = item.meeting.area
    findings, actions, reports, measures = list(findings), list(actions), list(reports), list(measures)
    _require_area(area, findings, "Finding")
    _require_area(area, actions, "Action")
    _require_area(area, reports, "Monitoring report")
    unknown = sorted(set(measures) - set(MEASURES))
    if unknown:
        raise GovernanceError(f"Unknown outcome measure: {', '.join(unknown)}")
    others = AgendaItem.objects.filter(meeting_id=item.meeting_id, position=item.position).exclude(pk=item.pk)
    message = f"Item {item.position} is already on the agenda: choose another number"
    with _unique(others.exists, message, "position"), transaction.atomic():
        _require_open(item.meeting)
        # Keep the order of the measure list as defined in outcomes.measures, so the agenda reads consistently.
        item.measures = [name for name in MEASURES if name in set(measures)]
        item._history_user = saved_by
        item.save()
        item.findings.set(findings)
        item.actions.set(actions)
        item.reports.set(reports)
    return item


def paper_add(
    *,
    meeting: Meeting,
    title: str,
    upload: UploadedFile,
    content_type: str,
    added_by,
    agenda_item: AgendaItem | None = None,
    recorded_at: datetime | None = None,
) -> Paper:
    """Store a board paper. ``content_type`` is what the upload check found in the file's bytes.

    ``recorded_at`` back-dates the paper and its history (imports, the demo); otherwise it is now.
    """
    _require_same_meeting(agenda_item, meeting)
    paper = Paper(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        original_filename=(upload.name or "paper")[:255],
        content_type=content_type,
        size_bytes=upload.size,
        added_by=added_by,
    )
    if recorded_at is not None:
        paper.added_at = paper._history_date = recorded_at
    try:
        with transaction.atomic():
            _require_open(meeting)
            paper.file.save(upload.name, upload, save=False)
            paper._history_user = added_by
            paper.save()
    except BaseException:
        # Nothing of a refused or failed upload stays behind: the row rolled back, so remove the stored file too.
        if paper.file.name:
            paper.file.storage.delete(paper.file.name)
        raise
    return paper


def decision_record(*, decision: Decision, recorded_by) -> Decision:
    _require_same_meeting(decision.agenda_item, decision.meeting)
    with transaction.atomic():
        _require_open(decision.meeting)
        decision._history_user = recorded_by
        decision.save()
    return decision


# Fields of an action arising that stay open to change once the minutes are approved: tracking it to done.
_TRACKING_FIELDS = {"status"}


def action_arising_save(*, arising: ActionArising, saved_by) -> ActionArising:
    """Record an action arising, or change one.

    Once the meeting's minutes are approved, what the board agreed is fixed: only the status can change.
    """
    meeting = arising.meeting
    _require_same_meeting(arising.agenda_item, meeting)
    _require_area(meeting.area, [arising.owner], "Organisation")
    with transaction.atomic():
        locked = _lock(meeting)
        if locked.minutes_are_approved:
            if arising.pk is None:
                _require_open(meeting)  # raises RecordClosed with the approving meeting's name
            stored = ActionArising.objects.get(pk=arising.pk)
            changed = [
                f.name
                for f in ActionArising._meta.concrete_fields
                if f.name not in _TRACKING_FIELDS and getattr(stored, f.attname) != getattr(arising, f.attname)
            ]
            if changed:
                raise RecordClosed(
                    "The minutes of this meeting are approved: only the status of its actions arising can change"
                )
        arising._history_user = saved_by
        arising.save()
    return arising


def action_arising_promote(
    *, arising: ActionArising, reference: str, promoted_by, recorded_at: datetime | None = None
) -> Action:
    """Add an action arising to the improvement plan as a new Action, and link the two. Refused if done before.

    The plan action answers the findings of the agenda item the action arose under (if any); it starts on the
    meeting's date and is due when the action arising is due. ``recorded_at`` back-dates the history.
    """
    reference = reference.strip()
    if not reference:
        raise PromotionRefused("Enter a reference for the improvement plan action")
    max_length = Action._meta.get_field("reference").max_length
    if len(reference) > max_length:
        raise PromotionRefused(f"The reference must be {max_length} characters or fewer")
    with transaction.atomic():
        locked = (
            ActionArising.objects.select_for_update(of=("self",))
            .select_related("meeting__area", "meeting__board", "owner", "agenda_item", "plan_action")
            .get(pk=arising.pk)
        )
        if locked.plan_action_id is not None:
            raise PromotionRefused(
                f"This action arising is already in the improvement plan as {locked.plan_action.reference}"
            )
        meeting = locked.meeting
        area = meeting.area
        _require_area(area, [locked.owner], "Organisation")
        if Action.objects.filter(area=area, reference__iexact=reference).exists():
            raise PromotionRefused(f"Another action already has the reference {reference}", field="reference")
        findings = list(locked.agenda_item.findings.all()) if locked.agenda_item else []
        _require_area(area, findings, "Finding")
        description = f"Agreed at the {meeting}."
        if locked.description:
            description = f"{locked.description}\n\n{description}"
        action = Action(
            area=area,
            reference=reference,
            title=locked.title,
            description=description,
            owner=locked.owner,
            start_date=min(meeting.held_on, locked.due_date),
            due_date=locked.due_date,
        )
        if recorded_at is not None:
            action._history_date = locked._history_date = recorded_at
        try:
            improvement_services.action_create(action=action, findings=findings, created_by=promoted_by)
        except improvement_services.DuplicateReference as taken:  # another action took it since the check above
            raise PromotionRefused(str(taken), field=taken.field) from taken
        # Compare-and-set, so two promotions of the same action arising can never both succeed.
        if not ActionArising.objects.filter(pk=locked.pk, plan_action__isnull=True).update(plan_action=action):
            raise PromotionRefused("This action arising has just been added to the improvement plan by someone else")
        locked.plan_action = action
        locked._history_user = promoted_by
        locked.save(update_fields=["plan_action"])
    arising.plan_action = action
    return action


# Minutes ---------------------------------------------------------------------------------------------------


def minutes_record(
    *, meeting: Meeting, minutes: str, recorded_by, today: date, recorded_at: datetime | None = None
) -> Meeting:
    """Write or rewrite the draft minutes of a meeting that has taken place; a scheduled meeting becomes held.

    ``recorded_at`` back-dates the history (imports, the demo); otherwise it is now.
    """
    if not minutes.strip():
        raise GovernanceError("Enter the minutes")
    with transaction.atomic():
        locked = _lock(meeting)
        if locked.minutes_are_approved:
            raise RecordClosed(
                f"These minutes were approved at the {locked.minutes_approved_at_meeting}: nobody can change them"
            )
        if locked.status == Meeting.Status.CANCELLED:
            raise GovernanceError("This meeting was cancelled, so it has no minutes")
        if locked.held_on > today:
            raise GovernanceError(
                f"Minutes can be written once the meeting has taken place (on {long_date(locked.held_on)})"
            )
        locked.minutes = minutes
        locked.minutes_status = Meeting.MinutesStatus.DRAFT
        if locked.status == Meeting.Status.SCHEDULED:
            locked.status = Meeting.Status.HELD
        locked._history_user = recorded_by
        if recorded_at is not None:
            locked._history_date = recorded_at
        locked.save()
    return locked


def minutes_approve(
    *, meeting: Meeting, at_meeting: Meeting, approved_by, today: date, recorded_at: datetime | None = None
) -> Meeting:
    """Approve meeting A's draft minutes at a later meeting B of the same board. Approved minutes never change.

    ``recorded_at`` back-dates the history (imports, the demo); otherwise it is now.
    """
    with transaction.atomic():
        # Lock both rows in id order, so two approvals touching the same pair cannot deadlock.
        rows = {
            m.pk: m
            for m in Meeting.objects.select_for_update(of=("self",))
            .select_related("board", "minutes_approved_at_meeting__board")
            .filter(pk__in=[meeting.pk, at_meeting.pk])
            .order_by("pk")
        }
        locked, approver = rows.get(meeting.pk), rows.get(at_meeting.pk)
        if locked is None or approver is None or locked.pk == approver.pk:
            raise ApprovalRefused("Minutes must be approved at a later meeting of the same board")
        if approver.board_id != locked.board_id:
            raise ApprovalRefused("Minutes must be approved at a meeting of the same board")
        if locked.minutes_are_approved:
            raise ApprovalRefused(f"These minutes were already approved at the {locked.minutes_approved_at_meeting}")
        if locked.minutes_status != Meeting.MinutesStatus.DRAFT or not locked.minutes.strip():
            raise ApprovalRefused("Write the minutes before approving them")
        if approver.held_on <= locked.held_on:
            raise ApprovalRefused(
                f"Minutes must be approved at a later meeting: the meeting on {long_date(approver.held_on)} is not "
                f"after this one ({long_date(locked.held_on)})"
            )
        if approver.status == Meeting.Status.CANCELLED:
            raise ApprovalRefused(f"The meeting on {long_date(approver.held_on)} was cancelled")
        if approver.held_on > today:
            raise ApprovalRefused(
                f"The meeting on {long_date(approver.held_on)} has not taken place yet: approve the minutes there"
            )
        locked.minutes_status = Meeting.MinutesStatus.APPROVED
        locked.minutes_approved_at_meeting = approver
        locked._history_user = approved_by
        if recorded_at is not None:
            locked._history_date = approver._history_date = recorded_at
        locked.save()
        if approver.status == Meeting.Status.SCHEDULED:
            # Minutes were approved there, so the meeting took place.
            approver.status = Meeting.Status.HELD
            approver._history_user = approved_by
            approver.save()
    return locked
