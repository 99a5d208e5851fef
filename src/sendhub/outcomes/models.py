"""Outcomes: the SEN2 return (minimised), measures computed from it, DfE published figures and targets.

Personal data is minimised at import: no names, dates of birth, full postcodes, UPNs or ULNs are stored.
A person is linked across returns by a keyed hash of their UPN/ULN; ages are kept in whole years at each
event; the postcode is cut to its district (outward code).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sendhub.accounts.models import LocalArea, Organisation


class Sen2Return(models.Model):
    """One imported SEN2 file for one area and collection year."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="sen2_returns")
    collection_year = models.PositiveSmallIntegerField(help_text="CollectionDetails/Year, e.g. 2025")
    reference_date = models.DateField(help_text="CollectionDetails/ReferenceDate (census date)")
    source_software = models.CharField(max_length=100, blank=True)
    filename = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file as uploaded")
    person_count = models.PositiveIntegerField(default=0)
    request_count = models.PositiveIntegerField(default=0)
    active_plan_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_current = models.BooleanField(
        default=True, help_text="The newest return for this area and collection year; older ones are superseded"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    import_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-collection_year", "-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "collection_year"],
                condition=models.Q(is_current=True),
                name="sen2_one_current_return_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"SEN2 {self.collection_year} for {self.area} ({self.filename})"


# The person-level tables (Sen2Person, EhcRequest, ActivePlan) are written only by the SEN2 importer, in bulk, and
# their foreign keys have no database constraint: per-row constraint triggers were a fifth of a PostgreSQL import.
# The importer checks the same links, and more (each child's parent is in the same return), with one set-based
# query per table before it commits (``sen2.importer._check_links``). Deleting a return deletes them with one
# statement per table (``sen2.writer.delete_person_level_rows``, on ``pre_delete``), never through Django's collector,
# which would load every row to follow the cascades; between persons, requests and plans it still cascades.
# Every read of them selects one return's rows (measures, deadlines) or follows a link, so each table has an index
# on ``sen2_return`` and on its link to its parent, and no other: each index is paid for on every row imported.
# See docs/decisions.md.
class Sen2Person(models.Model):
    sen2_return = models.ForeignKey(
        Sen2Return, on_delete=models.DO_NOTHING, related_name="persons", db_constraint=False
    )
    position = models.PositiveIntegerField(help_text="1-based position of the Person element in the file")
    person_key = models.CharField(max_length=64, blank=True, help_text="Keyed hash (HMAC-SHA256) of UPN or ULN")
    reference = models.CharField(max_length=12, help_text="Pseudonymous reference shown on case rows")
    sex = models.CharField(max_length=1, blank=True)
    ethnicity = models.CharField(max_length=4, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True)
    age_at_reference_date = models.PositiveSmallIntegerField(null=True)

    def __str__(self) -> str:
        return self.reference


class EhcRequest(models.Model):
    """A request for an EHC needs assessment, with its assessment and any named plan (one each in SEN2)."""

    sen2_return = models.ForeignKey(
        Sen2Return, on_delete=models.DO_NOTHING, related_name="requests", db_constraint=False
    )
    person = models.ForeignKey(Sen2Person, on_delete=models.CASCADE, related_name="requests", db_constraint=False)
    received_date = models.DateField()
    request_source = models.PositiveSmallIntegerField(null=True)
    rya = models.BooleanField(default=False)
    request_outcome_date = models.DateField(null=True)
    request_outcome = models.CharField(max_length=1, blank=True)
    request_mediation = models.BooleanField(default=False)
    request_tribunal = models.BooleanField(default=False)
    exported = models.BooleanField(default=False)
    age_at_request = models.PositiveSmallIntegerField(null=True)
    # Requests/Assessment
    assessment_outcome = models.CharField(max_length=1, blank=True)
    assessment_outcome_date = models.DateField(null=True)
    assessment_mediation = models.BooleanField(default=False)
    assessment_tribunal = models.BooleanField(default=False)
    other_mediation = models.BooleanField(default=False)
    other_tribunal = models.BooleanField(default=False)
    week20 = models.BooleanField(default=False, help_text="An exception to the 20-week time limit applies")
    # Assessment/NamedPlan
    plan_start_date = models.DateField(null=True, help_text="NamedPlan/StartDate: the date the plan was issued")
    plan_setting = models.CharField(max_length=10, blank=True, help_text="SENSetting of the first-ranked placement")
    personal_budget = models.CharField(max_length=2, blank=True)
    plan_cease_date = models.DateField(null=True)
    plan_cease_reason = models.PositiveSmallIntegerField(null=True)
    age_at_plan_start = models.PositiveSmallIntegerField(null=True)

    def __str__(self) -> str:
        return f"Request received {self.received_date}"


class ActivePlan(models.Model):
    """An EHC plan active at some time in the return's calendar year (Requests/ActivePlans), with its placement at
    the reference date; ``in_caseload`` says whether it was active at the reference date (the January caseload)."""

    sen2_return = models.ForeignKey(
        Sen2Return, on_delete=models.DO_NOTHING, related_name="active_plans", db_constraint=False
    )
    request = models.ForeignKey(EhcRequest, on_delete=models.CASCADE, related_name="active_plans", db_constraint=False)
    transfer_la = models.CharField(max_length=3, blank=True)
    review_meeting = models.DateField(null=True)
    review_outcome = models.CharField(max_length=2, blank=True)
    review_draft = models.DateField(null=True)
    phase_transfer_due_date = models.DateField(null=True)
    phase_transfer_final_date = models.DateField(null=True)
    last_review = models.DateField(null=True)
    primary_need = models.CharField(max_length=4, blank=True)
    other_needs = models.CharField(max_length=60, blank=True, help_text="Other SENtype codes by rank, space-separated")
    # The placement at the reference date (PlacementDetail covering it, rank 1 first): the establishment's URN or
    # UKPRN, or a SENsetting code for a placement with no establishment.
    setting = models.CharField(max_length=10, blank=True, help_text="SENsetting of the placement at the reference date")
    setting_urn = models.CharField(max_length=8, blank=True)
    setting_ukprn = models.CharField(max_length=8, blank=True)
    sen_unit = models.BooleanField(default=False, help_text="SENunitIndicator of the placement")
    resourced_provision = models.BooleanField(default=False, help_text="ResourcedProvisionIndicator of the placement")
    in_caseload = models.BooleanField(
        default=True, help_text="Active at the reference date: StartDate on or before it, no CeaseDate on or before it"
    )
    placement_column = models.CharField(
        max_length=60, blank=True,
        help_text="DfE caseload.csv column of the placement, from GIAS as at the reference date (set with the "
        "measures; blank when not in the caseload)",
    )
    age_at_reference_date = models.PositiveSmallIntegerField(null=True)
    age_at_start_of_year = models.PositiveSmallIntegerField(null=True, help_text="Age on 31 August before the "
                                                            "reference date (DfE's age at start of academic year)")

    def __str__(self) -> str:
        return f"Active plan ({self.primary_need or 'need not recorded'})"


class MeasureValue(models.Model):
    """A measure's value for one period and breakdown, computed from one SEN2 return and kept as history."""

    class PeriodKind(models.TextChoices):
        YEAR = "year", "Calendar year"
        MONTH = "month", "Month"
        AT_DATE = "at_date", "At the reference date"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="measure_values")
    sen2_return = models.ForeignKey(Sen2Return, on_delete=models.CASCADE, related_name="measure_values")
    measure = models.CharField(max_length=60)
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period = models.CharField(max_length=10, help_text="YYYY, YYYY-MM or YYYY-MM-DD")
    breakdown_topic = models.CharField(max_length=20, default="total")
    breakdown = models.CharField(max_length=40, default="Total")
    value = models.FloatField(null=True)
    numerator = models.IntegerField(null=True)
    denominator = models.IntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sen2_return", "measure", "period_kind", "period", "breakdown_topic", "breakdown"],
                name="measure_value_unique",
            )
        ]
        indexes = [models.Index(fields=["area", "measure", "period_kind", "breakdown_topic"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.period} {self.breakdown}: {self.value}"


class DfeRelease(models.Model):
    """An imported copy of DfE's "Education, health and care plans" statistics release."""

    filename = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64, unique=True)
    latest_year = models.PositiveSmallIntegerField(null=True)
    row_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"DfE EHC plans release to {self.latest_year} ({self.filename})"


class DfeValue(models.Model):
    """One published figure: a measure column for one time period, geography and breakdown.

    ``value`` is null when DfE published ``x`` (not available) or ``z`` (not applicable): ``marker`` keeps which.
    """

    release = models.ForeignKey(DfeRelease, on_delete=models.CASCADE, related_name="values")
    source_file = models.CharField(max_length=60)
    time_period = models.PositiveSmallIntegerField()
    geographic_level = models.CharField(max_length=20)
    region_code = models.CharField(max_length=9, blank=True)
    region_name = models.CharField(max_length=60, blank=True)
    new_la_code = models.CharField(max_length=9, blank=True)
    old_la_code = models.CharField(max_length=3, blank=True)
    la_name = models.CharField(max_length=80, blank=True)
    breakdown_topic = models.CharField(max_length=80)
    breakdown = models.CharField(max_length=120)
    measure = models.CharField(max_length=60)
    value = models.FloatField(null=True)
    marker = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["release", "measure", "geographic_level"]),
            models.Index(fields=["release", "measure", "old_la_code"]),
            models.Index(fields=["release", "source_file", "measure"]),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.time_period} {self.la_name or self.region_name or 'England'}: {self.value}"


class StatisticalNeighbour(models.Model):
    """DfE's statistical neighbours: for each LA, its 10 most similar LAs, closest first."""

    la_name = models.CharField(max_length=80)
    neighbour_name = models.CharField(max_length=80)
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["la_name", "rank"]
        constraints = [models.UniqueConstraint(fields=["la_name", "rank"], name="neighbour_unique_rank")]

    def __str__(self) -> str:
        return f"{self.la_name}: {self.rank}. {self.neighbour_name}"


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class ManualMeasure(models.Model):
    """A measure a partner reports by hand (e.g. weeks waited for an autism assessment)."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="manual_measures")
    key = models.SlugField(max_length=60, help_text="Short name used in exports and CSV uploads")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, help_text="e.g. weeks, %, children")
    direction = models.CharField(max_length=6, choices=Direction.choices)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="manual_measures")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["area", "key"], name="manual_measure_unique_key")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outcomes:manual-measure-detail", args=[self.area.slug, self.pk])


class ManualMeasureValue(models.Model):
    measure = models.ForeignKey(ManualMeasure, on_delete=models.CASCADE, related_name="values")
    period_end = models.DateField(help_text="The last day of the period the value covers")
    value = models.FloatField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["period_end"]
        constraints = [models.UniqueConstraint(fields=["measure", "period_end"], name="manual_value_one_per_period")]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} to {self.period_end}"


class SuccessMeasure(models.Model):
    """A measure set as evidence of success for an action or finding, with baseline, target and trajectory."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="success_measures")
    measure = models.CharField(max_length=60, blank=True, help_text="A computed SEN2 measure (DfE column name)")
    manual_measure = models.ForeignKey(ManualMeasure, on_delete=models.CASCADE, null=True, blank=True)
    action = models.ForeignKey(
        "improvement.Action", on_delete=models.CASCADE, null=True, blank=True, related_name="success_measures"
    )
    finding = models.ForeignKey(
        "improvement.Finding", on_delete=models.CASCADE, null=True, blank=True, related_name="success_measures"
    )
    direction = models.CharField(max_length=6, choices=Direction.choices)
    baseline_value = models.FloatField()
    baseline_date = models.DateField()
    target_value = models.FloatField()
    target_date = models.DateField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(measure="") & models.Q(manual_measure__isnull=True))
                | (models.Q(measure="") & models.Q(manual_measure__isnull=False)),
                name="success_measure_one_source",
            ),
            models.CheckConstraint(
                condition=models.Q(action__isnull=False) | models.Q(finding__isnull=False),
                name="success_measure_linked",
            ),
            models.CheckConstraint(
                condition=models.Q(target_date__gt=models.F("baseline_date")), name="success_target_after_baseline"
            ),
        ]

    def __str__(self) -> str:
        source = self.measure or self.manual_measure
        return f"{source}: {self.baseline_value} to {self.target_value} by {self.target_date}"
