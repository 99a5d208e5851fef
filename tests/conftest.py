"""Shared fixtures: people in each role, logged-in clients, and a page check on every rendered page."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from sendhub.accounts.models import Organisation, Role
from tests.factories import LocalAreaFactory, NationalOrganisationFactory, OrganisationFactory, member
from tests.pagecheck import check_response

# One file per database, so the SQLite and PostgreSQL runs of `make test` can run side by side.
_DATABASE = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
# and under pytest-xdist one file per worker (each process logs alone), which the controller scans at the end.
_ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artefacts"
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
SUITE_LOG = _ARTEFACTS / f"suite-log-{_DATABASE}-{_WORKER}.jsonl"


def _suite_logs() -> list[Path]:
    return sorted(_ARTEFACTS.glob(f"suite-log-{_DATABASE}-*.jsonl"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "no_pagecheck: do not run the page check (tests/pagecheck.py) on pages this test renders",
    )
    if getattr(config, "workerinput", None) is None:
        for log in _suite_logs():  # a run that collects nothing must not scan an earlier run's logs
            log.unlink(missing_ok=True)


@pytest.fixture(scope="session", autouse=True)
def _record_suite_logs():
    """Everything the suite logs, written as production writes it (JSON, request ids, scrubbed) to SUITE_LOG."""
    from tests.logscan import as_production_writes

    SUITE_LOG.parent.mkdir(exist_ok=True)
    handler = as_production_writes(logging.FileHandler(SUITE_LOG, mode="w", encoding="utf-8"))
    handler.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)
    yield
    logging.getLogger().removeHandler(handler)
    handler.close()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if any log line the suite produced holds a fixture's name, a child's name, an email address
    or a postcode (the scan is tests/logscan.py; tests/test_log_privacy.py proves it catches them)."""
    if getattr(session.config, "workerinput", None) is not None:
        return
    from tests.logscan import personal_data_in

    found = []
    for log in _suite_logs():
        with log.open(encoding="utf-8") as lines:
            found += [f"{log.name}: {line}" for line in personal_data_in(lines)]
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "Personal data in the suite's logs (test-artefacts/):\n  " + "\n  ".join(found[:20])
        if reporter:
            reporter.write_line(message, red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _pagecheck(request, monkeypatch):
    """Parse and check every HTML page the Django test client returns (see tests/pagecheck.py)."""
    if request.node.get_closest_marker("no_pagecheck"):
        return
    original = Client.request

    def request_and_check(self, **kwargs):
        response = original(self, **kwargs)
        check_response(response)
        return response

    monkeypatch.setattr(Client, "request", request_and_check)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to this test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a rolled-back database can reuse ids that cached keys name."""
    cache.clear()
    yield
    cache.clear()


# Areas and organisations ------------------------------------------------------------------------------


@pytest.fixture
def area(db):
    return LocalAreaFactory(name="Lancashire", slug="lancashire", la_code="888", ons_code="E10000017")


@pytest.fixture
def other_area(db):
    return LocalAreaFactory(name="Cumbria", slug="cumbria", la_code="909", ons_code="E10000006")


@pytest.fixture
def la_org(area):
    """The area's local authority."""
    return OrganisationFactory(area=area, name="Lancashire County Council", short_name="LCC")


@pytest.fixture
def health_org(area):
    """Another partner in the area (an ICB), for 'someone else's action' cases."""
    return OrganisationFactory(
        area=area, name="Lancashire and South Cumbria ICB", short_name="ICB", kind=Organisation.Kind.HEALTH
    )


@pytest.fixture
def forum_org(area):
    return OrganisationFactory(
        area=area, name="Lancashire Parent Carer Forum", kind=Organisation.Kind.PARENT_CARER_FORUM
    )


@pytest.fixture
def dfe_org(db):
    return NationalOrganisationFactory(name="Department for Education")


# People, one per role -------------------------------------------------------------------------------


@pytest.fixture
def admin_user(area, la_org):
    return member(area, Role.ADMINISTRATOR, la_org, full_name="Ada Administrator", email="ada@example.org")


@pytest.fixture
def editor_user(area, la_org):
    """An editor for the area's local authority (la_org)."""
    return member(area, Role.EDITOR, la_org, full_name="Eddie Editor", email="eddie@example.org")


@pytest.fixture
def forum_user(area, forum_org):
    return member(area, Role.FORUM_MEMBER, forum_org, full_name="Fran Forum", email="fran@example.org")


@pytest.fixture
def monitor_user(area, dfe_org):
    return member(area, Role.MONITOR, dfe_org, full_name="Mo Monitor", email="mo@example.org")


@pytest.fixture
def viewer_user(area):
    return member(area, Role.VIEWER, full_name="Vic Viewer", email="vic@example.org")


@pytest.fixture
def outsider(other_area):
    """An administrator of other_area with no role in area: must see nothing of area."""
    org = OrganisationFactory(area=other_area, name="Cumbria County Council")
    return member(other_area, Role.ADMINISTRATOR, org, full_name="Otto Outsider", email="otto@example.org")


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client signed in as ``user`` (``None`` gives an anonymous client)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
