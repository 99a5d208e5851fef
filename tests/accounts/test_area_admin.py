import pytest
from django.urls import reverse

from sendhub.accounts.models import Membership, Organisation, Role

from .helpers import make_area, make_member, make_organisation


@pytest.fixture
def area():
    return make_area(name="Lancashire", slug="lancashire")


@pytest.fixture
def admin(area):
    return make_member(area, Role.ADMINISTRATOR, full_name="Alex Admin")


def people_url(area):
    return reverse("area-admin:people", args=[area.slug])


def test_people_list_is_visible_to_members_with_buttons_only_for_admins(client, area, admin):
    viewer = make_member(area, Role.VIEWER, full_name="Val Viewer")
    client.force_login(viewer)
    html = client.get(people_url(area)).content.decode()
    assert "Alex Admin" in html and "Val Viewer" in html
    assert "Area administrator" in html
    assert "Invite someone" not in html
    assert "/edit/" not in html

    client.force_login(admin)
    html = client.get(people_url(area)).content.decode()
    assert "Invite someone" in html
    assert reverse("area-admin:membership-edit", args=[area.slug, admin.memberships.get().pk]) in html
    assert 'aria-label="Breadcrumb"' in html


def test_people_list_is_paginated(client, area, admin):
    for _ in range(30):
        make_member(area, Role.VIEWER)
    client.force_login(admin)
    response = client.get(people_url(area))
    assert len(response.context["memberships"]) == 25
    assert 'class="govuk-pagination"' in response.content.decode()
    assert len(client.get(people_url(area) + "?page=2").context["memberships"]) == 6


def test_anonymous_is_sent_to_sign_in(client, area):
    for url in (people_url(area), reverse("area-admin:organisation-list", args=[area.slug])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign-in"))


def test_non_member_is_refused(client, area):
    outsider = make_member(make_area(), Role.ADMINISTRATOR)
    client.force_login(outsider)
    assert client.get(people_url(area)).status_code == 403


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER, Role.FORUM_MEMBER, Role.MONITOR])
def test_non_admins_are_refused_management_pages(client, area, admin, role):
    organisation = make_organisation(area)
    person = make_member(area, role)
    membership = admin.memberships.get()
    client.force_login(person)
    for name, args in [
        ("invite", []),
        ("membership-edit", [membership.pk]),
        ("membership-remove", [membership.pk]),
        ("organisation-create", []),
        ("organisation-edit", [organisation.pk]),
    ]:
        url = reverse(f"area-admin:{name}", args=[area.slug, *args])
        assert client.get(url).status_code == 403, name
        assert client.post(url, {}).status_code == 403, name
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_other_areas_ids_are_not_found(client, area, admin):
    other = make_area()
    other_membership = Membership.objects.get(user=make_member(other, Role.VIEWER))
    other_organisation = make_organisation(other)
    client.force_login(admin)
    for name, pk in [
        ("membership-edit", other_membership.pk),
        ("membership-remove", other_membership.pk),
        ("organisation-edit", other_organisation.pk),
    ]:
        url = reverse(f"area-admin:{name}", args=[area.slug, pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"role": Role.ADMINISTRATOR}).status_code == 404, name
    assert Membership.objects.filter(pk=other_membership.pk, role=Role.VIEWER).exists()


def test_admin_changes_a_role_and_it_is_audited(client, area, admin):
    council = make_organisation(area)
    viewer = make_member(area, Role.VIEWER)
    membership = viewer.memberships.get()
    client.force_login(admin)
    url = reverse("area-admin:membership-edit", args=[area.slug, membership.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count("<h1") == 1
    response = client.post(url, {"role": Role.EDITOR, "organisation": council.pk})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.organisation) == (Role.EDITOR, council)
    assert membership.history.first().history_user == admin


def test_editor_without_organisation_is_rejected_on_edit(client, area, admin):
    viewer = make_member(area, Role.VIEWER)
    membership = viewer.memberships.get()
    client.force_login(admin)
    url = reverse("area-admin:membership-edit", args=[area.slug, membership.pk])
    response = client.post(url, {"role": Role.EDITOR, "organisation": ""})
    assert response.status_code == 200
    assert "Select the organisation this editor works for" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_last_administrator_cannot_demote_or_remove_themselves(client, area, admin):
    membership = admin.memberships.get()
    client.force_login(admin)
    edit = reverse("area-admin:membership-edit", args=[area.slug, membership.pk])
    response = client.post(edit, {"role": Role.VIEWER, "organisation": ""})
    assert response.status_code == 200
    assert "is the only administrator of Lancashire" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMINISTRATOR

    remove = reverse("area-admin:membership-remove", args=[area.slug, membership.pk])
    assert client.get(remove).status_code == 200
    response = client.post(remove)
    assert response.status_code == 409
    assert "is the only administrator of Lancashire" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_with_a_second_administrator_one_may_step_down(client, area, admin):
    make_member(area, Role.ADMINISTRATOR)
    membership = admin.memberships.get()
    client.force_login(admin)
    remove = reverse("area-admin:membership-remove", args=[area.slug, membership.pk])
    response = client.post(remove)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_admin_removes_a_member(client, area, admin):
    viewer = make_member(area, Role.VIEWER, full_name="Val Viewer")
    membership = viewer.memberships.get()
    client.force_login(admin)
    url = reverse("area-admin:membership-remove", args=[area.slug, membership.pk])
    page = client.get(url).content.decode()
    assert "Remove Val Viewer from Lancashire" in page
    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.history.filter(id=membership.pk, history_type="-").get().history_user == admin


def test_organisations_list_create_and_edit(client, area, admin):
    make_organisation(None, name="Department for Education", kind=Organisation.Kind.DFE)
    client.force_login(admin)
    list_url = reverse("area-admin:organisation-list", args=[area.slug])
    create_url = reverse("area-admin:organisation-create", args=[area.slug])
    page = client.get(create_url).content.decode()
    assert 'value="dfe"' not in page and 'value="nhs_england"' not in page
    response = client.post(
        create_url,
        {"name": "Lancashire Parent Carer Forum", "short_name": "LPCF", "kind": Organisation.Kind.PARENT_CARER_FORUM},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Lancashire Parent Carer Forum")
    assert organisation.area == area
    assert organisation.history.first().history_user == admin

    html = client.get(list_url).content.decode()
    assert "Lancashire Parent Carer Forum" in html and "Parent carer forum" in html

    duplicate = client.post(create_url, {"name": "lancashire parent carer forum", "kind": "other"})
    assert duplicate.status_code == 200
    assert "already has an organisation called" in duplicate.content.decode()

    national = client.post(create_url, {"name": "Sneaky DfE", "kind": Organisation.Kind.DFE})
    assert national.status_code == 200
    assert not Organisation.objects.filter(name="Sneaky DfE").exists()

    edit_url = reverse("area-admin:organisation-edit", args=[area.slug, organisation.pk])
    response = client.post(edit_url, {"name": "Lancashire PCF", "short_name": "", "kind": "parent_carer_forum"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Lancashire PCF"


def test_organisation_list_is_visible_to_members(client, area):
    make_organisation(area, name="Lancashire County Council")
    viewer = make_member(area, Role.VIEWER)
    client.force_login(viewer)
    html = client.get(reverse("area-admin:organisation-list", args=[area.slug])).content.decode()
    assert "Lancashire County Council" in html
    assert "Add an organisation" not in html
