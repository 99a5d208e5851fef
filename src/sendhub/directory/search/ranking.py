"""Ranking: the order of the matches, the search itself (``search_services``) and the page's hits.

The order (``order_key``), stated on the results page (``SearchPage.order``):

- **Relevance** first. A listing matching every word of the query comes before one matching some; among
  partial matches, one holding the query's most specific word (the one fewest listings hold) comes before any
  without it, and so on down the words (``filters.specificity_expression``), so for "autism support group" a
  listing about autism outranks one that only says "support group". Partial matches are labelled on the page
  (``Hit.partial_match``). Among equally matched listings near a place, those with every word in their *title*
  (name or taxonomy terms: type, need, age group, district) come before those with a word only in the
  description.
- **Then distance**, when a place is given: among equally relevant listings the nearest first (listings with
  no located venue last), then the higher score (more words in the name), then the id.
- Sorting by distance (or searching a place with no words) puts the nearest first whatever the words.
- With no place: matched words as above, then the score (``filters.score_expression``), then the name.

Distance: within a Local Offer, the points of its live listings are read through covering indexes (inside the
radius's bounding box, if any), filtered and scored in the same pass, with exact haversine distances in Python;
a search near a place without a radius reads the whole area's points at once. Across every area an indexed
latitude/longitude box leads, and a distance sort without a radius widens it until a page is full; a relevance
search near a place without a radius reads every match's nearest point (its order needs every match's band).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from sendhub.directory import schedules as schedule_rules
from sendhub.directory.geo import ResolvedPlace, bounding_box, haversine_from, haversine_km
from sendhub.directory.models import Location, Schedule, Service, ServiceAtLocation
from sendhub.directory.search.filters import (
    AmongIds,
    conditions,
    raw_rows,
    score_expression,
    specificity_expression,
    title_expression,
)
from sendhub.directory.search.spelling import Concept, query_concepts

MAX_PER_PAGE = 100
FIRST_RADIUS_KM = 8.0
MAX_WIDENING_KM = 700.0  # beyond this, every match: Great Britain fits in it

ORDER_RELEVANCE_DISTANCE = (
    "Ordered by relevance, then distance: services matching all your words in their name or type first, "
    "and the nearest first among equally good matches."
)
ORDER_RELEVANCE = "Ordered by relevance: services matching all your words in their name or type first."
ORDER_DISTANCE = "Ordered by distance, nearest first."
ORDER_NAME = "Ordered by name."


# Relevance ---------------------------------------------------------------------------------------------------


def words_matched(total: int, asked: int) -> int:
    """How many of ``asked`` query words a listing with this score matched (``filters.score_expression``: each matched
    word adds 3n+1, more than the title/description weights of every word together)."""
    return 0 if asked == 0 else int(total or 0) // (3 * asked + 1)


def order_key(total: int, distance: float | None, title: int, specific: int, sid, asked: int, sort: str) -> tuple:
    """The sort key of one match: see the module docstring. ``title`` is how many query words the listing's
    title (name or taxonomy terms) holds, ``specific`` which words it matches (``filters.specificity_expression``:
    all of them the most, then the rarest word first); ``distance`` None (no located venue) sorts last."""
    far = math.inf if distance is None else distance
    if sort == "distance" or asked == 0:
        return (far, -(total or 0), _id_key(sid))
    return (-(specific or 0), (title or 0) < asked, far, -(total or 0), _id_key(sid))


def order_text(sort: str, has_place: bool, has_words: bool) -> str:
    """The sentence stating the order on the results page."""
    if has_place and (sort == "distance" or not has_words):
        return ORDER_DISTANCE
    if has_place:
        return ORDER_RELEVANCE_DISTANCE
    return ORDER_RELEVANCE if has_words else ORDER_NAME


def _id_key(sid) -> str:
    # Ties are broken by id text: the same order for a UUID and for the hex text SQLite hands back.
    return sid.hex if isinstance(sid, uuid.UUID) else str(sid).replace("-", "")


def _ordered(best: dict, sort: str, concepts) -> list[tuple]:
    """[(id, score, distance)] from {id: (score, distance[, words in the title])}, in the order of ``order_key``."""
    asked = len(concepts)

    def key(item):
        sid, (total, distance, *rank) = item
        title, specific = rank if rank else (0, 0)
        return order_key(total, distance, title, specific, sid, asked, sort)

    return [(sid, values[0], values[1]) for sid, values in sorted(best.items(), key=key)]


def _rank_fields(sort: str, concepts, filters: dict, prefix: str = "") -> dict:
    """The annotations the relevance order needs (``title``, ``specific``): constants 0 unless a relevance sort
    with words ranks on them. Scored as the score is: from the area's word index, or ``search_text``."""
    if sort != "relevance" or not concepts:
        concepts = []
    area = filters["area"] if not prefix else None
    return {
        "title": title_expression(concepts, prefix, area=area),
        "specific": specificity_expression(concepts, prefix, area=area),
    }


# The search --------------------------------------------------------------------------------------------------


@dataclass
class Hit:
    service: Service  # with its organisation and area loaded
    distance_km: float | None
    score: int
    next_meeting: dt.datetime | None = None
    district: str = ""  # the district of its first location that has one
    partial_match: bool = False  # matches only some of the query's words

    @property
    def distance_miles(self) -> float | None:
        return None if self.distance_km is None else self.distance_km / 1.609344


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    pages: int
    corrections: dict[str, list[str]] = field(default_factory=dict)  # "austism" -> ["autism"]
    sort: str = "relevance"
    order: str = ""  # the order, in a sentence for the page

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _point(near) -> tuple[float, float] | None:
    if near is None:
        return None
    if isinstance(near, ResolvedPlace):
        return near.point
    lat, lon = near
    return float(lat), float(lon)


def search_services(
    *,
    area=None,
    text: str = "",
    service_type=None,
    need=None,
    age=None,
    free: bool = False,
    day=None,
    near=None,
    radius_km: float | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    now: dt.datetime | None = None,
) -> SearchPage:
    """Published, active services matching the keywords and filters, in the order of the module docstring."""
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    point = _point(near)
    if radius_km is not None:
        radius_km = float(radius_km)
        if not math.isfinite(radius_km) or radius_km <= 0:
            raise ValueError("radius_km must be a positive number")
    if sort not in {"relevance", "distance"}:
        raise ValueError("sort must be 'relevance' or 'distance'")
    if point is None:
        sort = "relevance"
        radius_km = None
    concepts = query_concepts(text)
    corrections = {c.word: [a for a in c.alternatives if a != c.word] for c in concepts if c.corrected}
    filters = dict(area=area, service_type=service_type, need=need, age=age, free=free, day=day, concepts=concepts)

    if point is not None:
        geo_ranked = _geo_ranked if area is None else _area_geo_ranked
        ranked, total = geo_ranked(point, radius_km, sort, page * per_page, filters, concepts)
        window = [(_uuid(sid), total_, d) for sid, total_, d in ranked[(page - 1) * per_page : page * per_page]]
        ids = [sid for sid, _, _ in window]
        extra = {sid: (total_, distance) for sid, total_, distance in window}
    else:
        base = Service.objects.filter(conditions("", **filters, mode="set" if area is None else "area"))
        total = base.count()
        order = ["-specific", "-score", "name", "id"] if concepts else ["name", "id"]
        rows = list(
            base.annotate(
                score=score_expression(concepts, area=area), specific=specificity_expression(concepts, area=area)
            )
            .order_by(*order)
            .values_list("id", "score")[(page - 1) * per_page : page * per_page]
        )
        ids = [sid for sid, _ in rows]
        extra = {sid: (total_, None) for sid, total_ in rows}

    hits = _hits(ids, extra, point, now or timezone.now(), len(concepts))
    pages = max(1, math.ceil(total / per_page))
    stated = order_text(sort, point is not None, bool(concepts))
    return SearchPage(hits, total, page, per_page, pages, corrections, sort, stated)


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _hits(ids: list, extra: dict, point, now: dt.datetime, asked: int) -> list[Hit]:
    """The page's hits in three queries: the services (with organisation and area, which a hit's address needs),
    their schedules and their locations. Plain queries rather than ``prefetch_related``, whose per-listing
    bookkeeping cost more than the queries themselves."""
    if not ids:
        return []
    services = Service.objects.filter(pk__in=ids).select_related("organization", "area").in_bulk()
    schedules: dict = {}
    # A schedule may hang on the service or on one of its service-at-locations (or both: counted once each way,
    # which cannot change the soonest).
    on_service = Schedule.objects.filter(service_id__in=ids).annotate(owner=F("service_id"))
    at_location = Schedule.objects.filter(service_at_location__service_id__in=ids).annotate(
        owner=F("service_at_location__service_id")
    )
    for schedule in on_service.union(at_location, all=True):
        schedules.setdefault(schedule.owner, []).append(schedule)
    districts: dict = {}
    nearest: dict = {}
    rows = ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
        "service_id", "location__district", "location__latitude", "location__longitude"
    )
    for sid, district, lat, lon in rows:
        if district and sid not in districts:
            districts[sid] = district
        if point is not None and lat is not None and lon is not None:
            d = haversine_km(point[0], point[1], lat, lon)
            if sid not in nearest or d < nearest[sid]:
                nearest[sid] = d
    hits = []
    for sid in ids:
        total, distance = extra[sid]
        if distance is None and point is not None:
            distance = nearest.get(sid)  # say how far whenever a place is given
        meeting = schedule_rules.soonest(schedules.get(sid, []), now)
        partial = asked > 0 and words_matched(total, asked) < asked
        hits.append(Hit(services[sid], distance, int(total or 0), meeting, districts.get(sid, ""), partial))
    return hits


# Distance ----------------------------------------------------------------------------------------------------


def _area_points_sql(area, point, radius_km) -> tuple[str, list]:
    """The SQL of ``_area_points``: the located service-at-locations of one Local Offer's published, active
    listings (inside the radius's bounding box when there is one), as (service id, latitude, longitude).

    Listing by listing: the area's live listings from their covering index, then each one's service-at-locations
    and points (also covering indexes). On PostgreSQL through ``LATERAL``: joined plainly, its planner (which
    prices every index probe as a disk read) scans all the country's service-at-locations and hashes them,
    several times slower than the thousand probes of a large Local Offer; SQLite takes this order by itself."""
    # Table names from the models; every value is a parameter.
    service, sal, location = (m._meta.db_table for m in (Service, ServiceAtLocation, Location))
    conditions = ["s.area_id = %s", "s.is_published", "s.status = %s", "l.latitude IS NOT NULL"]
    conditions.append("l.longitude IS NOT NULL")
    params: list = [getattr(area, "pk", area), Service.Status.ACTIVE.value]
    if radius_km is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(point[0], point[1], radius_km)
        conditions += ["l.latitude BETWEEN %s AND %s", "l.longitude BETWEEN %s AND %s"]
        params += [min_lat, max_lat, min_lon, max_lon]
    if connections[Service.objects.db].vendor == "postgresql":
        # OFFSET 0 keeps the subquery from being flattened back into a join.
        at = f"CROSS JOIN LATERAL (SELECT service_id, location_id FROM {sal} WHERE service_id = s.id OFFSET 0) sal"  # noqa: S608
    else:
        at = f"JOIN {sal} sal ON sal.service_id = s.id"
    sql = (
        f"SELECT sal.service_id, l.latitude, l.longitude FROM {service} s {at} "  # noqa: S608
        f"JOIN {location} l ON l.id = sal.location_id WHERE {' AND '.join(conditions)}"
    )
    return sql, params


def _area_points(point, area, radius_km) -> dict:
    """{service id: distance to its nearest located location} for the published, active listings of one Local
    Offer, within the radius when there is one."""
    sql, params = _area_points_sql(area, point, radius_km)
    with connections[Service.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    distance_to = haversine_from(*point)
    distances: dict = {}
    for sid, lat, lon in rows:
        d = distance_to(lat, lon)
        if (radius_km is None or d <= radius_km) and (sid not in distances or d < distances[sid]):
            distances[sid] = d
    return distances


def _area_geo_ranked(point, radius_km, sort, needed, filters, concepts):
    """``_geo_ranked`` within one Local Offer, in two queries whatever the radius.

    A Local Offer holds a few thousand listings at most, so its area index bounds the work: first the points of
    its listings (inside the box, with a radius) through covering indexes, with exact distances worked out here;
    then the filters and scores of the listings within the radius (their ids, so neither database can pick a
    plan that filters every listing before the box) or, without a radius, of the whole area in one pass (which
    also counts the unlocated matches), instead of widening a box step by step."""
    if radius_km is not None:
        distances = _area_points(point, filters["area"], radius_km)
        if not distances:
            return [], 0
        scored = raw_rows(
            Service.objects.filter(conditions("", **filters, mode="ids", live=True), AmongIds(F("id"), list(distances)))
            .annotate(score=score_expression(concepts, area=filters["area"]), **_rank_fields(sort, concepts, filters))
            .order_by()
            .values_list("id", "score", "title", "specific")
        )
        best = {sid: (score or 0, distances[sid], *rank) for sid, score, *rank in scored}
        return _ordered(best, sort, concepts), len(best)
    distances = _area_points(point, filters["area"], None)
    if sort == "relevance" and concepts:
        # Relevance before distance: every match's band counts, so every match is scored (one pass on the area).
        scored = raw_rows(
            Service.objects.filter(conditions("", **filters, mode="area"))
            .annotate(score=score_expression(concepts, area=filters["area"]), **_rank_fields(sort, concepts, filters))
            .order_by()
            .values_list("id", "score", "title", "specific")
        )
        best = {sid: (total or 0, distances.get(sid), *rank) for sid, total, *rank in scored}
        return _ordered(best, sort, concepts), len(best)
    # No radius and no words to rank on: every match counts, the nearest first and those without a point last.
    matched = [
        sid for (sid,) in raw_rows(Service.objects.filter(conditions("", **filters, mode="area")).values_list("id"))
    ]
    nearest = sorted((distances[sid], _id_key(sid), sid) for sid in matched if sid in distances)
    if len(nearest) > needed:
        # The score only breaks ties of distance: score the page's worth (and any as near as the last of them).
        cutoff = nearest[needed - 1][0]
        nearest = [item for item in nearest if item[0] <= cutoff]
    scores = _scores([sid for _, _, sid in nearest], concepts)
    best = {sid: (scores.get(sid, 0), d) for d, _, sid in nearest}
    tail = []
    unlocated = [sid for sid in matched if sid not in distances]
    if len(best) < needed and unlocated:
        # Matches without a point come last, best first; the database orders them as the other searches do.
        rows = (
            Service.objects.filter(pk__in=unlocated)
            .annotate(score=score_expression(concepts, area=filters["area"]))
            .order_by("-score", "name", "id")
            .values_list("id", "score")[: needed - len(best)]
        )
        tail = [(sid, score or 0, None) for sid, score in rows]
    return _ordered(best, sort, concepts) + tail, len(matched)


def _scores(ids: list, concepts: list[Concept]) -> dict:
    """{id: score} for a few services, keyed as given."""
    if not concepts or not ids:
        return {}
    by_key = {_id_key(sid): sid for sid in ids}
    rows = Service.objects.filter(pk__in=ids).annotate(score=score_expression(concepts)).order_by()
    return {by_key[_id_key(sid)]: score or 0 for sid, score in rows.values_list("id", "score")}


def _geo_ranked(point, radius_km, sort, needed, filters, concepts):
    """[(service id, score, distance)] in order, and the total, for a search with a distance part across every
    area. A search within one Local Offer takes ``_area_geo_ranked`` instead.

    The box leads: services with a location inside it are found through the (latitude, longitude) index and
    filtered and scored with probes per listing (never a pass over the country's rows of a common word or
    term); their exact distances are worked out here. Sorting by distance without a radius widens the box until
    a page is full."""
    if radius_km is None and sort == "relevance" and concepts:
        return _relevance_near(point, filters, concepts)
    radius = radius_km if radius_km is not None else FIRST_RADIUS_KM
    while True:
        best = _scored_in_radius(point, radius, filters, concepts, sort)
        if radius is None or radius_km is not None or len(best) >= needed:
            break
        # Widen: matches grow with the area, so aim for the radius that should hold a page (at least treble).
        radius *= max(3.0, 1.25 * math.sqrt(needed / max(len(best), 1)))
        if radius > MAX_WIDENING_KM:
            radius = None
    if radius_km is None:
        # Every match counts, located or not; ones without a point come after the located ones.
        total = Service.objects.filter(conditions("", **filters)).count()
        tail = []
        if radius is None and len(best) < needed:
            unlocated = (
                Service.objects.filter(conditions("", **filters))
                .exclude(pk__in=list(best))
                .annotate(score=score_expression(concepts))
                .order_by("-score", "name", "id")
                .values_list("id", "score")[: needed - len(best)]
            )
            tail = [(sid, score or 0, None) for sid, score in unlocated]
    else:
        total, tail = len(best), []
    return _ordered(best, sort, concepts) + tail, total


def _scored_in_radius(point, radius, filters, concepts, sort: str = "distance") -> dict:
    """{service id: (score, distance, words in the title)} for matching services with a location within the
    radius (any, if None). The title count only where the order needs it (a relevance sort with words)."""
    located = Q(location__latitude__isnull=False, location__longitude__isnull=False)
    if radius is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(point[0], point[1], radius)
        box = Q(location__latitude__range=(min_lat, max_lat), location__longitude__range=(min_lon, max_lon))
        rows = ServiceAtLocation.objects.filter(located & box, conditions("service__", **filters, mode="ids"))
    else:
        rows = ServiceAtLocation.objects.filter(conditions("service__", **filters) & located)
    rows = raw_rows(
        rows.annotate(
            score=score_expression(concepts, "service__"), **_rank_fields(sort, concepts, filters, "service__")
        )
        .order_by()
        .values_list("service_id", "score", "location__latitude", "location__longitude", "title", "specific")
    )
    distance_to = haversine_from(*point)
    best: dict = {}
    for sid, score, lat, lon, *rank in rows:
        d = distance_to(lat, lon)
        if radius is not None and d > radius:
            continue
        if sid not in best or d < best[sid][1]:
            best[sid] = (score or 0, d, *rank)
    return best




def _relevance_near(point, filters, concepts):
    """``_geo_ranked`` for a relevance search near a place with no radius, across every area: every match with
    its nearest point (relevance comes before distance, so no box can hold the first page), then those without
    a located venue."""
    best = _scored_in_radius(point, None, filters, concepts, "relevance")
    located = ServiceAtLocation.objects.filter(
        service_id=OuterRef("pk"), location__latitude__isnull=False, location__longitude__isnull=False
    )
    unlocated = raw_rows(
        Service.objects.filter(conditions("", **filters), ~Q(Exists(located)))
        .annotate(score=score_expression(concepts), **_rank_fields("relevance", concepts, filters))
        .order_by()
        .values_list("id", "score", "title", "specific")
    )
    best.update((sid, (total or 0, None, *rank)) for sid, total, *rank in unlocated)
    return _ordered(best, "relevance", concepts), len(best)
