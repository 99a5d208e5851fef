"""The public progress page: what an area's administrators choose to publish about its improvement, in plain words.

Nothing here copies improvement-plan data: a ``PublishedFinding`` points at its ``improvement.Finding`` and adds the
plain-English words; statuses, action titles and dates are read live when the page is shown, so the public page
never falls behind the plan. Commentary, comments and people are never read for the public page at all.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sendhub.accounts.models import LocalArea
from sendhub.improvement.models import Finding
from sendhub.outcomes.measures import MEASURES

PLAIN_TITLE_MAX = 150
PLAIN_SUMMARY_MAX = 1200
EXPLANATION_MAX = 200


def validate_measure_name(name: str) -> None:
    """A published measure must be one the outcomes registry computes, or the page would show nothing for it."""
    if name not in MEASURES:
        raise ValidationError("Choose a measure from the list", code="unknown_measure")


class ProgressPage(models.Model):
    """One per area: the page's own words and whether the public can see it."""

    area = models.OneToOneField(LocalArea, on_delete=models.CASCADE, related_name="progress_page")
    is_published = models.BooleanField("Show the page to the public", default=False)
    introduction = models.TextField(
        help_text="A few short sentences that say what this page is for. Write for a reader aged 9 to 11."
    )
    how_to_get_involved = models.TextField(
        "How to get involved", help_text="How families and young people can help us, in plain words"
    )
    contact_email = models.EmailField("Contact email address", blank=True)
    contact_url = models.URLField("Contact link", blank=True, max_length=500)
    last_published_at = models.DateTimeField("Last published", null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "public progress page"

    def __str__(self) -> str:
        return f"Progress page for {self.area}"

    def get_absolute_url(self) -> str:
        return reverse("progress-public:index", args=[self.area.slug])


class PublishedFinding(models.Model):
    """An inspection finding told in plain words, shown on the public page when ``is_published``."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="published_findings")
    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="published")
    plain_title = models.CharField("Title in plain words", max_length=PLAIN_TITLE_MAX)
    plain_summary = models.TextField(
        "What this means", help_text="Say what inspectors found and why it matters, in short sentences"
    )
    what_we_have_done = models.TextField(
        "What we have done (optional)",
        blank=True,
        help_text="Leave empty to list the improvement plan actions finished or updated in the last 6 months. "
        "Words here replace that list.",
    )
    is_published = models.BooleanField("Show this finding on the public page", default=False)
    position = models.PositiveIntegerField("Order on the page", default=0, help_text="Lower numbers come first")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["position", "finding__inspection__start_date", "finding__reference"]
        verbose_name = "published finding"

    def __str__(self) -> str:
        return self.plain_title

    def clean(self) -> None:
        if self.finding_id and self.area_id and self.finding.area_id != self.area_id:
            raise ValidationError({"finding": "The finding belongs to another area"})


class PublishedMeasure(models.Model):
    """A key outcome measure shown on the public page with a one-line explanation."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="published_measures")
    measure = models.CharField(max_length=60, validators=[validate_measure_name])
    plain_explanation = models.CharField(
        "What the number means", max_length=EXPLANATION_MAX, help_text="One short line, e.g. "
        "\u201cHow many new EHC plans we finished within 20 weeks, the time the law gives us\u201d"
    )
    is_published = models.BooleanField("Show this number on the public page", default=True)
    position = models.PositiveIntegerField("Order on the page", default=0, help_text="Lower numbers come first")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "published measure"
        constraints = [
            models.UniqueConstraint(fields=["area", "measure"], name="progress_measure_once_per_area"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The registry's (official) title of the measure."""
        definition = MEASURES.get(self.measure)
        return definition.title if definition else self.measure
