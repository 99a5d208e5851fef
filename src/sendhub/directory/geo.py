"""Places and distances: UK postcodes, postcode districts, towns and map points, without PostGIS.

``resolve_place`` turns what a visitor typed ("PR1 2HE", "pr1", "Preston", "53.76,-2.70") into a point with a
label, or raises :class:`PlaceNotFound` with a kind message and, where we can, a suggestion to try instead.
Distances are great-circle (haversine) kilometres; ``bounding_box`` gives the latitude/longitude rectangle
that contains a circle, for an indexed prefilter before the exact distance is computed.

``osgb36_to_wgs84`` converts Ordnance Survey National Grid eastings/northings (Code-Point Open) to WGS84
latitude/longitude: inverse transverse Mercator on the Airy 1830 ellipsoid, then a 7-parameter Helmert
transform. It is accurate to about 5 m across Great Britain, ample for "how far away is this group".
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_POINT = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


class InvalidPostcode(ValueError):
    """The text is not in the format of a UK postcode."""


class PlaceNotFound(LookupError):
    """We could not turn the text into a point. ``message`` is for the visitor; ``suggestion`` (may be empty)
    is something they could search for instead, e.g. the postcode district."""

    def __init__(self, message: str, suggestion: str = ""):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


@dataclass(frozen=True)
class ResolvedPlace:
    latitude: float
    longitude: float
    label: str
    kind: str  # 'postcode' | 'district' | 'town' | 'point'
    note: str = ""  # e.g. "We do not have the exact point of PR1 2ZZ, so distances are from PR1."

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


# Postcodes -------------------------------------------------------------------------------------------------


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", (text or "")).upper()


def normalise_postcode(text: str) -> str:
    """'pr12he' -> 'PR1 2HE'. Raises InvalidPostcode when the text is not in a UK postcode's format."""
    compact = _compact(text)
    match = _POSTCODE.match(compact)
    if not match:
        raise InvalidPostcode(f"{text.strip() or 'An empty value'} is not a UK postcode (like PR1 2HE).")
    return f"{match.group(1)} {match.group(2)}"


def is_postcode(text: str) -> bool:
    return bool(_POSTCODE.match(_compact(text)))


def is_outcode(text: str) -> bool:
    return bool(_OUTCODE.match(_compact(text)))


def outcode_of(text: str) -> str:
    """The outward code (district) of a full postcode or of an outcode: 'PR1 2HE' -> 'PR1', 'pr1' -> 'PR1'."""
    compact = _compact(text)
    match = _POSTCODE.match(compact)
    if match:
        return match.group(1)
    if _OUTCODE.match(compact):
        return compact
    raise InvalidPostcode(f"{text.strip() or 'An empty value'} is not a UK postcode or postcode district.")


# Distances ------------------------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in km: the one distance function (search, coverage, districts, the ORUK API).

    The haversine ``a`` is clamped to [0, 1] before its square root: rounding takes it a hair above 1 for
    near-antipodal points (``asin`` would then raise) and could take it below 0 for a coordinate a hair past a
    pole (``sqrt`` would raise)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def haversine_from(lat1: float, lon1: float) -> Callable[[float, float], float]:
    """``haversine_km`` from one point, as a function of the other: the same arithmetic (the same answers to the
    last bit) with the first point's share worked out once, for the thousands of points a search measures."""
    p1 = math.radians(lat1)
    cos_p1 = math.cos(p1)
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt

    def distance(lat2: float, lon2: float) -> float:
        p2 = radians(lat2)
        dp, dl = p2 - p1, radians(lon2 - lon1)
        a = sin(dp / 2) ** 2 + cos_p1 * cos(p2) * sin(dl / 2) ** 2
        return 2 * EARTH_RADIUS_KM * asin(sqrt(min(1.0, max(0.0, a))))

    return distance


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a rectangle containing every point within ``km`` of the point."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    # The widest longitude span is at the latitude edge nearest a pole.
    edge = min(89.9, abs(lat) + dlat)
    dlon = min(180.0, math.degrees(km / (EARTH_RADIUS_KM * math.cos(math.radians(edge)))))
    return (lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def miles_to_km(miles: float) -> float:
    return miles * KM_PER_MILE


# OSGB36 National Grid -> WGS84 ------------------------------------------------------------------------------

_AIRY_A, _AIRY_B = 6377563.396, 6356256.909
_F0 = 0.9996012717
_LAT0, _LON0 = math.radians(49.0), math.radians(-2.0)
_N0, _E0 = -100000.0, 400000.0
_GRS80_A, _GRS80_B = 6378137.0, 6356752.314245
# OSGB36 -> WGS84 Helmert parameters (the inverse of the Ordnance Survey's published WGS84 -> OSGB36 set).
_TX, _TY, _TZ = 446.448, -125.157, 542.060
_S = -20.4894e-6
_RX, _RY, _RZ = (math.radians(s / 3600) for s in (0.1502, 0.2470, 0.8421))


def _grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    a, b = _AIRY_A, _AIRY_B
    e2 = 1 - (b * b) / (a * a)
    n = (a - b) / (a + b)
    n2, n3 = n * n, n * n * n
    lat, m = _LAT0, 0.0
    while True:
        lat = (northing - _N0 - m) / (a * _F0) + lat
        ma = (1 + n + 5 / 4 * n2 + 5 / 4 * n3) * (lat - _LAT0)
        mb = (3 * n + 3 * n2 + 21 / 8 * n3) * math.sin(lat - _LAT0) * math.cos(lat + _LAT0)
        mc = (15 / 8 * n2 + 15 / 8 * n3) * math.sin(2 * (lat - _LAT0)) * math.cos(2 * (lat + _LAT0))
        md = 35 / 24 * n3 * math.sin(3 * (lat - _LAT0)) * math.cos(3 * (lat + _LAT0))
        m = b * _F0 * (ma - mb + mc - md)
        if abs(northing - _N0 - m) < 0.00001:
            break
    sin_lat, cos_lat, tan_lat = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * _F0 / math.sqrt(1 - e2 * sin_lat * sin_lat)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin_lat * sin_lat) ** 1.5
    eta2 = nu / rho - 1
    sec_lat = 1 / cos_lat
    vii = tan_lat / (2 * rho * nu)
    viii = tan_lat / (24 * rho * nu**3) * (5 + 3 * tan_lat**2 + eta2 - 9 * tan_lat**2 * eta2)
    ix = tan_lat / (720 * rho * nu**5) * (61 + 90 * tan_lat**2 + 45 * tan_lat**4)
    x = sec_lat / nu
    xi = sec_lat / (6 * nu**3) * (nu / rho + 2 * tan_lat**2)
    xii = sec_lat / (120 * nu**5) * (5 + 28 * tan_lat**2 + 24 * tan_lat**4)
    xiia = sec_lat / (5040 * nu**7) * (61 + 662 * tan_lat**2 + 1320 * tan_lat**4 + 720 * tan_lat**6)
    de = easting - _E0
    lat_out = lat - vii * de**2 + viii * de**4 - ix * de**6
    lon_out = _LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return lat_out, lon_out


def _to_cartesian(lat: float, lon: float, a: float, b: float) -> tuple[float, float, float]:
    e2 = 1 - (b * b) / (a * a)
    nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
    return (
        nu * math.cos(lat) * math.cos(lon),
        nu * math.cos(lat) * math.sin(lon),
        (1 - e2) * nu * math.sin(lat),
    )


def _from_cartesian(x: float, y: float, z: float, a: float, b: float) -> tuple[float, float]:
    e2 = 1 - (b * b) / (a * a)
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
        new = math.atan2(z + e2 * nu * math.sin(lat), p)
        if abs(new - lat) < 1e-12:
            lat = new
            break
        lat = new
    return lat, math.atan2(y, x)


def osgb36_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """National Grid easting/northing (metres) -> WGS84 (latitude, longitude) in degrees, to about 5 m."""
    lat, lon = _grid_to_osgb36(float(easting), float(northing))
    x1, y1, z1 = _to_cartesian(lat, lon, _AIRY_A, _AIRY_B)
    s1 = _S + 1
    x2 = _TX + x1 * s1 - y1 * _RZ + z1 * _RY
    y2 = _TY + x1 * _RZ + y1 * s1 - z1 * _RX
    z2 = _TZ - x1 * _RY + y1 * _RX + z1 * s1
    lat2, lon2 = _from_cartesian(x2, y2, z2, _GRS80_A, _GRS80_B)
    return math.degrees(lat2), math.degrees(lon2)


# Resolving what a visitor typed ---------------------------------------------------------------------------


def _district(outcode: str):
    from sendhub.directory.models import PostcodeDistrict

    return PostcodeDistrict.objects.filter(outcode=outcode).first()


def _similar_outcode(outcode: str) -> str:
    """A known district that looks like ``outcode`` (same letters, nearest number), or ''."""
    from sendhub.directory.models import PostcodeDistrict

    letters = re.match(r"^[A-Z]+", outcode).group(0)
    known = list(PostcodeDistrict.objects.filter(outcode__startswith=letters).values_list("outcode", flat=True))
    known = [k for k in known if re.match(r"^[A-Z]+", k).group(0) == letters]
    close = difflib.get_close_matches(outcode, known, n=1, cutoff=0.5)
    return close[0] if close else ""


def _resolve_postcode(text: str, postcode: str) -> ResolvedPlace:
    from sendhub.directory.models import Postcode

    found = Postcode.objects.filter(postcode=postcode).values_list("latitude", "longitude").first()
    if found:
        return ResolvedPlace(found[0], found[1], postcode, "postcode")
    outcode = outcode_of(postcode)
    district = _district(outcode)
    if district:
        note = f"We do not have the exact point of {postcode}, so distances are from the middle of {outcode}."
        return ResolvedPlace(district.latitude, district.longitude, outcode, "district", note)
    raise PlaceNotFound(
        f"We could not find the postcode {postcode}. Try the first part, {outcode}, or a town name.", outcode
    )


def _resolve_outcode(outcode: str) -> ResolvedPlace:
    district = _district(outcode)
    if district:
        label = f"{outcode} ({district.town})" if district.town else outcode
        return ResolvedPlace(district.latitude, district.longitude, label, "district")
    similar = _similar_outcode(outcode)
    hint = f" Did you mean {similar}?" if similar else " Check it, or try a town name."
    raise PlaceNotFound(f"We could not find the postcode district {outcode}.{hint}", similar)


def _resolve_town(text: str, area=None) -> ResolvedPlace:
    from django.db.models import Avg

    from sendhub.directory.models import Place, PostcodeDistrict

    name = " ".join(text.split())
    places = Place.objects.filter(name__iexact=name)
    if area is not None:
        # The area's own place first (there are several Newports), then places shared by every area.
        for candidate in (places.filter(area=area), places.filter(area__isnull=True), places):
            place = candidate.first()
            if place:
                break
    else:
        place = places.first()
    if place:
        return ResolvedPlace(place.latitude, place.longitude, place.name, "town")
    centre = PostcodeDistrict.objects.filter(town__iexact=name).aggregate(
        latitude=Avg("latitude"), longitude=Avg("longitude")
    )
    if centre["latitude"] is not None:
        town = PostcodeDistrict.objects.filter(town__iexact=name).values_list("town", flat=True).first()
        return ResolvedPlace(centre["latitude"], centre["longitude"], town, "town")
    names = set(Place.objects.values_list("name", flat=True))
    names.update(PostcodeDistrict.objects.exclude(town="").values_list("town", flat=True).distinct())
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.75)
    suggestion = lowered[close[0]] if close else ""
    hint = f" Did you mean {suggestion}?" if suggestion else " Check the spelling, or try a postcode such as PR1 2HE."
    raise PlaceNotFound(f"We could not find a place called {name}.{hint}", suggestion)


def resolve_place(text: str, area=None) -> ResolvedPlace:
    """Turn a postcode, postcode district, town name or "lat,lon" into a point. Raises PlaceNotFound."""
    text = (text or "").strip()
    if not text:
        raise PlaceNotFound("Enter a postcode, the first part of a postcode (like PR1) or a town name.")
    point = _POINT.match(text)
    if point:
        lat, lon = float(point.group(1)), float(point.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise PlaceNotFound("We could not use your location. Enter a postcode or a town name instead.")
        return ResolvedPlace(lat, lon, "your location", "point")
    compact = _compact(text)
    if _POSTCODE.match(compact):
        return _resolve_postcode(text, normalise_postcode(compact))
    if _OUTCODE.match(compact):
        return _resolve_outcode(compact)
    if any(ch.isdigit() for ch in text):
        # Looks like a postcode but is not one: an inward code missing a letter, a stray character...
        first = re.match(r"^[A-Z]{1,2}[0-9][A-Z0-9]?", compact)
        outcode = first.group(0) if first else ""
        if outcode and len(text.split()) == 2 and _OUTCODE.match(text.split()[0].upper()):
            outcode = text.split()[0].upper()
        if outcode:
            raise PlaceNotFound(
                f"{text} is not a full postcode. A postcode looks like PR1 2HE; or try the first part, {outcode}.",
                outcode,
            )
        raise PlaceNotFound(f"{text} is not a postcode we recognise. A postcode looks like PR1 2HE.")
    return _resolve_town(text, area=area)


def resolve_postcode(text: str) -> tuple[float, float]:
    """(latitude, longitude) of a full postcode (or its district) or of a postcode district. For the ORUK API's
    ``postcode`` parameter. Raises PlaceNotFound."""
    compact = _compact(text)
    if _POSTCODE.match(compact):
        return _resolve_postcode(text, normalise_postcode(compact)).point
    if _OUTCODE.match(compact):
        return _resolve_outcode(compact).point
    raise PlaceNotFound(f"{(text or '').strip() or 'An empty value'} is not a UK postcode (like PR1 2HE).")
