"""The SQL pieces of a search: word matches on the word index or ``search_text``, the relevance score, and the
filters (type, need, age, free, day) as conditions on ``Service`` or a model that reaches it.

Each condition takes the form the driving rows call for (see ``conditions``): ``IN`` lists where a word or term
should drive, ``EXISTS`` probes per listing where an area or a short list of listings does.

"Free" means: ``is_free`` is ticked, or the service has a cost option of 0 and none above 0. A listing with no
cost options is not assumed free."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import connections
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

from sendhub.directory import schedules as schedule_rules
from sendhub.directory.models import (
    Attribute,
    CostOption,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceWord,
    TaxonomyTerm,
)
from sendhub.directory.search.spelling import Concept, specificity_ranks
from sendhub.directory.search.text import term_text, unique, words
from sendhub.directory.taxonomies import AGE_GROUP, AGE_RANGES, NEED, SERVICE_TYPE, term_id

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


def pattern(word: str, in_name: bool) -> str:
    # Whole words for short ones ("art" must not find "arthritis"); word starts for longer ones.
    core = f"% {word} %" if len(word) < 5 else f"% {word}%"
    return core + "|%" if in_name else core


def _concept_q(concept: Concept, column: str, in_name: bool = False) -> Q:
    q = Q()
    for alt in concept.alternatives:
        q |= Q(_Like(F(column), Value(pattern(alt, in_name), output_field=_TEXT)))
    return q


_ALNUM_NEXT = {**{c: chr(ord(c) + 1) for c in "012345678abcdefghijklmnopqrstuvwxy"}, "9": "a"}


def prefix_end(prefix: str) -> str | None:
    """The least word above every word that starts with ``prefix`` ('autism' -> 'autisn', 'buzz' -> 'bv'), or
    None when there is none ('zz'). The step stays inside [0-9a-z], whose order every collation agrees on, so
    the range ``prefix <= word < end`` is exactly the words starting with ``prefix`` on SQLite and PostgreSQL."""
    stem_ = prefix.rstrip("z")
    if not stem_:
        return None
    last = stem_[-1]
    return stem_[:-1] + _ALNUM_NEXT.get(last, chr(ord(last) + 1))


def word_q(alternative: str, area=None) -> Q:
    """ServiceWord rows matching one query word as ``pattern`` does: the whole word when it is short, words
    starting with it otherwise; each an index range (area first when given)."""
    word = alternative[: ServiceWord.MAX_LENGTH]
    q = Q(area=area) if area is not None else Q()
    if len(alternative) < 5:
        return q & Q(word=word)
    q &= Q(word__gte=word)
    end = prefix_end(word)
    return q & Q(word__lt=end) if end else q


def _concept_parts(concept: Concept, prefix: str, area) -> tuple[Q, Q]:
    """(in the name, anywhere) conditions of one concept: from the word index within an area (is the listing in
    the area's short list of listings with the word), from ``search_text`` with ``LIKE`` across every area."""
    if area is None:
        return (
            _concept_q(concept, f"{prefix}search_text", in_name=True),
            _concept_q(concept, f"{prefix}search_text"),
        )
    pk = "service_id" if prefix == "service__" else "id"
    in_name, anywhere = Q(), Q()
    for alternative in concept.alternatives:
        words_q = ServiceWord.objects.filter(word_q(alternative, area))
        in_name |= Q(**{f"{pk}__in": words_q.filter(in_name=True).values("service_id")})
        anywhere |= Q(**{f"{pk}__in": words_q.values("service_id")})
    return in_name, anywhere


def specificity_expression(concepts: list[Concept], prefix: str = "", area=None):
    """A bit per concept the listing matches, the rarest word's the highest (``spelling.specificity_ranks``):
    every word gives the largest value, and among partial matches one holding the query's most specific word
    ranks above any without it ("autism" alone above "support group" for "autism support group")."""
    if not concepts:
        return Value(0, output_field=_INTEGER)
    total = None
    for concept, rank in zip(concepts, specificity_ranks(concepts), strict=True):
        _in_name, anywhere = _concept_parts(concept, prefix, area)
        part = Case(
            When(anywhere, then=Value(1 << rank, output_field=_INTEGER)),
            default=Value(0, output_field=_INTEGER),
            output_field=_INTEGER,
        )
        total = part if total is None else total + part
    return total


def score_expression(concepts: list[Concept], prefix: str = "", area=None):
    """3 per concept in the name, 1 elsewhere, plus (3n+1) per concept matched.

    Within an area from the word index (is the listing in the area's short list of listings with the word, in
    the name or anywhere), which needs no listing row; across every area, where those lists would be long, from
    ``search_text`` with ``LIKE`` (the same words, so the same score)."""
    if not concepts:
        return Value(0, output_field=_INTEGER)
    all_bonus = 3 * len(concepts) + 1
    total = None
    for concept in concepts:
        in_name, anywhere = _concept_parts(concept, prefix, area)
        part = Case(
            When(in_name, then=Value(3 + all_bonus, output_field=_INTEGER)),
            When(anywhere, then=Value(1 + all_bonus, output_field=_INTEGER)),
            default=Value(0, output_field=_INTEGER),
            output_field=_INTEGER,
        )
        total = part if total is None else total + part
    return total


_TERMS_KEY = "directory:search:term-words"


def term_words() -> dict[str, list[str]]:
    """{taxonomy term id (text): its normalised words (name and code)}, cached for 10 minutes like the
    vocabulary (``index.reindex`` clears both)."""
    found = cache.get(_TERMS_KEY)
    if found is None:
        found = {
            str(pk): unique(words(term_text([(name, code)])))
            for pk, name, code in TaxonomyTerm.objects.values_list("id", "name", "code")
        }
        cache.set(_TERMS_KEY, found, 600)
    return found


def clear_term_words() -> None:
    cache.delete(_TERMS_KEY)


def _matches(alternative: str, word: str) -> bool:
    # As ``pattern``: the whole word for a short query word, the word's start for a longer one.
    return word == alternative if len(alternative) < 5 else word.startswith(alternative)


def matching_terms(concept: Concept) -> list[str]:
    """The ids of the taxonomy terms (type, need, age group, district...) holding a word of the concept."""
    return [
        pk
        for pk, term in term_words().items()
        if any(_matches(alt, word) for alt in concept.alternatives for word in term)
    ]


def title_expression(concepts: list[Concept], prefix: str = "", area=None):
    """How many concepts the listing's *title* holds: its name (as ``score_expression`` reads it) or one of its
    taxonomy terms. A listing with every concept in its title is among the best matches (``ranking``)."""
    if not concepts:
        return Value(0, output_field=_INTEGER)
    pk = "service_id" if prefix == "service__" else "id"
    total = None
    for concept in concepts:
        if area is None:
            in_name = _concept_q(concept, f"{prefix}search_text", in_name=True)
        else:
            in_name = Q()
            for alternative in concept.alternatives:
                named = ServiceWord.objects.filter(word_q(alternative, area), in_name=True).values("service_id")
                in_name |= Q(**{f"{pk}__in": named})
        terms = matching_terms(concept)
        if terms:
            in_name |= Q(Exists(Attribute.objects.filter(link_id=OuterRef(pk), taxonomy_term_id__in=terms)))
        part = Case(
            When(in_name, then=Value(1, output_field=_INTEGER)),
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


def conditions(
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
        q &= _any_word(concepts, pk, area, mode)
    return q


def _any_word(concepts: list[Concept], pk: str, area, mode: str) -> Q:
    """At least one word form of the query in the listing, through the word index (see ``conditions``)."""
    any_word = Q()
    if mode == "ids" and area is None:
        # One probe per word form, each a seek on (service, word): cheaper than reading a listing's words.
        for concept in concepts:
            for alternative in concept.alternatives:
                any_word |= Q(Exists(ServiceWord.objects.filter(word_q(alternative), service_id=OuterRef(pk))))
        return any_word
    # One short list per word form, each read from one index range (an OR of ranges inside a single subquery is
    # read as a scan of the whole area's words by SQLite).
    scope = area if mode != "set" else None
    for concept in concepts:
        for alternative in concept.alternatives:
            matching = ServiceWord.objects.filter(word_q(alternative, scope)).values("service_id")
            any_word |= Q(**{f"{pk}__in": matching})
    return any_word


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


class AmongIds(Lookup):
    """``lhs IN (...)`` for ids as ``raw_rows`` read them: bound as they are, where Django's ``__in`` would
    make (and check) a UUID object of each first."""

    lookup_name = "sendhub_among_ids"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*lhs_params, *self.rhs]


def raw_rows(queryset) -> list[tuple]:
    """A ``values_list`` queryset's rows as the database driver returns them, skipping Django's converter per
    value: the area searches read a thousand ids at a time only to use them as keys, and turning each into a
    UUID object cost more than the query (ids come back as hex text on SQLite, UUIDs on PostgreSQL)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
