"""Bad input on the board's forms: a specific message on the field, and nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from sendhub.governance.models import ActionArising, AgendaItem, Decision, Meeting
from sendhub.improvement.models import Action
from tests.factories import ActionFactory, OrganisationFactory
from tests.governance.factories import ActionArisingFactory, AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def url(name: str, area, *args) -> str:
    return reverse(f"governance:{name}", args=[area.slug, *args])


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 200, f"expected the form again with errors, got {response.status_code}"
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


# Meetings --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "scheduled"}, "held_on", "Enter the date of the meeting"),
        ({"held_on": "2025-02-30", "status": "scheduled"}, "held_on", "Enter a real date, like 2025-03-27"),
        ({"held_on": "2025-03-04", "starts_at": "25:61", "status": "scheduled"}, "starts_at",
         "Enter a time using the 24-hour clock, like 14:30"),
        ({"held_on": "2025-03-04"}, "status", "Select whether the meeting is scheduled, held or cancelled"),
    ],
)
def test_meeting_form_says_what_is_wrong_and_saves_nothing(client_for, admin_user, area, data, field, message):
    response = client_for(admin_user).post(url("meeting-create", area), data)

    assert errors_of(response) == {field: [message]}
    assert not Meeting.objects.exists()


def test_a_future_meeting_cannot_be_marked_held(client_for, admin_user, area, today):
    data = {"held_on": (today + timedelta(days=5)).isoformat(), "status": "held"}

    response = client_for(admin_user).post(url("meeting-create", area), data)

    assert errors_of(response) == {"status": ["A meeting in the future cannot have been held yet: select Scheduled"]}
    assert not Meeting.objects.exists()


def test_the_board_meets_once_a_day(client_for, admin_user, area, meeting):
    data = {"held_on": meeting.held_on.isoformat(), "status": "held"}

    response = client_for(admin_user).post(url("meeting-create", area), data)

    assert errors_of(response)["held_on"][0].startswith("The board already has a meeting on")
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "days", "errors"),
    [
        ("cancelled", 0, {"status": ["This meeting has minutes, so it took place: select Held"]}),
        ("scheduled", 0, {"status": ["This meeting has minutes, so it took place: select Held"]}),
        ("held", 100, {
            "status": ["A meeting in the future cannot have been held yet: select Scheduled"],
            "held_on": ["This meeting has minutes, so it took place: its date cannot be in the future"],
        }),
    ],
)
def test_a_meeting_with_minutes_took_place(client_for, admin_user, area, meeting, status, days, errors):
    data = {"held_on": (meeting.held_on + timedelta(days=days)).isoformat(), "status": status}

    response = client_for(admin_user).post(url("meeting-edit", area, meeting.pk), data)

    assert errors_of(response) == errors
    saved = Meeting.objects.get(pk=meeting.pk)
    assert (saved.status, saved.held_on) == (Meeting.Status.HELD, meeting.held_on)


# Agenda items ------------------------------------------------------------------------------------------------


def test_agenda_item_refuses_another_areas_finding_and_unknown_measures(
    client_for, admin_user, area, meeting, finding, other_finding
):
    data = {
        "position": "1",
        "title": "EHC plan timeliness",
        "findings": [finding.pk, other_finding.pk],
        "measures": ["PC_plans_issued_20_weeks_ex", "made_up_measure"],
    }

    response = client_for(admin_user).post(url("agenda-item-create", area, meeting.pk), data)

    assert errors_of(response) == {
        "findings": ["Select findings from this area's list"],
        "measures": ["Select outcome measures from the list"],
    }
    assert not AgendaItem.objects.exists()


def test_agenda_item_refuses_another_areas_action(client_for, admin_user, area, meeting, other_area):
    foreign = ActionFactory(area=other_area)

    response = client_for(admin_user).post(
        url("agenda-item-create", area, meeting.pk), {"position": "1", "title": "Plan", "actions": [foreign.pk]}
    )

    assert errors_of(response) == {"actions": ["Select actions from this area's improvement plan"]}
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ("", "Enter the item's number on the agenda"),
        ("two", "The item number must be a whole number, like 3"),
        ("0", "The item number must be 1 or more"),
        ("1", "Item 1 is already on the agenda: choose another number"),
    ],
)
def test_agenda_item_numbers(client_for, admin_user, area, meeting, position, message):
    AgendaItemFactory(meeting=meeting, position=1, title="Welcome")

    response = client_for(admin_user).post(
        url("agenda-item-create", area, meeting.pk), {"position": position, "title": "Data pack"}
    )

    assert errors_of(response) == {"position": [message]}
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Welcome"]


def test_editing_an_item_keeps_its_own_number(client_for, admin_user, area, meeting):
    item = AgendaItemFactory(meeting=meeting, position=4, title="Welcome")

    response = client_for(admin_user).post(
        url("agenda-item-edit", area, meeting.pk, item.pk), {"position": "4", "title": "Welcome and apologies"}
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.position, item.title) == (4, "Welcome and apologies")


# Decisions and actions arising ------------------------------------------------------------------------------------


def test_a_decision_cannot_predate_the_meeting(client_for, admin_user, area, meeting):
    data = {"text": "Agreed the plan.", "decided_on": (meeting.held_on - timedelta(days=1)).isoformat()}

    response = client_for(admin_user).post(url("decision-create", area, meeting.pk), data)

    assert errors_of(response)["decided_on"][0].startswith("The decision cannot be dated before the meeting")
    assert not Decision.objects.exists()


def test_a_decision_needs_its_text(client_for, admin_user, area, meeting):
    response = client_for(admin_user).post(
        url("decision-create", area, meeting.pk), {"text": "", "decided_on": meeting.held_on.isoformat()}
    )

    assert errors_of(response) == {"text": ["Enter what the board decided"]}
    assert not Decision.objects.exists()


def test_a_decision_cannot_hang_off_another_meetings_agenda(client_for, admin_user, area, meeting, later_meeting):
    elsewhere = AgendaItemFactory(meeting=later_meeting, position=1)
    data = {"text": "Agreed.", "decided_on": meeting.held_on.isoformat(), "agenda_item": elsewhere.pk}

    response = client_for(admin_user).post(url("decision-create", area, meeting.pk), data)

    assert errors_of(response) == {"agenda_item": ["Select an item from this meeting's agenda"]}
    assert not Decision.objects.exists()


def test_action_arising_checks_its_owner_and_due_date(client_for, admin_user, area, meeting, other_area):
    foreign = OrganisationFactory(area=other_area)
    data = {
        "title": "Report the backlog by district",
        "owner": foreign.pk,
        "due_date": (meeting.held_on - timedelta(days=1)).isoformat(),
    }

    response = client_for(admin_user).post(url("action-arising-create", area, meeting.pk), data)

    errors = errors_of(response)
    assert errors["owner"] == ["Select an organisation from this area's list"]
    assert errors["due_date"][0].startswith("The due date must be on or after the day of the meeting")
    assert not ActionArising.objects.exists()


def test_action_arising_needs_a_title_owner_and_due_date(client_for, admin_user, area, meeting):
    response = client_for(admin_user).post(url("action-arising-create", area, meeting.pk), {})

    assert errors_of(response) == {
        "title": ["Enter the action the board agreed"],
        "owner": ["Select the organisation responsible"],
        "due_date": ["Enter the due date"],
    }


def test_promotion_refuses_a_reference_already_in_the_plan(client_for, admin_user, area, meeting, la_org):
    ActionFactory(area=area, owner=la_org, reference="A61")
    arising = ActionArisingFactory(meeting=meeting, owner=la_org)

    response = client_for(admin_user).post(
        url("action-arising-promote", area, meeting.pk, arising.pk), {"reference": "a61"}
    )

    assert errors_of(response) == {"reference": ["Another action already has the reference a61"]}
    arising.refresh_from_db()
    assert arising.plan_action is None and Action.objects.count() == 1


def test_promotion_reference_length(client_for, admin_user, area, meeting, la_org):
    arising = ActionArisingFactory(meeting=meeting, owner=la_org)

    response = client_for(admin_user).post(
        url("action-arising-promote", area, meeting.pk, arising.pk), {"reference": "A" * 13}
    )

    assert errors_of(response) == {"reference": ["The reference must be 12 characters or fewer"]}
    assert not Action.objects.exists()


# Minutes ---------------------------------------------------------------------------------------------------


def test_minutes_cannot_be_blank(client_for, admin_user, area, meeting):
    response = client_for(admin_user).post(url("minutes-edit", area, meeting.pk), {"minutes": "   "})

    assert errors_of(response) == {"minutes": ["Enter the minutes"]}
    assert Meeting.objects.get(pk=meeting.pk).minutes == meeting.minutes


def test_approval_offers_only_later_meetings_that_have_taken_place(
    client_for, admin_user, area, board, meeting, later_meeting, upcoming_meeting
):
    earlier = MeetingFactory(board=board, held_on=meeting.held_on - timedelta(days=60))
    client = client_for(admin_user)

    page = client.get(url("minutes-approve", area, meeting.pk))
    offered = list(page.context["form"].fields["at_meeting"].queryset)
    assert offered == [later_meeting]

    for choice in (earlier.pk, upcoming_meeting.pk, meeting.pk):
        response = client.post(url("minutes-approve", area, meeting.pk), {"at_meeting": choice})
        assert errors_of(response) == {"at_meeting": ["Select a later meeting of this board that has taken place"]}
    response = client.post(url("minutes-approve", area, meeting.pk), {})
    assert errors_of(response) == {"at_meeting": ["Select the meeting that approved the minutes"]}
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == Meeting.MinutesStatus.DRAFT


def test_board_needs_a_name(client_for, admin_user, area):
    response = client_for(admin_user).post(url("board-edit", area), {"name": "", "terms_of_reference": "x"})

    assert errors_of(response) == {"name": ["Enter the name of the board"]}
