"""The demo Local Offer: about 300 invented listings across Lancashire's 12 districts, loaded idempotently."""

from __future__ import annotations

from collections import Counter

import pytest

from sendhub.accounts.models import User
from sendhub.demo import directory as demo_directory
from sendhub.demo import lancashire, reset
from sendhub.directory import search, selectors, taxonomies
from sendhub.directory.models import (
    Attribute,
    DirectoryOrganisation,
    ListingChange,
    Location,
    Place,
    ProblemReport,
    Schedule,
    Service,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    summary = lancashire.build()
    admin = User.objects.get(email=lancashire.ADMIN_EMAIL)
    result = demo_directory.load(summary.area, admin=admin)
    return summary.area, result


def counts(area) -> dict[str, int]:
    return {
        "services": Service.objects.filter(area=area).count(),
        "locations": Location.objects.filter(area=area).count(),
        "providers": DirectoryOrganisation.objects.filter(area=area).count(),
        "places": Place.objects.filter(area=area).count(),
        "attributes": Attribute.objects.count(),
        "schedules": Schedule.objects.count(),
        "reports": ProblemReport.objects.count(),
        "changes": ListingChange.objects.count(),
    }


def test_about_300_listings_across_the_12_districts(demo):
    area, summary = demo
    services = Service.objects.filter(area=area)
    assert 290 <= services.count() <= 320
    assert summary.counts["listings"] == services.count()
    districts = Counter(Location.objects.filter(area=area).values_list("district", flat=True))
    assert set(districts) == {name for _, name in taxonomies.TAXONOMIES[taxonomies.DISTRICT][2]}
    assert min(districts.values()) >= 20
    for lat, lon in Location.objects.filter(area=area).values_list("latitude", "longitude"):
        assert demo_directory.in_lancashire(lat, lon), (lat, lon)
    for service in services.prefetch_related("service_at_locations"):
        assert service.service_at_locations.count() == 1
    terms = selectors.terms_by_service(services.values_list("pk", flat=True))
    assert all(t["service_type"] and t["need"] and t["district"] for t in terms.values())
    assert all("does not exist" in s.description for s in services if s.description)


def test_providers_are_linked_to_the_demo_partners_and_groups_have_schedules(demo):
    area, _ = demo
    linked = DirectoryOrganisation.objects.filter(area=area, partner__isnull=False)
    assert linked.count() >= 5 and all(p.partner.area == area for p in linked)
    groups = Service.objects.filter(
        area=area, pk__in=Attribute.objects.filter(
            taxonomy_term_id=taxonomies.term_id(taxonomies.SERVICE_TYPE, "support-group")).values("link_id"))
    assert groups.count() > 50
    assert all(g.schedules.exists() for g in groups)


def test_data_quality_has_something_of_each_kind(demo):
    area, _ = demo
    from django.utils import timezone

    assert len(selectors.stale_listings(area, timezone.localdate())) >= 5
    assert selectors.missing_fields(area)
    assert len(selectors.possible_duplicates(area)) >= 3
    assert selectors.open_problem_reports(area).count() >= 4
    assert selectors.pending_changes(area).count() == 2


def test_a_visitor_finds_an_autism_support_group_near_preston(demo):
    area, _ = demo
    from sendhub.directory.geo import resolve_place

    found = search.search_services(area=area, text="autism support group", near=resolve_place("PR1", area),
                                   radius_km=8, sort="relevance")
    assert found.total >= 1
    assert "Autism" in found.hits[0].service.name and found.hits[0].distance_km < 8


def test_loading_again_gives_the_same_data(demo):
    area, _ = demo
    before = counts(area)
    demo_directory.load(area, admin=User.objects.get(email=lancashire.ADMIN_EMAIL))
    assert counts(area) == before


def test_the_demo_area_can_still_be_reset(demo):
    area, _ = demo
    demo_directory.delete(area)
    reset.delete_demo_area(area)
    assert not Service.objects.exists() and not Attribute.objects.exists()
    lancashire.build()
