"""The area's recorded specialist capacity: places by January year and placement group.

Forecasts themselves are not stored: they are computed from DfE's release (``forecasting.dfe``) and cached per
release. What staff record (or import) is the supply the forecast demand is set against.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from sendhub.accounts.models import LocalArea


class PlacementGroup(models.TextChoices):
    MAINTAINED_SPECIAL = "maintained_special", "Maintained special schools"
    ACADEMY_SPECIAL = "academy_special", "Academy and free special schools"
    INDEPENDENT_SPECIAL = "independent_special", "Independent and non-maintained special schools"
    RESOURCED = "resourced", "Resourced provision and SEN units in mainstream schools"
    AP = "ap", "Alternative provision and pupil referral units"


class SpecialistCapacity(models.Model):
    """How many places of one group the area has (or commissions) for January ``year``."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="specialist_capacity")
    year = models.PositiveSmallIntegerField(help_text="The January the places are for, e.g. 2026")
    group = models.CharField(max_length=24, choices=PlacementGroup.choices)
    places = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "year", "group"]
        verbose_name_plural = "specialist capacity"
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "group"], name="forecasting_capacity_one_per_group_year")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year} {self.get_group_display()}: {self.places}"


class Population(models.Model):
    """Projected resident population of one single year of age (0-25) in one mid-year, from ONS's sub-national
    population projections (``sendhub population import FILE``). Optional: without it, the person-level model holds
    the base population constant."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="population")
    year = models.PositiveSmallIntegerField(help_text="The mid-year of the projection, e.g. 2026")
    age = models.PositiveSmallIntegerField()
    people = models.FloatField()
    source = models.CharField(max_length=255, blank=True, help_text="The file imported")

    class Meta:
        ordering = ["area", "year", "age"]
        constraints = [models.UniqueConstraint(fields=["area", "year", "age"], name="forecasting_population_unique")]

    def __str__(self) -> str:
        return f"{self.area} {self.year} age {self.age}: {self.people:,.0f}"
