"""Inspection readiness: the plans each inspection result requires (with their clocks), the inspection activity
expected next, the partnership's self-evaluation against the current handbook's criteria, and EHC plan quality
assurance audits. The frameworks themselves are data in ``frameworks.py``."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sendhub.accounts.models import LocalArea
from sendhub.improvement.models import Inspection
from sendhub.inspection import frameworks

DUE_SOON_DAYS = 28


class RequiredPlan(models.Model):
    """A plan an inspection result requires (WSoA, accelerated progress plan, priority action plan, updated
    strategic plan), with its clock: due date, reminder and status."""

    class Kind(models.TextChoices):
        WSOA = "wsoa", "Written statement of action"
        APP = "app", "Accelerated progress plan"
        PAP = "pap", "Priority action plan (area SEND)"
        STRATEGIC = "strategic", "Updated strategic plan"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFTING = "drafting", "Being written"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="required_plans")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="required_plans")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_date = models.DateField(null=True, blank=True, help_text="Blank when the monitors have not set one yet")
    remind_days = models.PositiveSmallIntegerField("Reminder (days before the due date)", default=14)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    submitted_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "kind"], name="required_plan_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.inspection})"

    def get_absolute_url(self) -> str:
        return reverse("inspection:plan-edit", args=[self.area.slug, self.pk])

    @property
    def rule(self) -> frameworks.PlanRule:
        return frameworks.PLAN_RULES[self.kind]

    @property
    def reminder_date(self) -> date | None:
        return self.due_date - timedelta(days=self.remind_days) if self.due_date else None

    def clock(self, today: date | None = None) -> str:
        """One phrase for where the plan stands against its deadline."""
        today = today or timezone.localdate()
        if self.status in (self.Status.SUBMITTED, self.Status.ACCEPTED):
            if self.submitted_on and self.due_date and self.submitted_on > self.due_date:
                return "Submitted late"
            return "Submitted" if self.status == self.Status.SUBMITTED else "Accepted"
        if self.due_date is None:
            return "No deadline set"
        if self.due_date < today:
            return "Overdue"
        if self.reminder_date and self.reminder_date <= today:
            return "Due soon"
        return "Not yet due"


class ExpectedActivity(models.Model):
    """Inspection activity expected after a result (a monitoring inspection, reinspection, engagement meeting),
    and, once it happens, the inspection record it became."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="expected_inspection_activity")
    follows = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="expected_activity"
    )
    framework = models.CharField(max_length=4, choices=Inspection._meta.get_field("framework").choices)
    kind = models.CharField(max_length=12, choices=Inspection.Kind.choices)
    expected_by = models.DateField(null=True, blank=True, help_text="Usual timing under the framework")
    scheduled_for = models.DateField(null=True, blank=True, help_text="Once notified or agreed")
    held_as = models.ForeignKey(
        Inspection, on_delete=models.SET_NULL, null=True, blank=True, related_name="expected_as"
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["expected_by", "pk"]
        verbose_name_plural = "expected inspection activity"

    def __str__(self) -> str:
        return frameworks.kind_name(self.framework, self.kind)

    @property
    def name(self) -> str:
        return str(self)


# Self-evaluation ------------------------------------------------------------------------------------------


class Grade(models.TextChoices):
    """The partnership's own judgement of a criterion, in the words of the inspection outcome it points to."""

    POSITIVE = "positive", "Typically positive experiences and outcomes"
    INCONSISTENT = "inconsistent", "Inconsistent experiences and outcomes"
    FAILINGS = "failings", "Widespread and/or systemic failings"


class SelfEvaluation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed by the partnership"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="self_evaluations")
    title = models.CharField(max_length=200)
    framework = models.CharField(max_length=4, default=frameworks.CURRENT, editable=False)
    prepared_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    stale_after_days = models.PositiveSmallIntegerField(
        "Evidence is stale after (days)", default=183, help_text="Evidence dated before this many days ago is "
        "flagged in the readiness view"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-prepared_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspection:sef-detail", args=[self.area.slug, self.pk])


class Entry(models.Model):
    """The self-evaluation of one evaluation criterion."""

    self_evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="entries")
    criterion = models.CharField(max_length=4, choices=[(c.code, c.text) for c in frameworks.CRITERIA.values()])
    grade = models.CharField("The partnership's judgement", max_length=12, choices=Grade.choices, blank=True)
    reasoning = models.TextField(blank=True)
    gaps = models.TextField("Gaps and what we are doing about them", blank=True)
    review_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["self_evaluation", "criterion"], name="sef_entry_one_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.criterion_info.text}"

    def get_absolute_url(self) -> str:
        sef = self.self_evaluation
        return reverse("inspection:entry-edit", args=[sef.area.slug, self.self_evaluation_id, self.pk])

    @property
    def criterion_info(self) -> frameworks.Criterion:
        return frameworks.CRITERIA[self.criterion]


class PartnerView(models.Model):
    """One partner's own view of a criterion, shown beside the others where they differ."""

    class Partner(models.TextChoices):
        COUNCIL = "council", "Council"
        ICB = "icb", "Integrated care board"
        FORUM = "forum", "Parent carer forum"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="partner_views")
    partner = models.CharField(max_length=8, choices=Partner.choices)
    grade = models.CharField(max_length=12, choices=Grade.choices)
    reasoning = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partner"]
        constraints = [models.UniqueConstraint(fields=["entry", "partner"], name="partner_view_one_each")]

    def __str__(self) -> str:
        return f"{self.get_partner_display()}: {self.get_grade_display()}"


class EvidenceLink(models.Model):
    """A piece of evidence already in SEND Hub that supports a criterion's judgement."""

    class Kind(models.TextChoices):
        MEASURE = "measure", "Statutory measure"
        MANUAL_MEASURE = "manual_measure", "Partner measure"
        ACTION = "action", "Improvement plan action"
        EVIDENCE = "evidence", "Evidence file or link"
        VOICE_THEME = "voice_theme", "Parent carer voice theme"
        COPRODUCTION = "coproduction", "Co-production record"
        DECISION = "decision", "Board decision"
        AUDIT_ROUND = "audit_round", "EHC plan audit round"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="evidence_links")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    measure = models.CharField(max_length=60, blank=True)
    voice_theme = models.CharField(max_length=20, blank=True)
    manual_measure = models.ForeignKey("outcomes.ManualMeasure", on_delete=models.CASCADE, null=True, blank=True)
    action = models.ForeignKey("improvement.Action", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    evidence = models.ForeignKey(
        "improvement.Evidence", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    coproduction = models.ForeignKey(
        "voice.CoproductionActivity", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "governance.Decision", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    audit_round = models.ForeignKey("AuditRound", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    note = models.CharField("What it shows", max_length=300, blank=True)
    history = HistoricalRecords()

    TARGETS = {
        Kind.MEASURE: "measure",
        Kind.MANUAL_MEASURE: "manual_measure",
        Kind.ACTION: "action",
        Kind.EVIDENCE: "evidence",
        Kind.VOICE_THEME: "voice_theme",
        Kind.COPRODUCTION: "coproduction",
        Kind.DECISION: "decision",
        Kind.AUDIT_ROUND: "audit_round",
    }

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target_label}"

    @property
    def target(self):
        return getattr(self, self.TARGETS[self.kind])

    @property
    def target_label(self) -> str:
        from sendhub.outcomes.measures import MEASURES
        from sendhub.voice.models import Theme

        if self.kind == self.Kind.MEASURE:
            measure = MEASURES.get(self.measure)
            return measure.title if measure else self.measure
        if self.kind == self.Kind.VOICE_THEME:
            return str(dict(Theme.choices).get(self.voice_theme, self.voice_theme))
        return str(self.target)


# EHC plan quality assurance ---------------------------------------------------------------------------------

SECTIONS = [
    ("A", "A: Views, interests and aspirations"),
    ("B", "B: Special educational needs"),
    ("C", "C: Health needs"),
    ("D", "D: Social care needs"),
    ("E", "E: Outcomes"),
    ("F", "F: Special educational provision"),
    ("G", "G: Health provision"),
    ("H", "H: Social care provision"),
    ("I", "I: Placement"),
    ("J", "J: Personal budget"),
    ("K", "K: Advice and information"),
]
GRADES = [(4, "4"), (3, "3"), (2, "2"), (1, "1")]
DEFAULT_DESCRIPTORS = {
    "4": "Outstanding: meets every expectation and is exemplary",
    "3": "Good: meets the statutory requirements and expectations",
    "2": "Requires improvement: some requirements met, with clear gaps",
    "1": "Inadequate: does not meet the statutory requirements",
}


class AuditTemplate(models.Model):
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="audit_templates")
    name = models.CharField(max_length=200)
    descriptors = models.JSONField(default=dict, help_text="Grade (1-4) -> descriptor")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name

    def descriptor(self, grade: int) -> str:
        return self.descriptors.get(str(grade), DEFAULT_DESCRIPTORS[str(grade)])


class AuditCriterion(models.Model):
    template = models.ForeignKey(AuditTemplate, on_delete=models.CASCADE, related_name="criteria")
    section = models.CharField(max_length=1, choices=SECTIONS)
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=300)
    weight = models.PositiveSmallIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.section}{self.position}: {self.text}"


class AuditRound(models.Model):
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="audit_rounds")
    # RESTRICT: a template in use cannot be deleted on its own, yet deleting the area takes both.
    template = models.ForeignKey(AuditTemplate, on_delete=models.RESTRICT, related_name="rounds")
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    sen2_return = models.ForeignKey("outcomes.Sen2Return", on_delete=models.SET_NULL, null=True, related_name="+")
    sample_percent = models.PositiveSmallIntegerField(default=5)
    double_percent = models.PositiveSmallIntegerField("Share audited twice (%)", default=20)
    seed = models.PositiveIntegerField(default=0)
    drawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspection:audit-round", args=[self.area.slug, self.pk])


class SampledPlan(models.Model):
    """A plan drawn into an audit round, by its pseudonymous SEN2 reference only: no plan content is stored."""

    class Cohort(models.TextChoices):
        NEW = "new", "New plan"
        REVIEWED = "reviewed", "Reviewed plan"

    round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="sample")
    reference = models.CharField(max_length=12)
    cohort = models.CharField(max_length=8, choices=Cohort.choices)
    need = models.CharField(max_length=40)
    team = models.CharField(max_length=40)
    double = models.BooleanField("Audited twice", default=False)

    class Meta:
        ordering = ["cohort", "reference"]
        constraints = [models.UniqueConstraint(fields=["round", "reference"], name="sampled_plan_once_per_round")]

    def __str__(self) -> str:
        return self.reference


class Audit(models.Model):
    class Agency(models.TextChoices):
        EDUCATION = "education", "Education"
        HEALTH = "health", "Health"
        SOCIAL_CARE = "social_care", "Social care"

    sampled = models.ForeignKey(SampledPlan, on_delete=models.CASCADE, related_name="audits")
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=12, choices=Agency.choices)
    completed_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["completed_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["sampled", "auditor"], name="audit_once_per_auditor")]

    def __str__(self) -> str:
        return f"Audit of {self.sampled} ({self.get_agency_display()})"


class AuditScore(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(AuditCriterion, on_delete=models.CASCADE, related_name="scores")
    grade = models.PositiveSmallIntegerField(choices=GRADES)
    comment = models.CharField(max_length=500, blank=True, help_text="Redacted as feedback is")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "criterion"], name="audit_score_once"),
            models.CheckConstraint(condition=models.Q(grade__gte=1, grade__lte=4), name="audit_score_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.grade}"


class Moderation(models.Model):
    """The forum-moderated agreed grade where two auditors of the same plan disagreed."""

    sampled = models.ForeignKey(SampledPlan, on_delete=models.CASCADE, related_name="moderations")
    criterion = models.ForeignKey(AuditCriterion, on_delete=models.CASCADE, related_name="moderations")
    agreed_grade = models.PositiveSmallIntegerField(choices=GRADES)
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    decided_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sampled", "criterion"], name="moderation_once")]

    def __str__(self) -> str:
        return f"{self.sampled} {self.criterion}: {self.agreed_grade}"
