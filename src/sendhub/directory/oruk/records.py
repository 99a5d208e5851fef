"""What an ORUK import passes between its steps: the kinds of record, a record with where it came from, the
result, and the failure that imports nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SERVICE = "service"
ORGANIZATION = "organization"
SERVICE_AT_LOCATION = "service_at_location"
TAXONOMY = "taxonomy"
TAXONOMY_TERM = "taxonomy_term"
ORDER = [TAXONOMY, TAXONOMY_TERM, ORGANIZATION, SERVICE, SERVICE_AT_LOCATION]
NESTED_SERVICE_KEYS = (
    "schedules",
    "service_areas",
    "service_at_locations",
    "languages",
    "funding",
    "cost_options",
    "contacts",
    "phones",
    "attributes",
)


class ImportFailed(Exception):
    """The source has errors; nothing was imported."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} error(s); nothing was imported:\n" + "\n".join(errors))
        self.errors = errors


@dataclass
class Record:
    kind: str
    data: dict[str, Any]
    where: str  # the source (file or URL) and the JSON path of the record in it


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[kind] = target.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated), key=lambda k: ORDER.index(k) if k in ORDER else 99)
        parts = [f"{k}: {self.created.get(k, 0)} created, {self.updated.get(k, 0)} updated" for k in kinds]
        return "; ".join(parts) or "nothing to import"

