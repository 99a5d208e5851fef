"""Searching the Local Offer: keywords, filters and distance, the same on SQLite and PostgreSQL.

Design
------
- ``Service.search_text`` holds the listing's words, normalised (lower case, light stemming, SEND synonyms
  folded to one word): ``" <name words> | <description, eligibility, term names and codes> "``, and
  ``ServiceWord`` holds the same words one row each (with the listing's area, and whether the word is in its
  name): an inverted index. ``index_service`` writes both (call it after saving a service or its terms);
  ``reindex`` rewrites many.
- A query is normalised the same way. Each query word becomes a *concept*: its canonical word plus close
  spellings from the indexed vocabulary (edit distance 1 for words of 5+ letters, 2 for 8+), so "austism",
  "autisim" and "dislexia" find autism and dyslexia, and "ASD", "ASC", "autistic" all read as autism.
- A concept matches a listing holding one of its words, whole for words under 5 letters ("art" must not find
  "arthritis"), as a word start otherwise: an equality or a range (``autism <= word < autisn``) on the word
  index, so finding the listings with a word reads one index range (no full-text extension). A concept in the
  name scores 3, elsewhere 1, and every concept matched scores more than all the name/body weights together,
  so listings matching all words rank above those matching some. Within a Local Offer the scores come from the
  index too; across every area from ``LIKE`` patterns on ``search_text`` (the same words, so the same scores).
  Filters (type, need, age, free, day) are subqueries on Attribute / Schedule / CostOption.
- Distance: within a Local Offer, the points of its live listings are read through covering indexes (inside
  the radius's bounding box, if any), filtered and scored in the same pass, with exact haversine distances in
  Python; a distance sort without a radius reads the whole area's points at once. Across every area an indexed
  latitude/longitude box leads, and a distance sort without a radius widens it until a page is full.
- Each condition takes the form the driving rows call for (see ``_filters``): ``IN`` lists where a word or
  term should drive, ``EXISTS`` probes per listing where an area or a short list of listings does.

"Free" means: ``is_free`` is ticked, or the service has a cost option of 0 and none above 0. A listing with no
cost options is not assumed free.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.lookups import Lookup
from django.utils import timezone

from sendhub.directory import schedules as schedule_rules
from sendhub.directory.geo import ResolvedPlace, bounding_box, haversine_from, haversine_km
from sendhub.directory.models import (
    Attribute,
    CostOption,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceWord,
    TaxonomyTerm,
)
from sendhub.directory.taxonomies import AGE_GROUP, AGE_RANGES, NEED, SERVICE_TYPE, term_id

MAX_PER_PAGE = 100
FIRST_RADIUS_KM = 8.0
MAX_WIDENING_KM = 700.0  # beyond this, every match: Great Britain fits in it
WORD_BATCH = 5000

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


def listing_words(name: str, *texts: str) -> tuple[list[str], list[str]]:
    """The distinct normalised words of a listing's name, and of its other texts (each once, in order)."""
    return _unique(words(name)), _unique(w for text in texts for w in words(text))


def search_text_of(name_words: Iterable[str], other_words: Iterable[str]) -> str:
    """``search_text`` from a listing's words: its name's words, a bar, then every other word."""
    return f" {' '.join(name_words)} | {' '.join(other_words)} "


def build_search_text(name: str, *texts: str) -> str:
    """The ``search_text`` of a listing: its name's words, a bar, then every other word (each once)."""
    return search_text_of(*listing_words(name, *texts))


def word_rows(service_id, area_id, name_words: Iterable[str], other_words: Iterable[str]) -> list[ServiceWord]:
    """The ``ServiceWord`` rows of one listing: a row per distinct word, ``in_name`` if its name has it."""
    in_name: dict[str, bool] = {}
    for word in other_words:
        in_name.setdefault(word[: ServiceWord.MAX_LENGTH], False)
    for word in name_words:
        in_name[word[: ServiceWord.MAX_LENGTH]] = True
    return [
        ServiceWord(service_id=service_id, area_id=area_id, word=word, in_name=flag) for word, flag in in_name.items()
    ]


def _term_text(names: Iterable[tuple[str, str]]) -> str:
    return " ".join(f"{name} {code.replace('-', ' ')}" for name, code in names)


def index_service(service: Service, save: bool = True) -> str:
    """Fill ``service.search_text`` and its words (``ServiceWord``) from its name, description, eligibility and
    linked terms. Saves with an ``update`` (no history row, no last_modified change). Call it after a service or
    its attributes change."""
    names = list(
        TaxonomyTerm.objects.filter(
            id__in=Attribute.objects.filter(link_type="service", link_id=service.pk).values("taxonomy_term_id")
        ).values_list("name", "code")
    )
    name_words, other = listing_words(
        service.name, service.description, service.eligibility_description, _term_text(names)
    )
    service.search_text = search_text_of(name_words, other)
    if save and service.pk:
        # One transaction: a search never sees the listing half indexed.
        with transaction.atomic():
            Service.objects.filter(pk=service.pk).update(search_text=service.search_text)
            ServiceWord.objects.filter(service_id=service.pk).delete()
            ServiceWord.objects.bulk_create(word_rows(service.pk, service.area_id, name_words, other))
    return service.search_text


def reindex(area=None, batch: int = 2000) -> int:
    """Refill ``search_text`` and the word index for every service (of one area). Returns how many were indexed."""
    services = Service.objects.all() if area is None else Service.objects.filter(area=area)
    term_names = {
        pk: _term_text([(name, code)]) for pk, name, code in TaxonomyTerm.objects.values_list("id", "name", "code")
    }
    done = 0
    ids = list(services.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk_ids = ids[start : start + batch]
        with transaction.atomic():
            chunk = list(
                Service.objects.filter(pk__in=chunk_ids).only(
                    "id", "area_id", "name", "description", "eligibility_description", "search_text"
                )
            )
            links: dict = {}
            for link_id, term in Attribute.objects.filter(link_type="service", link_id__in=chunk_ids).values_list(
                "link_id", "taxonomy_term_id"
            ):
                links.setdefault(link_id, []).append(term_names.get(term, ""))
            rows: list[ServiceWord] = []
            for service in chunk:
                name_words, other = listing_words(
                    service.name,
                    service.description,
                    service.eligibility_description,
                    " ".join(links.get(service.pk, [])),
                )
                service.search_text = search_text_of(name_words, other)
                rows.extend(word_rows(service.pk, service.area_id, name_words, other))
            Service.objects.bulk_update(chunk, ["search_text"], batch_size=500)
            ServiceWord.objects.filter(service_id__in=chunk_ids).delete()
            ServiceWord.objects.bulk_create(rows, batch_size=WORD_BATCH)
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


# Output fields given up front: left to Django, each Value would build (and validate) a new field per search.
_TEXT = TextField()
_INTEGER = IntegerField()


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
        q |= Q(_Like(F(column), Value(_pattern(alt, in_name), output_field=_TEXT)))
    return q


_ALNUM_NEXT = {**{c: chr(ord(c) + 1) for c in "012345678abcdefghijklmnopqrstuvwxy"}, "9": "a"}


def _prefix_end(prefix: str) -> str | None:
    """The least word above every word that starts with ``prefix`` ('autism' -> 'autisn', 'buzz' -> 'bv'), or
    None when there is none ('zz'). The step stays inside [0-9a-z], whose order every collation agrees on, so
    the range ``prefix <= word < end`` is exactly the words starting with ``prefix`` on SQLite and PostgreSQL."""
    stem_ = prefix.rstrip("z")
    if not stem_:
        return None
    last = stem_[-1]
    return stem_[:-1] + _ALNUM_NEXT.get(last, chr(ord(last) + 1))


def _word_q(alternative: str, area=None) -> Q:
    """ServiceWord rows matching one query word as ``_pattern`` does: the whole word when it is short, words
    starting with it otherwise; each an index range (area first when given)."""
    word = alternative[: ServiceWord.MAX_LENGTH]
    q = Q(area=area) if area is not None else Q()
    if len(alternative) < 5:
        return q & Q(word=word)
    q &= Q(word__gte=word)
    end = _prefix_end(word)
    return q & Q(word__lt=end) if end else q


def _score(concepts: list[Concept], prefix: str = "", area=None):
    """3 per concept in the name, 1 elsewhere, plus (3n+1) per concept matched.

    Within an area from the word index (is the listing in the area's short list of listings with the word, in
    the name or anywhere), which needs no listing row; across every area, where those lists would be long, from
    ``search_text`` with ``LIKE`` (the same words, so the same score)."""
    if not concepts:
        return Value(0, output_field=_INTEGER)
    all_bonus = 3 * len(concepts) + 1
    pk = "service_id" if prefix == "service__" else "id"
    total = None
    for concept in concepts:
        if area is None:
            in_name = _concept_q(concept, f"{prefix}search_text", in_name=True)
            anywhere = _concept_q(concept, f"{prefix}search_text")
        else:
            in_name, anywhere = Q(), Q()
            for alternative in concept.alternatives:
                words_q = ServiceWord.objects.filter(_word_q(alternative, area))
                in_name |= Q(**{f"{pk}__in": words_q.filter(in_name=True).values("service_id")})
                anywhere |= Q(**{f"{pk}__in": words_q.values("service_id")})
        part = Case(
            When(in_name, then=Value(3 + all_bonus, output_field=_INTEGER)),
            When(anywhere, then=Value(1 + all_bonus, output_field=_INTEGER)),
            default=Value(0, output_field=_INTEGER),
            output_field=_INTEGER,
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


def _filters(
    prefix: str, *, area, service_type, need, age, free, day, concepts, mode: str = "set", live: bool = False
) -> Q:
    """Conditions on Service (prefix '') or on a model that reaches it (prefix 'service__').

    ``mode`` says what drives the query, so that each related-row condition takes the form the database can use:
    - ``"set"`` (across every area): ``id IN (subquery)``, so the database can start from the (indexed) rows
      of a term, a day or a word;
    - ``"area"`` (one Local Offer: the area's listings drive): ``EXISTS`` probes per listing for terms, days and
      costs (never a pass over the whole country's rows of a term), but ``id IN`` the area's part of the word
      index, a short list read from one index range;
    - ``"ids"`` (the caller has narrowed the listings to a short id list): ``EXISTS`` probes, but still
      ``id IN`` the area's words within an area (probing the word index listing by listing touches pages all
      over it; an area's range of a word is a few neighbouring pages).

    With ``live`` the caller has already kept to the area's published, active listings: no condition on them
    (which PostgreSQL may try to meet by reading the whole of an index on them)."""
    pk = "service_id" if prefix == "service__" else "id"
    q = Q()
    if not live:
        q &= Q(**{f"{prefix}is_published": True, f"{prefix}status": Service.Status.ACTIVE})
        if area is not None and mode != "ids":
            q &= Q(**{f"{prefix}area": area})
    correlated = mode != "set"

    def member(queryset, field: str) -> Q:
        if correlated:
            return Q(Exists(queryset.filter(**{field: OuterRef(pk)})))
        return Q(**{f"{pk}__in": queryset.values(field)})

    def linked(term_ids) -> Q:
        return member(Attribute.objects.filter(taxonomy_term_id__in=term_ids), "link_id")

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
        if correlated:
            # Through the listing's own service-at-locations: a probe, not a pass over every schedule.
            at_locations = Q(
                Exists(
                    Schedule.objects.filter(
                        runs, service_at_location__isnull=False, service_at_location__service_id=OuterRef(pk)
                    )
                )
            )
        else:
            at_locations = member(
                ServiceAtLocation.objects.filter(
                    id__in=Schedule.objects.filter(runs, service_at_location__isnull=False).values(
                        "service_at_location_id"
                    )
                ),
                "service_id",
            )
        q &= member(Schedule.objects.filter(runs, service__isnull=False), "service_id") | at_locations
    if concepts:  # at least one word must match: through the word index
        if mode == "ids" and area is None:
            # One probe per word form, each a seek on (service, word): cheaper than reading a listing's words.
            any_word = Q()
            for concept in concepts:
                for alternative in concept.alternatives:
                    any_word |= Q(Exists(ServiceWord.objects.filter(_word_q(alternative), service_id=OuterRef(pk))))
            q &= any_word
        else:
            # One short list per word form, each read from one index range (an OR of ranges inside a single
            # subquery is read as a scan of the whole area's words by SQLite).
            scope = area if mode != "set" else None
            any_word = Q()
            for concept in concepts:
                for alternative in concept.alternatives:
                    matching = ServiceWord.objects.filter(_word_q(alternative, scope)).values("service_id")
                    any_word |= Q(**{f"{pk}__in": matching})
            q &= any_word
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
    service: Service  # with its organisation and area loaded
    distance_km: float | None
    score: int
    next_meeting: dt.datetime | None = None
    district: str = ""  # the district of its first location that has one

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
        geo_ranked = _geo_ranked if area is None else _area_geo_ranked
        ranked, total = geo_ranked(point, radius_km, sort, page * per_page, filters, concepts)
        window = [(_uuid(sid), score, d) for sid, score, d in ranked[(page - 1) * per_page : page * per_page]]
        ids = [sid for sid, _, _ in window]
        extra = {sid: (score, distance) for sid, score, distance in window}
    else:
        base = Service.objects.filter(_filters("", **filters, mode="set" if area is None else "area"))
        total = base.count()
        order = ["-score", "name", "id"] if concepts else ["name", "id"]
        rows = list(
            base.annotate(score=_score(concepts, area=area))
            .order_by(*order)
            .values_list("id", "score")[(page - 1) * per_page : page * per_page]
        )
        ids = [sid for sid, _ in rows]
        extra = {sid: (score, None) for sid, score in rows}

    hits = _hits(ids, extra, point, now or timezone.now())
    pages = max(1, math.ceil(total / per_page))
    return SearchPage(hits, total, page, per_page, pages, corrections, sort)


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _hits(ids: list, extra: dict, point, now: dt.datetime) -> list[Hit]:
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
        score, distance = extra[sid]
        if distance is None and point is not None:
            distance = nearest.get(sid)  # a relevance sort near a place: still say how far
        meeting = schedule_rules.soonest(schedules.get(sid, []), now)
        hits.append(Hit(services[sid], distance, int(score or 0), meeting, districts.get(sid, "")))
    return hits


def _id_key(sid) -> str:
    # Ties are broken by id text: the same order for a UUID and for the hex text SQLite hands back.
    return sid.hex if isinstance(sid, uuid.UUID) else str(sid).replace("-", "")


def _ordered(best: dict, sort: str, concepts) -> list[tuple]:
    if sort == "distance" or not concepts:
        key = lambda item: (item[1][1], -item[1][0], _id_key(item[0]))  # noqa: E731
    else:
        key = lambda item: (-item[1][0], item[1][1], _id_key(item[0]))  # noqa: E731
    return [(sid, score, d) for sid, (score, d) in sorted(best.items(), key=key)]


class _AmongIds(Lookup):
    """``lhs IN (...)`` for ids as ``_raw_rows`` read them: bound as they are, where Django's ``__in`` would
    make (and check) a UUID object of each first."""

    lookup_name = "sendhub_among_ids"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*lhs_params, *self.rhs]


def _raw_rows(queryset) -> list[tuple]:
    """A ``values_list`` queryset's rows as the database driver returns them, skipping Django's converter per
    value: the area searches read a thousand ids at a time only to use them as keys, and turning each into a
    UUID object cost more than the query (ids come back as hex text on SQLite, UUIDs on PostgreSQL)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
        scored = _raw_rows(
            Service.objects.filter(_filters("", **filters, mode="ids", live=True), _AmongIds(F("id"), list(distances)))
            .annotate(score=_score(concepts, area=filters["area"]))
            .order_by()
            .values_list("id", "score")
        )
        best = {sid: (score or 0, distances[sid]) for sid, score in scored}
        return _ordered(best, sort, concepts), len(best)
    distances = _area_points(point, filters["area"], None)
    # No radius, so a distance sort: every match counts, the nearest first and those without a point last.
    matched = [
        sid for (sid,) in _raw_rows(Service.objects.filter(_filters("", **filters, mode="area")).values_list("id"))
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
            .annotate(score=_score(concepts, area=filters["area"]))
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
    rows = Service.objects.filter(pk__in=ids).annotate(score=_score(concepts)).order_by()
    return {by_key[_id_key(sid)]: score or 0 for sid, score in rows.values_list("id", "score")}


def _geo_ranked(point, radius_km, sort, needed, filters, concepts):
    """[(service id, score, distance)] in order, and the total, for a search with a distance part across every
    area. A search within one Local Offer takes ``_area_geo_ranked`` instead.

    The box leads: services with a location inside it are found through the (latitude, longitude) index and
    filtered and scored with probes per listing (never a pass over the country's rows of a common word or
    term); their exact distances are worked out here. Sorting by distance without a radius widens the box until
    a page is full."""
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
                .annotate(score=_score(concepts))
                .order_by("-score", "name", "id")
                .values_list("id", "score")[: needed - len(best)]
            )
            tail = [(sid, score or 0, None) for sid, score in unlocated]
    else:
        total, tail = len(best), []
    return _ordered(best, sort, concepts) + tail, total


def _scored_in_radius(point, radius, filters, concepts) -> dict:
    """{service id: (score, distance)} for matching services with a location within the radius (any, if None)."""
    located = Q(location__latitude__isnull=False, location__longitude__isnull=False)
    if radius is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(point[0], point[1], radius)
        box = Q(location__latitude__range=(min_lat, max_lat), location__longitude__range=(min_lon, max_lon))
        rows = ServiceAtLocation.objects.filter(located & box, _filters("service__", **filters, mode="ids"))
    else:
        rows = ServiceAtLocation.objects.filter(_filters("service__", **filters) & located)
    rows = _raw_rows(
        rows.annotate(score=_score(concepts, "service__"))
        .order_by()
        .values_list("service_id", "score", "location__latitude", "location__longitude")
    )
    distance_to = haversine_from(*point)
    best: dict = {}
    for sid, score, lat, lon in rows:
        d = distance_to(lat, lon)
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
    "listing_words",
    "reindex",
    "search_services",
    "search_text_of",
    "parse_query",
    "word_rows",
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
