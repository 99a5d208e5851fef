"""Keeping the Local Offer true: administrators publish at once, providers' editors' changes wait for approval,
the data-quality and coverage pages, and the review reminders."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts.models import Organisation, Role
from sendhub.directory import selectors, services, taxonomies
from sendhub.directory.models import ListingChange, ProblemReport, Service
from tests.directory.test_pages import (  # noqa: F401 - pytestmark mounts the directory's URLs
    CHORLEY,
    LANCASTER,
    listing_data,
    load_places,
    make_listing,
    provider,
    pytestmark,
)
from tests.factories import OrganisationFactory, member


@pytest.fixture
def setup(area, la_org):
    taxonomies.ensure_taxonomies()
    load_places(area)
    linked = provider(area, partner=la_org, name="Lancashire Family Hubs")
    unlinked = provider(area, name="Independent Parents Group")
    service = make_listing(area, linked, name="Preston Autism Parent Support Group")
    return {"linked": linked, "unlinked": unlinked, "service": service}


def form_post(service_or_org, **overrides) -> dict:
    """What the listing form posts (as a browser would)."""
    org = service_or_org
    data = listing_data(org, **overrides)
    post = {k: v for k, v in data.items() if k not in {"latitude", "longitude", "district"} and v is not None}
    post["is_free"] = "on" if data["is_free"] else ""
    return post


def edit_url(area, service) -> str:
    return reverse("directory:listing-edit", args=[area.slug, service.pk])


# Administrators publish, editors propose ----------------------------------------------------------


def test_administrator_edit_publishes_at_once(client_for, area, admin_user, setup):
    service = setup["service"]
    client = client_for(admin_user)
    assert client.get(edit_url(area, service)).status_code == 200
    response = client.post(edit_url(area, service), form_post(setup["linked"], name="Preston Autism Families",
                                                              postcode="PR1"))
    assert response.status_code == 302 and response["Location"] == service.get_absolute_url()
    service.refresh_from_db()
    assert service.name == "Preston Autism Families"
    assert service.last_reviewed == timezone.localdate()
    assert not ListingChange.objects.exists()
    assert service.history.first().history_user == admin_user


def test_administrator_creates_a_listing_and_the_postcode_gives_its_point(client_for, area, admin_user, setup):
    client = client_for(admin_user)
    url = reverse("directory:listing-create", args=[area.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, form_post(setup["unlinked"], name="Chorley Sensory Play", postcode="PR7",
                                          needs=["sensory"], days=["MO", "WE"], city="Chorley"))
    assert response.status_code == 302
    service = Service.objects.get(name="Chorley Sensory Play")
    location = service.service_at_locations.get().location
    assert (location.latitude, location.longitude) == CHORLEY and location.district == "Chorley"
    assert services.listing_data(service)["days"] == ["MO", "WE"]


def test_unknown_postcode_on_the_listing_form_is_a_clear_error(client_for, area, admin_user, setup):
    client = client_for(admin_user)
    response = client.post(edit_url(area, setup["service"]), form_post(setup["linked"], postcode="ZZ99 9ZZ"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "We could not find the postcode ZZ99 9ZZ" in page


def test_editor_change_waits_for_approval_then_approval_applies_it(client_for, area, admin_user, editor_user,
                                                                   setup):
    service = setup["service"]
    editor = client_for(editor_user)
    page = editor.get(edit_url(area, service)).content.decode()
    assert "Send for approval" in page
    response = editor.post(edit_url(area, service), form_post(setup["linked"], name="Preston Autism Families",
                                                              phone="01632 960555"), follow=True)
    assert "Your change is waiting for approval" in response.content.decode()
    service.refresh_from_db()
    assert service.name == "Preston Autism Parent Support Group"  # unchanged until approved
    change = ListingChange.objects.get()
    assert (change.status, change.proposed_by, change.service) == ("pending", editor_user, service)

    admin = client_for(admin_user)
    approvals = admin.get(reverse("directory:approvals", args=[area.slug])).content.decode()
    assert "Preston Autism Families" in approvals and "01632 960555" in approvals
    review = reverse("directory:change-review", args=[area.slug, change.pk])
    assert admin.get(review).status_code == 200
    admin.post(review, {"decision": "approve"})
    service.refresh_from_db()
    change.refresh_from_db()
    assert service.name == "Preston Autism Families"
    assert services.listing_data(service)["phone"] == "01632 960555"
    assert (change.status, change.reviewed_by) == ("approved", admin_user) and change.reviewed_at


def test_editor_new_listing_waits_and_approval_creates_it(client_for, area, admin_user, editor_user, setup):
    editor = client_for(editor_user)
    url = reverse("directory:listing-create", args=[area.slug])
    editor.post(url, form_post(setup["linked"], name="Brand New Group"))
    assert not Service.objects.filter(name="Brand New Group").exists()
    change = ListingChange.objects.get(service__isnull=True)
    services.approve_change(change, user=admin_user)
    assert Service.objects.get(name="Brand New Group").is_published


def test_rejecting_keeps_the_old_listing(client_for, area, admin_user, editor_user, setup):
    service = setup["service"]
    change = services.propose_change(area=area, data=listing_data(setup["linked"], name="Wrong Name"),
                                     user=editor_user, service=service)
    admin = client_for(admin_user)
    review = reverse("directory:change-review", args=[area.slug, change.pk])
    response = admin.post(review, {"decision": "reject", "note": ""})
    assert "Enter why you are rejecting the change" in response.content.decode()
    admin.post(review, {"decision": "reject", "note": "Please keep the group's registered name."})
    change.refresh_from_db()
    service.refresh_from_db()
    assert change.status == "rejected" and change.review_note == "Please keep the group's registered name."
    assert service.name == "Preston Autism Parent Support Group"
    with pytest.raises(services.ChangeNotPending):
        services.approve_change(change, user=admin_user)


def test_editor_of_another_organisation_is_refused(client_for, area, setup):
    other_org = OrganisationFactory(area=area, name="Another Partner")
    stranger = member(area, Role.EDITOR, other_org, full_name="Sue Stranger", email="sue@example.org")
    client = client_for(stranger)
    assert client.get(edit_url(area, setup["service"])).status_code == 403
    assert client.post(edit_url(area, setup["service"]), form_post(setup["linked"])).status_code == 403
    assert client.get(reverse("directory:listing-create", args=[area.slug])).status_code == 403
    assert not ListingChange.objects.exists()


def test_editor_cannot_approve_or_see_admin_pages(client_for, area, editor_user, setup):
    client = client_for(editor_user)
    for name in ("approvals", "data-quality"):
        assert client.get(reverse(f"directory:{name}", args=[area.slug])).status_code == 403
    change = services.propose_change(area=area, data=listing_data(setup["linked"]), user=editor_user,
                                     service=setup["service"])
    review = reverse("directory:change-review", args=[area.slug, change.pk])
    assert client.post(review, {"decision": "approve"}).status_code == 403
    change.refresh_from_db()
    assert change.status == "pending"


def test_listings_page_lists_and_filters(client_for, area, editor_user, setup):
    client = client_for(editor_user)
    response = client.get(reverse("directory:listing-list", args=[area.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preston Autism Parent Support Group" in page and "Add a listing" in page
    assert setup["service"].pk in response.context["editable_ids"]
    filtered = client.get(reverse("directory:listing-list", args=[area.slug]) + "?need=adhd")
    assert not filtered.context["object_list"]


# Data quality -------------------------------------------------------------------------------------


def test_data_quality_lists_each_kind_of_problem(client_for, area, admin_user, setup):
    linked = setup["linked"]
    today = timezone.localdate()
    stale = make_listing(area, linked, name="Old Swimming Club", review_by=(today - timedelta(days=3)).isoformat())
    make_listing(area, linked, name="No Description Group", description="")
    make_listing(area, linked, name="THE Preston autism parent support group!")  # same name
    make_listing(area, setup["unlinked"], name="Preston Autism Parent Support Groups", postcode="PR1 9ZZ")
    report = services.report_problem(service=stale, problem="closed", details="It closed in May.")

    assert [s.name for s in selectors.stale_listings(area, today)] == ["Old Swimming Club"]
    missing = {m.service.name: m.missing for m in selectors.missing_fields(area)}
    assert missing == {"No Description Group": ["description"]}
    groups = selectors.possible_duplicates(area)
    assert any(g.reason == "Same name" and len(g.services) == 2 for g in groups)
    assert any(g.reason == "Similar name at the same postcode" for g in groups)

    client = client_for(admin_user)
    page = client.get(reverse("directory:data-quality", args=[area.slug])).content.decode()
    for text in ["Old Swimming Club", "No Description Group", "THE Preston autism parent support group!",
                 "Similar name at the same postcode", "It closed in May."]:
        assert text in page, text

    url = reverse("directory:problem-resolve", args=[area.slug, report.pk])
    client.post(url, {"status": "dismissed"})
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == (ProblemReport.Status.DISMISSED, admin_user)
    assert not selectors.open_problem_reports(area).exists()


# Coverage -----------------------------------------------------------------------------------------


def test_coverage_table_by_district_and_need(client_for, area, viewer_user, setup):
    make_listing(area, setup["linked"], name="Lancaster ADHD Group", needs=["adhd"], point=LANCASTER,
                 district="Lancaster")
    needs, rows = selectors.coverage(area, 10)
    by = {(r.district, c.need): c for r in rows for c in r.cells}
    assert by[("Preston", "Autism")].covered
    assert not by[("Preston", "ADHD")].covered
    assert not by[("Lancaster", "Autism")].covered and by[("Lancaster", "ADHD")].covered
    assert by[("Chorley", "Autism")].covered is False and 12 < by[("Chorley", "Autism")].nearest_km < 14
    assert selectors.coverage(area, 15)[1][0].cells[0].covered  # Chorley, autism, within 15 km

    client = client_for(viewer_user)
    response = client.get(reverse("directory:coverage", args=[area.slug]) + "?km=15")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Yes</strong> within 15 km" in page and "No</strong> support group within 15 km" in page


# Reminders ----------------------------------------------------------------------------------------


def test_remind_command_emails_owners_once_a_day(area, admin_user, editor_user, setup):
    today = timezone.localdate()
    linked, unlinked = setup["linked"], setup["unlinked"]
    make_listing(area, linked, name="Overdue Linked", review_by=(today - timedelta(days=2)).isoformat())
    make_listing(area, linked, name="Due Soon Linked", review_by=(today + timedelta(days=10)).isoformat())
    make_listing(area, unlinked, name="Overdue Unlinked", review_by=(today - timedelta(days=1)).isoformat())
    make_listing(area, unlinked, name="Far Off", review_by=(today + timedelta(days=60)).isoformat())

    out = StringIO()
    call_command("directory_remind", stdout=out)
    assert "Sent 2 reminder emails about 3 listings" in out.getvalue()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {editor_user.email, admin_user.email}
    editor_mail = by_recipient[editor_user.email].body
    assert "Overdue Linked" in editor_mail and "Due Soon Linked" in editor_mail and "Far Off" not in editor_mail
    assert "/local-offer/manage/" in editor_mail
    assert "Overdue Unlinked" in by_recipient[admin_user.email].body
    assert by_recipient[editor_user.email].subject == "2 Local Offer listings to review (1 overdue)"

    call_command("directory_remind", stdout=StringIO())
    assert len(mail.outbox) == 2  # idempotent per day
    from sendhub.directory.models import ReminderSent

    assert ReminderSent.objects.count() == 3
    assert not ReminderSent.objects.filter(recipient__contains="@").exists(), "addresses are kept only hashed"

    tomorrow = (today + timedelta(days=1)).isoformat()
    call_command("directory_remind", "--today", tomorrow, stdout=StringIO())
    assert len(mail.outbox) == 4
    in_a_month = (today + timedelta(days=40)).isoformat()
    call_command("directory_remind", "--today", in_a_month, stdout=StringIO())
    assert not ReminderSent.objects.filter(sent_on__lt=today + timedelta(days=9)).exists(), "old rows go"


def test_owners_fall_back_to_administrators_when_the_partner_has_no_editors(area, admin_user, setup):
    partner = Organisation.objects.create(area=area, name="Quiet Partner", short_name="QP")
    org = provider(area, partner=partner, name="Quiet Provider")
    service = make_listing(area, org, name="Quiet Group")
    from sendhub.directory.reminders import owners_of

    assert owners_of(service) == [admin_user.email]


def test_services_keep_one_location_schedule_and_terms_in_step(area, setup):
    service = setup["service"]
    data = services.listing_data(service)
    data.update(days=["TU", "TH"], frequency="MONTHLY", week_of_month="2", needs=["adhd"], is_free=False,
                fees_description="£2", phone="", accessibility="")
    services.save_listing(area=area, data=data, user=None, service=service)
    again = services.listing_data(service)
    assert (again["days"], again["frequency"], again["week_of_month"]) == (["TU", "TH"], "MONTHLY", "2")
    assert again["needs"] == ["adhd"] and again["phone"] == "" and again["fees_description"] == "£2"
    assert service.schedules.get().byday == "2TU,2TH"
    assert service.service_at_locations.count() == 1
    assert date.fromisoformat(again["review_by"]) > timezone.localdate()
