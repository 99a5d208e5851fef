"""Public Local Offer pages: search with each filter, places that cannot be found, pagination, the service page
and the "Report a problem" form (success, honeypot, rate limit, CSRF). No JavaScript, no sign-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from sendhub import urls as project_urls
from sendhub.directory import services, taxonomies
from sendhub.directory.models import DirectoryOrganisation, Place, PostcodeDistrict, ProblemReport, Service

pytestmark = [pytest.mark.django_db]

# Until the lead mounts the directory in sendhub/urls.py, these tests mount it themselves.
if not any(getattr(p, "namespace", None) == "directory" for p in project_urls.urlpatterns):
    urlpatterns = [
        *project_urls.urlpatterns,
        path("areas/<slug:area_slug>/local-offer/", include("sendhub.directory.urls")),
    ]
    handler403, handler404, handler500 = project_urls.handler403, project_urls.handler404, project_urls.handler500
    pytestmark.append(pytest.mark.urls(__name__))

PRESTON = (53.7632, -2.7031)
CHORLEY = (53.6530, -2.6320)
LANCASTER = (54.0466, -2.8007)


# Helpers shared by the directory tests ----------------------------------------------------------------


def load_places(area) -> None:
    """The postcode districts and towns the tests search near."""
    PostcodeDistrict.objects.bulk_create([
        PostcodeDistrict(outcode="PR1", latitude=PRESTON[0], longitude=PRESTON[1], town="Preston"),
        PostcodeDistrict(outcode="PR7", latitude=CHORLEY[0], longitude=CHORLEY[1], town="Chorley"),
        PostcodeDistrict(outcode="LA1", latitude=LANCASTER[0], longitude=LANCASTER[1], town="Lancaster"),
    ])
    Place.objects.bulk_create([
        Place(area=area, name="Preston", latitude=PRESTON[0], longitude=PRESTON[1], district="Preston"),
        Place(area=area, name="Chorley", latitude=CHORLEY[0], longitude=CHORLEY[1], district="Chorley"),
        Place(area=area, name="Lancaster", latitude=LANCASTER[0], longitude=LANCASTER[1], district="Lancaster"),
    ])


def provider(area, partner=None, name="Red Rose Families") -> DirectoryOrganisation:
    return DirectoryOrganisation.objects.create(area=area, partner=partner, name=name, description="A provider")


def listing_data(org, **overrides) -> dict:
    point = overrides.pop("point", PRESTON)
    data = {
        "name": "Preston Autism Parent Support Group",
        "organization": str(org.pk),
        "description": "A friendly group for parents of autistic children.",
        "eligibility_description": "Parents and carers of children with autism.",
        "minimum_age": None,
        "maximum_age": None,
        "service_types": ["support-group"],
        "needs": ["autism"],
        "age_groups": ["parents-carers"],
        "is_free": True,
        "fees_description": "",
        "url": "https://example.org/group",
        "email": "group@example.org",
        "phone": "01632 960001",
        "location_name": "Preston Community Centre",
        "address_1": "1 Church Street",
        "address_2": "",
        "city": "Preston",
        "postcode": "PR1 9ZZ",
        "latitude": point[0],
        "longitude": point[1],
        "district": "Preston",
        "accessibility": "Step-free access",
        "days": ["TU"],
        "frequency": "WEEKLY",
        "week_of_month": "",
        "opens_at": "10:00",
        "closes_at": "12:00",
        "review_by": (timezone.localdate() + timedelta(days=180)).isoformat(),
    }
    data.update(overrides)
    return data


def make_listing(area, org, user=None, **overrides) -> Service:
    return services.save_listing(area=area, data=listing_data(org, **overrides), user=user)


def search_url(area, **params) -> str:
    from urllib.parse import urlencode

    return reverse("directory:search", args=[area.slug]) + ("?" + urlencode(params) if params else "")


def result_names(response) -> list[str]:
    return [r.service.name for r in response.context["results"]]


# Fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture
def directory(area):
    taxonomies.ensure_taxonomies()
    load_places(area)
    org = provider(area)
    listings = {
        "autism": make_listing(area, org),
        "adhd": make_listing(
            area, org, name="Chorley ADHD Coffee Morning", needs=["adhd"], point=CHORLEY, city="Chorley",
            postcode="PR7 9ZZ", district="Chorley", days=["TH"], description="Coffee and chat about ADHD.",
        ),
        "swim": make_listing(
            area, org, name="Lancaster Inclusive Swimming", service_types=["leisure"], needs=["sensory"],
            age_groups=["5-10"], minimum_age=5, maximum_age=10, is_free=False, fees_description="£3 a session",
            point=LANCASTER, city="Lancaster", postcode="LA1 9ZZ", district="Lancaster", days=["SA"],
            description="Quiet swimming sessions.",
        ),
    }
    return listings


# Search -----------------------------------------------------------------------------------------------


def test_search_page_without_a_query_lists_every_published_listing(client, area, directory):
    Service.objects.filter(pk=directory["swim"].pk).update(is_published=False)
    response = client.get(search_url(area))
    assert response.status_code == 200
    assert sorted(result_names(response)) == ["Chorley ADHD Coffee Morning", "Preston Autism Parent Support Group"]
    assert "Find support and services" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "swimming"}, ["Lancaster Inclusive Swimming"]),
        ({"type": "support-group"}, ["Chorley ADHD Coffee Morning", "Preston Autism Parent Support Group"]),
        ({"need": "adhd"}, ["Chorley ADHD Coffee Morning"]),
        ({"age": "5-10"}, ["Lancaster Inclusive Swimming"]),
        ({"free": "on"}, ["Chorley ADHD Coffee Morning", "Preston Autism Parent Support Group"]),
        ({"day": "SA"}, ["Lancaster Inclusive Swimming"]),
        ({"near": "PR1", "miles": "5"}, ["Preston Autism Parent Support Group"]),
        ({"near": "Chorley", "miles": "2"}, ["Chorley ADHD Coffee Morning"]),
        ({"near": "53.7632,-2.7031", "miles": "10"},
         ["Chorley ADHD Coffee Morning", "Preston Autism Parent Support Group"]),
    ],
)
def test_each_filter_narrows_the_results(client, area, directory, params, expected):
    response = client.get(search_url(area, **params))
    assert response.status_code == 200
    assert sorted(result_names(response)) == expected


def test_sort_by_distance_and_distances_in_miles(client, area, directory):
    response = client.get(search_url(area, near="PR1", sort="distance"))
    names = result_names(response)
    assert names == ["Preston Autism Parent Support Group", "Chorley ADHD Coffee Morning",
                     "Lancaster Inclusive Swimming"]
    miles = [r.miles for r in response.context["results"]]
    assert miles[0] < 0.1 and 7 < miles[1] < 9  # Preston to Chorley is about 8 miles
    assert "miles away" in response.content.decode()


def test_summary_sentence_names_the_active_filters(client, area, directory):
    response = client.get(search_url(area, type="support-group", need="autism", near="PR1", miles="5"))
    assert response.context["summary"] == "1 support group for autism within 5 miles of PR1 (Preston)"
    page = response.content.decode()
    assert "1 support group for autism within 5 miles of PR1 (Preston)" in page
    assert "Next meeting" in page  # the group meets on Tuesdays


def test_results_show_who_it_is_for_cost_and_district(client, area, directory):
    page = client.get(search_url(area, q="swimming")).content.decode()
    assert "Sensory (hearing, vision, multi-sensory)" in page and "Primary age (5 to 10)" in page
    assert "£3 a session" in page and "Lancaster" in page


@pytest.mark.parametrize(
    ("near", "message"),
    [
        ("PR99 9ZZ", "We could not find the postcode PR99 9ZZ"),
        ("Prestonn", "Did you mean Preston?"),
    ],
)
def test_unknown_place_is_a_form_error_linked_from_the_summary(client, area, directory, near, message):
    response = client.get(search_url(area, near=near, miles="5"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert 'href="#id_near"' in page
    assert response.context.get("results") is None


def test_distance_without_a_place_asks_for_one(client, area, directory):
    page = client.get(search_url(area, sort="distance")).content.decode()
    assert "Enter a postcode, postcode district or town to sort by distance" in page


def test_pagination_keeps_the_query_string(client, area, directory):
    org = DirectoryOrganisation.objects.get(area=area)
    for n in range(25):
        make_listing(area, org, name=f"Extra autism group {n:02d}")
    first = client.get(search_url(area, need="autism"))
    assert first.context["total"] == 26 and len(first.context["results"]) == 20
    page = first.content.decode()
    assert "need=autism&amp;page=2" in page
    second = client.get(search_url(area, need="autism", page="2"))
    assert len(second.context["results"]) == 6
    assert set(result_names(first)).isdisjoint(result_names(second))


@pytest.mark.parametrize("page", ["9223372036854775807", "9" * 5000, "4"])
@pytest.mark.parametrize("near", [{}, {"near": "PR1", "sort": "distance"}, {"near": "PR1", "miles": "20"}])
def test_a_page_past_the_last_shows_the_last(client, area, directory, page, near):
    org = DirectoryOrganisation.objects.get(area=area)
    for n in range(25):
        make_listing(area, org, name=f"Extra autism group {n:02d}")
    response = client.get(search_url(area, need="autism", page=page, **near))
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2 and len(response.context["results"]) == 6
    assert 'aria-current="page">2</a>' in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-3", "1.5", "\u0662", ""])
def test_a_page_that_is_not_a_page_number_shows_the_first(client, area, directory, page):
    response = client.get(search_url(area, page=page))
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1 and len(response.context["results"]) == 3


def test_search_page_is_public_and_print_friendly(area, directory):
    response = Client().get(search_url(area))
    assert response.status_code == 200
    assert "sendhub-no-print" in response.content.decode()


# Service page -----------------------------------------------------------------------------------------


def test_service_page_shows_what_who_when_where_contact_and_cost(client, area, directory):
    service = directory["autism"]
    response = client.get(service.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "Preston Autism Parent Support Group", "A friendly group for parents of autistic children.",
        "Autism", "Parents and carers", "Every Tuesday, 10am to 12pm", "1 Church Street", "PR1 9ZZ",
        "Step-free access", "01632 960001", "group@example.org", "https://example.org/group", "Free",
        "Last reviewed", "Report a problem with this listing",
        "https://www.openstreetmap.org/?mlat=53.76320&amp;mlon=-2.70310#map=16/53.76320/-2.70310",
    ]:
        assert text in page, text


def test_unpublished_or_other_area_listing_is_not_found(client, area, other_area, directory):
    service = directory["autism"]
    Service.objects.filter(pk=service.pk).update(is_published=False)
    assert client.get(service.get_absolute_url()).status_code == 404
    other = reverse("directory:service", args=[other_area.slug, directory["adhd"].pk])
    assert client.get(other).status_code == 404


# Report a problem -------------------------------------------------------------------------------------


def report_url(service) -> str:
    return reverse("directory:report", args=[service.area.slug, service.pk])


def test_report_a_problem_saves_it_and_thanks_the_visitor(client, area, directory):
    service = directory["autism"]
    response = client.post(report_url(service), {"problem": "times", "details": "It moved to Wednesdays.",
                                                  "email": "parent@example.org"}, follow=True)
    assert response.status_code == 200
    assert "Thank you for reporting a problem" in response.content.decode()
    report = ProblemReport.objects.get()
    assert (report.service, report.problem, report.reporter_email) == (service, "times", "parent@example.org")


def test_report_errors_show_on_the_service_page(client, area, directory):
    service = directory["autism"]
    response = client.post(report_url(service), {"details": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Select what is wrong with the listing" in page
    assert not ProblemReport.objects.exists()


def test_a_filled_honeypot_looks_accepted_but_is_discarded(client, area, directory):
    service = directory["autism"]
    response = client.post(report_url(service), {"problem": "other", "details": "Buy cheap things",
                                                  "website": "https://spam.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:report-sent", args=[area.slug, service.pk])
    assert not ProblemReport.objects.exists()


def test_the_honeypot_is_hidden_from_people(client, area, directory):
    page = client.get(directory["autism"].get_absolute_url()).content.decode()
    assert '<div hidden>' in page and 'name="website"' in page and 'tabindex="-1"' in page


def test_reports_are_rate_limited_per_address(client, area, directory):
    service = directory["autism"]
    for _ in range(5):
        assert client.post(report_url(service), {"problem": "other", "details": "Wrong"}).status_code == 302
    response = client.post(report_url(service), {"problem": "other", "details": "Wrong"})
    assert response.status_code == 429
    assert "You have sent too many reports" in response.content.decode()
    assert ProblemReport.objects.count() == 5


@pytest.mark.no_pagecheck  # Django's own CSRF failure page (see the report: CSRF_FAILURE_VIEW)
def test_reports_need_a_csrf_token(area, directory):
    client = Client(enforce_csrf_checks=True)
    response = client.post(report_url(directory["autism"]), {"problem": "other", "details": "Wrong"})
    assert response.status_code == 403
    assert not ProblemReport.objects.exists()


def test_report_form_includes_a_csrf_token(area, directory):
    client = Client(enforce_csrf_checks=True)
    page = client.get(directory["autism"].get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
