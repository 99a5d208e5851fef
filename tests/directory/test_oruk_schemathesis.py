"""Schemathesis against our served OpenAPI document, in process (Django's WSGI app): generated requests,
valid and invalid, for every operation, bounded (25 examples each, no deadline), must never get a server error.

Each operation is its own test; the hypothesis loop is driven here rather than by ``@schema.parametrize()``,
whose lazy-fixture mode does not work with pytest 9 in schemathesis 4.32."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from sendhub.directory import taxonomies
from sendhub.directory.models import Postcode, TaxonomyTerm
from sendhub.directory.oruk.views import OPENAPI_FILE
from tests.directory.factories_oruk import make_service, oruk_urls  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.no_pagecheck]
PATHS = list(json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))["paths"])


@pytest.fixture
def oruk_schema(oruk_urls, area):  # noqa: F811
    taxonomies.ensure_taxonomies()
    autism = TaxonomyTerm.objects.get(code="autism")
    for _ in range(3):
        make_service(area, terms=[autism])
    Postcode.objects.create(postcode="PR1 2HE", latitude=53.759, longitude=-2.698)
    # As Django's test client does: a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/oruk/v3/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("path", PATHS)
def test_no_server_errors(oruk_schema, path):
    operation = oruk_schema[path]["GET"]
    strategy = operation.as_strategy(GenerationMode.POSITIVE)
    if operation.path_parameters or operation.query:
        strategy |= operation.as_strategy(GenerationMode.NEGATIVE)

    @given(case=strategy)
    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call()
        case.validate_response(response, checks=[not_a_server_error])

    check()
