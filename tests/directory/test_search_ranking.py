"""Relevance and distance together (issue 16, item 3): a family in Preston searching "autism support group".

On the demo Local Offer (the Lancashire demo directory, built here for the conftest area), a search near PR1
2HE must list the nearest relevant group first, never put a listing without autism in its name, taxonomy or
description above one with it, state the order on the page and say how far each result is; the same on the
Local Offer's own path and across every area, and within a radius counted inclusively.
"""

from __future__ import annotations

import math

import pytest
from django.urls import reverse

from sendhub.demo import directory as demo_directory
from sendhub.directory import selectors
from sendhub.directory.geo import KM_PER_MILE, ResolvedPlace, haversine_km, resolve_place
from sendhub.directory.models import Location, Service, ServiceAtLocation
from sendhub.directory.search import index_service, search_services, words
from sendhub.directory.search.ranking import ORDER_DISTANCE, ORDER_RELEVANCE, ORDER_RELEVANCE_DISTANCE
from sendhub.directory.taxonomies import NEED, SERVICE_TYPE, term_id
from tests.directory.test_search import make_service

pytestmark = pytest.mark.django_db

QUERY = "autism support group"


@pytest.fixture
def demo(area, admin_user):
    demo_directory.load(area, admin=admin_user)
    return area


def every_hit(**criteria) -> list:
    """Every hit of a search, page by page (as a family paging through would see them)."""
    first = search_services(**criteria, per_page=100)
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += search_services(**criteria, per_page=100, page=page).hits
    assert len(hits) == first.total
    return hits


def mentions_autism(hit, terms: dict) -> bool:
    """Autism (or autistic, ASD...) in the listing's name, description or taxonomy terms."""
    service = hit.service
    term_names = " ".join(t.name for group in terms[service.pk].values() for t in group)
    return "autism" in words(f"{service.name} {service.description} {term_names}")


def is_autism_group(service_id, terms: dict) -> bool:
    found = terms[service_id]
    return any(t.id == term_id(NEED, "autism") for t in found["need"]) and any(
        t.id == term_id(SERVICE_TYPE, "support-group") for t in found["service_type"]
    )


def check_order(hits: list) -> None:
    """The nearest autism support group first; no listing without autism above one with it; distances shown."""
    terms = selectors.terms_by_service([h.service.pk for h in hits])
    assert hits, "the demo has autism support groups near Preston"
    groups = [h for h in hits if is_autism_group(h.service.pk, terms) and not h.partial_match]
    assert groups, "some listing matches every word"
    assert hits[0].service.pk == min(groups, key=lambda h: h.distance_km).service.pk
    assert is_autism_group(hits[0].service.pk, terms)
    autism = [mentions_autism(h, terms) for h in hits]
    assert True in autism and False in autism, "the test needs listings of both kinds"
    first_without = autism.index(False)
    assert not any(autism[first_without:]), [
        (h.service.name, h.score) for h, a in zip(hits, autism, strict=True) if a
    ][-3:]
    assert all(h.distance_km is not None for h in hits)  # every demo listing has a venue
    # Every full match before every partial one, and the full matches nearest first among equals.
    partial = [h.partial_match for h in hits]
    assert partial == sorted(partial)


def test_autism_support_group_near_pr1_lists_the_nearest_group_first(demo):
    """On the Local Offer's own path and across every area, with and without a radius (one demo build)."""
    place = resolve_place("PR1 2HE", demo)
    local = every_hit(area=demo, text=QUERY, near=place)
    check_order(local)
    full = [h for h in local if not h.partial_match]
    # Among the listings with every word in their name or type (the best matches), nearest first.
    best = [h for h in full if h.score == max(f.score for f in full)]
    assert [h.distance_km for h in best] == sorted(h.distance_km for h in best)
    assert len(best) >= 5

    national = every_hit(text=QUERY, near=place)
    check_order(national)
    assert [(h.service.pk, h.score, h.distance_km) for h in national] == [
        (h.service.pk, h.score, h.distance_km) for h in local
    ]

    radius = 5 * KM_PER_MILE
    for within in (demo, None):
        inside = every_hit(area=within, text=QUERY, near=place, radius_km=radius)
        check_order(inside)
        assert [h.service.pk for h in inside] == [h.service.pk for h in local if h.distance_km <= radius]
        assert len(inside) < len(local)

    # Without a place, the most specific word still comes first.
    hits = every_hit(area=demo, text=QUERY)
    terms = selectors.terms_by_service([h.service.pk for h in hits])
    autism = [mentions_autism(h, terms) for h in hits]
    assert not any(autism[autism.index(False) :])


def test_the_page_states_the_order_and_each_distance(client, demo):
    response = client.get(reverse("directory:search", args=[demo.slug]), {"near": "PR1 2HE", "q": QUERY})
    assert response.status_code == 200
    html = response.content.decode()
    assert ORDER_RELEVANCE_DISTANCE in html
    results = response.context["results"]
    assert all(r.miles is not None for r in results)
    assert html.count("miles away") == len(results)
    assert results[0].service.name.startswith("Preston Autism")
    assert not results[0].partial_match
    if any(r.partial_match for r in results):
        assert "Partial match" in html
    sorted_by_distance = client.get(
        reverse("directory:search", args=[demo.slug]), {"near": "PR1 2HE", "q": QUERY, "sort": "distance"}
    )
    assert ORDER_DISTANCE in sorted_by_distance.content.decode()
    no_place = client.get(reverse("directory:search", args=[demo.slug]), {"q": QUERY})
    assert ORDER_RELEVANCE in no_place.content.decode()


# The radius at its boundary, with words, on both paths -----------------------------------------------------


PRESTON = (53.7632, -2.7031)


def at_distance(km: float, bearing_deg: float = 45.0) -> tuple[float, float]:
    lat1, lon1 = map(math.radians, PRESTON)
    angle, bearing = km / 6371.0088, math.radians(bearing_deg)
    lat2 = math.asin(math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(bearing))
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat1), math.cos(angle) - math.sin(lat1) * math.sin(lat2)
    )
    return math.degrees(lat2), math.degrees(lon2)


@pytest.fixture
def boundary(area):
    from sendhub.directory.taxonomies import ensure_taxonomies

    ensure_taxonomies()
    on_it = make_service(area, "Autism Support Group On The Line", point=at_distance(6.0), types=["support-group"])
    beyond = make_service(area, "Autism Support Group Beyond", point=at_distance(6.5), types=["support-group"])
    nearer = make_service(area, "Support Group Nearby", point=at_distance(1.0), types=["support-group"])
    stored = Location.objects.get(pk=ServiceAtLocation.objects.get(service=on_it).location_id)
    exact = haversine_km(*PRESTON, stored.latitude, stored.longitude)
    return {"on": on_it, "beyond": beyond, "nearer": nearer, "exact": exact}


@pytest.mark.parametrize("scope", ["area", "national"])
@pytest.mark.parametrize("sort", ["relevance", "distance"])
def test_the_radius_is_inclusive_and_applied_with_words(area, boundary, scope, sort):
    within = area if scope == "area" else None
    place = ResolvedPlace(*PRESTON, "PR1", "district")
    found = search_services(area=within, text=QUERY, near=place, radius_km=boundary["exact"], sort=sort)
    names = [h.service.name for h in found.hits]
    assert set(names) == {"Autism Support Group On The Line", "Support Group Nearby"}
    assert found.total == 2
    if sort == "relevance":
        assert names == ["Autism Support Group On The Line", "Support Group Nearby"]  # every word beats nearer
        assert [h.partial_match for h in found.hits] == [False, True]
    else:
        assert names == ["Support Group Nearby", "Autism Support Group On The Line"]
    short = search_services(area=within, text=QUERY, near=place, radius_km=math.nextafter(boundary["exact"], 0))
    assert [h.service.name for h in short.hits] == ["Support Group Nearby"]
    everywhere = search_services(area=within, text=QUERY, near=place)
    assert {h.service.name for h in everywhere.hits} == {s.name for s in Service.objects.all()}


def test_an_unlocated_full_match_comes_before_located_partial_matches(area, boundary):
    online = make_service(area, "Online Autism Support Group", point=None, types=["support-group"])
    index_service(online)
    place = ResolvedPlace(*PRESTON, "PR1", "district")
    for within in (area, None):
        names = [h.service.name for h in search_services(area=within, text=QUERY, near=place).hits]
        assert names == [
            "Autism Support Group On The Line",
            "Autism Support Group Beyond",
            "Online Autism Support Group",
            "Support Group Nearby",
        ], within
