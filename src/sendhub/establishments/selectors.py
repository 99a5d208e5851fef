"""Reads: what each establishment was at a date, by URN and by UKPRN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from sendhub.establishments.models import Establishment


@dataclass(frozen=True)
class EstablishmentAt:
    urn: int
    name: str
    type_name: str
    type_group: str
    phase: str
    status: str
    ukprn: str
    resourced_provision: str


@dataclass
class Directory:
    """Establishments as they were at one date."""

    on: date
    by_urn: dict[int, EstablishmentAt]
    by_ukprn: dict[str, EstablishmentAt]

    def __bool__(self) -> bool:
        return bool(self.by_urn)


def establishments_at(on: date) -> Directory:
    """Each establishment's version in force on ``on``: the one whose [valid_from, valid_to) holds the date, the
    first version standing for every date before it."""
    versions = (
        Establishment.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .values_list("urn", "name", "type_name", "type_group", "phase", "status", "ukprn",
                     "resourced_provision")
    )
    by_urn: dict[int, EstablishmentAt] = {}
    by_ukprn: dict[str, EstablishmentAt] = {}
    for row in versions.iterator(chunk_size=5000):
        found = EstablishmentAt(*row)
        by_urn[found.urn] = found
        # Several URNs can share a UKPRN (a college's sites, a closed predecessor): an open one is what a
        # UKPRN-only placement means, so a closed one never displaces it.
        if found.ukprn and (found.ukprn not in by_ukprn or by_ukprn[found.ukprn].status.startswith("Closed")):
            by_ukprn[found.ukprn] = found
    return Directory(on=on, by_urn=by_urn, by_ukprn=by_ukprn)
