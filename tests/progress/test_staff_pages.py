"""Administrators' pages: the overview, page settings, a finding's plain words, key numbers, and who may use
them. Bad input gets an error on the field it is about, and nothing is saved."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from sendhub.progress.models import ProgressPage, PublishedFinding, PublishedMeasure, validate_measure_name
from tests.factories import FindingFactory, InspectionFactory

pytestmark = pytest.mark.django_db

GOOD_PAGE = {
    "introduction": "This page tells you how we are making help better.",
    "how_to_get_involved": "Tell us what is working for your family.",
    "contact_email": "send@example.org",
    "contact_url": "",
}
GOOD_WORDS = {
    "plain_title": "Making EHC plans on time",
    "plain_summary": "Families waited too long for their plans. We need to make plans faster.",
    "what_we_have_done": "",
    "is_published": "on",
    "position": "2",
}


def url(name: str, area, *args) -> str:
    return reverse(name, args=[area.slug, *args])


def field_errors(response) -> dict[str, str]:
    """Each field's error message, keyed by the field's id (the error summary links to the same ids)."""
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    errors = {}
    for group in soup.select(".govuk-form-group--error"):
        field = group.select_one("input, textarea, select")
        message = group.select_one(".govuk-error-message")
        errors[field["name"]] = " ".join(message.get_text(" ").split()).removeprefix("Error: ")
    return errors


# Page settings --------------------------------------------------------------------------------------------


def test_page_settings_errors_per_field_and_nothing_saved(area, admin_user, client_for):
    client = client_for(admin_user)

    empty = client.post(url("progress:settings", area), {})
    assert empty.status_code == 200 and "There is a problem" in empty.content.decode()
    assert field_errors(empty) == {
        "introduction": "Write an introduction that says what this page is for",
        "how_to_get_involved": "Say how families and young people can get involved",
    }

    bad = client.post(
        url("progress:settings", area), {**GOOD_PAGE, "contact_email": "not an email", "contact_url": "not a url"}
    )
    assert field_errors(bad) == {
        "contact_email": "Enter an email address in the right format, like name@example.org",
        "contact_url": "Enter a web address in the right format, like https://www.example.org",
    }

    no_contact = client.post(
        url("progress:settings", area), {**GOOD_PAGE, "contact_email": "", "is_published": "on"}
    )
    assert field_errors(no_contact) == {
        "contact_email": "Give an email address or a contact link before you publish the page"
    }
    assert not ProgressPage.objects.exists()


def test_publishing_the_page_stamps_the_date_and_records_who(area, admin_user, client_for):
    client = client_for(admin_user)

    response = client.post(url("progress:settings", area), GOOD_PAGE)
    page = ProgressPage.objects.get(area=area)
    assert response.status_code == 302 and response["Location"] == url("progress:overview", area)
    assert not page.is_published and page.last_published_at is None
    assert client_for().get(reverse("progress-public:index", args=[area.slug])).status_code == 404

    client.post(url("progress:settings", area), {**GOOD_PAGE, "is_published": "on"})
    page.refresh_from_db()
    first = page.last_published_at
    assert page.is_published and first is not None
    assert page.history.first().history_user == admin_user
    assert client_for().get(reverse("progress-public:index", args=[area.slug])).status_code == 200

    # Saving again while published keeps the date it was published.
    client.post(url("progress:settings", area), {**GOOD_PAGE, "is_published": "on", "introduction": "New words."})
    page.refresh_from_db()
    assert page.last_published_at == first and page.introduction == "New words."


def test_hard_words_are_a_hint_after_saving_not_a_block(area, admin_user, client_for):
    hard = (
        "This communication delineates the partnership's comprehensive organisational transformation programme, "
        "encompassing multidisciplinary commissioning arrangements and strategic accountability frameworks."
    )
    response = client_for(admin_user).post(
        url("progress:settings", area), {**GOOD_PAGE, "introduction": hard}, follow=True
    )

    html = response.content.decode()
    assert ProgressPage.objects.get(area=area).introduction == hard
    assert "Page settings saved" in html and "Introduction: This may be hard to read." in html


# A finding's plain words ----------------------------------------------------------------------------------


def test_finding_words_errors_per_field_and_nothing_saved(area, admin_user, finding, client_for):
    client = client_for(admin_user)
    path = url("progress:finding-edit", area, finding.pk)

    empty = client.post(path, {})
    assert field_errors(empty) == {
        "plain_title": "Write a title in plain words",
        "plain_summary": "Say what this finding means, in plain words",
    }

    bad = client.post(
        path, {**GOOD_WORDS, "plain_title": "x" * 151, "plain_summary": "Word. " * 250, "position": "first"}
    )
    assert field_errors(bad) == {
        "plain_title": "The title must be 150 characters or fewer",
        "plain_summary": "Keep \u201cwhat this means\u201d to 1,200 characters or fewer (it has 1,499)",
        "position": "Enter the order as a whole number, like 1 or 2",
    }
    assert not PublishedFinding.objects.exists()


def test_finding_words_saved_shown_on_the_overview_with_a_reading_hint(area, admin_user, finding, client_for):
    client = client_for(admin_user)
    page = client.get(url("progress:finding-edit", area, finding.pk)).content.decode()
    assert finding.text in page  # the report's wording, to write from

    response = client.post(url("progress:finding-edit", area, finding.pk), GOOD_WORDS)

    words = PublishedFinding.objects.get(finding=finding)
    assert response.status_code == 302
    assert (words.area, words.plain_title, words.is_published, words.position) == (
        area, "Making EHC plans on time", True, 2
    )
    overview = client.get(url("progress:overview", area)).content.decode()
    assert "Making EHC plans on time" in overview and "Shown" in overview and "Easy to read" in overview
    assert "Finding PA2" in overview and "Ada Administrator" in overview  # history

    # Editing keeps one row per finding; an empty position means 0.
    client.post(url("progress:finding-edit", area, finding.pk), {**GOOD_WORDS, "position": "", "is_published": ""})
    words.refresh_from_db()
    assert PublishedFinding.objects.count() == 1 and words.position == 0 and not words.is_published


def test_check_the_wording_shows_hints_without_saving(area, admin_user, finding, client_for):
    hard = (
        "Leaders should significantly improve the statutory assessment process, the timeliness and quality of "
        "plans, and the timeliness and oversight of annual reviews across the partnership."
    )
    response = client_for(admin_user).post(
        url("progress:finding-edit", area, finding.pk), {**GOOD_WORDS, "plain_summary": hard, "check": "1"}
    )

    html = response.content.decode()
    assert response.status_code == 200 and "Wording checked. Nothing has been saved yet." in html
    assert "This may be hard to read." in html and "significantly" in html
    assert not PublishedFinding.objects.exists()


def test_another_areas_finding_is_not_found(area, other_area, admin_user, client_for):
    elsewhere = FindingFactory(inspection=InspectionFactory(area=other_area))

    response = client_for(admin_user).post(url("progress:finding-edit", area, elsewhere.pk), GOOD_WORDS)

    assert response.status_code == 404 and not PublishedFinding.objects.exists()


# Key numbers ----------------------------------------------------------------------------------------------


def test_measure_errors_per_field_and_nothing_saved(area, admin_user, client_for):
    client = client_for(admin_user)
    PublishedMeasure.objects.create(area=area, measure="ehcplans", plain_explanation="How many plans there are")

    empty = client.post(url("progress:measure-add", area), {})
    assert field_errors(empty) == {
        "measure": "Choose the measure to show",
        "plain_explanation": "Write one line that says what the number means",
    }
    unknown = client.post(
        url("progress:measure-add", area), {"measure": "not_a_measure", "plain_explanation": "x" * 201}
    )
    assert field_errors(unknown) == {
        "measure": "Choose a measure from the list",
        "plain_explanation": "Keep the explanation to 200 characters or fewer",
    }
    twice = client.post(url("progress:measure-add", area), {"measure": "ehcplans", "plain_explanation": "Again"})
    assert field_errors(twice) == {"measure": "This measure is already on the page: edit it there instead"}
    assert PublishedMeasure.objects.count() == 1


def test_add_edit_and_remove_a_measure(area, admin_user, client_for):
    client = client_for(admin_user)

    client.post(
        url("progress:measure-add", area),
        {"measure": "PC_plans_issued_20_weeks_ex", "plain_explanation": "Plans finished in 20 weeks",
         "is_published": "on", "position": "1"},
    )
    measure = PublishedMeasure.objects.get(area=area)
    assert (measure.measure, measure.is_published, measure.position) == ("PC_plans_issued_20_weeks_ex", True, 1)

    response = client.post(
        url("progress:measure-edit", area, measure.pk),
        {"measure": "PC_plans_issued_20_weeks_ex", "plain_explanation": "New EHC plans finished in 20 weeks"},
    )
    measure.refresh_from_db()
    assert response.status_code == 302 and measure.plain_explanation == "New EHC plans finished in 20 weeks"
    assert not measure.is_published

    confirm = client.get(url("progress:measure-remove", area, measure.pk)).content.decode()
    assert "New EHC plans finished in 20 weeks" in confirm
    response = client.post(url("progress:measure-remove", area, measure.pk))
    assert response.status_code == 302 and not PublishedMeasure.objects.exists()
    assert PublishedMeasure.history.filter(id=measure.pk, history_type="-").get().history_user == admin_user


def test_measure_names_must_be_in_the_registry():
    validate_measure_name("ehcplans")
    with pytest.raises(ValidationError):
        validate_measure_name("made_up")


# Who may use the pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["progress:overview", "progress:settings", "progress:preview", "progress:measure-add"])
def test_only_administrators_manage_the_page(area, admin_user, editor_user, forum_user, viewer_user, outsider,
                                             client_for, name):
    path = url(name, area)
    assert client_for(admin_user).get(path).status_code == 200
    for user in (editor_user, forum_user, viewer_user, outsider):
        assert client_for(user).get(path).status_code == 403
    anonymous = client_for().get(path)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:sign-in"))
    assert client_for(editor_user).post(url("progress:settings", area), GOOD_PAGE).status_code == 403
    assert not ProgressPage.objects.exists()
