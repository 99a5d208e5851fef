"""The SEND Partnership (Improvement) Board: its meetings, agendas, papers, decisions, actions arising and minutes.

Every object belongs to one local area: a Board directly, a Meeting through its board (``area`` is copied from
the board on save so that pages filter by area in one step), and everything else through its meeting.
Approved minutes are the partnership's formal record: once approved, they cannot be changed by anyone
(:meth:`Meeting.save` refuses, and the services re-check under a row lock).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sendhub.accounts.models import LocalArea, Organisation
from sendhub.outcomes.measures import MEASURES

DEFAULT_BOARD_NAME = "SEND Partnership Board"


def long_date(day) -> str:
    """3 March 2025: the GOV.UK date style, without a leading zero on any platform."""
    return f"{day.day} {day:%B %Y}"


def validate_measure_names(value) -> None:
    """An agenda item's outcome measures: a list of measure names as ``sendhub.outcomes.measures`` defines them."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError("Outcome measures must be a list of measure names")
    unknown = sorted(set(value) - set(MEASURES))
    if unknown:
        raise ValidationError(f"Unknown outcome measure: {', '.join(unknown)}")


class MinutesApproved(ValidationError):
    """Approved minutes are the formal record of the meeting: nobody may change them."""


class Board(models.Model):
    """The partnership's board that oversees the improvement plan. One per area."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="boards")
    name = models.CharField(max_length=200, default=DEFAULT_BOARD_NAME)
    terms_of_reference = models.TextField(
        blank=True, help_text="Purpose, membership, chair, quorum and how often the board meets"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area"], name="board_one_per_area")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting-list", args=[self.area.slug])


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    class MinutesStatus(models.TextChoices):
        NONE = "none", "Not written yet"
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="board_meetings", editable=False)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("Date")
    starts_at = models.TimeField("Start time", null=True, blank=True)
    location = models.CharField(
        "Location or online meeting",
        max_length=300,
        blank=True,
        help_text="For example, County Hall, Preston, or Online (Microsoft Teams)",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    minutes = models.TextField(blank=True)
    minutes_status = models.CharField(max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.NONE)
    # RESTRICT, not PROTECT: the approving meeting cannot be deleted on its own, but deleting the board (which
    # cascades to both meetings) still works.
    minutes_approved_at_meeting = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="minutes_approved",
        verbose_name="Minutes approved at",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["board", "held_on"], name="meeting_one_per_board_per_day"),
            models.CheckConstraint(
                condition=(models.Q(minutes_status="approved") & models.Q(minutes_approved_at_meeting__isnull=False))
                | (~models.Q(minutes_status="approved") & models.Q(minutes_approved_at_meeting__isnull=True)),
                name="meeting_approved_minutes_name_the_meeting",
            ),
            models.CheckConstraint(
                condition=~models.Q(minutes_status="approved") | ~models.Q(minutes=""),
                name="meeting_approved_minutes_are_written",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board.name} meeting, {long_date(self.held_on)}"

    def save(self, *args, **kwargs) -> None:
        self.area_id = self.board.area_id
        # The services refuse first, with a clearer message; this guard stops every other path (the shell, a
        # future page, a stale copy of the meeting) from changing minutes that have been approved.
        if self.pk:
            stored = (
                Meeting.objects.filter(pk=self.pk)
                .values("minutes", "minutes_status", "minutes_approved_at_meeting_id")
                .first()
            )
            if stored and stored["minutes_status"] == self.MinutesStatus.APPROVED and stored != {
                "minutes": self.minutes,
                "minutes_status": self.minutes_status,
                "minutes_approved_at_meeting_id": self.minutes_approved_at_meeting_id,
            }:
                raise MinutesApproved("These minutes have been approved: nobody can change them")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting-detail", args=[self.area.slug, self.pk])

    @property
    def minutes_are_approved(self) -> bool:
        return self.minutes_status == self.MinutesStatus.APPROVED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField("Item number", validators=[MinValueValidator(1)])
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    presenter = models.CharField(max_length=200, blank=True, help_text="For example, Director of SEND Partnership")
    findings = models.ManyToManyField("improvement.Finding", blank=True, related_name="board_agenda_items")
    actions = models.ManyToManyField("improvement.Action", blank=True, related_name="board_agenda_items")
    measures = models.JSONField(
        "Outcome measures", default=list, blank=True, validators=[validate_measure_names]
    )
    reports = models.ManyToManyField(
        "reports.MonitoringReport", blank=True, related_name="board_agenda_items", verbose_name="Monitoring reports"
    )
    history = HistoricalRecords(m2m_fields=[findings, actions, reports])

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Paper(models.Model):
    """A board paper. Served only through the permission-checked download view, never from a public URL."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="papers"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="board-papers/%Y/%m/")
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField("Decision")
    decided_on = models.DateField("Date of decision")
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "pk"]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"


class ActionArising(models.Model):
    """An action the board agreed at a meeting; it may be promoted into the improvement plan."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions_arising")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions_arising"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # RESTRICT: an organisation with actions arising cannot be deleted on its own, yet a cascade that deletes
    # the actions arising too (the board's) goes through.
    owner = models.ForeignKey(
        Organisation, on_delete=models.RESTRICT, related_name="board_actions_arising", verbose_name="Owner"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=4, choices=Status.choices, default=Status.OPEN)
    plan_action = models.ForeignKey(
        "improvement.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_actions_arising",
        verbose_name="Improvement plan action",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name_plural = "actions arising"
        constraints = [
            # One plan action comes from at most one action arising (null for those never promoted).
            models.UniqueConstraint(fields=["plan_action"], name="action_arising_promoted_once"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_promoted(self) -> bool:
        return self.plan_action_id is not None
