"""Searching the Local Offer: ranking, spelling, synonyms, each filter, distance and pagination."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendhub.directory.geo import ResolvedPlace, haversine_km
from sendhub.directory.models import (
    Attribute,
    CostOption,
    DirectoryOrganisation,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceWord,
)
from sendhub.directory.search import (
    build_search_text,
    index_service,
    reindex,
    search_services,
    stem,
    words,
)
from sendhub.directory.taxonomies import AGE_GROUP, NEED, SERVICE_TYPE, ensure_taxonomies, term_id

PRESTON = (53.7578, -2.7008)
BLACKPOOL = (53.8175, -3.0492)  # ~24 km from Preston
LANCASTER = (54.0466, -2.8007)  # ~33 km
CHORLEY = (53.6530, -2.6320)  # ~13 km


def make_service(area, name, description="", *, point=PRESTON, types=(), needs=(), ages=(), **fields):
    org = DirectoryOrganisation.objects.filter(area=area).first() or DirectoryOrganisation.objects.create(
        area=area, name="Provider", description="A provider"
    )
    service = Service.objects.create(area=area, organization=org, name=name, description=description, **fields)
    if point is not None:
        location = Location.objects.create(area=area, latitude=point[0], longitude=point[1], name=f"{name} venue")
        ServiceAtLocation.objects.create(service=service, location=location)
    for key, codes in ((SERVICE_TYPE, types), (NEED, needs), (AGE_GROUP, ages)):
        for code in codes:
            Attribute.objects.create(link_type="service", link_id=service.pk, taxonomy_term_id=term_id(key, code))
    index_service(service)
    return service


def names(page) -> list[str]:
    return [hit.service.name for hit in page.hits]


@pytest.fixture
def terms(db):
    ensure_taxonomies()


# Words ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("groups", "group"),
        ("therapies", "therapy"),
        ("classes", "class"),
        ("meetings", "meet"),
        ("swimming", "swim"),
        ("services", "service"),
        ("autism", "autism"),
        ("bus", "bus"),
        ("is", "is"),
    ],
)
def test_stem(word, expected):
    assert stem(word) == expected


def test_words_fold_synonyms_and_drop_stop_words():
    assert words("Support groups for ASD and Autistic children") == ["support", "group", "autism", "autism", "child"]
    assert words("SALT drop-in sessions") == ["speech", "drop", "session"]
    assert build_search_text("Autism Support Group", "For parents of autistic children.") == (
        " autism support group | parent autism child "
    )


# Ranking and matching ---------------------------------------------------------------------------------------


@pytest.fixture
def listings(area, terms):
    return {
        "group": make_service(
            area,
            "Autism Support Group",
            "A friendly group for parents.",
            types=["support-group"],
            needs=["autism"],
            ages=["parents-carers"],
            is_free=True,
        ),
        "mention": make_service(
            area,
            "Family Drop-in",
            "Support for families, including autism.",
            point=CHORLEY,
            types=["support-group"],
            needs=["all-needs"],
        ),
        "adhd": make_service(
            area,
            "ADHD Parents Coffee Morning",
            "Meet other parents.",
            point=BLACKPOOL,
            types=["support-group"],
            needs=["adhd"],
            minimum_age=5,
            maximum_age=11,
        ),
        "dyslexia": make_service(
            area,
            "Dyslexia Reading Club",
            "Help with reading.",
            point=LANCASTER,
            types=["leisure"],
            needs=["specific-learning"],
            ages=["5-10"],
        ),
        "salt": make_service(
            area,
            "Speech and Language Therapy Clinic",
            "Assessments by therapists.",
            types=["therapy"],
            needs=["slcn"],
            ages=["0-4"],
        ),
        "swim": make_service(area, "Quiet Swimming Sessions", "Calm swimming.", point=BLACKPOOL, types=["leisure"]),
    }


def test_name_matches_rank_above_description_matches(listings):
    page = search_services(text="autism")
    assert names(page)[:2] == ["Autism Support Group", "Family Drop-in"]
    assert page.hits[0].score > page.hits[1].score > 0


def test_all_words_beat_some(listings, area):
    make_service(area, "Support Hub", "General support.")
    page = search_services(text="autism support")
    assert names(page)[0] == "Autism Support Group"  # both words, in the name
    assert names(page).index("Family Drop-in") < names(page).index("Support Hub")  # both words beat one


@pytest.mark.parametrize("text", ["austism", "autisim", "Autism", "ASD", "asc", "autistic"])
def test_misspellings_and_synonyms_of_autism(listings, text):
    page = search_services(text=text)
    assert names(page)[0] == "Autism Support Group"


def test_corrections_are_reported(listings):
    assert search_services(text="austism").corrections == {"austism": ["autism"]}
    assert search_services(text="autism").corrections == {}


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("dislexia", "Dyslexia Reading Club"),
        ("adhd", "ADHD Parents Coffee Morning"),
        ("ADHD", "ADHD Parents Coffee Morning"),
        ("SALT", "Speech and Language Therapy Clinic"),
        ("groups", "Autism Support Group"),
        ("group", "Autism Support Group"),
        ("swim", "Quiet Swimming Sessions"),
        ("therapies", "Speech and Language Therapy Clinic"),
    ],
)
def test_plurals_misspellings_and_send_words(listings, text, first):
    assert names(search_services(text=text))[0] == first


def test_terms_are_searchable(listings):
    # "Specific learning difficulty (e.g. dyslexia)" is the Dyslexia club's need term; "Leisure" its type.
    assert "Dyslexia Reading Club" in names(search_services(text="leisure"))


def test_no_match(listings):
    page = search_services(text="zebra crossing")
    assert (page.total, page.hits, page.pages) == (0, [], 1)


def test_unpublished_and_inactive_are_excluded(listings, area):
    make_service(area, "Autism Hidden Group", is_published=False)
    make_service(area, "Autism Closed Group", status=Service.Status.DEFUNCT)
    make_service(area, "Autism Paused Group", status=Service.Status.TEMPORARILY_CLOSED)
    assert names(search_services(text="autism")) == ["Autism Support Group", "Family Drop-in"]


def test_area(listings, other_area):
    make_service(other_area, "Autism Group in Cumbria")
    assert "Autism Group in Cumbria" not in names(search_services(area=listings["group"].area, text="autism"))
    assert "Autism Group in Cumbria" in names(search_services(text="autism"))


# Filters ----------------------------------------------------------------------------------------------------


def test_service_type_and_need(listings):
    groups = search_services(service_type="support-group")
    assert set(names(groups)) == {"Autism Support Group", "Family Drop-in", "ADHD Parents Coffee Morning"}
    # A listing for all needs counts for each need.
    assert set(names(search_services(need="autism"))) == {"Autism Support Group", "Family Drop-in"}
    assert set(names(search_services(need=["adhd", "slcn"]))) == {
        "ADHD Parents Coffee Morning",
        "Speech and Language Therapy Clinic",
        "Family Drop-in",
    }
    assert names(search_services(service_type="therapy", need="autism")) == []


def test_age_by_term_or_by_stated_range(listings):
    assert set(names(search_services(age="5-10"))) == {"Dyslexia Reading Club", "ADHD Parents Coffee Morning"}
    assert set(names(search_services(age=4))) == {"Speech and Language Therapy Clinic"}
    assert set(names(search_services(age=11))) == {"ADHD Parents Coffee Morning"}
    assert names(search_services(age="parents-carers")) == ["Autism Support Group"]


def test_free(listings):
    costs_nothing = listings["swim"]
    CostOption.objects.create(service=costs_nothing, amount=Decimal("0"))
    mixed = listings["dyslexia"]
    CostOption.objects.create(service=mixed, amount=Decimal("0"), option="First session")
    CostOption.objects.create(service=mixed, amount=Decimal("4.50"))
    assert set(names(search_services(free=True))) == {"Autism Support Group", "Quiet Swimming Sessions"}


def test_day_of_the_week(listings):
    Schedule.objects.create(service=listings["group"], freq="WEEKLY", byday="MO,TU")
    Schedule.objects.create(service=listings["adhd"], freq="MONTHLY", byday="2TU")
    Schedule.objects.create(service=listings["swim"], freq="DAILY")
    sal = listings["salt"].service_at_locations.get()
    Schedule.objects.create(service_at_location=sal, freq="WEEKLY", byday="TU")
    Schedule.objects.create(service=listings["dyslexia"], freq="WEEKLY", byday="TH")
    expected = {
        "Autism Support Group",
        "ADHD Parents Coffee Morning",
        "Quiet Swimming Sessions",
        "Speech and Language Therapy Clinic",
    }
    for day in ("TU", "tuesday", "Tue", 1, dt.date(2025, 3, 4)):
        assert set(names(search_services(day=day))) == expected
    assert set(names(search_services(day="thursday"))) == {"Dyslexia Reading Club", "Quiet Swimming Sessions"}
    with pytest.raises(ValueError, match="not a day"):
        search_services(day="someday")


def test_next_meeting_is_on_each_hit(listings):
    Schedule.objects.create(service=listings["group"], freq="WEEKLY", byday="TU", opens_at=dt.time(10))
    page = search_services(text="autism", now=dt.datetime(2025, 3, 3, 12, tzinfo=dt.UTC))
    assert page.hits[0].next_meeting == dt.datetime(2025, 3, 4, 10, tzinfo=dt.UTC)
    assert page.hits[1].next_meeting is None


# Distance ---------------------------------------------------------------------------------------------------


def test_radius_and_distance_sort(listings):
    near = ResolvedPlace(*PRESTON, "PR1", "district")
    page = search_services(near=near, radius_km=25, sort="distance")
    assert names(page)[:2] in (
        ["Autism Support Group", "Speech and Language Therapy Clinic"],
        ["Speech and Language Therapy Clinic", "Autism Support Group"],
    )
    assert names(page)[2] == "Family Drop-in"
    assert set(names(page)[3:]) == {"ADHD Parents Coffee Morning", "Quiet Swimming Sessions"}  # both in Blackpool
    assert page.total == 5  # Lancaster is ~33 km away
    distances = [hit.distance_km for hit in page.hits]
    assert distances == sorted(distances)
    assert distances[2] == pytest.approx(haversine_km(*PRESTON, *CHORLEY))
    assert set(names(search_services(near=PRESTON, radius_km=5))) == {
        "Autism Support Group",
        "Speech and Language Therapy Clinic",
    }


def test_radius_with_text_ranks_by_relevance(listings):
    page = search_services(text="autism", near=PRESTON, radius_km=20)
    assert names(page) == ["Autism Support Group", "Family Drop-in"]
    assert page.hits[1].distance_km == pytest.approx(haversine_km(*PRESTON, *CHORLEY))
    assert names(search_services(text="autism", near=PRESTON, radius_km=10)) == ["Autism Support Group"]


def test_distance_sort_without_radius_widens_and_includes_unlocated_last(listings, area):
    make_service(area, "Online Autism Forum", point=None)
    far = make_service(area, "Autism Group in Cornwall", point=(50.26, -5.05))
    page = search_services(text="autism", near=LANCASTER, sort="distance")
    # Lancaster is north of Preston (~33 km), Chorley south of it (~44 km).
    assert names(page) == ["Autism Support Group", "Family Drop-in", "Autism Group in Cornwall", "Online Autism Forum"]
    assert page.total == 4
    assert page.hits[-1].distance_km is None
    assert page.hits[2].service == far


def test_relevance_sort_with_a_place_shows_distances(listings):
    page = search_services(text="therapy", near=BLACKPOOL)
    assert page.hits[0].distance_km == pytest.approx(haversine_km(*BLACKPOOL, *PRESTON))


def test_nearest_of_several_locations(listings, area):
    service = listings["swim"]  # at Blackpool; add a venue in Chorley
    location = Location.objects.create(area=area, latitude=CHORLEY[0], longitude=CHORLEY[1])
    ServiceAtLocation.objects.create(service=service, location=location)
    page = search_services(text="swimming", near=PRESTON, radius_km=30)
    assert page.hits[0].distance_km == pytest.approx(haversine_km(*PRESTON, *CHORLEY))
    assert page.total == 1


def test_bad_arguments(listings):
    with pytest.raises(ValueError, match="radius_km"):
        search_services(near=PRESTON, radius_km=-1)
    with pytest.raises(ValueError, match="sort"):
        search_services(sort="price")
    # Sorting by distance without a place falls back to relevance.
    assert search_services(text="autism", sort="distance").sort == "relevance"


# Pagination and query counts --------------------------------------------------------------------------------


@pytest.fixture
def many(area, terms):
    for n in range(45):
        lat = PRESTON[0] + n * 0.01
        make_service(
            area,
            f"Autism Group {n:02d}",
            "Meets weekly.",
            point=(lat, PRESTON[1]),
            types=["support-group"],
            needs=["autism"],
        )
        Schedule.objects.create(service=Service.objects.get(name=f"Autism Group {n:02d}"), freq="WEEKLY", byday="WE")


def test_pagination(many):
    first = search_services(text="autism groups", per_page=20)
    assert (first.total, first.pages, len(first.hits), first.has_next, first.has_previous) == (45, 3, 20, True, False)
    last = search_services(text="autism groups", per_page=20, page=3)
    assert len(last.hits) == 5 and not last.has_next
    seen = names(first) + names(search_services(text="autism groups", page=2)) + names(last)
    assert sorted(seen) == [f"Autism Group {n:02d}" for n in range(45)]
    beyond = search_services(text="autism groups", page=9)
    assert beyond.hits == [] and beyond.total == 45


def test_distance_pages(many):
    pages = [search_services(near=PRESTON, sort="distance", page=p, per_page=10) for p in (1, 2, 5)]
    assert names(pages[0])[:3] == ["Autism Group 00", "Autism Group 01", "Autism Group 02"]
    assert names(pages[1])[0] == "Autism Group 10"
    assert names(pages[2]) == [f"Autism Group {n}" for n in range(40, 45)]
    assert pages[0].total == 45


@pytest.mark.parametrize(
    ("kwargs", "most"),
    [
        ({"text": "autism"}, 7),
        (
            {
                "text": "autism",
                "need": "autism",
                "service_type": "support-group",
                "day": "WE",
                "free": True,
                "age": "5-10",
            },
            7,
        ),
        ({"text": "autism", "near": PRESTON, "radius_km": 30}, 8),
        # Sorting by distance with no radius widens the box (two queries a step, at most six steps).
        ({"near": PRESTON, "sort": "distance", "need": "autism", "day": "WE"}, 20),
        ({"near": (50.1, -5.5), "sort": "distance", "text": "autism"}, 20),
    ],
)
def test_query_count_is_bounded(many, kwargs, most):
    search_services(**kwargs)  # the spelling vocabulary is built once and cached
    with CaptureQueriesContext(connection) as queries:
        page = search_services(**kwargs, per_page=20)
    assert len(queries) <= most, [q["sql"][:120] for q in queries]
    assert len(page.hits) <= 20


def test_reindex_fills_search_text(listings):
    # An unindexed listing: no search_text and no words in the word index.
    Service.objects.update(search_text="")
    ServiceWord.objects.all().delete()
    assert search_services(text="autism").total == 0
    assert reindex() == 6
    assert search_services(text="autism").total == 2
    assert listings["dyslexia"].pk in {h.service.pk for h in search_services(text="specific learning").hits}
