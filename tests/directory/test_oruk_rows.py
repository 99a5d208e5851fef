"""Fully nested ORUK services built from ``.values()`` rows (``serializers.full_services``) are the same JSON,
key for key and in the same order, as those built from model instances with every relation prefetched."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from sendhub.directory import taxonomies
from sendhub.directory.models import (
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from sendhub.directory.oruk import exporter
from sendhub.directory.oruk import serializers as ser
from tests.directory.factories_oruk import make_location, make_organisation, make_service, oruk_urls  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oruk_urls")]


def by_instances(ids) -> list[dict]:
    """The reference: model instances through the prefetching queryset, serialised by the same functions."""
    found = {s.pk: s for s in ser.services_queryset(full=True).filter(pk__in=ids)}
    return ser.serialize_services([found[pk] for pk in ids if pk in found], full=True)


def dumps(document) -> str:
    return json.dumps(document, ensure_ascii=False)


@pytest.fixture
def listings(area, other_area):
    taxonomies.ensure_taxonomies()
    need = TaxonomyTerm.objects.get(pk=taxonomies.term_id(taxonomies.NEED, "autism"))
    kind = TaxonomyTerm.objects.get(pk=taxonomies.term_id(taxonomies.SERVICE_TYPE, "support-group"))
    child = TaxonomyTerm.objects.create(name="Autism (girls)", description="A narrower term", parent=need, code="x")
    loose = TaxonomyTerm.objects.create(name="No taxonomy", description="A term of no vocabulary")
    shared_org = make_organisation(area, name="Shared provider")
    rich = make_service(area, org=shared_org, terms=[need, kind, child], locations=2, alert="Closed in August")
    plain = make_service(area, org=shared_org, terms=[loose], locations=0, minimum_age=None, maximum_age=None)
    elsewhere = make_service(other_area, terms=[need], name="Cumbria group", eligibility_description="Anyone")
    # Records that hang on several things at once, more than one of a kind, awkward values.
    contact = Contact.objects.get(service=rich)
    both = Phone.objects.create(service=rich, contact=contact, number="01772 222222", extension="12", description="")
    Language.objects.create(phone=both, name="Polish", code="pl", note="Mornings")
    Language.objects.create(phone=both, name="Urdu", code="ur")
    Language.objects.create(service=rich, name="British Sign Language", code="bfi")
    CostOption.objects.create(service=rich, option="Trips", amount=Decimal("4.50"), valid_from=dt.date(2025, 4, 1))
    CostOption.objects.create(service=rich, option="Ask", amount=None)
    sal = ServiceAtLocation.objects.filter(service=rich).order_by("id").first()
    Schedule.objects.create(service=rich, service_at_location=sal, freq="WEEKLY", byday="SA", until=dt.date(2026, 1, 1))
    ServiceAtLocation.objects.create(service=elsewhere, location=sal.location, description="Shared hall")
    unlocated = Location.objects.create(area=area, name="Online", location_type="virtual")
    ServiceAtLocation.objects.create(service=plain, location=unlocated)
    Attribute.objects.create(link_type="organization", link_id=shared_org.pk, taxonomy_term=kind, label="Main")
    Attribute.objects.create(link_type="location", link_id=sal.location_id, taxonomy_term=need, value="Quiet room")
    hidden = make_service(area, published=False, name="Hidden group")
    return {"rich": rich, "plain": plain, "elsewhere": elsewhere, "hidden": hidden}


def test_full_services_are_the_prefetched_serialisation(listings):
    ids = [listings[k].pk for k in ("rich", "plain", "elsewhere")]
    assert dumps(ser.full_services(ids)) == dumps(by_instances(ids))


def test_full_services_keep_the_order_asked_for_and_skip_unknown_ids(listings):
    import uuid

    ids = [listings["plain"].pk, uuid.uuid4(), listings["rich"].pk]
    found = ser.full_services(ids)
    assert [s["id"] for s in found] == [str(listings["plain"].pk), str(listings["rich"].pk)]
    assert ser.full_services([]) == []


def test_the_services_page_is_the_prefetched_serialisation(client, listings):
    response = client.get("/api/oruk/v3/services", {"full": "true", "per_page": 10})
    page = response.json()
    ids = list(ser.published_services().order_by("name", "id").values_list("pk", flat=True))
    assert page["total_items"] == 3
    assert dumps(page["contents"]) == dumps(by_instances(ids))


def test_one_service_and_the_export_are_the_prefetched_serialisation(client, listings, tmp_path):
    rich = listings["rich"]
    one = client.get(f"/api/oruk/v3/services/{rich.pk}").json()
    assert dumps(one) == dumps(by_instances([rich.pk])[0])
    assert client.get(f"/api/oruk/v3/services/{listings['hidden'].pk}").status_code == 404
    exporter.export(tmp_path / "services.json")
    exported = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    ids = list(ser.published_services().order_by("name", "id").values_list("pk", flat=True))
    assert dumps(exported["contents"]) == dumps(by_instances(ids))


def test_ndjson_of_full_services(client, listings):
    response = client.get("/api/oruk/v3/services", {"full": "true", "format": "ndjson"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    ids = list(ser.published_services().order_by("name", "id").values_list("pk", flat=True))
    assert [json.loads(line) for line in lines] == by_instances(ids)


def test_a_service_without_nested_records(area):
    taxonomies.ensure_taxonomies()
    org = make_organisation(area)
    bare = Service.objects.create(area=area, organization=org, name="Bare", description="")
    assert dumps(ser.full_services([bare.pk])) == dumps(by_instances([bare.pk]))
