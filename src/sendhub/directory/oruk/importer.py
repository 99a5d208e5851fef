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

import datetime as dt
import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils.dateparse import parse_date, parse_time

from sendhub.accounts.models import LocalArea
from sendhub.directory import weblinks
from sendhub.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    DirectoryOrganisation,
    Funding,
    Language,
    Location,
    OrganizationIdentifier,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

FETCH_TIMEOUT = 30  # seconds for one connection or read; the whole import has FeedLimits.max_seconds
_NAMESPACE = uuid.UUID("0f3e8a52-2d0b-4c5e-9a7d-4f52554b494d")  # ids for taxonomies named only by a term

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


# Reading sources ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedLimits:
    """How much of a feed one import reads before it stops (``sendhub oruk import --max-...``). A Local Offer's
    feed is a few thousand services: these are far above that, and low enough that a broken or hostile feed
    cannot fill the memory or run forever."""

    max_response_bytes: int = 20 * 1024 * 1024  # one page or one service
    max_total_bytes: int = 500 * 1024 * 1024  # everything, held in memory until it is validated
    max_seconds: float = 30 * 60
    max_pages: int = 2_000


class FeedRefused(ImportFailed):
    """The feed went past one of the limits, or repeated a page; nothing was imported."""

    def __init__(self, message: str):
        super().__init__([f"{message} Nothing was imported."])


class _HttpRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only: urllib would also follow one to ftp."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirected to a non-http(s) address: {newurl}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class FeedFetcher:
    """GET JSON documents over http(s) within ``limits``: each response is read in chunks and refused once it
    passes ``max_response_bytes``; all of them together within ``max_total_bytes`` and ``max_seconds``."""

    CHUNK = 64 * 1024

    def __init__(self, limits: FeedLimits | None = None, timeout: float = FETCH_TIMEOUT) -> None:
        self.limits = limits or FeedLimits()
        self.timeout = timeout
        self.started = time.monotonic()
        self.total_bytes = 0
        self.opener = urllib.request.build_opener(_HttpRedirectsOnly)

    def remaining_seconds(self, url: str) -> float:
        remaining = self.limits.max_seconds - (time.monotonic() - self.started)
        if remaining <= 0:
            raise FeedRefused(
                f"{url}: the import has run for more than {self.limits.max_seconds:,.0f} seconds (--max-seconds), "
                "so it stopped."
            )
        return remaining

    def __call__(self, url: str) -> Any:
        try:
            return json.loads(self.read(url).decode("utf-8"))
        except RecursionError:
            raise ValueError(f"{url}: the JSON is nested too deeply to be HSDS") from None

    def read(self, url: str) -> bytes:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"Not an http(s) URL: {url}")
        headers = {"Accept": "application/json", "User-Agent": "SEND Hub ORUK import"}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above
        timeout = min(self.timeout, self.remaining_seconds(url))
        with self.opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.limits.max_response_bytes:
                raise self._too_big(url)
            chunks, size = [], 0
            while True:
                self.remaining_seconds(url)
                # read1: what has arrived (at most one read of the socket), so a feed that drips its bytes
                # is stopped by the time limit rather than waited on until a whole chunk has come.
                chunk = response.read1(self.CHUNK)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                self.total_bytes += len(chunk)
                if size > self.limits.max_response_bytes:
                    raise self._too_big(url)
                if self.total_bytes > self.limits.max_total_bytes:
                    raise FeedRefused(
                        f"{url}: the feed has sent more than {_megabytes(self.limits.max_total_bytes)} in all "
                        "(--max-total-mb), so the import stopped."
                    )
                chunks.append(chunk)

    def _too_big(self, url: str) -> FeedRefused:
        return FeedRefused(
            f"{url}: the response is larger than {_megabytes(self.limits.max_response_bytes)} "
            "(--max-response-mb), so it was not read."
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def fetch_json(url: str, timeout: float = FETCH_TIMEOUT) -> Any:
    """GET one JSON document over http(s), within the default limits."""
    return FeedFetcher(timeout=timeout)(url)


def _hint(name: str) -> str | None:
    name = name.lower()
    for prefix, kind in (
        ("service_at_location", SERVICE_AT_LOCATION),
        ("service", SERVICE),
        ("organization", ORGANIZATION),
        ("organisation", ORGANIZATION),
        ("taxonomy_term", TAXONOMY_TERM),
        ("taxonom", TAXONOMY),
    ):
        if name.startswith(prefix):
            return kind
    return None


def _detect(data: dict[str, Any]) -> str | None:
    if "status" in data:
        return SERVICE
    if "location" in data or ("location_id" in data and "service_id" in data):
        return SERVICE_AT_LOCATION
    if "taxonomy_terms" in data or "version" in data:
        return TAXONOMY
    if any(k in data for k in ("organization_identifiers", "services", "website", "logo", "parent_organization_id")):
        return ORGANIZATION
    if any(k in data for k in ("term", "term_uri", "taxonomy", "taxonomy_id", "parent_id", "code")):
        return TAXONOMY_TERM
    return None


def records_in(document: Any, source: str, hint: str | None) -> Iterable[Record | str]:
    """The records of one JSON document; a string for something that is not a record."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = [(f"$.contents[{n}]", item) for n, item in enumerate(document["contents"])]
    elif isinstance(document, list):
        items = [(f"$[{n}]", item) for n, item in enumerate(document)]
    else:
        items = [("$", document)]
    for path, item in items:
        if not isinstance(item, dict):
            yield f"{source} {path}: not a JSON object"
            continue
        kind = hint or _detect(item)
        if kind is None:
            yield f"{source} {path}: cannot tell what kind of ORUK record this is (name the file after it)"
            continue
        yield Record(kind, item, f"{source} {path}")


def _with_query(url: str, **params: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(params)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _page_ids(document: dict[str, Any]) -> tuple[str, ...] | None:
    """The ids of a list page's records in order; None when some record has none (nothing to compare by)."""
    items = document["contents"]
    if not items or not all(isinstance(item, dict) and item.get("id") for item in items):
        return None
    return tuple(str(item["id"]) for item in items)


def _digest(document: Any) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


def read_url(
    url: str, fetch: Callable[[str], Any] | None = None, limits: FeedLimits | None = None
) -> list[Record | str]:
    """Every record of a feed, following its pages. For ``/services`` we ask for ``full=true`` and fetch
    ``/services/{id}`` for any service the list gives without its nested data.

    Stops with :class:`FeedRefused` past ``limits`` (pages here; size and time in the fetcher) and when a page
    repeats an earlier one (the same records, or the same document): a feed that ignores ``page`` would
    otherwise be read until the page limit."""
    limits = limits or FeedLimits()
    fetch = fetch or FeedFetcher(limits)
    parts = urllib.parse.urlsplit(url)
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    hint = _hint(segment)
    if segment == "services" and "full" not in urllib.parse.parse_qs(parts.query):
        url = _with_query(url, full="true")
    found: list[Record | str] = []
    seen: dict[tuple[str, object], int] = {}  # each page's digest and record ids -> the page first seen with them
    page_url: str | None = url
    pages = 0
    while page_url is not None:
        if pages >= limits.max_pages:
            raise FeedRefused(f"{url}: the feed has more than {limits.max_pages:,} pages (--max-pages), so it stopped.")
        document = fetch(page_url)
        pages += 1
        listed = isinstance(document, dict) and isinstance(document.get("contents"), list)
        keys: list[tuple[str, object]] = [("document", _digest(document))]
        ids = _page_ids(document) if listed else None
        if ids:
            keys.append(("records", ids))
        for key in keys:
            if key in seen:
                raise FeedRefused(
                    f"{page_url}: page {pages} repeats page {seen[key]} (the same {key[0]}): the feed does not move "
                    "on to its next page, so the import stopped."
                )
        seen.update((key, pages) for key in keys)
        found.extend(records_in(document, page_url, hint))
        page_url = None
        if listed:
            number, total = document.get("page_number"), document.get("total_pages")
            if (
                isinstance(number, int)
                and isinstance(total, int)
                and number < total
                and not document.get("last_page")
                and document["contents"]
            ):
                page_url = _with_query(url, page=str(number + 1))
    if segment == "services":
        base = url.split("?", 1)[0].rstrip("/")
        for n, item in enumerate(found):
            if isinstance(item, Record) and not any(k in item.data for k in NESTED_SERVICE_KEYS):
                detail_url = f"{base}/{urllib.parse.quote(str(item.data.get('id', '')))}"
                found[n] = Record(SERVICE, fetch(detail_url), detail_url + " $")
    return found


def read_path(path: Path) -> list[Record | str]:
    files = sorted(p for p in path.rglob("*.json") if p.is_file()) if path.is_dir() else [path]
    found: list[Record | str] = []
    for file in files:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            found.append(f"{file}: not readable JSON ({error})")
            continue
        except RecursionError:
            found.append(f"{file}: not readable JSON (nested too deeply to be HSDS)")
            continue
        found.extend(records_in(document, str(file), _hint(file.name)))
    return found


def read_source(
    source: str, fetch: Callable[[str], Any] | None = None, limits: FeedLimits | None = None
) -> list[Record | str]:
    if source.startswith(("http://", "https://")):
        return read_url(source, fetch, limits)
    path = Path(source)
    if not path.exists():
        return [f"{source}: no such file or folder"]
    return read_path(path)


# Validation --------------------------------------------------------------------------------------------


@cache
def _validators() -> dict[str, Any]:
    """A jsonschema validator per record kind, on the schemas in our OpenAPI document."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = json.loads(Path(__file__).with_name("openapi.json").read_text(encoding="utf-8"))
    uri = "urn:sendhub:oruk-openapi"
    registry = Registry().with_resource(uri, Resource.from_contents(document, default_specification=DRAFT202012))
    checker = FormatChecker()
    return {
        kind: Draft202012Validator(
            {"$ref": f"{uri}#/components/schemas/{kind}"}, registry=registry, format_checker=checker
        )
        for kind in ORDER
    }


def schema_errors(record: Record) -> list[str]:
    validator = _validators()[record.kind]
    errors = sorted(validator.iter_errors(record.data), key=lambda e: list(e.absolute_path))
    label = f"{record.where} ({record.kind} {record.data.get('id', '?')})"
    return [f"{label}: {e.json_path}: {e.message}" for e in errors[:20]]


# Values -----------------------------------------------------------------------------------------------


class Problems:
    """Errors found while applying records, with where they were."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")


def _values(model: type[models.Model], data: dict[str, Any], names: Iterable[str], where: str, problems: Problems):
    """``data``'s values for ``names``, converted to ``model``'s field types and checked against its columns.
    Missing or null values become the field's empty value. Returns None when a value does not fit."""
    out: dict[str, Any] = {}
    ok = True
    for name in names:
        f = model._meta.get_field(name)
        raw = data.get(name)
        try:
            out[name] = _convert(f, raw)
        except ValueError as error:
            problems.add(where, f"$.{name}: {error}")
            ok = False
    return out if ok else None


def _clean_text(text: str) -> str:
    # JSON can carry text no database column can hold: NUL (PostgreSQL refuses it) and lone surrogate escapes
    # such as "\ud800" (not encodable as UTF-8 anywhere).
    if "\x00" in text:
        raise ValueError("contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains characters that are not valid Unicode text") from None
    return text


def _convert(f: models.Field, raw: Any) -> Any:
    if raw is None or raw == "":
        if isinstance(f, models.CharField | models.TextField) and not f.null:
            return f.default if isinstance(f.default, str) and f.default else ""
        return None
    if isinstance(f, models.CharField):
        text = _clean_text(str(raw))
        if f.max_length and len(text) > f.max_length:
            raise ValueError(f"is {len(text)} characters long; we hold at most {f.max_length}")
        if isinstance(f, models.URLField) and not weblinks.is_web_url(text):
            # Shown as a link on the public page and republished by our API: a javascript: address would run.
            raise ValueError(f"{text[:60]!r} {weblinks.REFUSAL}")
        return text
    if isinstance(f, models.TextField):
        return _clean_text(str(raw))
    if isinstance(f, models.DateTimeField):
        return None
    if isinstance(f, models.DateField):
        day = parse_date(str(raw)[:10]) if isinstance(raw, str) else None
        if day is None:
            raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)")
        return day
    if isinstance(f, models.TimeField):
        try:
            moment = parse_time(str(raw)) if isinstance(raw, str) else None
        except ValueError:
            moment = None
        if moment is None:
            raise ValueError(f"{raw!r} is not a time (HH:MM:SS)")
        return moment.replace(tzinfo=None)
    if isinstance(f, models.PositiveSmallIntegerField | models.PositiveIntegerField):
        limit = 32767 if isinstance(f, models.PositiveSmallIntegerField) else 2147483647
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw) or not 0 <= raw <= limit:
            raise ValueError(f"{raw!r} is not a whole number from 0 to {limit}")
        return int(raw)
    if isinstance(f, models.FloatField):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ValueError(f"{raw!r} is not a number")
        return float(raw)
    if isinstance(f, models.DecimalField):
        try:
            amount = Decimal(str(raw)).quantize(Decimal(1).scaleb(-f.decimal_places))
        except (InvalidOperation, ValueError):
            raise ValueError(f"{raw!r} is not an amount") from None
        if len(amount.as_tuple().digits) > f.max_digits:
            raise ValueError(f"{raw!r} is too large an amount")
        return amount
    return raw


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _today_plus_year(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


# Applying records ------------------------------------------------------------------------------------------


SERVICE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "fees_description",
    "accreditations",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "alert",
)
ORGANISATION_FIELDS = ("name", "description", "email", "website", "logo", "uri")
LOCATION_FIELDS = (
    "location_type",
    "name",
    "description",
    "latitude",
    "longitude",
    "external_identifier",
    "external_identifier_type",
)
SCHEDULE_FIELDS = (
    "valid_from",
    "valid_to",
    "dtstart",
    "timezone",
    "until",
    "count",
    "wkst",
    "freq",
    "interval",
    "byday",
    "byweekno",
    "bymonthday",
    "byyearday",
    "description",
    "opens_at",
    "closes_at",
    "schedule_link",
    "attending_type",
    "notes",
)


def _postcode(text: str) -> str:
    """A UK postcode normalised to upper case with one space, or "" when it does not look like one."""
    compact = "".join(text.split()).upper()
    if 5 <= len(compact) <= 7 and compact[-3].isdigit() and compact[-2:].isalpha() and compact[0].isalpha():
        return f"{compact[:-3]} {compact[-3:]}"
    return ""


class Importer:
    def __init__(self, area: LocalArea | None, problems: Problems, result: ImportResult):
        self.area = area
        self.problems = problems
        self.result = result
        self.today = dt.date.today()
        self.parents: list[tuple[type[models.Model], uuid.UUID, str, Any, str]] = []
        self.to_index: list[Service] = []

    # Taxonomies

    def taxonomy(self, data: dict[str, Any], where: str) -> Taxonomy | None:
        values = _values(Taxonomy, data, ("name", "description", "uri", "version"), where, self.problems)
        if values is None:
            return None
        taxonomy, created = Taxonomy.objects.update_or_create(id=uuid.UUID(data["id"]), defaults=values)
        self.result.count(TAXONOMY, created)
        for n, term in enumerate(data.get("taxonomy_terms") or []):
            self.term(term, f"{where}.taxonomy_terms[{n}]", taxonomy=taxonomy)
        return taxonomy

    def _taxonomy_for_term(self, data: dict[str, Any]) -> Taxonomy | None:
        name = (data.get("taxonomy") or "").strip()[:200]
        taxonomy_id = _uuid(data.get("taxonomy_id"))
        if taxonomy_id:
            found = Taxonomy.objects.filter(pk=taxonomy_id).first()
            if found is None:
                found = Taxonomy.objects.create(id=taxonomy_id, name=name or str(taxonomy_id), description="")
                self.result.count(TAXONOMY, True)
            return found
        if name:
            found = Taxonomy.objects.filter(name=name).order_by("id").first()
            if found is None:
                found = Taxonomy.objects.create(id=uuid.uuid5(_NAMESPACE, name), name=name, description="")
                self.result.count(TAXONOMY, True)
            return found
        return None

    def term(self, data: dict[str, Any], where: str, taxonomy: Taxonomy | None = None) -> TaxonomyTerm | None:
        names = ["name", "description", "term_uri", "term"] + (["code"] if "code" in data else [])
        values = _values(TaxonomyTerm, data, names, where, self.problems)
        if values is None:
            return None
        taxonomy = taxonomy or self._taxonomy_for_term(data)
        if taxonomy is not None:
            values["taxonomy"] = taxonomy
        term, created = TaxonomyTerm.objects.update_or_create(id=uuid.UUID(data["id"]), defaults=values)
        self.result.count(TAXONOMY_TERM, created)
        self.parents.append((TaxonomyTerm, term.pk, "parent_id", _uuid(data.get("parent_id")), where))
        return term

    # Organisations

    def organisation(self, data: dict[str, Any], where: str) -> DirectoryOrganisation | None:
        pk = uuid.UUID(data["id"])
        values = _values(DirectoryOrganisation, data, ORGANISATION_FIELDS, where, self.problems)
        if values is None:
            return None
        org = DirectoryOrganisation.objects.filter(pk=pk).first()
        created = org is None
        if created:
            if self.area is None:
                self.problems.add(where, f"organization {pk} is new: say which area it belongs to (--area)")
                return None
            org = DirectoryOrganisation(id=pk, area=self.area)
        for key, value in values.items():
            setattr(org, key, value)
        org.save()
        self.result.count(ORGANIZATION, created)
        self.parents.append(
            (DirectoryOrganisation, pk, "parent_organization_id", _uuid(data.get("parent_organization_id")), where)
        )
        if "organization_identifiers" in data:
            items = data["organization_identifiers"] or []
            self._replace(
                OrganizationIdentifier,
                Q(organization=org),
                items,
                ("identifier_scheme", "identifier_type", "identifier"),
                f"{where}.organization_identifiers",
                organization=org,
            )
        if "attributes" in data:
            self._attributes(org.pk, "organization", data["attributes"] or [], f"{where}.attributes")
        for n, service in enumerate(data.get("services") or []):
            self.service(service, f"{where}.services[{n}]", organisation=org)
        return org

    # Services

    def service(
        self, data: dict[str, Any], where: str, organisation: DirectoryOrganisation | None = None
    ) -> Service | None:
        pk = uuid.UUID(data["id"])
        if organisation is None and isinstance(data.get("organization"), dict):
            organisation = self.organisation(data["organization"], f"{where}.organization")
            if organisation is None:
                return None
        existing = Service.objects.filter(pk=pk).select_related("organization").first()
        if organisation is None and data.get("organization_id"):
            organisation = DirectoryOrganisation.objects.filter(pk=_uuid(data["organization_id"])).first()
            if organisation is None:
                self.problems.add(where, f"$.organization_id: no organization {data['organization_id']}")
                return None
        if organisation is None and existing is not None:
            organisation = existing.organization
        if organisation is None:
            self.problems.add(where, "$: a service needs its organization (organization or organization_id)")
            return None
        mapped = dict(data)
        mapped["fees_description"] = data.get("fees_description") or data.get("fees")
        mapped["status"] = data.get("status") or Service.Status.ACTIVE
        values = _values(Service, mapped, SERVICE_FIELDS, where, self.problems)
        if values is None:
            return None
        low, high = values["minimum_age"], values["maximum_age"]
        if low is not None and high is not None and high < low:
            self.problems.add(where, f"$.maximum_age: {high} is below minimum_age {low}")
            return None
        created = existing is None
        if created:
            area = self.area
            if area is None:
                self.problems.add(where, f"service {pk} is new: say which area it belongs to (--area)")
                return None
            service = Service(id=pk, area=area, is_published=True, review_by=_today_plus_year(self.today))
            costs = data.get("cost_options") or []
            service.is_free = bool(costs) and all(c.get("amount") == 0 for c in costs)
        else:
            service = existing
        service.organization = organisation
        for key, value in values.items():
            setattr(service, key, value)
        service.save()
        self.result.count(SERVICE, created)
        self._service_children(service, data, where)
        self.to_index.append(service)
        return service

    def _service_children(self, service: Service, data: dict[str, Any], where: str) -> None:
        if "schedules" in data:
            self._replace(
                Schedule,
                Q(service=service),
                data["schedules"] or [],
                SCHEDULE_FIELDS,
                f"{where}.schedules",
                service=service,
            )
        if "service_areas" in data:
            items = [
                {**a, "description": a.get("description") or a.get("service_area")} for a in data["service_areas"] or []
            ]
            self._replace(
                ServiceArea,
                Q(service=service),
                items,
                ("name", "description", "extent", "extent_type", "uri"),
                f"{where}.service_areas",
                service=service,
            )
        if "languages" in data:
            self._replace(
                Language,
                Q(service=service),
                data["languages"] or [],
                ("name", "code", "note"),
                f"{where}.languages",
                service=service,
            )
        if "funding" in data:
            self._replace(
                Funding, Q(service=service), data["funding"] or [], ("source",), f"{where}.funding", service=service
            )
        if "cost_options" in data:
            self._replace(
                CostOption,
                Q(service=service),
                data["cost_options"] or [],
                ("valid_from", "valid_to", "option", "amount", "currency", "amount_description"),
                f"{where}.cost_options",
                service=service,
            )
        if "contacts" in data:
            contacts = data["contacts"] or []
            made = self._replace(
                Contact,
                Q(service=service),
                contacts,
                ("name", "title", "department", "email"),
                f"{where}.contacts",
                service=service,
            )
            for n, (contact, item) in enumerate(zip(made, contacts, strict=False)):
                if "phones" in item:
                    here = f"{where}.contacts[{n}].phones"
                    self._phones(Q(contact=contact), item["phones"] or [], here, contact=contact)
        if "phones" in data:
            self._phones(Q(service=service), data["phones"] or [], f"{where}.phones", service=service)
        if "attributes" in data:
            self._attributes(service.pk, "service", data["attributes"] or [], f"{where}.attributes")
        if "service_at_locations" in data:
            items = data["service_at_locations"] or []
            incoming = {_uuid(i.get("id")) for i in items}
            ServiceAtLocation.objects.filter(Q(service=service) | Q(id__in=incoming)).delete()
            for n, item in enumerate(items):
                self.service_at_location(item, f"{where}.service_at_locations[{n}]", service=service)

    def _phones(self, owner: Q, items: list[dict[str, Any]], where: str, **links: Any) -> None:
        made = self._replace(Phone, owner, items, ("number", "extension", "type", "description"), where, **links)
        for n, (phone, item) in enumerate(zip(made, items, strict=False)):
            if "languages" in item:
                self._replace(
                    Language,
                    Q(phone=phone),
                    item["languages"] or [],
                    ("name", "code", "note"),
                    f"{where}[{n}].languages",
                    phone=phone,
                )

    def _replace(
        self,
        model: type[models.Model],
        owner: Q,
        items: list[dict[str, Any]],
        names: Iterable[str],
        where: str,
        **links: Any,
    ) -> list[models.Model]:
        """Replace the owner's children of one kind by ``items`` (keeping their ids)."""
        made = []
        for n, item in enumerate(items):
            values = _values(model, item, names, f"{where}[{n}]", self.problems)
            if values is not None:
                made.append(model(id=uuid.UUID(item["id"]), **values, **links))
        model._default_manager.filter(owner | Q(id__in=[m.pk for m in made])).delete()
        model._default_manager.bulk_create(made)
        return made

    def _attributes(self, link_id: uuid.UUID, default_type: str, items: list[dict[str, Any]], where: str) -> None:
        made = []
        for n, item in enumerate(items):
            here = f"{where}[{n}]"
            term = None
            if isinstance(item.get("taxonomy_term"), dict):
                term = self.term(item["taxonomy_term"], f"{here}.taxonomy_term")
            elif item.get("taxonomy_term_id"):
                term = TaxonomyTerm.objects.filter(pk=_uuid(item["taxonomy_term_id"])).first()
                if term is None:
                    self.problems.add(here, f"$.taxonomy_term_id: no taxonomy term {item['taxonomy_term_id']}")
            else:
                self.problems.add(here, "$: an attribute needs its taxonomy_term or taxonomy_term_id")
            values = _values(Attribute, item, ("label", "value"), here, self.problems)
            # Our link_type names the kind of record linked (search and the public pages look for "service"),
            # so the feed's own link_type (HSDS 3.0: what the term describes) is not kept.
            link_type = default_type
            if term is not None and values is not None:
                pk = uuid.UUID(item["id"])
                made.append(Attribute(id=pk, link_id=link_id, link_type=link_type, taxonomy_term=term, **values))
        Attribute.objects.filter(Q(link_id=link_id) | Q(id__in=[a.pk for a in made])).delete()
        seen: set[tuple[str, uuid.UUID]] = set()
        for attribute in made:
            key = (attribute.link_type, attribute.taxonomy_term_id)
            if key in seen:
                self.problems.add(where, f"taxonomy term {attribute.taxonomy_term_id} is linked twice")
            seen.add(key)
        if len(seen) == len(made):
            Attribute.objects.bulk_create(made)

    # Locations

    def location(self, data: dict[str, Any], where: str, service: Service | None) -> Location | None:
        pk = uuid.UUID(data["id"])
        values = _values(Location, data, LOCATION_FIELDS, where, self.problems)
        if values is None:
            return None
        location = Location.objects.filter(pk=pk).first()
        if location is None:
            area = service.area if service is not None else self.area
            if area is None:
                self.problems.add(where, f"location {pk} is new: say which area it belongs to (--area)")
                return None
            location = Location(id=pk, area=area, organization=service.organization if service else None)
        for key, value in values.items():
            setattr(location, key, value)
        addresses = data.get("addresses") or []
        if addresses:
            location.postcode = _postcode(str(addresses[0].get("postal_code") or ""))
        location.save()
        if "addresses" in data:
            self._replace(
                Address,
                Q(location=location),
                addresses,
                (
                    "attention",
                    "address_1",
                    "address_2",
                    "city",
                    "region",
                    "state_province",
                    "postal_code",
                    "country",
                    "address_type",
                ),
                f"{where}.addresses",
                location=location,
            )
        if "accessibility" in data:
            items = [
                {**a, "description": a.get("description") or a.get("accessibility")}
                for a in data["accessibility"] or []
            ]
            self._replace(
                Accessibility,
                Q(location=location),
                items,
                ("description", "details", "url"),
                f"{where}.accessibility",
                location=location,
            )
        if "phones" in data:
            self._phones(Q(location=location), data["phones"] or [], f"{where}.phones", location=location)
        if "attributes" in data:
            self._attributes(location.pk, "location", data["attributes"] or [], f"{where}.attributes")
        return location

    def service_at_location(self, data: dict[str, Any], where: str, service: Service | None = None) -> None:
        pk = uuid.UUID(data["id"])
        if service is None:
            if isinstance(data.get("service"), dict):
                service = self.service(data["service"], f"{where}.service")
            elif data.get("service_id"):
                service = Service.objects.filter(pk=_uuid(data["service_id"])).first()
                if service is None:
                    self.problems.add(where, f"$.service_id: no service {data['service_id']}")
            else:
                existing = ServiceAtLocation.objects.filter(pk=pk).select_related("service").first()
                service = existing.service if existing else None
                if service is None:
                    self.problems.add(where, "$: a service_at_location needs its service or service_id")
            if service is None:
                return
        if isinstance(data.get("location"), dict):
            location = self.location(data["location"], f"{where}.location", service)
        else:
            location = Location.objects.filter(pk=_uuid(data.get("location_id"))).first()
            if location is None:
                self.problems.add(where, f"$.location_id: no location {data.get('location_id')}")
        if location is None:
            return
        description = _values(ServiceAtLocation, data, ("description",), where, self.problems)
        if description is None:
            return
        ServiceAtLocation.objects.filter(service=service, location=location).exclude(pk=pk).delete()
        sal, created = ServiceAtLocation.objects.update_or_create(
            id=pk, defaults={"service": service, "location": location, **description}
        )
        self.result.count(SERVICE_AT_LOCATION, created)
        if "schedules" in data:
            self._replace(
                Schedule,
                Q(service_at_location=sal),
                data["schedules"] or [],
                SCHEDULE_FIELDS,
                f"{where}.schedules",
                service_at_location=sal,
            )

    def link_parents(self) -> None:
        """Set parent links whose targets exist now; drop those that would dangle."""
        for model, pk, attname, parent_id, _where in self.parents:
            if parent_id is not None and parent_id != pk and model._default_manager.filter(pk=parent_id).exists():
                model._default_manager.filter(pk=pk).update(**{attname: parent_id})
            else:
                model._default_manager.filter(pk=pk).update(**{attname: None})


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
        from sendhub.directory.search import index_service

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
