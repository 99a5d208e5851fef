"""Postcodes, distances, the National Grid conversion and resolving what a visitor typed."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendhub.directory import geo
from sendhub.directory.geo import (
    InvalidPostcode,
    PlaceNotFound,
    bounding_box,
    haversine_km,
    normalise_postcode,
    osgb36_to_wgs84,
    outcode_of,
    resolve_place,
    resolve_postcode,
)
from sendhub.directory.models import Place, Postcode, PostcodeDistrict


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pr12he", "PR1 2HE"),
        ("PR1 2HE", "PR1 2HE"),
        ("  pr1   2he ", "PR1 2HE"),
        ("m11aa", "M1 1AA"),
        ("SW1A1AA", "SW1A 1AA"),
        ("ec1a 1bb", "EC1A 1BB"),
        ("BB11 1AA", "BB11 1AA"),
        ("W1A 0AX", "W1A 0AX"),
    ],
)
def test_normalise_postcode(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize("text", ["", "PR1", "PR1 2H", "12 3AB", "PR1 2HEE", "P R", "ABC1 2DE", "PR1-2HE!"])
def test_normalise_postcode_rejects_malformed(text):
    with pytest.raises(InvalidPostcode, match="not a UK postcode"):
        normalise_postcode(text)


def test_outcode_of():
    assert outcode_of("PR1 2HE") == "PR1"
    assert outcode_of("sw1a1aa") == "SW1A"
    assert outcode_of("pr1") == "PR1"
    with pytest.raises(InvalidPostcode):
        outcode_of("Preston")


@given(
    st.from_regex(r"\A[A-Z]{1,2}[0-9][A-Z0-9]?\Z", fullmatch=True),
    st.from_regex(r"\A[0-9][A-Z]{2}\Z", fullmatch=True),
)
def test_normalising_is_idempotent_and_ignores_case_and_spaces(outward, inward):
    expected = f"{outward} {inward}"
    assert normalise_postcode(f"{outward.lower()}{inward.lower()}") == expected
    assert normalise_postcode(expected) == expected
    assert outcode_of(expected) == outward


def test_haversine_known_distances():
    # Preston (PR1) to Blackpool (FY1): about 24 km.
    assert haversine_km(53.7578, -2.7008, 53.8175, -3.0492) == pytest.approx(23.9, abs=0.5)
    # London to Edinburgh: about 534 km.
    assert haversine_km(51.5074, -0.1278, 55.9533, -3.1883) == pytest.approx(534, abs=3)
    assert haversine_km(53.0, -2.0, 53.0, -2.0) == 0


# A pair whose haversine term rounds to 1.0000000000000002: without the clamp, asin raises "math domain error".
NEAR_ANTIPODES = ((69.51232454868148, 86.5812282599507), (-69.51232454868148, 86.5812282599507 + 180))


@pytest.mark.parametrize(
    ("one", "other"),
    [((0.0, 0.0), (0.0, 180.0)), ((90.0, 0.0), (-90.0, 0.0)), NEAR_ANTIPODES],
)
def test_haversine_is_half_the_earth_at_the_antipodes_and_never_raises(one, other):
    half_way_round = math.pi * geo.EARTH_RADIUS_KM
    assert haversine_km(*one, *other) == pytest.approx(half_way_round, rel=1e-9)
    assert haversine_km(*other, *one) == pytest.approx(half_way_round, rel=1e-9)
    assert geo.haversine_from(*one)(*other) == pytest.approx(half_way_round, rel=1e-9)


@pytest.mark.parametrize("point", [(0.0, 0.0), (90.0, 0.0), (-90.0, 45.0), (53.7632, -2.7031), (0.0, 180.0)])
def test_haversine_is_zero_from_a_point_to_itself_and_symmetric(point):
    assert haversine_km(*point, *point) == 0
    assert geo.haversine_from(*point)(*point) == 0
    other = (point[0] / 2, point[1] / 3 + 1)
    assert haversine_km(*point, *other) == haversine_km(*other, *point) > 0


def test_one_distance_function():
    """Listings' districts and coverage distances use the search's distance function, not a copy of it."""
    from sendhub.directory import selectors, services

    assert services.haversine_km is haversine_km
    assert selectors.haversine_km is haversine_km


@given(st.floats(49.5, 59), st.floats(-8, 1.8), st.floats(0.5, 200), st.floats(0, 2 * math.pi), st.floats(0, 0.999))
def test_bounding_box_contains_every_point_within_the_radius(lat, lon, km, bearing, fraction):
    # A point at distance fraction*km in direction bearing (spherical destination formula).
    d = km * fraction / geo.EARTH_RADIUS_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    plat, plon = math.degrees(p2), math.degrees(l2)
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    assert min_lat <= plat <= max_lat
    assert min_lon <= plon <= max_lon


def test_national_grid_to_osgb36_matches_the_ordnance_survey_worked_example():
    # OS "A guide to coordinate systems in Great Britain", Caister water tower.
    lat, lon = geo._grid_to_osgb36(651409.903, 313177.270)
    assert math.degrees(lat) == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-7)
    assert math.degrees(lon) == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-7)


def test_osgb36_to_wgs84_within_ten_metres_of_the_ordnance_survey_example():
    # Caister water tower: its ETRS89 position (= WGS84 to within a metre) from the same OS guide.
    lat, lon = osgb36_to_wgs84(651409.903, 313177.270)
    expected = (52 + 39 / 60 + 28.8282 / 3600, 1 + 42 / 60 + 57.8663 / 3600)
    assert haversine_km(lat, lon, *expected) * 1000 < 10


@pytest.mark.parametrize("outcode", ["PR1", "AB10", "TR1", "NE1", "CF10", "KW15", "CT1", "LA1"])
def test_grid_conversion_agrees_with_the_district_file_across_great_britain(outcode):
    """uk-outcodes.csv gives OSGB36 latitude/longitude next to its eastings/northings: our inverse projection
    must agree to about a metre (the file rounds), and the datum shift to WGS84 is the usual 70-130 m."""
    import csv

    from tests.directory.test_postcodes_import import OUTCODES

    with open(OUTCODES, newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["postcode"] == outcode)
    lat, lon = (math.degrees(v) for v in geo._grid_to_osgb36(float(row["eastings"]), float(row["northings"])))
    assert haversine_km(lat, lon, float(row["latitude"]), float(row["longitude"])) * 1000 < 1.5
    wgs = osgb36_to_wgs84(float(row["eastings"]), float(row["northings"]))
    assert 60 < haversine_km(*wgs, lat, lon) * 1000 < 140


# Resolving places -------------------------------------------------------------------------------------------


@pytest.fixture
def places(db, area):
    PostcodeDistrict.objects.create(outcode="PR1", latitude=53.7578, longitude=-2.7008, town="Preston")
    PostcodeDistrict.objects.create(outcode="PR2", latitude=53.7781, longitude=-2.7139, town="Preston")
    PostcodeDistrict.objects.create(outcode="BB1", latitude=53.7500, longitude=-2.4800, town="Blackburn")
    Postcode.objects.create(postcode="PR1 2HE", latitude=53.7590, longitude=-2.6990, district="Preston")
    Place.objects.create(name="Chorley", latitude=53.6530, longitude=-2.6320, district="Chorley", area=area)
    Place.objects.create(name="Garstang", latitude=53.9010, longitude=-2.7760, district="Wyre")


def test_resolve_full_postcode(places):
    place = resolve_place("pr1 2he")
    assert (place.kind, place.label) == ("postcode", "PR1 2HE")
    assert place.point == (53.7590, -2.6990)
    assert resolve_postcode("PR12HE") == (53.7590, -2.6990)


def test_unknown_postcode_in_a_known_district_uses_the_district_with_a_note(places):
    place = resolve_place("PR1 9ZZ")
    assert place.kind == "district"
    assert place.point == (53.7578, -2.7008)
    assert "PR1 9ZZ" in place.note and "PR1" in place.note
    assert resolve_postcode("PR1 9ZZ") == (53.7578, -2.7008)


def test_unknown_postcode_and_district_says_so_and_suggests_the_first_part(places):
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place("pr99 9zz")
    assert caught.value.message == "We could not find the postcode PR99 9ZZ. Try the first part, PR99, or a town name."
    assert caught.value.suggestion == "PR99"


def test_resolve_district(places):
    place = resolve_place("pr1")
    assert (place.kind, place.label, place.point) == ("district", "PR1 (Preston)", (53.7578, -2.7008))
    assert resolve_postcode("PR1") == (53.7578, -2.7008)


def test_unknown_district_suggests_a_similar_one(places):
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place("PR7")
    assert "We could not find the postcode district PR7." in caught.value.message
    assert caught.value.suggestion in {"PR1", "PR2"}


def test_resolve_town_from_places_then_district_towns(places, area):
    chorley = resolve_place("chorley", area=area)
    assert (chorley.kind, chorley.label, chorley.point) == ("town", "Chorley", (53.6530, -2.6320))
    assert resolve_place("Garstang").label == "Garstang"
    preston = resolve_place("PRESTON")  # no Place: the middle of Preston's postcode districts
    assert preston.kind == "town" and preston.label == "Preston"
    assert preston.latitude == pytest.approx((53.7578 + 53.7781) / 2)


def test_misspelt_town_gets_a_suggestion(places):
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place("Prestn")
    assert caught.value.message == "We could not find a place called Prestn. Did you mean Preston?"
    assert caught.value.suggestion == "Preston"
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place("Atlantis")
    assert "We could not find a place called Atlantis." in caught.value.message
    assert caught.value.suggestion == ""


def test_visitors_location(places):
    place = resolve_place("53.76, -2.70")
    assert (place.kind, place.point, place.label) == ("point", (53.76, -2.70), "your location")
    with pytest.raises(PlaceNotFound):
        resolve_place("95.0,-2.7")


@pytest.mark.parametrize(
    ("text", "message", "suggestion"),
    [
        ("", "Enter a postcode", ""),
        ("PR1 2H", "PR1 2H is not a full postcode. A postcode looks like PR1 2HE; or try the first part, PR1.", "PR1"),
        ("12345", "12345 is not a postcode we recognise.", ""),
    ],
)
def test_malformed_input_gets_a_clear_message(places, text, message, suggestion):
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place(text)
    assert caught.value.message.startswith(message)
    assert caught.value.suggestion == suggestion


def test_resolve_postcode_rejects_town_names(places):
    with pytest.raises(PlaceNotFound, match="is not a UK postcode"):
        resolve_postcode("Preston")
