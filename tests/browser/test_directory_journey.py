"""Local Offer journeys in Chromium: a visitor finds an autism support group near a Preston postcode and opens it
(no sign-in); a provider's editor changes a listing through the real forms and the change waits for an
administrator's approval. Every page visited is checked with axe (WCAG 2.0-2.2 A and AA).

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendhub.directory import taxonomies
from sendhub.directory.models import ListingChange
from tests.browser.test_journeys import sign_in
from tests.directory.test_pages import (  # noqa: F401 - pytestmark mounts the directory's URLs
    CHORLEY,
    load_places,
    make_listing,
    provider,
)
from tests.directory.test_pages import pytestmark as directory_marks

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    *directory_marks,
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def listings(area, la_org):
    taxonomies.ensure_taxonomies()
    load_places(area)
    hubs = provider(area, partner=la_org, name="Lancashire Family Hubs")
    group = make_listing(area, hubs, name="Preston Autism Parent Support Group")
    make_listing(area, hubs, name="Chorley ADHD Coffee Morning", needs=["adhd"], point=CHORLEY, city="Chorley",
                 postcode="PR7 9ZZ", district="Chorley", description="Coffee and chat about ADHD.")
    return {"group": group}


def test_visitor_finds_an_autism_support_group_near_preston(page, area, listings, axe_audit):
    page.goto(reverse("directory:search", args=[area.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Find support and services")
    axe_audit.check(page, "Search")

    page.get_by_label("Keywords").fill("autism support group")
    page.get_by_label("Near").fill("PR1 2HE")
    page.get_by_label("Distance").select_option("5")
    page.get_by_role("button", name="Search", exact=True).click()

    summary = "1 service within 5 miles of PR1 matching \u201cautism support group\u201d"
    expect(page.get_by_role("heading", level=2, name=summary)).to_be_visible()
    assert "near=PR1+2HE" in page.url and "miles=5" in page.url  # bookmarkable
    result = page.get_by_role("link", name="Preston Autism Parent Support Group")
    expect(result).to_be_visible()
    expect(page.get_by_text("Next meeting")).to_be_visible()
    axe_audit.check(page, "Results")

    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preston Autism Parent Support Group")
    expect(page.get_by_text("Every Tuesday, 10am to 12pm")).to_be_visible()
    expect(page.get_by_role("link", name="See Preston Community Centre on a map (OpenStreetMap)")).to_be_visible()
    expect(page.get_by_label("Leave this field empty")).to_be_hidden()
    axe_audit.check(page, "Service page")

    # An unknown postcode: the message is in the error summary, which links to the field.
    page.goto(reverse("directory:search", args=[area.slug]) + "?near=PR99+9ZZ&miles=5")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("We could not find the postcode PR99 9ZZ")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Near")).to_be_focused()
    axe_audit.check(page, "Unknown postcode")
    axe_audit.assert_clean()


def test_editor_change_waits_for_approval(new_page, area, admin_user, editor_user, listings, axe_audit):
    group = listings["group"]
    page = new_page()
    sign_in(page, editor_user.email)
    page.goto(reverse("directory:listing-list", args=[area.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Local Offer listings")
    axe_audit.check(page, "Listings")
    page.get_by_role("link", name="Edit Preston Autism Parent Support Group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Preston Autism Parent Support Group")
    axe_audit.check(page, "Edit listing")
    page.get_by_label("Name of the service").fill("Preston Autism Families Group")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your change is waiting for approval")
    axe_audit.check(page, "Waiting for approval")
    change = ListingChange.objects.get()
    assert change.status == "pending" and change.service == group
    group.refresh_from_db()
    assert group.name == "Preston Autism Parent Support Group"

    admin = new_page()
    sign_in(admin, admin_user.email)
    admin.goto(reverse("directory:approvals", args=[area.slug]))
    expect(admin.get_by_role("heading", level=1)).to_have_text("Approvals")
    expect(admin.get_by_role("heading", level=2, name="Preston Autism Parent Support Group")).to_be_visible()
    expect(admin.get_by_text("Preston Autism Families Group")).to_be_visible()
    axe_audit.check(admin, "Approvals")
    admin.get_by_role("link", name="Review the change to Preston Autism Parent Support Group").click()
    axe_audit.check(admin, "Review change")
    admin.get_by_role("button", name="Approve and publish").click()
    expect(admin.locator(".govuk-notification-banner--success")).to_contain_text("Change approved")
    group.refresh_from_db()
    assert group.name == "Preston Autism Families Group"
    axe_audit.assert_clean()
