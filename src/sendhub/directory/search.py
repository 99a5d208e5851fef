"""Searching the Local Offer: keywords, filters and distance, the same on SQLite and PostgreSQL.

Design
------
- ``Service.search_text`` holds the listing's words, normalised (lower case, light stemming, SEND synonyms
  folded to one word): ``" <name words> | <description, eligibility, term names and codes> "``.
  ``index_service`` fills it (call it after saving a service or its terms); ``reindex`` fills many.
- A query is normalised the same way. Each query word becomes a *concept*: its canonical word plus close
  spellings from the indexed vocabulary (edit distance 1 for words of 5+ letters, 2 for 8+), so "austism",
  "autisim" and "dislexia" find autism and dyslexia, and "ASD", "ASC", "autistic" all read as autism.
- Matching and ranking are SQL ``LIKE`` on word boundaries (no full-text extension): a concept in the name
  scores 3, elsewhere 1, and every concept matched scores more than all the name/body weights together, so
  listings matching all words rank above those matching some. Filters (type, need, age, free, day) are
  indexed subqueries on Attribute / Schedule / CostOption. Distance uses an indexed latitude/longitude
  bounding box, then exact haversine in Python for the few rows inside it; sorting by distance without a
  radius widens the box until a page is full.

"Free" means: ``is_free`` is ticked, or the service has a cost option of 0 and none above 0. A listing with no
cost options is not assumed free.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import cache
from django.db.models import BooleanField, Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.lookups import Lookup
from django.utils import timezone

from sendhub.directory import schedules as schedule_rules
from sendhub.directory.geo import ResolvedPlace, bounding_box, haversine_km
from sendhub.directory.models import Attribute, CostOption, Schedule, Service, ServiceAtLocation, TaxonomyTerm
from sendhub.directory.taxonomies import AGE_GROUP, AGE_RANGES, NEED, SERVICE_TYPE, term_id

MAX_PER_PAGE = 100
FIRST_RADIUS_KM = 8.0
MAX_WIDENING_KM = 700.0  # beyond this, every match: Great Britain fits in it

STOPWORDS = frozenset(
    """a an and are as at be by can do for from has have how i in into is it its me my near nearby of on or our
    so that the their them there they this to us we what when where which who with within you your mile miles km
    kilometre kilometres""".split()
)

# Words read as one canonical word, in listings and in queries alike.
CANONICAL = {
    "asd": "autism",
    "asc": "autism",
    "autistic": "autism",
    "asperger": "autism",
    "aspergers": "autism",
    "autism": "autism",
    "adhd": "adhd",
    "add": "adhd",
    "dyslexic": "dyslexia",
    "dyspraxic": "dyspraxia",
    "dcd": "dyspraxia",
    "salt": "speech",
    "slt": "speech",
    "slcn": "speech",
    "semh": "mental",
    "pmld": "learning",
    "sld": "learning",
    "mld": "learning",
    "downs": "down",
    "deaf": "hearing",
    "blind": "vision",
    "visual": "vision",
    "respite": "break",
    "mum": "parent",
    "mums": "parent",
    "dad": "parent",
    "dads": "parent",
    "kids": "child",
    "kid": "child",
    "children": "child",
    "physio": "physiotherapy",
    "ot": "occupational",
    "hi": "hearing",
    "vi": "vision",
}

# Words a visitor may mistype: always in the spelling vocabulary, preferred when a correction is ambiguous.
DOMAIN_WORDS = """autism adhd dyslexia dyspraxia dyscalculia epilepsy cerebral palsy down syndrome hearing vision
speech language communication sensory physical learning disability disabilities mental health anxiety support
group parent carer family sibling short break therapy occupational physiotherapy swimming play youth club
holiday transport education school college employment advice information training wellbeing behaviour social
emotional adulthood independence tribunal ehcp ehc needs special educational drop-in coffee morning session
toddler nursery playgroup sleep toileting feeding sign makaton""".split()

_WORD = re.compile(r"[a-z0-9]+")


# Normalising words -------------------------------------------------------------------------------------------


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """A light English stemmer for plurals and -ing: groups->group, therapies->therapy, classes->class,
    meetings->meet, swimming->swim. Short words are left alone."""
    w = word
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) >= 6:
        w = w[:-3]
        if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
            w = w[:-1]
    return w


def normalise_word(word: str) -> str:
    word = word.lower()
    if word in CANONICAL:
        return CANONICAL[word]
    stemmed = stem(word)
    return CANONICAL.get(stemmed, stemmed)


def words(text: str) -> list[str]:
    """The normalised words of a text, stop words dropped, in order (repeats kept)."""
    return [normalise_word(w) for w in _WORD.findall((text or "").lower()) if w not in STOPWORDS]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def build_search_text(name: str, *texts: str) -> str:
    """The ``search_text`` of a listing: its name's words, a bar, then every other word (each once)."""
    name_words = _unique(words(name))
    other = _unique(w for text in texts for w in words(text))
    return f" {' '.join(name_words)} | {' '.join(other)} "


def index_service(service: Service, save: bool = True) -> str:
    """Fill ``service.search_text`` from its name, description, eligibility and linked terms. Saves with an
    ``update`` (no history row, no last_modified change). Call it after a service or its attributes change."""
    names = list(
        TaxonomyTerm.objects.filter(
            id__in=Attribute.objects.filter(link_type="service", link_id=service.pk).values("taxonomy_term_id")
        ).values_list("name", "code")
    )
    term_text = " ".join(f"{name} {code.replace('-', ' ')}" for name, code in names)
    service.search_text = build_search_text(
        service.name, service.description, service.eligibility_description, term_text
    )
    if save and service.pk:
        Service.objects.filter(pk=service.pk).update(search_text=service.search_text)
    return service.search_text


def reindex(area=None, batch: int = 2000) -> int:
    """Refill ``search_text`` for every service (of one area). Returns how many were indexed."""
    services = Service.objects.all() if area is None else Service.objects.filter(area=area)
    term_names = {
        pk: f"{name} {code.replace('-', ' ')}"
        for pk, name, code in TaxonomyTerm.objects.values_list("id", "name", "code")
    }
    done = 0
    ids = list(services.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = list(Service.objects.filter(pk__in=ids[start : start + batch]))
        links: dict = {}
        for link_id, term in Attribute.objects.filter(
            link_type="service", link_id__in=[s.pk for s in chunk]
        ).values_list("link_id", "taxonomy_term_id"):
            links.setdefault(link_id, []).append(term_names.get(term, ""))
        for service in chunk:
            service.search_text = build_search_text(
                service.name, service.description, service.eligibility_description, " ".join(links.get(service.pk, []))
            )
        Service.objects.bulk_update(chunk, ["search_text"], batch_size=500)
        done += len(chunk)
    cache.delete(_VOCAB_KEY)
    return done


# Spelling ---------------------------------------------------------------------------------------------------

_VOCAB_KEY = "directory:search:vocabulary"


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass
class _Vocabulary:
    words: frozenset[str]
    by_delete: dict[str, set[str]]

    @classmethod
    def build(cls, indexed: Iterable[str]) -> _Vocabulary:
        all_words = {normalise_word(w) for w in DOMAIN_WORDS} | set(indexed)
        by_delete: dict[str, set[str]] = {}
        for w in all_words:
            if len(w) >= 4:
                for d in _deletes(w):
                    by_delete.setdefault(d, set()).add(w)
        return cls(frozenset(all_words), by_delete)

    def close(self, word: str) -> list[str]:
        """Known words within edit distance 1 (any word of 5+ letters), or 2 (8+ letters, if none at 1)."""
        if len(word) < 5 or word in self.words:
            return []
        found: set[str] = set(self.by_delete.get(word, ()))  # word has one letter too many
        for d in _deletes(word):
            if d in self.words:  # one letter too few in... the word has an extra letter
                found.add(d)
            found.update(v for v in self.by_delete.get(d, ()) if _one_edit(word, v))  # substitution/transpose
        if not found and len(word) >= 8:
            pool = [w for w in self.words if w[:1] == word[:1] and abs(len(w) - len(word)) <= 2]
            found.update(difflib.get_close_matches(word, pool, n=2, cutoff=0.8))
        domain = {normalise_word(w) for w in DOMAIN_WORDS}
        return sorted(found, key=lambda w: (w not in domain, w))[:3]


def _one_edit(a: str, b: str) -> bool:
    if len(a) != len(b):
        return True  # reached through a single delete of each: an insert/delete pair within distance 2
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]])


_vocabulary_memo: dict = {}


def vocabulary() -> _Vocabulary:
    """The indexed words, cached for 10 minutes (a new word becomes correctable within that time)."""
    words_list = cache.get(_VOCAB_KEY)
    if words_list is None:
        seen: set[str] = set()
        for text in Service.objects.filter(is_published=True).values_list("search_text", flat=True).iterator(5000):
            seen.update(text.split())
        seen.discard("|")
        words_list = sorted(seen)
        cache.set(_VOCAB_KEY, words_list, 600)
    key = (len(words_list), hash(tuple(words_list)))
    if _vocabulary_memo.get("key") != key:
        _vocabulary_memo.clear()
        _vocabulary_memo.update(key=key, value=_Vocabulary.build(words_list))
    return _vocabulary_memo["value"]


@dataclass
class Concept:
    """One query word: the listing words that count as a match for it."""

    word: str
    alternatives: list[str]
    corrected: bool = False


def query_concepts(text: str) -> list[Concept]:
    concepts: list[Concept] = []
    vocab = None
    for word in _unique(words(text)):
        alternatives = [word]
        corrected = False
        if len(word) >= 5:
            vocab = vocab or vocabulary()
            if word not in vocab.words:
                close = vocab.close(word)
                if close:
                    alternatives = _unique([*close, word])
                    corrected = True
        concepts.append(Concept(word, alternatives, corrected))
    return concepts[:8]


# SQL pieces -------------------------------------------------------------------------------------------------


class _Like(Lookup):
    """``lhs LIKE 'pattern'`` with a pattern of our own (words are [a-z0-9] only, so nothing to escape)."""

    lookup_name = "sendhub_like"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


def _pattern(word: str, in_name: bool) -> str:
    # Whole words for short ones ("art" must not find "arthritis"); word starts for longer ones.
    core = f"% {word} %" if len(word) < 5 else f"% {word}%"
    return core + "|%" if in_name else core


def _concept_q(concept: Concept, column: str, in_name: bool = False) -> Q:
    q = Q()
    for alt in concept.alternatives:
        q |= Q(_Like(F(column), Value(_pattern(alt, in_name))))
    return q


def _score(concepts: list[Concept], column: str):
    """3 per concept in the name, 1 elsewhere, plus (3n+1) per concept matched."""
    if not concepts:
        return Value(0, output_field=IntegerField())
    all_bonus = 3 * len(concepts) + 1
    total = None
    for concept in concepts:
        part = Case(
            When(_concept_q(concept, column, in_name=True), then=Value(3 + all_bonus)),
            When(_concept_q(concept, column), then=Value(1 + all_bonus)),
            default=Value(0),
            output_field=IntegerField(),
        )
        total = part if total is None else total + part
    return total


def _codes(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return [v for v in value if v]


DAY_CODES = {
    **{name.lower(): code for name, code in zip(schedule_rules.DAY_NAMES, schedule_rules.DAYS, strict=True)},
    **{name[:3].lower(): code for name, code in zip(schedule_rules.DAY_NAMES, schedule_rules.DAYS, strict=True)},
    **{code.lower(): code for code in schedule_rules.DAYS},
}


def day_code(day) -> str:
    """'Tuesday', 'tue', 'TU', 1 (Monday is 0) or a date -> 'TU'. Raises ValueError."""
    if isinstance(day, dt.date):
        return schedule_rules.DAYS[day.weekday()]
    if isinstance(day, int):
        return schedule_rules.DAYS[day]
    code = DAY_CODES.get(str(day).strip().lower())
    if code is None:
        raise ValueError(f"{day} is not a day of the week")
    return code


def _filters(prefix: str, *, area, service_type, need, age, free, day, concepts, correlated: bool = False) -> Q:
    """Conditions on Service (prefix '') or on a model that reaches it (prefix 'service__').

    Related-row conditions are ``id IN (subquery)`` by default, which lets the database start from the
    (indexed) subquery. With ``correlated`` they are ``EXISTS`` probes instead, for when the caller has already
    narrowed the services to a short id list that should drive the query."""
    pk = "service_id" if prefix == "service__" else "id"
    q = Q(**{f"{prefix}is_published": True, f"{prefix}status": Service.Status.ACTIVE})
    if area is not None:
        q &= Q(**{f"{prefix}area": area})

    def member(queryset, field: str) -> Q:
        if correlated:
            return Q(Exists(queryset.filter(**{field: OuterRef(pk)})))
        return Q(**{f"{pk}__in": queryset.values(field)})

    def linked(ids) -> Q:
        return member(Attribute.objects.filter(taxonomy_term_id__in=ids), "link_id")

    types = _codes(service_type)
    if types:
        q &= linked([term_id(SERVICE_TYPE, c) for c in types])
    needs = _codes(need)
    if needs:
        # A listing for all needs is a listing for each need.
        q &= linked([term_id(NEED, c) for c in [*needs, "all-needs"]])
    if age not in (None, ""):
        q &= _age_q(prefix, age, linked)
    if free:
        q &= Q(**{f"{prefix}is_free": True}) | (
            member(CostOption.objects.filter(amount=0), "service_id")
            & ~member(CostOption.objects.filter(amount__gt=0), "service_id")
        )
    if day not in (None, ""):
        code = day_code(day)
        runs = Q(byday__contains=code) | Q(freq__iexact="DAILY", byday="")
        at_locations = ServiceAtLocation.objects.filter(
            id__in=Schedule.objects.filter(runs, service_at_location__isnull=False).values("service_at_location_id")
        )
        q &= member(Schedule.objects.filter(runs, service__isnull=False), "service_id") | member(
            at_locations, "service_id"
        )
    if concepts:  # at least one word must match
        any_q = Q()
        for concept in concepts:
            any_q |= _concept_q(concept, f"{prefix}search_text")
        q &= any_q
    return q


def _age_q(prefix: str, age, linked) -> Q:
    if isinstance(age, int) or (isinstance(age, str) and age.isdigit()):
        years = int(age)
        low, high = years, years
        codes = [c for c, (lo, hi) in AGE_RANGES.items() if lo <= years <= hi]
    else:
        codes = _codes(age)
        ranges = [AGE_RANGES[c] for c in codes if c in AGE_RANGES]
        low = min((r[0] for r in ranges), default=None)
        high = max((r[1] for r in ranges), default=None)
    q = linked([term_id(AGE_GROUP, c) for c in codes]) if codes else Q(Value(False, output_field=BooleanField()))
    if low is not None:
        # A stated age range overlapping the group's; an open end counts as open.
        min_f, max_f = f"{prefix}minimum_age", f"{prefix}maximum_age"
        has_range = Q(**{f"{min_f}__isnull": False}) | Q(**{f"{max_f}__isnull": False})
        overlaps = (Q(**{f"{min_f}__isnull": True}) | Q(**{f"{min_f}__lte": high})) & (
            Q(**{f"{max_f}__isnull": True}) | Q(**{f"{max_f}__gte": low})
        )
        q |= has_range & overlaps
    return q


# The search -------------------------------------------------------------------------------------------------


@dataclass
class Hit:
    service: Service
    distance_km: float | None
    score: int
    next_meeting: dt.datetime | None = None

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
    """Published, active services matching the keywords and filters; see the module docstring."""
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

    if point is not None and (radius_km is not None or sort == "distance"):
        ranked, total = _geo_ranked(point, radius_km, sort, page * per_page, filters, concepts)
        window = ranked[(page - 1) * per_page : page * per_page]
        ids = [sid for sid, _, _ in window]
        extra = {sid: (score, distance) for sid, score, distance in window}
    else:
        base = Service.objects.filter(_filters("", **filters))
        total = base.count()
        order = ["-score", "name", "id"] if concepts else ["name", "id"]
        rows = list(
            base.annotate(score=_score(concepts, "search_text"))
            .order_by(*order)
            .values_list("id", "score")[(page - 1) * per_page : page * per_page]
        )
        ids = [sid for sid, _ in rows]
        extra = {sid: (score, None) for sid, score in rows}
        if point is not None and ids:
            distances = _nearest(ids, point)
            extra = {sid: (score, distances.get(sid)) for sid, (score, _) in extra.items()}

    services = {
        s.pk: s
        for s in Service.objects.filter(pk__in=ids)
        .select_related("organization")
        .prefetch_related("schedules", "service_at_locations__schedules", "service_at_locations__location")
    }
    now = now or timezone.now()
    hits = []
    for sid in ids:
        service = services[sid]
        score, distance = extra[sid]
        hits.append(Hit(service, distance, int(score or 0), schedule_rules.next_meeting(service, now)))
    pages = max(1, math.ceil(total / per_page))
    return SearchPage(hits, total, page, per_page, pages, corrections, sort)


def _nearest(ids: list, point: tuple[float, float]) -> dict:
    """Distance from the point to each service's nearest located location."""
    out: dict = {}
    rows = ServiceAtLocation.objects.filter(
        service_id__in=ids, location__latitude__isnull=False, location__longitude__isnull=False
    ).values_list("service_id", "location__latitude", "location__longitude")
    for sid, lat, lon in rows:
        d = haversine_km(point[0], point[1], lat, lon)
        if sid not in out or d < out[sid]:
            out[sid] = d
    return out


MAX_ID_LIST = 20000  # above this many services in the box, filter in one query instead of an id list


def _geo_ranked(point, radius_km, sort, needed, filters, concepts):
    """[(service id, score, distance)] in order, and the total, for a search with a distance part.

    The box comes first: located services inside it are read through the (latitude, longitude) index, their
    exact distances computed here, and only those within the radius are filtered and scored in SQL (an id
    list, so the database cannot choose a worse plan driven by a broad filter)."""
    radius = radius_km if radius_km is not None else FIRST_RADIUS_KM
    while True:
        best = _scored_in_radius(point, radius, filters, concepts)
        if radius is None or radius_km is not None or len(best) >= needed:
            break
        # Widen: matches grow with the area, so aim for the radius that should hold a page (at least treble).
        radius *= max(3.0, 1.25 * math.sqrt(needed / max(len(best), 1)))
        if radius > MAX_WIDENING_KM:
            radius = None
    if radius_km is None:
        # Every match counts, located or not; ones without a point come after the located ones.
        total = Service.objects.filter(_filters("", **filters)).count()
        tail = []
        if radius is None and len(best) < needed:
            unlocated = (
                Service.objects.filter(_filters("", **filters))
                .exclude(pk__in=list(best))
                .annotate(score=_score(concepts, "search_text"))
                .order_by("-score", "name", "id")
                .values_list("id", "score")[: needed - len(best)]
            )
            tail = [(sid, score or 0, None) for sid, score in unlocated]
    else:
        total, tail = len(best), []
    if sort == "distance" or not concepts:
        key = lambda item: (item[1][1], -item[1][0], str(item[0]))  # noqa: E731
    else:
        key = lambda item: (-item[1][0], item[1][1], str(item[0]))  # noqa: E731
    ordered = [(sid, score, d) for sid, (score, d) in sorted(best.items(), key=key)]
    return ordered + tail, total


def _scored_in_radius(point, radius, filters, concepts) -> dict:
    """{service id: (score, distance)} for matching services with a location within the radius (any, if None)."""
    located = Q(location__latitude__isnull=False, location__longitude__isnull=False)
    distances: dict = {}
    if radius is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(point[0], point[1], radius)
        box = Q(location__latitude__range=(min_lat, max_lat), location__longitude__range=(min_lon, max_lon))
        if filters.get("area") is not None:
            box &= Q(service__area=filters["area"])  # a Local Offer: only its own services, a much shorter list
        rows = (
            ServiceAtLocation.objects.filter(box)
            .order_by()
            .values_list("service_id", "location__latitude", "location__longitude")
        )
        for sid, lat, lon in rows:
            d = haversine_km(point[0], point[1], lat, lon)
            if d <= radius and (sid not in distances or d < distances[sid]):
                distances[sid] = d
        if not distances:
            return {}
    if radius is not None and len(distances) <= MAX_ID_LIST:
        scored = (
            Service.objects.filter(_filters("", **filters, correlated=True), pk__in=list(distances))
            .annotate(score=_score(concepts, "search_text"))
            .order_by()
            .values_list("id", "score")
        )
        return {sid: (score or 0, distances[sid]) for sid, score in scored}
    rows = (
        ServiceAtLocation.objects.filter(_filters("service__", **filters) & located)
        .annotate(score=_score(concepts, "service__search_text"))
        .order_by()
        .values_list("service_id", "score", "location__latitude", "location__longitude")
    )
    best: dict = {}
    for sid, score, lat, lon in rows:
        d = haversine_km(point[0], point[1], lat, lon)
        if radius is not None and d > radius:
            continue
        if sid not in best or d < best[sid][1]:
            best[sid] = (score or 0, d)
    return best


__all__ = [
    "Hit",
    "SearchPage",
    "build_search_text",
    "index_service",
    "reindex",
    "search_services",
    "parse_query",
    "words",
]


# A sentence to filters (a convenience for a single search box) -------------------------------------------------

_NEAR = re.compile(
    r"\b(?:within\s+(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>miles?|mi|km|kilometres?|kilometers?)\s+(?:of|from)"
    r"|near|in|around)\s+(?P<place>.+)$",
    re.I,
)
_TYPE_WORDS = {
    "support-group": ["support group", "support groups", "group", "groups", "drop-in", "coffee morning"],
    "short-breaks": ["short break", "short breaks", "respite"],
    "information-advice": ["advice", "information"],
    "leisure": ["leisure", "activities", "activity", "club", "clubs", "swimming", "swim", "play"],
    "therapy": ["therapy", "therapies"],
    "transport": ["transport"],
    "childcare": ["childcare", "nursery"],
    "training": ["training", "course", "courses", "workshop"],
}
_NEED_WORDS = {
    "autism": "autism",
    "adhd": "adhd",
    "speech": "slcn",
    "dyslexia": "specific-learning",
    "mental": "semh",
    "learning": "learning-disability",
    "hearing": "sensory",
    "vision": "sensory",
    "sensory": "sensory",
    "down": "downs-syndrome",
    "physical": "physical",
}


@dataclass
class ParsedQuery:
    text: str
    service_type: str | None = None
    need: str | None = None
    free: bool = False
    day: str | None = None
    place: str = ""
    radius_km: float | None = None


def parse_query(sentence: str) -> ParsedQuery:
    """'support groups for autism within 5 miles of PR1' -> text 'support groups for autism', type
    support-group, need autism, place 'PR1', radius 8.05 km. The text keeps every keyword (it ranks too)."""
    sentence = " ".join((sentence or "").split())
    parsed = ParsedQuery(text=sentence)
    match = _NEAR.search(sentence)
    if match:
        parsed.place = match.group("place").strip(" .,")
        if match.group("n"):
            n = float(match.group("n"))
            parsed.radius_km = n if match.group("unit").lower().startswith("k") else n * 1.609344
        sentence = sentence[: match.start()].strip()
    lowered = f" {sentence.lower()} "
    if re.search(r"\bfree\b", lowered):
        parsed.free = True
        lowered = re.sub(r"\bfree\b", " ", lowered)
    for name, code in DAY_CODES.items():
        if len(name) > 3 and re.search(rf"\b(on\s+)?{name}s?\b", lowered):
            parsed.day = code
            lowered = re.sub(rf"\b(on\s+)?{name}s?\b", " ", lowered)
            break
    for code, phrases in _TYPE_WORDS.items():
        if any(re.search(rf"\b{re.escape(p)}\b", lowered) for p in phrases):
            parsed.service_type = code
            break
    for word in words(lowered):
        if word in _NEED_WORDS:
            parsed.need = _NEED_WORDS[word]
            break
    parsed.text = " ".join(lowered.split())
    return parsed
