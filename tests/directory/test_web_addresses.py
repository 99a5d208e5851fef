"""Web addresses in the directory are http(s) only: imports refuse others naming the record and field, the
listing form refuses them, and the public page and the ORUK API leave out any already stored."""

from __future__ import annotations

import copy
import json

import pytest
from django.urls import reverse

from sendhub.directory.models import Accessibility, DirectoryOrganisation, Schedule, Service, Taxonomy
from sendhub.directory.oruk.importer import ImportFailed, import_source
from sendhub.directory.weblinks import is_web_url
from tests.directory.factories_oruk import make_service, oruk_urls  # noqa: F401
from tests.directory.oruk_schemas import example, require_shared
from tests.directory.test_pages import listing_data, provider

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oruk_urls")]

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "ftp://files.example.org/leaflet.pdf",
    "//evil.example.org/",
    "https:///no-host",
    "www.example.org",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_only_http_and_https_addresses_with_a_host_are_web_addresses(value):
    assert not is_web_url(value)


@pytest.mark.parametrize("value", ["https://example.org", "http://example.org/a?b=c#d", "HTTPS://EXAMPLE.ORG"])
def test_http_and_https_addresses_are_web_addresses(value):
    assert is_web_url(value)


# Imports ---------------------------------------------------------------------------------------------------


def _with(record: dict, path: str, value: str) -> dict:
    """A copy of ``record`` with the field at ``path`` (dots and list indexes) set to ``value``."""
    changed = copy.deepcopy(record)
    *parents, last = path.split(".")
    target = changed
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return changed


@pytest.mark.parametrize(
    "path, reported",
    [
        ("url", "service_full.json $: $.url"),
        ("organization.website", "service_full.json $.organization: $.website"),
        ("organization.logo", "service_full.json $.organization: $.logo"),
        (
            "service_at_locations.0.location.accessibility.0.url",
            "service_full.json $.service_at_locations[0].location.accessibility[0]: $.url",
        ),
        ("schedules.0.schedule_link", "service_full.json $.schedules[0]: $.schedule_link"),
    ],
)
@pytest.mark.parametrize("value", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"])
def test_an_import_with_a_script_address_is_refused_naming_the_record_and_field(tmp_path, area, path, reported, value):
    require_shared()
    source = tmp_path / "service_full.json"
    source.write_text(json.dumps(_with(example("service_full"), path, value)))
    with pytest.raises(ImportFailed) as failed:
        import_source(str(source), area)
    assert failed.value.errors == [
        f"{tmp_path}/{reported}: {value!r} is not a web address: only addresses starting http:// or https:// are "
        "accepted"
    ]
    assert not Service.objects.exists() and not DirectoryOrganisation.objects.exists()


def test_a_taxonomy_with_a_script_address_is_refused(tmp_path, area):
    require_shared()
    source = tmp_path / "taxonomy.json"
    source.write_text(json.dumps(_with(example("taxonomy"), "uri", "javascript:alert(1)")))
    with pytest.raises(ImportFailed, match=r"taxonomy.json \$: \$.uri: 'javascript:alert\(1\)' is not a web address"):
        import_source(str(source), area)
    assert not Taxonomy.objects.exists()


# Addresses already stored ------------------------------------------------------------------------------------


@pytest.fixture
def stored(area):
    """A listing whose addresses were stored before imports checked them."""
    service = make_service(area)
    Service.objects.filter(pk=service.pk).update(url="javascript:alert(1)")
    DirectoryOrganisation.objects.filter(pk=service.organization_id).update(
        website="javascript:alert(2)", logo="data:image/svg+xml,<svg onload=alert(3)>", uri="https://ok.example.org"
    )
    Accessibility.objects.filter(location__service_at_locations__service=service).update(url="vbscript:x")
    Schedule.objects.filter(service=service).update(schedule_link="javascript:alert(4)")
    return Service.objects.get(pk=service.pk)


def _strings(document) -> list[str]:
    if isinstance(document, dict):
        return [s for value in document.values() for s in _strings(value)]
    if isinstance(document, list):
        return [s for value in document for s in _strings(value)]
    return [document] if isinstance(document, str) else []


@pytest.mark.parametrize("path", ["/services/{id}", "/services?full=true", "/service_at_locations?full=true"])
def test_the_api_never_republishes_a_script_address(client, stored, path):
    response = client.get("/api/oruk/v3" + path.format(id=stored.pk))
    assert response.status_code == 200
    text = response.content.decode()
    for scheme in ("javascript:", "data:", "vbscript:"):
        assert scheme not in text
    assert "https://ok.example.org" in _strings(response.json())  # an http(s) address is still published


def test_the_public_page_never_links_a_script_address(client, stored):
    page = client.get(stored.get_absolute_url()).content.decode()
    assert "javascript:" not in page and "Website:" not in page


def test_the_public_page_links_an_http_address(client, area):
    service = make_service(area)
    page = client.get(service.get_absolute_url()).content.decode()
    assert f'href="{service.url}"' in page


# The listing form ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("javascript:alert(1)", "Enter a valid URL."),  # Django's own check
        ("ftp://files.example.org/leaflet.pdf", "Enter a website address that starts with https:// or http://"),
    ],
)
def test_the_listing_form_refuses_other_schemes(client_for, admin_user, area, value, message):
    org = provider(area)
    data = {key: "" if item is None else item for key, item in listing_data(org, url=value).items()}
    response = client_for(admin_user).post(reverse("directory:listing-create", args=[area.slug]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [message]
    assert not Service.objects.exists()
