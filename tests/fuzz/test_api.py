"""The public ORUK API (``/api/oruk/v3/``) asked with hostile query strings: 200 with JSON, or 400/404 with a JSON
error message, never a server error.

tests/directory/test_oruk_schemathesis.py already sends what the OpenAPI document describes (valid values and
values of the wrong type). This complements it with what a schema-driven generator does not send: NULs, RTL
overrides, 100,000 characters, numbers past 64 bits, ``NaN``, raw non-UTF-8 bytes, a parameter given several
times, parameters the document does not name, all documented parameters at once, and hostile ids in the path.
The operations and their parameters are discovered from the URL configuration and the served OpenAPI document.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sendhub.directory import taxonomies
from sendhub.directory.models import Postcode
from sendhub.directory.oruk.views import OPENAPI_FILE
from tests import test_permissions as tp
from tests.fuzz import hostile
from tests.fuzz.conftest import fuzz_settings

pytestmark = [pytest.mark.django_db, pytest.mark.no_pagecheck]

EXAMPLES = 20
OPENAPI = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
# Parameters the API might plausibly grow, or that clients send anyway: each must be ignored or refused cleanly.
UNDOCUMENTED = ("sort", "order", "callback", "fields", "lang", "id", "limit", "offset", "__proto__")


def documented_parameters(api_path: str) -> list[str]:
    operation = OPENAPI["paths"].get(api_path, {}).get("get", {})
    names = []
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = OPENAPI["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        if parameter.get("in") == "query":
            names.append(parameter["name"])
    return names


def operations() -> list:
    """Every ORUK URL of the URL configuration except the catch-all, with its OpenAPI path."""
    cases = []
    for name, url in sorted(tp.DISCOVERED.items()):
        if not name.startswith("oruk:") or name == "oruk:not_found":
            continue
        api_path = "/" + url.route.split("v3/", 1)[-1].replace("<str:id>", "{id}")
        cases.append(pytest.param(name, api_path, id=name))
    return cases


VALUES = st.one_of(
    hostile.hostile_scalar(),
    st.sampled_from(["true", "false", "1", "0", "yes", "", " ", "PR1 2HE", "PR1", "ZZ99 9ZZ", "5000",
                     "00000000-0000-4000-8000-000000000000", "2024-05-01T09:00:00Z", "ndjson", "json"]),
)
RAW = st.sampled_from(["%FF%FE", "%C3%28", "%ED%A0%80", "%00", "%", "%%", "%E2%80%AE", "%F4%90%80%80"])


@st.composite
def query_strings(draw, names: list[str]) -> str:
    """A query string: some of the parameters, each once or several times, hostile or plausible, some raw."""
    chosen = draw(st.lists(st.sampled_from([*names, *UNDOCUMENTED]), max_size=6))
    if draw(st.booleans()):
        chosen = [*names, *chosen]  # every documented parameter at once
    parts = []
    for name in chosen:
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.integers(0, 5)) == 0:
                parts.append(f"{quote(name)}={draw(RAW)}")
            else:
                parts.append(urlencode({name: draw(VALUES)}))
    return "&".join(parts)


@pytest.fixture
def published(world):
    """A published listing, a taxonomy and a known postcode, so filters and distances have data to work on."""
    taxonomies.ensure_taxonomies()
    world.listing(world.area)
    world.taxonomy_term(world.area)
    Postcode.objects.get_or_create(postcode="PR1 2HE", defaults={"latitude": 53.759, "longitude": -2.698})
    return world


def check_answer(response, sent: str) -> None:
    status = response.status_code
    assert status < 500, f"server error {status} for {sent}"
    assert status in (200, 400, 404), f"unexpected status {status} for {sent}"
    content_type = response.get("Content-Type", "")
    if status == 200 and content_type.startswith("application/x-ndjson"):
        for line in b"".join(response.streaming_content).decode().splitlines():
            json.loads(line)
        return
    assert content_type.startswith("application/json"), f"{status} as {content_type!r} for {sent}"
    body = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    if status != 200:
        assert isinstance(body, dict) and str(body.get("error", "")).strip(), f"{status} without a message: {body}"


@pytest.mark.parametrize(("url_name", "api_path"), operations())
def test_query_strings_get_json_answers_never_a_server_error(client, published, url_name, api_path):
    rule = tp.RULES[url_name]
    base = tp.url_for(published, tp.DISCOVERED[url_name], rule.kwargs(published, published.area, tp.MAIN))
    names = documented_parameters(api_path) or ["page"]

    @fuzz_settings(EXAMPLES)
    @given(query=query_strings(names))
    def ask(query):
        cache.clear()
        response = client.get(f"{base}?{query}")
        check_answer(response, f"GET {base}?{query[:300]}")

    ask()


ODD_IDS = st.one_of(
    hostile.hostile_text(),
    st.sampled_from(["00000000-0000-4000-8000-000000000000", "{ac148810-d857-441c-9679-408f346de14b}",
                     "AC148810D857441C9679408F346DE14B", "urn:uuid:ac148810-d857-441c-9679-408f346de14b", "..",
                     "%2e%2e", "1 OR 1=1", "-1", "9" * 400]),
)


@pytest.mark.parametrize("url_name", [n for n, url in sorted(tp.DISCOVERED.items()) if n.startswith("oruk:")
                                      and "id" in url.kwargs])
def test_hostile_ids_are_a_json_not_found(client, published, url_name):
    @fuzz_settings(EXAMPLES // 2)
    @given(raw=ODD_IDS)
    def ask(raw):
        path = reverse(url_name, kwargs={"id": "x"}).rsplit("/", 1)[0] + "/" + quote(raw, safe="")
        response = client.get(path)
        check_answer(response, f"GET {path[:300]}")
        assert response.status_code in (400, 404), f"{response.status_code} for an id that is no record: {path}"

    ask()
