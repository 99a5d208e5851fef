"""Writes to the area's recorded specialist capacity, each in one transaction.

Every change is in the model's history (django-simple-history) with the person who made it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from sendhub.accounts.models import LocalArea
from sendhub.forecasting.capacity import check_places, check_year, parse_capacity_csv
from sendhub.forecasting.models import PlacementGroup, SpecialistCapacity


class CapacityError(Exception):
    """The capacity could not be saved; nothing was changed and the messages say why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class CapacityImportResult:
    created: int
    updated: int
    unchanged: int


def _save(*, area: LocalArea, year: int, group: str, places: int, note: str, recorded_by) -> str:
    """Create or change one row; returns "created", "updated" or "unchanged"."""
    existing = SpecialistCapacity.objects.select_for_update().filter(area=area, year=year, group=group).first()
    if existing is None:
        row = SpecialistCapacity(area=area, year=year, group=group, places=places, note=note, recorded_by=recorded_by)
        row._history_user = recorded_by
        row.save()
        return "created"
    if existing.places == places and existing.note == note:
        return "unchanged"
    existing.places, existing.note, existing.recorded_by = places, note, recorded_by
    existing._history_user = recorded_by
    existing.save()
    return "updated"


def capacity_record(
    *, area: LocalArea, year: int, group: str, places: int, note: str = "", recorded_by=None
) -> SpecialistCapacity:
    """Record (or change) how many places of ``group`` the area has for January ``year``."""
    problems = []
    if problem := check_year(year):
        problems.append(f"Year {problem}")
    if group not in PlacementGroup.values:
        problems.append(f"{group!r} is not a placement group")
    if problem := check_places(places):
        problems.append(f"Places {problem}")
    if len(note) > 300:
        problems.append("The note must be 300 characters or fewer")
    if problems:
        raise CapacityError(problems)
    with transaction.atomic():
        _save(area=area, year=year, group=group, places=places, note=note, recorded_by=recorded_by)
        return SpecialistCapacity.objects.get(area=area, year=year, group=group)


def capacity_import(*, area: LocalArea, content: bytes, recorded_by=None) -> CapacityImportResult:
    """Record every row of a capacity CSV (``forecasting.capacity``), all or nothing."""
    rows, errors = parse_capacity_csv(content)
    if errors:
        raise CapacityError(errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for row in rows:
            outcome = _save(
                area=area, year=row.year, group=row.group, places=row.places, note=row.note, recorded_by=recorded_by
            )
            counts[outcome] += 1
    return CapacityImportResult(**counts)


@dataclass(frozen=True)
class PopulationImportResult:
    areas: list[str]
    rows: int
    years: tuple[int, int]


def population_import(*, content: bytes, source: str = "") -> PopulationImportResult:
    """Replace the projected population (ages 0-25) of every area the file holds, all or nothing."""
    from sendhub.forecasting.models import Population
    from sendhub.forecasting.population import parse_population_csv

    areas = {a.ons_code: a for a in LocalArea.objects.all()}
    parsed = parse_population_csv(content, codes=set(areas))
    if parsed.errors:
        raise CapacityError(parsed.errors)
    found = sorted({code for code, _, _ in parsed.values})
    with transaction.atomic():
        Population.objects.filter(area__in=[areas[c] for c in found]).delete()
        Population.objects.bulk_create(
            Population(area=areas[code], year=year, age=age, people=people, source=source[:255])
            for (code, year, age), people in sorted(parsed.values.items())
        )
    return PopulationImportResult([areas[c].name for c in found], len(parsed.values),
                                  (min(parsed.years), max(parsed.years)))
