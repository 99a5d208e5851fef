"""Schools and colleges as Get Information About Schools (GIAS) describes them, with what each was on each date.

A SEN2 return names a child's school or college by its URN (or UKPRN), never by its type; the placement columns
DfE publishes (LA maintained mainstream, academy, special free school, independent special ...) depend on what the
establishment was at the return's reference date. An establishment's type can change under the same URN (a
community school becoming a foundation school; a school closing), so each GIAS extract that shows a change
closes the old version and opens a new one. An academy conversion gives the school a new URN: the old URN stays
here, closed, so older returns that name it still resolve.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class GiasExtract(models.Model):
    """One GIAS "establishment fields" CSV as imported."""

    filename = models.CharField(max_length=255)
    extract_date = models.DateField(help_text="The date GIAS produced the file (edubasealldataYYYYMMDD.csv)")
    checksum = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the file")
    row_count = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0, help_text="Establishments seen for the first time")
    changed_count = models.PositiveIntegerField(default=0, help_text="Establishments whose details changed")
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-extract_date"]

    def __str__(self) -> str:
        return f"GIAS extract of {self.extract_date:%d %B %Y}"


class Establishment(models.Model):
    """One version of one establishment: its details from ``valid_from`` (None: as far back as we know) until
    ``valid_to`` (None: still as in the newest extract)."""

    urn = models.PositiveIntegerField(help_text="Unique reference number in GIAS")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    extract = models.ForeignKey(GiasExtract, on_delete=models.PROTECT, related_name="+",
                                help_text="The extract that first showed this version")
    la_code = models.CharField(max_length=3, blank=True)
    name = models.CharField(max_length=200)
    type_name = models.CharField(max_length=80, help_text="TypeOfEstablishment (name)")
    type_group = models.CharField(max_length=80, help_text="EstablishmentTypeGroup (name)")
    phase = models.CharField(max_length=40, blank=True, help_text="PhaseOfEducation (name)")
    status = models.CharField(max_length=40, blank=True, help_text="EstablishmentStatus (name)")
    ukprn = models.CharField(max_length=8, blank=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True, help_text="The establishment's own postcode")
    resourced_provision = models.CharField(max_length=80, blank=True, help_text="TypeOfResourcedProvision (name)")

    class Meta:
        ordering = ["urn", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["urn"], condition=models.Q(valid_to__isnull=True),
                                    name="establishment_one_current_version"),
        ]
        indexes = [models.Index(fields=["urn"]), models.Index(fields=["ukprn"])]

    def __str__(self) -> str:
        return f"{self.name} (URN {self.urn})"
