"""Monitoring packs for DfE and NHS England stocktakes, the risks and issues register, and report schedules."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sendhub.accounts.models import LocalArea, Organisation


class Risk(models.Model):
    """One row of the partnership's risks and issues register."""

    class Kind(models.TextChoices):
        RISK = "risk", "Risk"
        ISSUE = "issue", "Issue"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    SCALE = [(1, "1 – Very low"), (2, "2 – Low"), (3, "3 – Medium"), (4, "4 – High"), (5, "5 – Very high")]

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="risks")
    reference = models.CharField(max_length=12, help_text="e.g. R4")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.RISK)
    title = models.CharField(max_length=200)
    description = models.TextField()
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="risks")
    likelihood = models.PositiveSmallIntegerField(
        choices=SCALE, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(choices=SCALE, validators=[MinValueValidator(1), MaxValueValidator(5)])
    mitigation = models.TextField(help_text="What is being done to reduce the likelihood or the impact")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    review_date = models.DateField(null=True, blank=True)
    findings = models.ManyToManyField("improvement.Finding", blank=True, related_name="risks")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[findings])

    class Meta:
        ordering = ["status", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["area", "reference"], name="risk_unique_reference_in_area"),
            models.CheckConstraint(condition=models.Q(likelihood__gte=1, likelihood__lte=5), name="risk_likelihood"),
            models.CheckConstraint(condition=models.Q(impact__gte=1, impact__lte=5), name="risk_impact"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("reports:risk-detail", args=[self.area.slug, self.pk])

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        """The usual 5x5 matrix bands: 1-4 low, 5-9 medium, 10-14 high, 15-25 very high."""
        return score_rating(self.score)


def score_rating(score: int) -> str:
    if score >= 15:
        return "Very high"
    if score >= 10:
        return "High"
    if score >= 5:
        return "Medium"
    return "Low"


class ReportIsIssued(ValidationError):
    """An issued report is the record that went to DfE and NHS England: nobody may change it."""


class MonitoringReport(models.Model):
    """A monitoring pack for one period, as at one date, and its way from draft to issued."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SIGNED_OFF = "signed_off", "Signed off"
        ISSUED = "issued", "Issued"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="monitoring_reports")
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    as_at = models.DateField("As at", help_text="The report shows the plan, measures and voice as they stood that day")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    executive_summary = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    from_schedule = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    # Filled when the report is issued: the frozen content and the documents that went out, with checksums.
    content = models.JSONField(null=True, blank=True, editable=False)
    html = models.TextField(blank=True, editable=False)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True, editable=False)
    xlsx = models.FileField(upload_to="reports/%Y/", blank=True, editable=False)
    html_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    xlsx_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-as_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="report_period_in_order"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="issued") | ~models.Q(pdf_sha256=""), name="report_issued_has_checksum"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.pk and not getattr(self, "_issuing", False):
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.ISSUED:
                raise ReportIsIssued(f"{self.title} was issued and cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reports:report-detail", args=[self.area.slug, self.pk])

    def delete(self, *args, **kwargs):
        if type(self).objects.filter(pk=self.pk, status=self.Status.ISSUED).exists():
            raise ReportIsIssued(f"{self.title} was issued and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.IN_REVIEW}


class DutyOverride(models.Model):
    """An administrator took a second step of one pack's workflow themselves, and why.

    Separation of duties: the person who sends a pack for review, the one who signs it off and the one who issues
    it are three different people. An area administrator may take a second step anyway (a small team, someone
    away) only by giving a reason, which is kept here and in the pack's history, and shown on the pack.
    """

    class Step(models.TextChoices):
        SIGN_OFF = "sign_off", "Signed off"
        ISSUE = "issue", "Issued"

    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="duty_overrides")
    step = models.CharField(max_length=10, choices=Step.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    earlier = models.CharField(max_length=100, help_text="The earlier step the same person had taken")
    reason = models.TextField()
    at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} by the person who {self.earlier}"


class ReportSchedule(models.Model):
    """Draft a monitoring pack every few months, and email the area's administrators when it is ready."""

    area = models.OneToOneField(LocalArea, on_delete=models.CASCADE, related_name="report_schedule")
    is_active = models.BooleanField("Draft packs on this schedule", default=True)
    every_months = models.PositiveSmallIntegerField(
        "How often (months)", default=6, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    period_months = models.PositiveSmallIntegerField(
        "Period each pack covers (months)", default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    next_run_on = models.DateField("Next draft on")
    last_run_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_report = models.ForeignKey(
        MonitoringReport, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Monitoring pack schedule for {self.area}"
