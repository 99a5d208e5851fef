"""Fully nested directory listings for the ORUK API tests, and the API's URLs when the project does not
include them yet (``oruk_urls`` fixture)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.urls import Resolver404, include, path, resolve

from sendhub.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    DirectoryOrganisation,
    Funding,
    Language,
    Location,
    OrganizationIdentifier,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

_counter = itertools.count(1)

# Used as ROOT_URLCONF by ``oruk_urls`` until src/sendhub/urls.py includes the API.
urlpatterns = [
    path("api/oruk/v3/", include("sendhub.directory.oruk.urls")),
    path("", include("sendhub.urls")),
]


@pytest.fixture
def oruk_urls(settings):
    try:
        match = resolve("/api/oruk/v3/services")
        wired = match.namespace == "oruk" and match.url_name == "services"
    except Resolver404:
        wired = False
    if not wired:
        settings.ROOT_URLCONF = "tests.directory.factories_oruk"


def make_organisation(area, **fields) -> DirectoryOrganisation:
    n = next(_counter)
    org = DirectoryOrganisation.objects.create(
        area=area,
        name=fields.pop("name", f"Provider {n}"),
        description=fields.pop("description", f"A fictional provider number {n}."),
        email=f"provider{n}@example.org",
        website=f"https://provider{n}.example.org",
        **fields,
    )
    OrganizationIdentifier.objects.create(
        organization=org, identifier_scheme="GB-CHC", identifier_type="Charity number", identifier=str(1000000 + n)
    )
    return org


def make_location(area, org=None, *, latitude=53.7632, longitude=-2.7031, postcode="PR1 2HE") -> Location:
    n = next(_counter)
    location = Location.objects.create(
        area=area,
        organization=org,
        name=f"Community centre {n}",
        description="A fictional community centre.",
        latitude=latitude,
        longitude=longitude,
        postcode=postcode,
        district="Preston",
    )
    Address.objects.create(
        location=location,
        address_1=f"{n} Fishergate",
        city="Preston",
        state_province="Lancashire",
        postal_code=postcode,
    )
    Accessibility.objects.create(location=location, description="Step-free access", details="Ramp at the side door")
    Phone.objects.create(location=location, number="01772 000000", type="voice")
    return location


def make_service(
    area,
    *,
    org=None,
    terms=(),
    locations=1,
    latitude=53.7632,
    longitude=-2.7031,
    published=True,
    **fields,
) -> Service:
    """A service with every kind of nested record the ORUK API serialises."""
    n = next(_counter)
    org = org or make_organisation(area)
    service = Service.objects.create(
        area=area,
        organization=org,
        name=fields.pop("name", f"Support group {n:04d}"),
        description=fields.pop("description", "Meets monthly for families of children with SEND."),
        url=f"https://provider.example.org/group-{n}",
        email=f"group{n}@example.org",
        minimum_age=fields.pop("minimum_age", 5),
        maximum_age=fields.pop("maximum_age", 18),
        fees_description="Free",
        is_published=published,
        is_free=True,
        assured_date=dt.date(2025, 1, 15),
        **fields,
    )
    Schedule.objects.create(
        service=service,
        freq="MONTHLY",
        interval=1,
        byday="2TU",
        opens_at=dt.time(10),
        closes_at=dt.time(12),
        description="Second Tuesday of the month, 10am to noon",
    )
    CostOption.objects.create(service=service, option="Everyone", amount=Decimal("0"), amount_description="Free")
    ServiceArea.objects.create(service=service, name="Preston", description="Families living in Preston")
    Language.objects.create(service=service, name="English", code="en")
    Funding.objects.create(service=service, source="Lancashire County Council")
    contact = Contact.objects.create(
        service=service, name="Sam Organiser", title="Coordinator", email="sam@example.org"
    )
    Phone.objects.create(contact=contact, number="07700 900000", type="cell")
    Phone.objects.create(service=service, number="01772 111111", type="voice")
    for _ in range(locations):
        location = make_location(area, org, latitude=latitude, longitude=longitude)
        sal = ServiceAtLocation.objects.create(service=service, location=location)
        Schedule.objects.create(service_at_location=sal, freq="WEEKLY", byday="MO", opens_at=dt.time(9))
    for term in terms:
        Attribute.objects.create(link_type="service", link_id=service.pk, taxonomy_term=term)
    return service
