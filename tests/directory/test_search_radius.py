"""The radius of a Local Offer search is a circle, not a box, on every path a family or a feed can take.

A distance search first keeps the points inside the radius's latitude/longitude bounding box (an indexed
prefilter) and then drops those whose exact distance is beyond the radius. A listing off to the diagonal can be
inside the box and still outside the circle: 5.2 km north-east of the search point is 3.7 km north and 3.7 km
east, well within a 5 km box. These tests put listings just inside and just outside the radius, on the axes and
on all four diagonals, and search:

- within one Local Offer: ``search_services(area=...)`` and the public page ``/areas/<slug>/local-offer/``
  (``search._area_points``);
- across every area: ``search_services(area=None)`` (``search._scored_in_radius``);
- through the ORUK API: ``/api/oruk/v3/services`` and ``/service_at_locations`` with ``postcode`` and
  ``proximity`` (``oruk.views.within``).
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import factory
import pytest
from django.urls import reverse
from factory.django import DjangoModelFactory

from sendhub.directory.geo import EARTH_RADIUS_KM, KM_PER_MILE, bounding_box, haversine_km
from sendhub.directory.models import (
    DirectoryOrganisation,
    Location,
    Postcode,
    PostcodeDistrict,
    Service,
    ServiceAtLocation,
)
from sendhub.directory.search import index_service, search_services
from tests.factories import LocalAreaFactory

pytestmark = pytest.mark.django_db

CENTRE = (53.7590, -2.6980)  # PR1 2HE in the fixture below; an invented point near Preston
RADIUS_KM = 5.0
DIAGONALS = (45, 135, 225, 315)  # NE, SE, SW, NW: latitude and longitude both offset


# Factories ---------------------------------------------------------------------------------------------------


class DirectoryOrganisationFactory(DjangoModelFactory):
    class Meta:
        model = DirectoryOrganisation

    area = factory.SubFactory(LocalAreaFactory)
    name = factory.Sequence(lambda n: f"Provider {n}")
    description = "An invented provider."


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    area = factory.SubFactory(LocalAreaFactory)
    organization = factory.SubFactory(DirectoryOrganisationFactory, area=factory.SelfAttribute("..area"))
    name = factory.Sequence(lambda n: f"Listing {n}")
    description = "A support group for families."


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    area = factory.SubFactory(LocalAreaFactory)
    name = factory.Sequence(lambda n: f"Venue {n}")
    latitude = CENTRE[0]
    longitude = CENTRE[1]


class ServiceAtLocationFactory(DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory, area=factory.SelfAttribute("..service.area"))


# Helpers -----------------------------------------------------------------------------------------------------


def offset(point: tuple[float, float], km: float, bearing_deg: float) -> tuple[float, float]:
    """The point ``km`` away from ``point`` on the great circle starting at ``bearing_deg`` (0 = north)."""
    lat1, lon1 = map(math.radians, point)
    angle, bearing = km / EARTH_RADIUS_KM, math.radians(bearing_deg)
    lat2 = math.asin(math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(bearing))
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat1), math.cos(angle) - math.sin(lat1) * math.sin(lat2)
    )
    return math.degrees(lat2), math.degrees(lon2)


def in_box(point, centre, km) -> bool:
    min_lat, max_lat, min_lon, max_lon = bounding_box(centre[0], centre[1], km)
    return min_lat <= point[0] <= max_lat and min_lon <= point[1] <= max_lon


def listing(area, name: str, point: tuple[float, float]) -> Service:
    service = ServiceFactory(area=area, name=name)
    ServiceAtLocationFactory(service=service, location__latitude=point[0], location__longitude=point[1])
    index_service(service)
    return service


def place_ring(area, centre, radius_km, inside_km, outside_km, prefix="") -> tuple[set[str], set[str]]:
    """Listings just inside and just outside ``radius_km`` of ``centre``: on each diagonal, and due north and
    east. Returns (names inside, names outside); checks each diagonal outsider would pass a box-only filter."""
    inside, outside = set(), set()
    for bearing in DIAGONALS:
        near, far = offset(centre, inside_km, bearing), offset(centre, outside_km, bearing)
        assert haversine_km(*centre, *near) < radius_km < haversine_km(*centre, *far)
        assert in_box(far, centre, radius_km), "the outsider must be inside the bounding box: only the circle drops it"
        inside.add(listing(area, f"{prefix}Inside {bearing}", near).name)
        outside.add(listing(area, f"{prefix}Outside {bearing}", far).name)
    for bearing in (0, 90):
        inside.add(listing(area, f"{prefix}Inside axis {bearing}", offset(centre, inside_km, bearing)).name)
        outside.add(listing(area, f"{prefix}Outside axis {bearing}", offset(centre, outside_km, bearing)).name)
    return inside, outside


def names(page) -> set[str]:
    return {hit.service.name for hit in page.hits}


@pytest.fixture
def other(db):
    return LocalAreaFactory(name="Invented Borough", slug="invented-borough")


@pytest.fixture
def ring(area):
    """Listings 4.8 km (inside) and 5.2 km (outside) from CENTRE in ``area``, for a 5 km search."""
    return place_ring(area, CENTRE, RADIUS_KM, inside_km=4.8, outside_km=5.2)


# search_services within one Local Offer, and across every area -------------------------------------------------


@pytest.mark.parametrize("scope", ["area", "national"])
@pytest.mark.parametrize("sort", ["relevance", "distance"])
@pytest.mark.parametrize("text", ["", "support group"])
def test_radius_keeps_the_listings_inside_the_circle_and_drops_the_corners_of_the_box(
    area, ring, scope, sort, text
):
    inside, outside = ring
    page = search_services(
        area=area if scope == "area" else None, text=text, near=CENTRE, radius_km=RADIUS_KM, sort=sort, per_page=100
    )
    found = names(page)
    assert not found & outside, f"listings beyond {RADIUS_KM} km came back: {sorted(found & outside)}"
    assert found == inside
    assert page.total == len(inside)
    assert all(hit.distance_km is not None and hit.distance_km <= RADIUS_KM for hit in page.hits)


@pytest.mark.parametrize("scope", ["area", "national"])
def test_the_issues_example_5_7_km_on_the_diagonal_is_not_in_a_5_km_search(area, scope):
    far = offset(CENTRE, 5.7, 45)
    assert in_box(far, CENTRE, RADIUS_KM)
    listing(area, "Diagonal 5.7 km", far)
    listing(area, "Diagonal 4.9 km", offset(CENTRE, 4.9, 45))
    page = search_services(area=area if scope == "area" else None, near=CENTRE, radius_km=RADIUS_KM)
    assert names(page) == {"Diagonal 4.9 km"}


@pytest.mark.parametrize("scope", ["area", "national"])
def test_a_listing_exactly_on_the_radius_is_within_it(area, scope):
    """The radius is inclusive: a listing at exactly the radius's distance counts, one a hair beyond does not."""
    point = offset(CENTRE, 4.0, 45)
    listing(area, "On the circle", point)
    stored = Location.objects.get()
    exact = haversine_km(*CENTRE, stored.latitude, stored.longitude)
    within = area if scope == "area" else None
    on_it = search_services(area=within, near=CENTRE, radius_km=exact)
    assert names(on_it) == {"On the circle"}
    just_short = search_services(area=within, near=CENTRE, radius_km=math.nextafter(exact, 0))
    assert names(just_short) == set()


def test_nearest_location_inside_the_radius_counts_even_when_another_is_outside(area):
    """A listing with two venues, one on the diagonal outside the radius and one inside, is found, at the
    distance of the venue inside."""
    service = listing(area, "Two venues", offset(CENTRE, 5.3, 135))
    ServiceAtLocationFactory(
        service=service, location__latitude=offset(CENTRE, 4.5, 315)[0], location__longitude=offset(CENTRE, 4.5, 315)[1]
    )
    only_far = listing(area, "One far venue", offset(CENTRE, 5.3, 225))
    for scope in (area, None):
        page = search_services(area=scope, near=CENTRE, radius_km=RADIUS_KM, sort="distance")
        assert names(page) == {"Two venues"}, scope
        assert page.hits[0].distance_km == pytest.approx(4.5, abs=0.01)
    assert only_far.pk not in {hit.service.pk for hit in page.hits}


def test_a_search_across_areas_applies_the_circle_to_every_area(area, other, ring):
    inside, outside = ring
    other_inside, other_outside = place_ring(other, CENTRE, RADIUS_KM, 4.8, 5.2, prefix="Other ")
    everywhere = names(search_services(near=CENTRE, radius_km=RADIUS_KM, per_page=100))
    assert everywhere == inside | other_inside
    within_area = names(search_services(area=area, near=CENTRE, radius_km=RADIUS_KM, per_page=100))
    assert within_area == inside, "the area-scoped search keeps to its own Local Offer and to the circle"


# The public page ---------------------------------------------------------------------------------------------


def search_page(client, area, **params):
    response = client.get(reverse("directory:search", args=[area.slug]) + "?" + urlencode(params))
    assert response.status_code == 200
    return response


def result_names(response) -> set[str]:
    return {result.service.name for result in response.context["results"]}


@pytest.mark.parametrize("miles", ["1", "5"])
def test_the_local_offer_page_searches_within_a_circle_of_the_chosen_miles(client, area, miles):
    radius = float(miles) * KM_PER_MILE
    inside, outside = place_ring(area, CENTRE, radius, inside_km=radius * 0.96, outside_km=radius * 1.04)
    response = search_page(client, area, near=f"{CENTRE[0]},{CENTRE[1]}", miles=miles)
    assert result_names(response) == inside
    html = response.content.decode()
    for name in outside:
        assert f">{name}</a>" not in html, f"{name} is beyond {miles} miles but is listed"
    for name in inside:
        assert f">{name}</a>" in html
    assert response.context["total"] == len(inside)


def test_the_local_offer_page_sorted_by_distance_keeps_to_the_circle(client, area):
    radius = 5 * KM_PER_MILE
    inside, _outside = place_ring(area, CENTRE, radius, inside_km=radius - 0.2, outside_km=radius + 0.2)
    response = search_page(client, area, near=f"{CENTRE[0]},{CENTRE[1]}", miles="5", sort="distance")
    assert result_names(response) == inside
    assert all(result.miles <= 5 for result in response.context["results"])


# The ORUK API ------------------------------------------------------------------------------------------------


@pytest.fixture
def postcode(db):
    Postcode.objects.create(postcode="PR1 2HE", latitude=CENTRE[0], longitude=CENTRE[1], district="Preston")
    PostcodeDistrict.objects.create(outcode="PR1", latitude=CENTRE[0], longitude=CENTRE[1], town="Preston")


def api(client, path, **params):
    response = client.get(f"/api/oruk/v3{path}", params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


@pytest.mark.parametrize("endpoint", ["/services", "/service_at_locations"])
def test_the_oruk_api_proximity_is_a_circle(client, area, other, postcode, endpoint):
    ids = {}
    for where, km in (("inside", 4.8), ("outside", 5.2)):
        for bearing in DIAGONALS:
            point = offset(CENTRE, km, bearing)
            if where == "outside":
                assert in_box(point, CENTRE, RADIUS_KM)
            # Alternate areas: the API searches every Local Offer.
            service = listing(area if bearing in (45, 225) else other, f"{where} {bearing}", point)
            ids[service.name] = str(service.pk)
    body = api(client, endpoint, postcode="PR1 2HE", proximity=str(int(RADIUS_KM * 1000)), per_page="50")
    key = "id" if endpoint == "/services" else "service_id"
    found = {item[key] for item in body["contents"]}
    expected = {sid for name, sid in ids.items() if name.startswith("inside")}
    assert found == expected, "only listings within 5000 m, not the corners of the box"
    assert body["total_items"] == len(expected)


def test_the_oruk_api_5_7_km_on_the_diagonal_is_not_within_5000_metres(client, area, postcode):
    far = listing(area, "Diagonal 5.7 km", offset(CENTRE, 5.7, 45))
    near = listing(area, "Diagonal 4.9 km", offset(CENTRE, 4.9, 45))
    body = api(client, "/services", postcode="PR1 2HE", proximity="5000")
    assert [s["id"] for s in body["contents"]] == [str(near.pk)]
    assert str(far.pk) in {s["id"] for s in api(client, "/services", postcode="PR1 2HE", proximity="6000")["contents"]}
