"""The ORUK API: every response validates against the official HSDS-UK-3.0 schemas; pagination as the ORUK
validator checks it; 404 and 400 as JSON; filters; distance; CORS; a constant number of queries per page."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sendhub.directory import taxonomies
from sendhub.directory.models import Attribute, Postcode, PostcodeDistrict, Service
from tests.directory.factories_oruk import make_organisation, make_service, oruk_urls  # noqa: F401
from tests.directory.oruk_schemas import require_shared, validate
from tests.factories import LocalAreaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oruk_urls")]
API = "/api/oruk/v3"


@pytest.fixture(autouse=True)
def _schemas():
    require_shared()


def get(client, path, status=200, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


@pytest.fixture
def terms(db):
    taxonomies.ensure_taxonomies()
    return {
        "autism": taxonomies.TaxonomyTerm.objects.get(pk=taxonomies.term_id(taxonomies.NEED, "autism")),
        "adhd": taxonomies.TaxonomyTerm.objects.get(pk=taxonomies.term_id(taxonomies.NEED, "adhd")),
        "group": taxonomies.TaxonomyTerm.objects.get(pk=taxonomies.term_id(taxonomies.SERVICE_TYPE, "support-group")),
    }


# api_details and the OpenAPI document -------------------------------------------------------------------


def test_api_details_validates_and_points_at_our_openapi_document(client):
    details = get(client, "/")
    validate(details, "api_details")
    assert details["version"] == "HSDS-UK-3.0"
    assert details["openapi_url"] == f"http://testserver{API}/openapi.json"
    document = get(client, "/openapi.json")
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": f"http://testserver{API}", "description": "This API"}]
    assert {"/", "/services", "/services/{id}", "/service_at_locations/{id}"} <= set(document["paths"])
    assert "https://openreferraluk.org" not in json.dumps(document["paths"])


# Services ------------------------------------------------------------------------------------------------


def test_services_lists_published_services_of_every_area_and_validates(client, area, terms):
    other = LocalAreaFactory()
    shown = make_service(area, terms=[terms["autism"]], name="Autism parents group")
    elsewhere = make_service(other, name="Cumbria group")
    make_service(area, published=False, name="Draft group")

    page = get(client, "/services")
    validate(page, "service_list")
    assert [s["name"] for s in page["contents"]] == ["Autism parents group", "Cumbria group"]
    first = page["contents"][0]
    assert first["id"] == str(shown.pk) and first["organization"]["id"] == str(shown.organization_id)
    assert "service_at_locations" not in first, "the list gives one-to-one fields unless full=true"
    assert {s["id"] for s in page["contents"]} == {str(shown.pk), str(elsewhere.pk)}

    full = get(client, "/services", full="true")
    validate(full, "service_list")
    nested = full["contents"][0]
    validate(nested, "service")
    assert nested["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "PR1 2HE"
    assert nested["attributes"][0]["taxonomy_term"]["id"] == str(terms["autism"].pk)
    assert nested["contacts"][0]["phones"][0]["number"] == "07700 900000"


def test_service_by_id_is_fully_nested_and_valid(client, area, terms):
    service = make_service(area, terms=[terms["autism"], terms["group"]], locations=2)
    body = get(client, f"/services/{service.pk}")
    validate(body, "service")
    validate(body, "service_with_definitions")
    assert body["id"] == str(service.pk)
    assert body["status"] == "active" and body["fees"] == "Free"
    assert len(body["service_at_locations"]) == 2
    location = body["service_at_locations"][0]["location"]
    assert location["accessibility"][0]["description"] == "Step-free access"
    assert {a["taxonomy_term"]["name"] for a in body["attributes"]} == {"Autism", "Support group"}
    assert body["attributes"][0]["taxonomy_term"]["taxonomy"] in {"SEND Hub need", "SEND Hub service type"}
    assert body["organization"]["organization_identifiers"][0]["identifier_type"] == "Charity number"
    assert body["cost_options"][0]["amount"] == 0
    assert body["schedules"][0]["opens_at"] == "10:00:00"
    assert body["last_modified"].endswith("Z")


def test_unknown_ids_give_404_json(client, area):
    draft = make_service(area, published=False)
    for path in (
        f"/services/{uuid.uuid4()}",
        "/services/not-a-uuid",
        f"/services/{draft.pk}",
        f"/organizations/{draft.organization_id}",
        f"/taxonomies/{uuid.uuid4()}",
        f"/taxonomy_terms/{uuid.uuid4()}",
        f"/service_at_locations/{uuid.uuid4()}",
        "/no-such-endpoint",
        "/services/a/b",
    ):
        assert "error" in get(client, path, status=404), path


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "9" * 5000}, "page"),
        ({"per_page": "201"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"taxonomy_term_id": "autism"}, "taxonomy_term_id"),
        ({"taxonomy_id": "1234"}, "taxonomy_id"),
        ({"organization_id": "x"}, "organization_id"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"modified_after": "2024-13-01T00:00:00"}, "modified_after"),
        ({"full": "maybe"}, "full"),
        ({"minimal": "2"}, "minimal"),
        ({"format": "xml"}, "format"),
        ({"minimum_age": "-1"}, "minimum_age"),
        ({"proximity": "5000"}, "proximity"),
        ({"postcode": "PR1 2HE"}, "postcode"),
        ({"postcode": "PR1 2HE", "proximity": "far"}, "proximity"),
        ({"postcode": "PR1 2HE", "proximity": "-5"}, "proximity"),
        ({"postcode": "PR1 2HE", "proximity": "nan"}, "proximity"),
        ({"postcode": "ZZ99 9ZZ", "proximity": "5000"}, "postcode"),
        ({"search": "a\x00b"}, "search"),
    ],
)
def test_bad_parameters_give_400_naming_the_parameter(client, params, named):
    body = get(client, "/services", status=400, **params)
    assert f"'{named}'" in body["error"]


def test_other_endpoints_reject_bad_parameters_too(client):
    assert "'per_page'" in get(client, "/taxonomies", status=400, per_page="1000")["error"]
    assert "'parent_id'" in get(client, "/taxonomy_terms", status=400, parent_id="x")["error"]
    assert "'full_service'" in get(client, "/organizations", status=400, full_service="yes please")["error"]
    assert "'page'" in get(client, "/service_at_locations", status=400, page="-1")["error"]


# Pagination -----------------------------------------------------------------------------------------------


def test_pagination_first_middle_last_and_beyond_as_the_oruk_validator_expects(client, area):
    for n in range(12):
        make_service(area, name=f"Group {n:02d}", locations=0)
    pages = [get(client, "/services", page=n, per_page=5) for n in (1, 2, 3, 4)]
    for page in pages:
        validate(page, "service_list")
    first, middle, last, beyond = pages
    assert (first["total_items"], first["total_pages"]) == (12, 3)
    assert (first["page_number"], first["size"], first["first_page"], first["last_page"], first["empty"]) == (
        1, 5, True, False, False,
    )  # fmt: skip
    assert (middle["page_number"], middle["size"], middle["first_page"], middle["last_page"]) == (2, 5, False, False)
    assert (last["page_number"], last["size"], last["first_page"], last["last_page"]) == (3, 2, False, True)
    assert [s["name"] for s in last["contents"]] == ["Group 10", "Group 11"]
    assert beyond["contents"] == [] and beyond["size"] == 0 and beyond["empty"] is True
    assert (beyond["first_page"], beyond["last_page"], beyond["total_pages"]) == (False, True, 3)
    names = [s["name"] for p in pages for s in p["contents"]]
    assert names == sorted(names) and len(set(names)) == 12


def test_an_empty_result_is_one_empty_first_and_last_page(client):
    page = get(client, "/services")
    validate(page, "service_list")
    assert page == {
        "total_items": 0,
        "total_pages": 1,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }
    assert get(client, "/services", page=10**30)["contents"] == []
    assert get(client, "/services", page="9223372036854775807")["contents"] == []
    assert "'page'" in get(client, "/services", status=400, page="9" * 5000)["error"]


# Filters -------------------------------------------------------------------------------------------------


def test_service_filters(client, area, terms):
    autism = make_service(area, terms=[terms["autism"]], name="Autism café", minimum_age=0, maximum_age=5)
    adhd = make_service(area, terms=[terms["adhd"], terms["group"]], name="ADHD teens", minimum_age=13, maximum_age=19)

    def names(**params):
        page = get(client, "/services", **params)
        validate(page, "service_list")
        return [s["name"] for s in page["contents"]]

    assert names(taxonomy_term_id=str(terms["autism"].pk)) == ["Autism café"]
    assert names(taxonomy_id=str(taxonomies.taxonomy_id(taxonomies.SERVICE_TYPE))) == ["ADHD teens"]
    assert names(organization_id=str(adhd.organization_id)) == ["ADHD teens"]
    assert names(search="café") == ["Autism café"]
    assert names(search="AUTISM café") == ["Autism café"]
    assert names(search=autism.organization.name) == ["Autism café"]
    assert names(minimum_age=10) == ["ADHD teens"]
    assert names(maximum_age=4) == ["Autism café"]
    assert names(minimum_age=4, maximum_age=14) == ["ADHD teens", "Autism café"]
    Service.objects.filter(pk=autism.pk).update(last_modified=timezone.now() - dt.timedelta(days=30))
    since = (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert names(modified_after=since) == ["ADHD teens"]
    assert names(modified_after=(dt.date.today() - dt.timedelta(days=60)).isoformat()) == ["ADHD teens", "Autism café"]
    minimal = get(client, "/services", minimal="true")
    validate(minimal, "service_list")
    assert set(minimal["contents"][0]) == {"id", "name", "status", "last_modified"}


@pytest.fixture
def preston(db):
    Postcode.objects.create(postcode="PR1 2HE", latitude=53.7590, longitude=-2.6980, district="Preston")
    PostcodeDistrict.objects.create(outcode="PR1", latitude=53.7590, longitude=-2.6980, town="Preston")


def test_postcode_and_proximity_filter_by_distance(client, area, preston):
    near = make_service(area, name="Near group", latitude=53.7632, longitude=-2.7031)  # ~600 m
    make_service(area, name="Lancaster group", latitude=54.0466, longitude=-2.8007)  # ~32 km
    farther = make_service(area, name="Chorley group", latitude=53.6530, longitude=-2.6320)  # ~13 km

    page = get(client, "/services", postcode="PR1 2HE", proximity="5000")
    validate(page, "service_list")
    assert [s["id"] for s in page["contents"]] == [str(near.pk)]
    assert get(client, "/services", postcode="pr12he", proximity="20000")["total_items"] == 2

    sals = get(client, "/service_at_locations", postcode="PR1 2HE", proximity="20000")
    validate(sals, "service_at_location_list")
    assert [s["service_id"] for s in sals["contents"]] == [str(near.pk), str(farther.pk)], "nearest first"


def test_an_unknown_postcode_gives_the_geo_message(client, area, preston):
    body = get(client, "/services", status=400, postcode="PR99 9ZZ", proximity="1000")
    assert "'postcode'" in body["error"] and "PR99" in body["error"]
    body = get(client, "/service_at_locations", status=400, postcode="not a postcode", proximity="1000")
    assert "'postcode'" in body["error"]
    assert get(client, "/services", postcode="PR1", proximity="2000")["total_items"] == 0, "a district resolves"


# No N+1 --------------------------------------------------------------------------------------------------


def _queries(client, per_page):
    with CaptureQueriesContext(connection) as captured:
        page = get(client, "/services", full="true", per_page=per_page)
    assert page["size"] == per_page
    return len(captured)


def test_full_services_page_costs_the_same_number_of_queries_for_5_and_50(client, area, terms):
    for _ in range(50):
        make_service(area, terms=[terms["autism"], terms["group"]], locations=2)
    five, fifty = _queries(client, 5), _queries(client, 50)
    assert five == fifty, f"{five} queries for 5 services, {fifty} for 50"
    assert fifty < 30


def test_other_lists_cost_constant_queries(client, area, terms):
    for _ in range(6):
        make_service(area, terms=[terms["autism"]])
    for path, params in (
        ("/service_at_locations", {"full": "true"}),
        ("/organizations", {"full": "true", "full_service": "true"}),
        ("/taxonomy_terms", {}),
    ):
        counts = []
        for per_page in (2, 6):
            with CaptureQueriesContext(connection) as captured:
                get(client, path, per_page=per_page, **params)
            counts.append(len(captured))
        assert counts[0] == counts[1], (path, counts)


# Other endpoints -------------------------------------------------------------------------------------------


def test_taxonomies_and_terms(client, terms):
    page = get(client, "/taxonomies")
    validate(page, "taxonomy_list")
    assert page["total_items"] == 4
    need = taxonomies.taxonomy_id(taxonomies.NEED)
    body = get(client, f"/taxonomies/{need}")
    validate(body, "taxonomy")
    assert "Autism" in [t["name"] for t in body["taxonomy_terms"]]

    term_page = get(client, "/taxonomy_terms", taxonomy_id=str(need), per_page=100)
    validate(term_page, "taxonomy_term_list")
    assert term_page["total_items"] == len(taxonomies.TAXONOMIES[taxonomies.NEED][2])
    assert get(client, "/taxonomy_terms", vocabulary="need", per_page=100)["total_items"] == term_page["total_items"]
    assert get(client, "/taxonomy_terms", root_only="true")["total_items"] > 0
    assert get(client, "/taxonomy_terms", search="autism")["contents"][0]["id"] == str(terms["autism"].pk)
    term = get(client, f"/taxonomy_terms/{terms['autism'].pk}")
    validate(term, "taxonomy_term")
    assert (term["taxonomy"], term["taxonomy_id"], term["code"]) == ("SEND Hub need", str(need), "autism")


def test_organizations_show_providers_with_published_services(client, area, terms):
    org = make_organisation(area, name="Parents Together")
    make_service(area, org=org, name="B group", terms=[terms["autism"]])
    make_service(area, org=org, name="A group")
    make_service(area, org=org, name="Hidden", published=False)
    make_service(area, org=make_organisation(area, name="Only drafts"), published=False)
    Attribute.objects.create(link_type="organization", link_id=org.pk, taxonomy_term=terms["group"])

    page = get(client, "/organizations")
    validate(page, "organization_list")
    assert [o["name"] for o in page["contents"]] == ["Parents Together"]
    assert [s["name"] for s in page["contents"][0]["services"]] == ["A group", "B group"]

    body = get(client, f"/organizations/{org.pk}")
    validate(body, "organization")
    assert body["organization_identifiers"][0]["identifier_scheme"] == "GB-CHC"
    assert body["attributes"][0]["taxonomy_term"]["name"] == "Support group"
    assert "service_at_locations" not in body["services"][0]
    full = get(client, f"/organizations/{org.pk}", full_service="true")
    validate(full, "organization")
    for service in full["services"]:
        validate(service, "service")
    assert full["services"][1]["attributes"][0]["taxonomy_term"]["name"] == "Autism"
    validate(get(client, "/organizations", full="true", full_service="true"), "organization_list")


def test_service_at_locations(client, area):
    service = make_service(area, locations=2)
    page = get(client, "/service_at_locations")
    validate(page, "service_at_location_list")
    assert page["total_items"] == 2 and page["contents"][0]["service"]["id"] == str(service.pk)
    full = get(client, "/service_at_locations", full="true")
    validate(full, "service_at_location_list")
    sal_id = page["contents"][0]["id"]
    body = get(client, f"/service_at_locations/{sal_id}")
    validate(body, "service_at_location")
    validate(body["service"], "service")
    assert body["location"]["addresses"][0]["city"] == "Preston"
    assert body["schedules"][0]["byday"] == "MO"


def test_ndjson_streams_every_result_without_pagination(client, area):
    for _ in range(3):
        make_service(area)
    response = client.get(f"{API}/services", {"format": "ndjson", "full": "true", "per_page": 1})
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 3
    for line in lines:
        validate(json.loads(line), "service")


def test_cors_preflight_and_methods(client):
    response = client.options(
        f"{API}/services", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    response = client.post(f"{API}/services")
    assert response.status_code == 405 and response.json()["error"]
    assert client.head(f"{API}/services").status_code == 200
