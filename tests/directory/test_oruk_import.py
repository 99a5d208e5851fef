"""Importing and exporting Open Referral UK JSON.

The official examples round-trip: import, then the API gives back every field of the source, except:
- ``last_modified`` (a service's): ours is when our copy last changed, so consumers of our feed see imports;
- ``parent_organization_id`` and a term's ``parent_id`` when they name a record that is neither in our
  database nor in the import (the examples' parents are not): we keep no dangling references;
- an attribute's ``link_type`` (HSDS 3.0: what the term describes): ours names the kind of record linked
  ("service"), which SEND Hub's search relies on;
- in ``taxonomy.json``, the nested term's ``taxonomy`` ("taxonomy"): the term is linked to the taxonomy it is
  nested in, whose name ("name") is what we then give.
Extra fields we add (``organization_id``, ``service_id``, ``location_id``, ``link_id``, ``taxonomy_id``, empty
nested arrays...) are allowed by the schemas and not compared.
"""

from __future__ import annotations

import copy
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from sendhub.directory.models import (
    Attribute,
    DirectoryOrganisation,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from sendhub.directory.oruk import exporter
from sendhub.directory.oruk.importer import ImportFailed, import_source
from tests.directory.factories_oruk import make_service, oruk_urls  # noqa: F401
from tests.directory.oruk_schemas import EXAMPLES, example, require_shared, validate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oruk_urls")]
API = "/api/oruk/v3"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
ORG_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
UNSTORED = {"last_modified", "parent_organization_id", "parent_id", "link_type"}


@pytest.fixture(autouse=True)
def _schemas():
    require_shared()


def assert_subset(source, ours, ignore=frozenset(UNSTORED), path="$"):
    """Every field of ``source`` is in ``ours`` with the same value (lists of records matched by id)."""
    if isinstance(source, dict):
        assert isinstance(ours, dict), f"{path}: {ours!r} is not an object"
        for key, value in source.items():
            if key in ignore:
                continue
            assert key in ours, f"{path}.{key} is missing"
            assert_subset(value, ours[key], ignore, f"{path}.{key}")
    elif isinstance(source, list):
        assert isinstance(ours, list) and len(ours) == len(source), f"{path}: {ours!r} vs {source!r}"
        if all(isinstance(item, dict) and "id" in item for item in source):
            by_id = {item.get("id"): item for item in ours}
            for n, item in enumerate(source):
                assert item["id"] in by_id, f"{path}[{n}] id {item['id']} is missing"
                assert_subset(item, by_id[item["id"]], ignore, f"{path}[{n}]")
        else:
            for n, (a, b) in enumerate(zip(source, ours, strict=True)):
                assert_subset(a, b, ignore, f"{path}[{n}]")
    else:
        assert source == ours, f"{path}: {ours!r} != {source!r}"


def api(client, path, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def find(page, record_id):
    return next(item for item in page["contents"] if item["id"] == record_id)


# The official examples round-trip -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "schema", "read_back"),
    [
        ("service_full", "service", lambda c, s: api(c, f"/services/{s['id']}")),
        ("service_list", "service_list", lambda c, s: api(c, "/services")),
        ("organization_full", "organization", lambda c, s: api(c, f"/organizations/{s['id']}", full_service="true")),
        ("organization_list", "organization_list", lambda c, s: api(c, "/organizations")),
        ("service_at_location_full", "service_at_location", lambda c, s: api(c, f"/service_at_locations/{s['id']}")),
        ("service_at_location_list", "service_at_location_list", lambda c, s: api(c, "/service_at_locations")),
        ("taxonomy", "taxonomy", lambda c, s: api(c, f"/taxonomies/{s['id']}")),
        ("taxonomy_list", "taxonomy_list", lambda c, s: api(c, "/taxonomies")),
        ("taxonomy_term", "taxonomy_term", lambda c, s: api(c, f"/taxonomy_terms/{s['id']}")),
        ("taxonomy_term_list", "taxonomy_term_list", lambda c, s: api(c, "/taxonomy_terms", per_page=200)),
    ],
)
def test_official_examples_round_trip(client, area, name, schema, read_back):
    source = example(name)
    if name == "service_list":  # a list gives one-to-one fields; the list needs the organisation first
        import_source(str(EXAMPLES / "organization_list.json"), area)
    if name in ("service_at_location_list", "organization_list"):
        # The SAL list's records name a service we must hold; /organizations lists providers with a published
        # service. So the service comes first.
        import_source(str(EXAMPLES / "service_full.json"), area)
    result = import_source(str(EXAMPLES / f"{name}.json"), area)
    assert result.created or result.updated

    ours = read_back(client, source)
    validate(ours, schema)
    ignore = set(UNSTORED) | ({"taxonomy"} if name == "taxonomy" else set())
    if "contents" in source:
        for item in source["contents"]:
            assert_subset(item, find(ours, item["id"]), ignore)
        assert ours["total_items"] == len(ours["contents"]) >= 1
    else:
        assert_subset(source, ours, ignore)


def test_what_the_round_trip_leaves_out_is_only_what_the_docstring_says(client, area):
    import_source(str(EXAMPLES / "service_full.json"), area)
    ours = api(client, f"/services/{SERVICE_ID}")
    assert "parent_organization_id" not in ours["organization"], "its parent is not in the import"
    assert "parent_id" not in ours["attributes"][0]["taxonomy_term"]
    assert ours["last_modified"] != example("service_full")["last_modified"]
    assert ours["attributes"][0]["taxonomy_term"]["taxonomy"] == "taxonomy", "linked to a taxonomy of that name"


def test_parents_in_the_same_import_are_linked(tmp_path, area):
    parent = copy.deepcopy(example("organization_list")["contents"][0])
    parent.update(id="cd09a387-91f4-4555-94ec-e799c35344cd", name="Parent Org")
    parent.pop("parent_organization_id")
    (tmp_path / "organization_parent.json").write_text(json.dumps(parent))
    (tmp_path / "organization_full.json").write_text((EXAMPLES / "organization_full.json").read_text())
    import_source(str(tmp_path), area)
    assert str(DirectoryOrganisation.objects.get(pk=ORG_ID).parent_organization_id) == parent["id"]


# Idempotent, atomic, validated ------------------------------------------------------------------------------


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (DirectoryOrganisation, Service, Location, ServiceAtLocation, Schedule, Attribute, TaxonomyTerm)
    }


def test_reimport_updates_and_never_duplicates(tmp_path, area):
    import_source(str(EXAMPLES / "service_full.json"), area)
    before = counts()
    result = import_source(str(EXAMPLES / "service_full.json"))  # existing records need no area
    assert counts() == before
    assert result.updated["service"] == 1 and not result.created.get("service")

    changed = example("service_full")
    changed["name"] = "Community Counselling (renamed)"
    changed["schedules"] = []
    changed["contacts"].append({"id": "5b0c5f5e-0d4e-4c5e-8f0e-6c1f9b7a0a11", "name": "Bo Persona"})
    (tmp_path / "service.json").write_text(json.dumps(changed))
    import_source(str(tmp_path / "service.json"))
    service = Service.objects.get(pk=SERVICE_ID)
    assert service.name == "Community Counselling (renamed)"
    assert not service.schedules.exists()
    assert sorted(c.name for c in service.contacts.all()) == ["Ann Persona", "Bo Persona"]
    assert Service.objects.count() == 1


def test_new_services_get_our_workflow_defaults_and_reimport_keeps_them(area):
    import_source(str(EXAMPLES / "service_full.json"), "888")
    service = Service.objects.get(pk=SERVICE_ID)
    assert service.is_published and service.area == area
    assert service.review_by is not None and 360 <= (service.review_by - service.last_modified.date()).days <= 366
    Service.objects.filter(pk=SERVICE_ID).update(is_published=False)
    import_source(str(EXAMPLES / "service_full.json"), "lancashire")
    assert not Service.objects.get(pk=SERVICE_ID).is_published, "re-import does not republish"


def test_a_new_service_needs_an_area(db):
    with pytest.raises(ImportFailed, match="--area"):
        import_source(str(EXAMPLES / "service_full.json"))
    assert not Service.objects.exists() and not DirectoryOrganisation.objects.exists()
    with pytest.raises(ImportFailed, match="no area"):
        import_source(str(EXAMPLES / "service_full.json"), "999")


def test_a_source_with_errors_imports_nothing_and_says_where(tmp_path, area):
    good = example("service_full")
    bad = copy.deepcopy(good)
    bad["id"] = "00000000-0000-4000-8000-000000000001"
    del bad["name"]
    bad["service_at_locations"][0]["location"]["latitude"] = "north"
    bad["organization"]["id"] = "not-a-uuid"
    (tmp_path / "service_a.json").write_text(json.dumps(good))
    (tmp_path / "service_b.json").write_text(json.dumps(bad))
    with pytest.raises(ImportFailed) as failed:
        import_source(str(tmp_path), area)
    text = "\n".join(failed.value.errors)
    assert "service 00000000-0000-4000-8000-000000000001" in text
    assert "'name' is a required property" in text
    assert "$.service_at_locations[0].location.latitude" in text
    assert "$.organization.id" in text and "not-a-uuid" in text
    assert counts() == dict.fromkeys(counts(), 0)


def test_values_our_columns_cannot_hold_are_errors_and_roll_back(tmp_path, area):
    bad = example("service_full")
    bad["service_at_locations"][0]["location"]["addresses"][0]["country"] = "GBR"
    bad["minimum_age"], bad["maximum_age"] = 18, 5
    (tmp_path / "service.json").write_text(json.dumps(bad))
    with pytest.raises(ImportFailed) as failed:
        import_source(str(tmp_path / "service.json"), area)
    text = "\n".join(failed.value.errors)
    assert "below minimum_age" in text
    assert not Service.objects.exists() and not DirectoryOrganisation.objects.exists()
    bad["minimum_age"] = 1
    (tmp_path / "service.json").write_text(json.dumps(bad))
    with pytest.raises(ImportFailed, match=r"addresses\[0\]: \$.country: is 3 characters long"):
        import_source(str(tmp_path / "service.json"), area)
    assert not Service.objects.exists() and not DirectoryOrganisation.objects.exists()


def test_unreadable_and_unknown_records_are_errors(tmp_path, area):
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "mystery.json").write_text(json.dumps({"id": "00000000-0000-4000-8000-000000000002"}))
    with pytest.raises(ImportFailed) as failed:
        import_source(str(tmp_path), area)
    text = "\n".join(failed.value.errors)
    assert "broken.json: not readable JSON" in text and "cannot tell what kind" in text


# Feeds -----------------------------------------------------------------------------------------------------


class _Feed(BaseHTTPRequestHandler):
    """Two list pages of basic services, and each service in full at /services/{id}."""

    services: dict[str, dict] = {}
    requested: list[str] = []

    def do_GET(self):  # noqa: N802
        self.requested.append(self.path)
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        if parts.path == "/api/services":
            ids = sorted(self.services)
            page = int(query.get("page", 1))
            chunk = ids[page - 1 : page]
            basic = [{k: v for k, v in self.services[i].items() if k in ("id", "name", "status")} for i in chunk]
            body = {
                "total_items": len(ids), "total_pages": len(ids), "page_number": page, "size": len(chunk),
                "first_page": page == 1, "last_page": page >= len(ids), "empty": not chunk, "contents": basic,
            }  # fmt: skip
        elif parts.path.startswith("/api/services/"):
            body = self.services[parts.path.rsplit("/", 1)[1]]
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed():
    first = example("service_full")
    second = copy.deepcopy(first)
    second.update(id="2a9c3b1e-6f1d-4d7e-9a60-1c2b3d4e5f60", name="Second service")
    for key in ("schedules", "service_areas", "service_at_locations", "languages", "funding", "cost_options"):
        second[key] = []
    second["contacts"], second["attributes"] = [], []
    _Feed.services = {first["id"]: first, second["id"]: second}
    _Feed.requested = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/services"
    server.shutdown()
    server.server_close()


def test_import_from_a_feed_follows_pages_and_fetches_each_service_in_full(feed, area, client):
    result = import_source(feed, area)
    assert result.created["service"] == 2
    paths = _Feed.requested
    assert any("page=2" in p for p in paths) and all("full=true" in p for p in paths if "?" in p)
    assert f"/api/services/{SERVICE_ID}" in paths
    assert_subset(example("service_full"), api(client, f"/services/{SERVICE_ID}"))
    assert Service.objects.get(name="Second service").organization_id is not None
    import_source(feed)
    assert Service.objects.count() == 2


# Export ---------------------------------------------------------------------------------------------------


def _services_page(client):
    page = api(client, "/services", full="true", per_page=200)
    for item in page["contents"]:
        item.pop("last_modified")
    return page


@pytest.mark.parametrize("as_folder", [False, True])
def test_export_then_import_gives_the_same_feed(tmp_path, client, area, as_folder):
    from sendhub.directory import taxonomies

    taxonomies.ensure_taxonomies()
    autism = TaxonomyTerm.objects.get(code="autism")
    for _ in range(3):
        make_service(area, terms=[autism], locations=2)
    make_service(area, published=False, name="Draft")
    before = _services_page(client)
    out = tmp_path / ("out/" if as_folder else "services.json")
    assert exporter.export(str(out) + ("/" if as_folder else ""), area) == 3
    if as_folder:
        assert len(list(out.glob("*.json"))) == 3
    else:
        validate(json.loads(out.read_text()), "service_list")

    for model in (Attribute, ServiceAtLocation, Location, Service, DirectoryOrganisation, TaxonomyTerm, Taxonomy):
        model.objects.all().delete()
    import_source(str(out), area)
    assert _services_page(client) == before


def test_commands(tmp_path, area, capsys):
    call_command("oruk_import", str(EXAMPLES / "service_full.json"), "--area", "888")
    assert "service: 1 created" in capsys.readouterr().out
    out = tmp_path / "all.json"
    call_command("oruk_export", "--out", str(out), "--area", "lancashire")
    assert "Wrote 1 service(s)" in capsys.readouterr().out
    assert json.loads(out.read_text())["contents"][0]["id"] == SERVICE_ID
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("oruk_import", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="no area"):
        call_command("oruk_export", "--out", str(out), "--area", "nowhere")
