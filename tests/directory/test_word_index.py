"""The keyword search's word index (ServiceWord): kept in step with every change to a listing, rebuilt by
``reindex`` and by the migration that introduced it, and finding exactly what a ``LIKE`` over ``search_text``
found before it."""

from __future__ import annotations

import fnmatch
import importlib
import random
import string

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendhub.directory import services, taxonomies
from sendhub.directory.models import ListingChange, Service, ServiceWord
from sendhub.directory.search import (
    index_service,
    listing_words,
    query_concepts,
    reindex,
    search_services,
)
from sendhub.directory.search.filters import pattern as _pattern
from sendhub.directory.search.filters import prefix_end as _prefix_end
from tests.directory.test_pages import listing_data, make_listing, provider
from tests.directory.test_search import BLACKPOOL, CHORLEY, LANCASTER, PRESTON, make_service


def words_of(service) -> dict[str, bool]:
    return dict(ServiceWord.objects.filter(service=service).values_list("word", "in_name"))


def expected_words(service) -> dict[str, bool]:
    """What the index should hold: every word of search_text once, flagged when it is in the name."""
    service.refresh_from_db()
    name_part, _, other_part = service.search_text.partition("|")
    found = dict.fromkeys(other_part.split(), False)
    found.update(dict.fromkeys(name_part.split(), True))
    return found


@pytest.fixture
def terms(db):
    taxonomies.ensure_taxonomies()


@pytest.fixture
def org(area, terms):
    return provider(area)


# Kept in step -------------------------------------------------------------------------------------------


def test_index_service_writes_each_word_once_with_the_area(area, terms):
    service = make_service(
        area, "Autism Support Group", "Support for autistic children. Autism, autism!", needs=["autism"]
    )
    found = words_of(service)
    assert found == expected_words(service)
    assert found["autism"] is True and found["support"] is True and found["child"] is False
    assert found["group"] is True  # in the name and in the type term: one row, in the name
    assert set(ServiceWord.objects.filter(service=service).values_list("area_id", flat=True)) == {area.pk}
    assert ServiceWord.objects.filter(service=service, word="autism").count() == 1


def test_listing_words_split_the_name_from_the_rest():
    assert listing_words("Autism Support Group", "For parents of autistic children.") == (
        ["autism", "support", "group"],
        ["parent", "autism", "child"],
    )


def test_a_new_listing_is_indexed(area, org):
    service = make_listing(area, org, name="Chorley Sensory Play", description="Messy play for toddlers.")
    found = words_of(service)
    assert found == expected_words(service)
    assert {"chorley", "sensory", "play"} <= {w for w, in_name in found.items() if in_name}
    assert [h.service for h in search_services(area=area, text="messy").hits] == [service]


def test_a_changed_listing_loses_its_old_words(area, org):
    service = make_listing(area, org, name="Chorley Sensory Play", description="Messy play for toddlers.")
    data = listing_data(org, name="Chorley Swimming Club", description="Calm swimming sessions.")
    services.save_listing(area=area, data=data, user=None, service=service)
    found = words_of(service)
    assert found == expected_words(service)
    assert "messy" not in found and "sensory" not in found and found["swim"] is True
    assert search_services(area=area, text="messy").total == 0
    assert [h.service for h in search_services(area=area, text="swimming").hits] == [service]


def test_an_approved_change_and_an_approved_new_listing_are_indexed(area, org, admin_user, editor_user):
    editor = editor_user
    service = make_listing(area, org, name="Preston Autism Parent Support Group")
    change = services.propose_change(
        area=area, service=service, user=editor, data=listing_data(org, name="Preston Dyslexia Parents")
    )
    assert "dyslexia" not in words_of(service)  # waiting for approval: not searchable yet
    services.approve_change(change, user=admin_user)
    assert words_of(service)["dyslexia"] is True and words_of(service) == expected_words(service)

    new = services.propose_change(area=area, user=editor, data=listing_data(org, name="Lancaster Makaton Course"))
    created = services.approve_change(new, user=admin_user)
    assert ListingChange.objects.get(pk=new.pk).service == created
    assert words_of(created) == expected_words(created) and words_of(created)["makaton"] is True
    assert [h.service for h in search_services(area=area, text="makaton").hits] == [created]


def test_a_deleted_listing_leaves_no_words(area, org):
    service = make_listing(area, org)
    other = make_listing(area, org, name="Lancaster Makaton Course")
    assert words_of(service)
    service.delete()
    assert not ServiceWord.objects.filter(service_id=service.pk).exists()
    assert words_of(other) == expected_words(other)


def test_reindex_rebuilds_the_index(area, other_area, terms):
    ours = make_service(area, "Autism Support Group", "For parents.", needs=["autism"])
    theirs = make_service(other_area, "Cumbria Swimming Club", "Calm swimming.")
    expected = {s.pk: expected_words(s) for s in (ours, theirs)}
    ServiceWord.objects.all().delete()
    ServiceWord.objects.create(service=ours, area=area, word="stale", in_name=True)
    assert reindex(area=area) == 1
    assert words_of(ours) == expected[ours.pk] and not words_of(theirs)
    assert reindex() == 2
    assert {s.pk: words_of(s) for s in (ours, theirs)} == expected


def test_reindex_and_index_service_agree(area, terms):
    service = make_service(area, "Quiet Swimming Sessions", "Calm swimming for autistic children.", needs=["autism"])
    by_index_service = words_of(service)
    reindex()
    assert words_of(service) == by_index_service


def test_the_migration_builds_the_index_from_search_text(area, terms):
    first = make_service(area, "Autism Support Group", "For parents.", needs=["autism"])
    second = make_service(area, "Dyslexia Reading Club", "Help with reading.")
    Service.objects.filter(pk=second.pk).update(search_text="")  # never indexed: stays without words
    expected = expected_words(first)
    ServiceWord.objects.all().delete()
    migration = importlib.import_module("sendhub.directory.migrations.0003_service_word")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.build_word_index(django_apps, editor)
    assert words_of(first) == expected
    assert not words_of(second)


def test_long_words_are_cut_and_still_found_by_their_start(area, terms):
    long_word = "a" + "b" * 150
    service = make_service(area, "Odd listing", f"Reference {long_word}.")
    assert ServiceWord.objects.get(service=service, word__startswith="abbb").word == long_word[:100]
    assert [h.service for h in search_services(text="abbbbbbb").hits] == [service]


# Word ranges --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "end"),
    [("autism", "autisn"), ("buzz", "bv"), ("ab9", "aba"), ("a9z", "aa"), ("zz", None), ("19", "1a")],
)
def test_prefix_end(prefix, end):
    assert _prefix_end(prefix) == end


def test_a_prefix_range_holds_exactly_the_words_with_the_prefix():
    rng = random.Random(7)
    alphabet = string.ascii_lowercase + string.digits
    words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7))) for _ in range(3000)}
    words |= {"z", "zz", "zzz", "az", "azz", "b", "a9", "a9z", "aa"}
    for prefix in [*list(words)[:300], "a", "az", "z", "zz", "9", "a9"]:
        end = _prefix_end(prefix)
        in_range = {w for w in words if w >= prefix and (end is None or w < end)}
        assert in_range == {w for w in words if w.startswith(prefix)}, prefix


# Same results as before the index -------------------------------------------------------------------------


def reference(text: str, area=None) -> dict[str, int]:
    """{name: score} as the LIKE search over search_text found and scored them: the same patterns, in Python."""
    concepts = query_concepts(text)
    bonus = 3 * len(concepts) + 1
    found = {}
    for name, search_text in Service.objects.filter(
        is_published=True, status=Service.Status.ACTIVE, **({"area": area} if area else {})
    ).values_list("name", "search_text"):

        def like(word, in_name, search_text=search_text):
            return fnmatch.fnmatchcase(search_text, _pattern(word, in_name).replace("%", "*"))

        score, matched = 0, False
        for concept in concepts:
            if any(like(alt, True) for alt in concept.alternatives):
                score, matched = score + 3 + bonus, True
            elif any(like(alt, False) for alt in concept.alternatives):
                score, matched = score + 1 + bonus, True
        if matched:
            found[name] = score
    return found


@pytest.fixture
def many_listings(area, other_area, terms):
    specs = [
        ("Autism Support Group", "A friendly group for parents.", PRESTON, {"needs": ["autism"]}),
        ("Family Drop-in", "Support for families, including autism.", CHORLEY, {"needs": ["all-needs"]}),
        ("ADHD Parents Coffee Morning", "Meet other parents.", BLACKPOOL, {"needs": ["adhd"]}),
        ("Dyslexia Reading Club", "Help with reading.", LANCASTER, {"needs": ["specific-learning"]}),
        ("Speech and Language Therapy Clinic", "Assessments by therapists.", PRESTON, {"needs": ["slcn"]}),
        ("Quiet Swimming Sessions", "Calm swimming for autistic children.", BLACKPOOL, {}),
        ("Art Club", "Painting and drawing; arthritis friendly venue.", CHORLEY, {}),
        ("Arthur's Saturday Club", "Short breaks on Saturdays.", None, {"types": ["short-breaks"]}),
        ("Online Autism Forum", "Parents of autistic teenagers talk online.", None, {}),
        ("Deaf Children's Society", "Signing and support for deaf children.", LANCASTER, {"needs": ["sensory"]}),
        ("Hidden Autism Group", "Not published.", PRESTON, {"is_published": False}),
    ]
    for name, description, point, extra in specs:
        make_service(area, name, description, point=point, **extra)
    make_service(other_area, "Cumbria Autism Support", "Support across Cumbria.", point=LANCASTER)


QUERIES = [
    "autism",
    "austism support",
    "ASD parents",
    "art",
    "arthritis",
    "club",
    "support group",
    "deaf children",
    "swim",
    "therapies",
    "dislexia",
    "zebra",
    "saturday short breaks",
    "parents coffee morning autism",
]


@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_are_those_of_the_like_search(many_listings, area, text):
    for where in (None, area):
        page = search_services(area=where, text=text, per_page=100)
        assert {hit.service.name: hit.score for hit in page.hits} == reference(text, where), where
        assert page.total == len(page.hits)


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize(
    "place", [{}, {"near": PRESTON}, {"near": PRESTON, "radius_km": 30}, {"near": LANCASTER, "sort": "distance"}]
)
def test_a_local_offer_finds_what_a_search_of_every_area_finds_in_it(many_listings, area, text, place):
    """The Local Offer's own query plans (word lists by area, scores from the index) against the national ones
    (word index by word, scores from search_text), restricted to the area."""
    everywhere = search_services(text=text, per_page=100, **place)
    local = search_services(area=area, text=text, per_page=100, **place)
    expected = [(h.service.name, h.score, h.distance_km) for h in everywhere.hits if h.service.area_id == area.pk]
    assert [(h.service.name, h.score, h.distance_km) for h in local.hits] == expected
    assert local.total == len(expected)


def test_pages_of_a_local_distance_search_join_up(many_listings, area):
    pages = [search_services(area=area, near=LANCASTER, sort="distance", per_page=3, page=p) for p in (1, 2, 3, 4)]
    everything = search_services(area=area, near=LANCASTER, sort="distance", per_page=100)
    assert [h.service.name for p in pages for h in p.hits] == [h.service.name for h in everything.hits]
    assert everything.hits[-1].distance_km is None  # the unlocated come last
    assert {p.total for p in pages} == {everything.total}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"text": "autism"},
        {"text": "autism support", "need": "autism", "day": "WE", "free": True, "age": "5-10"},
        {"text": "autism", "near": PRESTON, "radius_km": 30},
        {"near": PRESTON, "sort": "distance", "need": "autism", "day": "WE"},
        {"near": (50.1, -5.5), "sort": "distance", "text": "autism"},
    ],
)
def test_a_local_offer_search_costs_few_queries(many_listings, area, kwargs):
    search_services(area=area, **kwargs)  # the spelling vocabulary is built once and cached
    with CaptureQueriesContext(connection) as queries:
        search_services(area=area, **kwargs)
    # Points, matches, scores (and the unlocated tail), then the page: services, schedules, locations.
    assert len(queries) <= 7, [q["sql"][:120] for q in queries]


def test_index_service_without_saving_leaves_the_index_alone(area, terms):
    service = make_service(area, "Autism Support Group")
    before = words_of(service)
    service.name = "Renamed Club"
    text = index_service(service, save=False)
    assert "renam" in text and words_of(service) == before
