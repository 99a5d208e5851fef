"""Reads for the Local Offer's staff pages: listings, data quality and coverage."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet

from sendhub.accounts.models import LocalArea
from sendhub.directory import taxonomies
from sendhub.directory.geo import haversine_km
from sendhub.directory.models import (
    Attribute,
    ListingChange,
    Place,
    PostcodeDistrict,
    ProblemReport,
    Service,
    ServiceAtLocation,
)

REVIEW_SOON_DAYS = 14


def with_locations(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("organization", "area").prefetch_related(
        Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location"))
    )


def listing_list(area: LocalArea, filters: dict | None = None, today: date | None = None) -> QuerySet:
    filters = filters or {}
    today = today or date.today()
    services = Service.objects.filter(area=area)
    if filters.get("q"):
        services = services.filter(name__icontains=filters["q"])
    if filters.get("need"):
        services = services.filter(pk__in=_linked(taxonomies.NEED, filters["need"]))
    if filters.get("district"):
        services = services.filter(pk__in=_linked(taxonomies.DISTRICT, filters["district"]))
    if filters.get("review") == "overdue":
        services = services.filter(review_by__lt=today)
    elif filters.get("review") == "soon":
        services = services.filter(review_by__gte=today, review_by__lte=today + timedelta(days=REVIEW_SOON_DAYS))
    return with_locations(services).order_by("name", "id")


def _linked(key: str, code: str):
    return Attribute.objects.filter(taxonomy_term_id=taxonomies.term_id(key, code)).values("link_id")


def pending_service_ids(area: LocalArea) -> set:
    return set(
        ListingChange.objects.filter(area=area, status=ListingChange.Status.PENDING, service__isnull=False)
        .values_list("service_id", flat=True)
    )


def pending_changes(area: LocalArea) -> QuerySet:
    return (
        ListingChange.objects.filter(area=area, status=ListingChange.Status.PENDING)
        .select_related("service", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def empty_terms() -> dict[str, list]:
    return {"service_type": [], "need": [], "age_group": [], "district": [], "other": []}


def terms_by_service(service_ids) -> dict:
    """{service id: {"service_type"|"need"|"age_group"|"district"|"other": [TaxonomyTerm]}}, in one query.
    Every id asked for has an entry."""
    keys = {taxonomies.taxonomy_id(k): k.replace("-", "_") for k in taxonomies.TAXONOMIES}
    ids = list(service_ids)
    found: dict = {pk: empty_terms() for pk in ids}
    for attribute in Attribute.objects.filter(link_id__in=ids).select_related("taxonomy_term"):
        term = attribute.taxonomy_term
        found[attribute.link_id][keys.get(term.taxonomy_id, "other")].append(term)
    order = {k.replace("-", "_"): {code: n for n, (code, _) in enumerate(v[2])}
             for k, v in taxonomies.TAXONOMIES.items()}
    for by_key in found.values():
        for key, terms in by_key.items():
            terms.sort(key=lambda t, key=key: (order.get(key, {}).get(t.code, 99), t.name))
    return found


# Data quality -------------------------------------------------------------------------------------------


def stale_listings(area: LocalArea, today: date) -> list[Service]:
    return list(
        with_locations(Service.objects.filter(area=area, is_published=True, review_by__lt=today))
        .order_by("review_by", "name")
    )


@dataclass
class MissingFields:
    service: Service
    missing: list[str]


def missing_fields(area: LocalArea) -> list[MissingFields]:
    """Published listings without what a family needs: a description, a way to get in touch, a place or an
    online link, who it is for, and a review-by date."""
    services = list(
        with_locations(Service.objects.filter(area=area, is_published=True))
        .prefetch_related("phones", "contacts")
        .order_by("name", "id")
    )
    terms = terms_by_service([s.pk for s in services])
    found = []
    for service in services:
        missing = []
        if not service.description.strip():
            missing.append("description")
        if not (service.email or service.url or service.phones.all() or
                any(c.email for c in service.contacts.all())):
            missing.append("contact details")
        has_place = any(s.location.latitude is not None for s in service.service_at_locations.all())
        if not has_place and not service.url:
            missing.append("location")
        if not terms[service.pk]["need"] and not service.eligibility_description.strip():
            missing.append("who it is for")
        if not terms[service.pk]["service_type"]:
            missing.append("type of service")
        if service.review_by is None:
            missing.append("review-by date")
        if missing:
            found.append(MissingFields(service, missing))
    return found


_NOISE = re.compile(r"[^a-z0-9 ]+")
_STOP = {"the", "a", "an", "and", "of", "for"}


def normalise_name(name: str) -> str:
    """'The Autism  Family-Group (Preston)' -> 'autism family group preston'."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower().replace("&", " and ")
    words = _NOISE.sub(" ", text).split()
    return " ".join(w for w in words if w not in _STOP)


@dataclass
class DuplicateGroup:
    reason: str
    services: list[Service] = field(default_factory=list)


def possible_duplicates(area: LocalArea) -> list[DuplicateGroup]:
    """Listings that may be the same service twice: the same name (ignoring case, punctuation and small words),
    or a very similar name at the same postcode."""
    services = list(with_locations(Service.objects.filter(area=area).exclude(status=Service.Status.DEFUNCT))
                    .order_by("name", "id"))
    by_name: dict[str, list[Service]] = defaultdict(list)
    for service in services:
        by_name[normalise_name(service.name)].append(service)
    groups = [DuplicateGroup("Same name", group) for group in by_name.values() if len(group) > 1]
    grouped = {s.pk for g in groups for s in g.services}

    by_postcode: dict[str, list[Service]] = defaultdict(list)
    for service in services:
        for sal in service.service_at_locations.all():
            if sal.location.postcode:
                by_postcode[sal.location.postcode.replace(" ", "").upper()].append(service)
                break
    for postcode_services in by_postcode.values():
        for i, first in enumerate(postcode_services):
            similar = [first]
            for other in postcode_services[i + 1:]:
                if {first.pk, other.pk} <= grouped:
                    continue
                ratio = difflib.SequenceMatcher(None, normalise_name(first.name), normalise_name(other.name)).ratio()
                if ratio >= 0.85:
                    similar.append(other)
            if len(similar) > 1:
                groups.append(DuplicateGroup("Similar name at the same postcode", similar))
                grouped.update(s.pk for s in similar)
    return groups


def open_problem_reports(area: LocalArea) -> QuerySet:
    return (
        ProblemReport.objects.filter(service__area=area, status=ProblemReport.Status.OPEN)
        .select_related("service")
        .order_by("reported_at", "pk")
    )


# Coverage -----------------------------------------------------------------------------------------------


@dataclass
class CoverageCell:
    need: str
    nearest_km: float | None
    covered: bool


@dataclass
class CoverageRow:
    district: str
    centre: tuple[float, float] | None
    cells: list[CoverageCell]


def district_centres(area: LocalArea) -> dict[str, tuple[float, float] | None]:
    """Each district's centre: the area's place named after it, else the middle of its places, else the
    middle of postcode districts whose town has its name. None when we know no point for it."""
    names = [name for _, name in taxonomies.TAXONOMIES[taxonomies.DISTRICT][2]]
    places = list(Place.objects.filter(Q(area=area) | Q(area__isnull=True)).exclude(district="")
                  .values_list("name", "district", "latitude", "longitude"))
    area_districts = sorted({p[1] for p in places})
    if area_districts:
        names = area_districts
    centres: dict[str, tuple[float, float] | None] = {}
    for name in names:
        named = [p for p in places if p[0].lower() == name.lower()]
        inside = named or [p for p in places if p[1].lower() == name.lower()]
        if inside:
            centres[name] = (sum(p[2] for p in inside) / len(inside), sum(p[3] for p in inside) / len(inside))
            continue
        towns = list(PostcodeDistrict.objects.filter(town__iexact=name).values_list("latitude", "longitude"))
        centres[name] = (
            (sum(t[0] for t in towns) / len(towns), sum(t[1] for t in towns) / len(towns)) if towns else None
        )
    return centres


def coverage(area: LocalArea, radius_km: float) -> tuple[list, list[CoverageRow]]:
    """For each district and need: is there a published support group for that need within ``radius_km`` of
    the district's centre? A group for all needs counts for every need."""
    needs = [t for t in taxonomies.terms(taxonomies.NEED) if t.code != "all-needs"]
    groups = Service.objects.filter(
        area=area, is_published=True, status=Service.Status.ACTIVE,
        pk__in=_linked(taxonomies.SERVICE_TYPE, "support-group"),
    )
    points: dict = defaultdict(list)
    for service_id, lat, lon in ServiceAtLocation.objects.filter(
        service__in=groups, location__latitude__isnull=False, location__longitude__isnull=False
    ).values_list("service_id", "location__latitude", "location__longitude"):
        points[service_id].append((lat, lon))
    need_ids = {taxonomies.term_id(taxonomies.NEED, t.code): t.code for t in taxonomies.terms(taxonomies.NEED)}
    service_needs: dict = defaultdict(set)
    for link_id, term_id in Attribute.objects.filter(link_id__in=list(points), taxonomy_term_id__in=need_ids) \
            .values_list("link_id", "taxonomy_term_id"):
        service_needs[link_id].add(need_ids[term_id])

    rows = []
    for district, centre in district_centres(area).items():
        cells = []
        for need in needs:
            nearest = None
            if centre is not None:
                for service_id, codes in service_needs.items():
                    if need.code not in codes and "all-needs" not in codes:
                        continue
                    for lat, lon in points[service_id]:
                        km = haversine_km(centre[0], centre[1], lat, lon)
                        nearest = km if nearest is None or km < nearest else nearest
            cells.append(CoverageCell(need.name, nearest, nearest is not None and nearest <= radius_km))
        rows.append(CoverageRow(district, centre, cells))
    return needs, rows
