"""The Open Referral UK API (HSDS-UK-3.0), read-only, at ``/api/oruk/v3/``.

Plain Django views returning JSON. Only published listings (of every area) appear, and only the
organisations and service-at-locations of published listings. Errors are JSON
``{"error": "..."}``: 404 for an unknown id or path, 400 for a bad parameter (the message names it), 405 for
a method other than GET/HEAD/OPTIONS. Every response allows any origin (CORS), and OPTIONS answers a
preflight.

Pagination follows the ORUK validator (OpenReferralUK's PaginationTestingService): ``size`` is the number of
items in ``contents``; ``first_page`` is ``page_number == 1``; ``last_page`` is ``page_number >= total_pages``;
``empty`` is ``size == 0``; every page but the last holds ``per_page`` items. An empty result is one empty page
(``total_pages`` 1, first and last). A page beyond the last is not an error: empty ``contents``,
``first_page`` false, ``last_page`` true.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db.models import Exists, F, FloatField, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime

from sendhub.directory import geo
from sendhub.directory.models import (
    Attribute,
    DirectoryOrganisation,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from sendhub.directory.oruk import PROFILE_URL, VERSION
from sendhub.directory.oruk import serializers as ser

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PROXIMITY_METRES = 1_000_000
MAX_SEARCH_LENGTH = 200
EARTH_RADIUS_METRES = 6_371_008.8
OPENAPI_FILE = Path(__file__).with_name("openapi.json")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(400, f"Parameter '{name}': {message}")


def _cors(response: HttpResponseBase) -> HttpResponseBase:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def api_view(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    """GET (and HEAD) only, JSON errors, CORS headers and OPTIONS preflight."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Accept, Content-Type"
            )
            response["Access-Control-Max-Age"] = "86400"
            response["Allow"] = "GET, HEAD, OPTIONS"
            return _cors(response)
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"error": f"Method {request.method} is not allowed; use GET."}, status=405)
            response["Allow"] = "GET, HEAD, OPTIONS"
            return _cors(response)
        try:
            for name, value in request.GET.items():
                if "\x00" in value or "\x00" in name:
                    raise bad_parameter(name, "must not contain NUL characters")
            result = view(request, *args, **kwargs)
        except ApiError as error:
            return _cors(JsonResponse({"error": error.message}, status=error.status))
        if isinstance(result, HttpResponseBase):
            return _cors(result)
        return _cors(JsonResponse(result, json_dumps_params={"ensure_ascii": False}))

    return wrapper


# Parameters ----------------------------------------------------------------------------------------------


def _int(request: HttpRequest, name: str, default: int | None, minimum: int, maximum: int | None = None):
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise bad_parameter(name, f"must be a whole number, not {raw[:40]!r}") from None
    if value < minimum:
        raise bad_parameter(name, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise bad_parameter(name, f"must be at most {maximum}")
    return value


def _bool(request: HttpRequest, name: str) -> bool:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return False
    value = raw.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise bad_parameter(name, "must be true or false")


def _uuid(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise bad_parameter(name, f"must be a UUID, not {raw[:40]!r}") from None


def _datetime(request: HttpRequest, name: str) -> dt.datetime | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    text = raw.strip()
    try:
        value = parse_datetime(text)
        if value is None:
            day = parse_date(text)
            if day is not None:
                value = dt.datetime.combine(day, dt.time.min)
        if value is None:
            raise ValueError
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise bad_parameter(name, "must be a date or an ISO 8601 date-time, e.g. 2024-05-01T09:00:00Z") from None


def _text(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "").strip()
    if len(value) > MAX_SEARCH_LENGTH:
        raise bad_parameter(name, f"must be at most {MAX_SEARCH_LENGTH} characters")
    return value


def _page_params(request: HttpRequest) -> tuple[int, int]:
    page = _int(request, "page", 1, minimum=1)
    per_page = _int(request, "per_page", DEFAULT_PER_PAGE, minimum=1, maximum=MAX_PER_PAGE)
    return page, per_page


def _format(request: HttpRequest) -> str:
    value = request.GET.get("format", "").strip().lower() or "json"
    if value not in ("json", "ndjson"):
        raise bad_parameter("format", "must be json or ndjson")
    return value


def _words(text: str) -> list[str]:
    return text.split()[:10]


def _search(qs: QuerySet, text: str, fields: tuple[str, ...]) -> QuerySet:
    for word in _words(text):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        qs = qs.filter(condition)
    return qs


# Pagination ----------------------------------------------------------------------------------------------


def paginate(qs: QuerySet, page: int, per_page: int, serialize: Callable[[list], list]) -> dict[str, Any]:
    total = qs.count()
    total_pages = max(1, math.ceil(total / per_page))
    items = list(qs[(page - 1) * per_page : page * per_page]) if page <= total_pages and total else []
    contents = serialize(items) if items else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _ndjson(qs: QuerySet, serialize: Callable[[list], list]) -> StreamingHttpResponse:
    """Every result, one JSON document a line, without pagination (``format=ndjson``)."""

    def lines() -> Iterator[str]:
        ids = list(qs.values_list("pk", flat=True))
        for start in range(0, len(ids), MAX_PER_PAGE):
            chunk = ids[start : start + MAX_PER_PAGE]
            objects = list(qs.filter(pk__in=chunk))
            by_id = {getattr(obj, "pk", obj): obj for obj in objects}  # objects, or ids from a values_list
            for item in serialize([by_id[pk] for pk in chunk if pk in by_id]):
                yield json.dumps(item, ensure_ascii=False) + "\n"

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson")


def _listing(request: HttpRequest, qs: QuerySet, serialize: Callable[[list], list]):
    fmt = _format(request)
    page, per_page = _page_params(request)
    if fmt == "ndjson":
        return _ndjson(qs, serialize)
    return paginate(qs, page, per_page, serialize)


# Places --------------------------------------------------------------------------------------------------


def _resolve_postcode(text: str) -> tuple[float, float]:
    """A postcode (or postcode district) to (latitude, longitude)."""
    try:
        return geo.resolve_postcode(text)
    except (geo.PlaceNotFound, ValueError) as error:
        raise bad_parameter("postcode", str(error) or f"{text[:20]!r} was not found") from None


def _proximity(request: HttpRequest) -> tuple[float, float, float] | None:
    """(latitude, longitude, metres) from ``postcode`` and ``proximity``, or None when neither is given."""
    postcode = _text(request, "postcode")
    raw = request.GET.get("proximity", "").strip()
    if not postcode and not raw:
        return None
    if not postcode:
        raise bad_parameter("proximity", "needs a postcode to measure from")
    if not raw:
        raise bad_parameter("postcode", "needs a proximity in metres, e.g. proximity=5000")
    try:
        metres = float(raw)
    except ValueError:
        raise bad_parameter("proximity", "must be a distance in metres") from None
    if not math.isfinite(metres) or metres <= 0 or metres > MAX_PROXIMITY_METRES:
        raise bad_parameter("proximity", f"must be a distance in metres above 0 and up to {MAX_PROXIMITY_METRES}")
    latitude, longitude = _resolve_postcode(postcode)
    return latitude, longitude, metres


def within(qs: QuerySet[ServiceAtLocation], latitude: float, longitude: float, metres: float) -> QuerySet:
    """Service-at-locations whose location is within ``metres``: a bounding box on the indexed latitude and
    longitude columns, then the haversine distance in SQL (annotated as ``distance``, in metres)."""
    dlat = math.degrees(metres / EARTH_RADIUS_METRES)
    cos_lat = math.cos(math.radians(latitude))
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, dlat / cos_lat)
    qs = qs.filter(
        location__latitude__gte=latitude - dlat,
        location__latitude__lte=latitude + dlat,
        location__longitude__gte=longitude - dlon,
        location__longitude__lte=longitude + dlon,
    )
    lat1 = Value(math.radians(latitude), output_field=FloatField())
    lon1 = Value(math.radians(longitude), output_field=FloatField())
    lat2 = Radians(F("location__latitude"))
    lon2 = Radians(F("location__longitude"))
    half = Value(0.5, output_field=FloatField())
    a = Power(Sin((lat2 - lat1) * half), 2) + Cos(lat1) * Cos(lat2) * Power(Sin((lon2 - lon1) * half), 2)
    distance = Value(2 * EARTH_RADIUS_METRES, output_field=FloatField()) * ASin(
        Sqrt(Least(a, Value(1.0, output_field=FloatField())))
    )
    return qs.annotate(distance=distance).filter(distance__lte=metres)


# Filters shared by services and service-at-locations --------------------------------------------------------


def _service_filters(request: HttpRequest, prefix: str = "") -> Q:
    """The ORUK filters on services, as a Q over ``prefix`` (``""`` for services, ``"service__"`` for SALs)."""
    condition = Q()
    term_id = _uuid(request, "taxonomy_term_id")
    if term_id:
        linked = Attribute.objects.filter(taxonomy_term_id=term_id).values("link_id")
        condition &= Q(**{f"{prefix}id__in": linked})
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id:
        linked = Attribute.objects.filter(taxonomy_term__taxonomy_id=taxonomy_id).values("link_id")
        condition &= Q(**{f"{prefix}id__in": linked})
    organization_id = _uuid(request, "organization_id")
    if organization_id:
        condition &= Q(**{f"{prefix}organization_id": organization_id})
    modified_after = _datetime(request, "modified_after")
    if modified_after:
        condition &= Q(**{f"{prefix}last_modified__gte": modified_after})
    minimum_age = _int(request, "minimum_age", None, minimum=0, maximum=150)
    if minimum_age is not None:
        condition &= Q(**{f"{prefix}maximum_age__isnull": True}) | Q(**{f"{prefix}maximum_age__gte": minimum_age})
    maximum_age = _int(request, "maximum_age", None, minimum=0, maximum=150)
    if maximum_age is not None:
        condition &= Q(**{f"{prefix}minimum_age__isnull": True}) | Q(**{f"{prefix}minimum_age__lte": maximum_age})
    return condition


SERVICE_SEARCH_FIELDS = ("name", "description", "organization__name")


# Views ---------------------------------------------------------------------------------------------------


@api_view
def api_details(request: HttpRequest):
    return {
        "version": VERSION,
        "profile": PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("oruk:openapi")),
    }


@functools.cache
def _openapi_document() -> str:
    return OPENAPI_FILE.read_text(encoding="utf-8")


@api_view
def openapi(request: HttpRequest):
    document = json.loads(_openapi_document())
    document["servers"] = [
        {"url": request.build_absolute_uri(reverse("oruk:api_details")).rstrip("/"), "description": "This API"}
    ]
    return document


@api_view
def services(request: HttpRequest):
    full = _bool(request, "full")
    minimal = _bool(request, "minimal")
    qs = ser.published_services().filter(_service_filters(request))
    qs = _search(qs, _text(request, "search"), SERVICE_SEARCH_FIELDS)
    place = _proximity(request)
    if place:
        near = within(ServiceAtLocation.objects.all(), *place).values("service_id")
        qs = qs.filter(id__in=near)
    qs = qs.order_by("name", "id")
    if minimal:
        return _listing(request, qs.only("id", "name", "status", "last_modified"), _minimal)
    if full:
        return _listing(request, qs.values_list("pk", flat=True), ser.full_services)
    qs = ser.services_queryset(qs, full=False)
    return _listing(request, qs, functools.partial(ser.serialize_services, full=False))


def _minimal(items: list[Service]) -> list[dict[str, Any]]:
    """``minimal=true``: id and last_modified, plus name and status, which the list schema requires."""
    return [
        {"id": str(s.pk), "name": s.name, "status": s.status, "last_modified": ser.iso_datetime(s.last_modified)}
        for s in items
    ]


def _get_uuid(raw: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ApiError(404, f"No {what} with id {raw[:60]!r}.") from None


@api_view
def service(request: HttpRequest, id: str):  # noqa: A002 - the path parameter's ORUK name
    pk = _get_uuid(id, "service")
    found = ser.full_services(list(ser.published_services().filter(pk=pk).values_list("pk", flat=True)))
    if not found:
        raise ApiError(404, f"No service with id {id!r}.")
    return found[0]


def _terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy")


@api_view
def taxonomies(request: HttpRequest):
    qs = _search(Taxonomy.objects.all(), _text(request, "search"), ("name", "description")).order_by("name", "id")
    return _listing(request, qs, lambda items: [ser.taxonomy_dict(t) for t in items])


@api_view
def taxonomy(request: HttpRequest, id: str):  # noqa: A002
    pk = _get_uuid(id, "taxonomy")
    found = Taxonomy.objects.filter(pk=pk).first()
    if found is None:
        raise ApiError(404, f"No taxonomy with id {id!r}.")
    return ser.taxonomy_dict(found, terms=_terms().filter(taxonomy=found).order_by("name", "id"))


@api_view
def taxonomy_terms(request: HttpRequest):
    qs = _search(_terms(), _text(request, "search"), ("name", "description", "term", "code"))
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id:
        qs = qs.filter(taxonomy_id=taxonomy_id)
    parent_id = _uuid(request, "parent_id")
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    if _bool(request, "top_only") or _bool(request, "root_only"):
        qs = qs.filter(parent__isnull=True)
    vocabulary = _text(request, "vocabulary")
    if vocabulary:
        qs = qs.filter(Q(taxonomy__key__iexact=vocabulary) | Q(taxonomy__name__iexact=vocabulary))
    qs = qs.order_by("taxonomy__name", "name", "id")
    return _listing(request, qs, lambda items: [ser.taxonomy_term_dict(t) for t in items])


@api_view
def taxonomy_term(request: HttpRequest, id: str):  # noqa: A002
    pk = _get_uuid(id, "taxonomy term")
    found = _terms().filter(pk=pk).first()
    if found is None:
        raise ApiError(404, f"No taxonomy term with id {id!r}.")
    return ser.taxonomy_term_dict(found)


def _public_organisations() -> QuerySet[DirectoryOrganisation]:
    """Providers with at least one published listing (others may be drafts not yet public)."""
    published = ser.published_services().filter(organization=OuterRef("pk"))
    return DirectoryOrganisation.objects.filter(Exists(published))


def _organisations_queryset(qs: QuerySet[DirectoryOrganisation], *, full: bool, full_service: bool):
    services_qs = ser.services_queryset(full=full_service).order_by("name", "id")
    qs = qs.prefetch_related(Prefetch("services", queryset=services_qs, to_attr="published_services"))
    if full:
        qs = qs.prefetch_related("identifiers")
    return qs


def _serialize_organisations(items: list[DirectoryOrganisation], *, full: bool, full_service: bool):
    all_services = [s for org in items for s in org.published_services]
    ids = {org.pk for org in items} if full else set()
    if full_service:
        ids |= ser.linked_ids(all_services, full=True)
    attributes = ser.attributes_for(ids) if ids else None
    return [
        ser.organization_dict(
            org,
            full=full,
            attributes=attributes,
            services=[
                ser.service_dict(s, full=full_service, attributes=attributes, with_organization=False)
                for s in org.published_services
            ],
        )
        for org in items
    ]


@api_view
def organizations(request: HttpRequest):
    full = _bool(request, "full")
    full_service = _bool(request, "full_service")
    qs = _search(_public_organisations(), _text(request, "search"), ("name", "description"))
    qs = _organisations_queryset(qs.order_by("name", "id"), full=full, full_service=full_service)
    return _listing(request, qs, functools.partial(_serialize_organisations, full=full, full_service=full_service))


@api_view
def organization(request: HttpRequest, id: str):  # noqa: A002
    pk = _get_uuid(id, "organization")
    full_service = _bool(request, "full_service")
    qs = _organisations_queryset(_public_organisations().filter(pk=pk), full=True, full_service=full_service)
    found = list(qs)
    if not found:
        raise ApiError(404, f"No organization with id {id!r}.")
    return _serialize_organisations(found, full=True, full_service=full_service)[0]


@api_view
def service_at_locations(request: HttpRequest):
    full = _bool(request, "full")
    qs = ServiceAtLocation.objects.filter(service__is_published=True).filter(_service_filters(request, "service__"))
    qs = _search(
        qs,
        _text(request, "search"),
        ("service__name", "service__description", "location__name", "service__organization__name"),
    )
    place = _proximity(request)
    if place:
        qs = within(qs, *place).order_by("distance", "id")
    else:
        qs = qs.order_by("service__name", "id")
    qs = ser.service_at_locations_queryset(qs, full=full)
    return _listing(request, qs, functools.partial(ser.serialize_service_at_locations, full=full))


@api_view
def service_at_location(request: HttpRequest, id: str):  # noqa: A002
    pk = _get_uuid(id, "service at location")
    qs = ser.service_at_locations_queryset(
        ServiceAtLocation.objects.filter(pk=pk, service__is_published=True), full=True
    )
    found = list(qs)
    if not found:
        raise ApiError(404, f"No service at location with id {id!r}.")
    return ser.serialize_service_at_locations(found, full=True)[0]


@api_view
def not_found(request: HttpRequest, path: str = ""):
    raise ApiError(404, f"No such endpoint: {request.path[:200]}")
