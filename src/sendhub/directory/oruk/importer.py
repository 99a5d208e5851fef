"""Import Open Referral UK (HSDS-UK-3.0) JSON into the Local Offer directory.

``import_source(SOURCE, area=...)``: SOURCE is a feed URL (an ORUK API's ``/services``, following its pages) or a
JSON file or folder of JSON files. A document may be a paginated list (``contents``), a JSON array, or a single
service, organization (with nested ``services``), service_at_location, taxonomy (with nested
``taxonomy_terms``) or taxonomy term. The kind comes from the URL's last path segment or the file name
(``service_list.json`` holds services) or, failing that, from the record's keys.

Rules:
- Every record is validated against the ORUK schemas (the copies in our OpenAPI document, with formats
  checked, so ids must be UUIDs) and against what our columns hold (lengths, dates, whole-number ages). Errors
  name the source, the record id and the JSON path. A source with any error imports nothing.
- Upsert by id, in one transaction: re-importing updates and never duplicates. A service's nested collections
  (schedules, service areas, service-at-locations, languages, funding, cost options, contacts, phones,
  attributes) are replaced when the record has the key, and left alone when it does not (a list item without
  them does not wipe what a full import brought). Locations are shared and upserted by id.
- A new organisation or service needs an area (``--area``); existing ones keep theirs. A new service gets our
  workflow defaults: published, review-by date 12 months from today, free when every cost option is 0.
  Re-importing never changes a service's publication or review-by date.
- An attribute's ``link_type`` is set to the kind of record it is linked to (``service``, ``organization``,
  ``location``), which is what SEND Hub's search and pages look for; the feed's own value is not kept.
- Imported services are indexed for keyword search (``search.index_service``).
- References to records we do not hold (a ``parent_organization_id`` or term ``parent_id`` that is neither in
  the database nor in the import) are dropped rather than kept dangling. A term naming its taxonomy only by
  name (``taxonomy``) is linked to the taxonomy of that name, created if need be; one naming an unknown
  ``taxonomy_id`` gets a taxonomy with that id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q

from sendhub.accounts.models import LocalArea
from sendhub.directory.oruk.fetch import FeedFetcher, FeedLimits, FeedRefused, read_source
from sendhub.directory.oruk.records import (
    ORDER,
    ORGANIZATION,
    SERVICE,
    SERVICE_AT_LOCATION,
    TAXONOMY,
    TAXONOMY_TERM,
    ImportFailed,
    ImportResult,
    Record,
)
from sendhub.directory.oruk.validate import Problems, schema_errors
from sendhub.directory.oruk.write import Importer
from sendhub.directory.search import index_service

__all__ = [
    "FeedFetcher",
    "FeedLimits",
    "FeedRefused",
    "ImportFailed",
    "ImportResult",
    "Record",
    "import_records",
    "import_source",
    "resolve_area",
]


def resolve_area(code: str) -> LocalArea:
    """An area by LA code (888), slug (lancashire) or ONS code."""
    area = LocalArea.objects.filter(Q(la_code=code) | Q(slug=code) | Q(ons_code=code)).first()
    if area is None:
        raise ImportFailed([f"--area {code}: no area with that LA code, slug or ONS code"])
    return area


def import_records(records: list[Record | str], area: LocalArea | None = None) -> ImportResult:
    """Validate every record, then apply them all in one transaction, or raise ImportFailed."""
    errors = [r for r in records if isinstance(r, str)]
    found = [r for r in records if isinstance(r, Record)]
    for record in found:
        errors.extend(schema_errors(record))
    if errors:
        raise ImportFailed(errors)
    problems = Problems()
    result = ImportResult()
    handlers = {
        TAXONOMY: "taxonomy",
        TAXONOMY_TERM: "term",
        ORGANIZATION: "organisation",
        SERVICE: "service",
        SERVICE_AT_LOCATION: "service_at_location",
    }
    with transaction.atomic():
        importer = Importer(area, problems, result)
        for kind in ORDER:
            for record in found:
                if record.kind == kind:
                    getattr(importer, handlers[kind])(record.data, record.where)
        importer.link_parents()
        if problems.errors:
            raise ImportFailed(problems.errors)
        for service in importer.to_index:
            index_service(service)
    return result


def import_source(
    source: str,
    area: LocalArea | str | None = None,
    fetch: Callable[[str], Any] | None = None,
    limits: FeedLimits | None = None,
) -> ImportResult:
    if isinstance(area, str):
        area = resolve_area(area)
    return import_records(read_source(source, fetch, limits), area)
