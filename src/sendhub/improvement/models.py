"""The inspection improvement plan: inspections, findings, judgements, actions and their progress."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sendhub.accounts.models import LocalArea, Organisation


class Framework(models.TextChoices):
    """The stored key names the framework by the year it came into force; the label is what people read.

    "2023" is the area SEND inspection framework launched in January 2023 and revised in June 2025: one
    framework, so its records keep their key (see sendhub/inspection/frameworks.py for its kinds, outcomes,
    finding kinds, judgement wording and required plans).
    """

    F2016 = "2016", "2016 framework (joint local area SEND inspection)"
    F2023 = "2023", "Area SEND inspection framework (January 2023, revised June 2025)"


class Inspection(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", "Full inspection"
        REVISIT = "revisit", "Revisit"
        MONITORING = "monitoring", "Monitoring inspection"
        ENGAGEMENT = "engagement", "Engagement meeting"

    class Outcome(models.TextChoices):
        POSITIVE = "1", "Arrangements typically lead to positive experiences and outcomes"
        INCONSISTENT = "2", "Arrangements lead to inconsistent experiences and outcomes"
        SYSTEMIC_FAILINGS = "3", "Widespread and/or systemic failings leading to significant concerns"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="inspections")
    framework = models.CharField(max_length=4, choices=Framework.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    published_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        max_length=1, choices=Outcome.choices, blank=True, help_text="Current framework full inspections only"
    )
    summary = models.TextField(blank=True)
    report_url = models.URLField("Report link", blank=True, max_length=500)
    report_file = models.FileField("Report PDF", upload_to="inspection-reports/%Y/", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.start_date:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("improvement:inspection-detail", args=[self.area.slug, self.pk])


class Finding(models.Model):
    class Kind(models.TextChoices):
        SIGNIFICANT_WEAKNESS = "significant_weakness", "Significant weakness"
        PRIORITY_ACTION = "priority_action", "Area for priority action"
        IMPROVEMENT = "improvement", "Area for improvement"

    class Theme(models.TextChoices):
        LEADERSHIP = "leadership", "Leadership and governance"
        IDENTIFICATION = "identification", "Identification and assessment"
        EHC_PLANS = "ehc_plans", "EHC plans and reviews"
        HEALTH = "health", "Health pathways"
        COMMUNICATION = "communication", "Communication and co-production"
        ADULTHOOD = "adulthood", "Preparation for adulthood"
        INCLUSION = "inclusion", "Inclusion and education"
        LOCAL_OFFER = "local_offer", "Local Offer"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SUFFICIENT_PROGRESS = "sufficient_progress", "Sufficient progress"
        NOT_SUFFICIENT_PROGRESS = "not_sufficient_progress", "Not sufficient progress"
        SUPERSEDED = "superseded", "Superseded"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="findings")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    reference = models.CharField(max_length=12, help_text="As the report numbers it, e.g. PA2 or SW5")
    title = models.CharField(max_length=300)
    text = models.TextField("Full text")
    text_is_summary = models.BooleanField(
        "The text is a summary", default=False, help_text="Tick when the wording is not the report's own"
    )
    theme = models.CharField(max_length=20, choices=Theme.choices)
    responsible_organisations = models.ManyToManyField(Organisation, blank=True, related_name="findings")
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.OPEN, help_text="Follows the latest judgement"
    )
    history = HistoricalRecords(m2m_fields=[responsible_organisations])

    class Meta:
        ordering = ["inspection__start_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "reference"], name="finding_unique_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("improvement:finding-detail", args=[self.area.slug, self.pk])


class Judgement(models.Model):
    """A later inspection's or revisit's view of an earlier finding."""

    class Outcome(models.TextChoices):
        SUFFICIENT_PROGRESS = "sufficient_progress", "Sufficient progress"
        NOT_SUFFICIENT_PROGRESS = "not_sufficient_progress", "Not sufficient progress"
        SUPERSEDED = "superseded", "Superseded"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="judgements")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    judged_on = models.DateField()
    text = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["judged_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "inspection"], name="judgement_one_per_inspection"),
        ]

    def __str__(self) -> str:
        return f"{self.finding.reference}: {self.get_outcome_display()} ({self.judged_on:%B %Y})"


class ActionQuerySet(models.QuerySet):
    def for_lists(self) -> ActionQuerySet:
        return self.select_related("owner", "lead", "area").prefetch_related("findings")

    def open(self) -> ActionQuerySet:
        return self.exclude(status__in=[Action.Status.COMPLETE, Action.Status.CANCELLED])

    def overdue(self, today: date | None = None) -> ActionQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    class Rag(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(max_length=12, help_text="e.g. A12")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    findings = models.ManyToManyField(Finding, related_name="actions")
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="owned_actions", verbose_name="Owning organisation"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
        verbose_name="Named lead",
    )
    start_date = models.DateField()
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, default=Rag.ON_TRACK)
    rag_reason = models.TextField("Reason for RAG", blank=True)
    success_criteria = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[findings], excluded_fields=["updated_at"])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["area", "reference"], name="action_unique_reference_in_area"),
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("start_date")), name="action_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("improvement:action-detail", args=[self.area.slug, self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status not in {self.Status.COMPLETE, self.Status.CANCELLED} and (
            self.due_date < timezone.localdate()
        )


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_missed(self) -> bool:
        return self.completed_on is None and self.due_date < timezone.localdate()


class ProgressUpdate(models.Model):
    """Dated commentary from the action's owner, with the RAG and status they set."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates")
    created_at = models.DateTimeField(default=timezone.now)
    commentary = models.TextField()
    rag = models.CharField("RAG", max_length=10, choices=Action.Rag.choices)
    rag_reason = models.TextField("Reason for RAG", blank=True)
    status = models.CharField(max_length=12, choices=Action.Status.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Update on {self.action.reference}, {self.created_at:%d %b %Y}"


class Evidence(models.Model):
    """A file or a link that shows progress on an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    url = models.URLField("Link", blank=True, max_length=500)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-added_at", "-pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(file="") & models.Q(url="")) | (models.Q(file="") & ~models.Q(url="")),
                name="evidence_file_xor_link",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.file)


class Comment(models.Model):
    """A partner's or parent carer forum member's comment on an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.action.reference}"
