"""The reconciliation page: the SEN2 return beside DfE's figures for staff of the area (every page rendered here
also passes tests/pagecheck.py)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendhub.outcomes.dfe import import_release
from sendhub.outcomes.reconcile import RULE
from tests.outcomes.test_reconcile_command import store_returns, write_release

pytestmark = pytest.mark.django_db


def page_url(area, **query) -> str:
    url = reverse("outcomes:reconcile", args=[area.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


@pytest.fixture
def release(db, tmp_path):
    return import_release(write_release(tmp_path / "release"))


@pytest.fixture
def sen2_return(area):
    return store_returns(area)


@pytest.fixture
def viewer(client_for, viewer_user):
    return client_for(viewer_user)


def test_the_latest_year_beside_dfe_with_sources_statuses_and_causes(viewer, area, release, sen2_return):
    response = viewer.get(page_url(area))
    assert response.status_code == 200
    page = text(response)
    assert "Check the SEN2 return against DfE's figures" in page
    # Where each column comes from.
    assert "SEN2 return of 16 January 2025 (collection year 2025, sen2-2025.xml)" in page
    assert "DfE release 2025" in page and "Lancashire: calendar year 2024; plans as at January 2025" in page
    assert "SEN2 return of 16 Jan 2025" in page  # the table's column heading
    assert RULE in page and "5 differ beyond rounding" in page
    headline, other = page.index("Headline measures"), page.index("Other measures")
    assert headline < page.index("New EHC plans issued within 20 weeks (%)") < other
    assert "Exception (Week20) coding" in page and "Placements not recognised" in page
    assert "57.8% 17.3% +40.5 points Differs" in page
    assert 'value="2024" selected' in response.content.decode()


def test_another_year_and_its_return(viewer, area, release, sen2_return):
    page = text(viewer.get(page_url(area, year=2023)))
    assert "SEN2 return of 18 January 2024 (collection year 2024, sen2-2024.xml)" in page
    assert "calendar year 2023; plans as at January 2024" in page


@pytest.mark.parametrize("year", ["abc", "2019", "", "20244"])
def test_a_year_without_a_return_is_a_clear_error(viewer, area, release, sen2_return, year):
    response = viewer.get(page_url(area, year=year))
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    expected = "Choose a year" if year == "" else (
        "Choose a year for which Lancashire has a SEN2 return from the following January (2024, 2023)"
    )
    assert expected in page
    assert "Headline measures" not in page


def test_without_a_dfe_release_it_says_what_to_do(viewer, area, sen2_return):
    page = text(viewer.get(page_url(area)))
    assert "No DfE release is imported; run 'sendhub dfe import PATH' first." in page
    assert "Headline measures" not in page


def test_without_a_return(client_for, admin_user, viewer, area, release):
    assert "Lancashire has no SEN2 return imported yet." in text(viewer.get(page_url(area)))
    upload = reverse("outcomes:return-upload", args=[area.slug])
    assert upload not in viewer.get(page_url(area)).content.decode()
    assert upload in client_for(admin_user).get(page_url(area)).content.decode()


def test_queries_do_not_grow_with_the_measures(viewer, area, release, sen2_return):
    with CaptureQueriesContext(connection) as queries:
        assert viewer.get(page_url(area)).status_code == 200
    # Session, user, area, membership, years, return, its values, DfE figures, the columns missing for the area.
    assert len(queries) <= 15


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin_user", 200),
        ("editor_user", 200),
        ("forum_user", 200),
        ("monitor_user", 200),
        ("viewer_user", 200),
        ("outsider", 403),
    ],
)
def test_for_members_of_the_area_only(request, client_for, area, release, sen2_return, who, status):
    assert client_for(request.getfixturevalue(who)).get(page_url(area)).status_code == status


def test_signed_out_goes_to_sign_in(client, area):
    response = client.get(page_url(area))
    assert response.status_code == 302 and reverse("accounts:sign-in") in response["Location"]


@pytest.mark.parametrize("page", ["outcomes:dashboard", "outcomes:benchmarks", "outcomes:return-list"])
def test_linked_from_the_outcomes_pages(viewer, area, page):
    html = viewer.get(reverse(page, args=[area.slug])).content.decode()
    assert f'href="{page_url(area)}"' in html
