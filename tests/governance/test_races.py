"""Two people saving the same unique value at once (a meeting's date, an agenda item's number, a plan action's
reference, the board itself): the loser gets the form back with the error on the field, not a server error.

As in tests/improvement/test_races.py, the race is played out in order: the form's check passes, the other
person's record is saved, then this one meets the database's constraint.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from sendhub.governance import services
from sendhub.governance.forms import AgendaItemForm, BoardForm, MeetingForm
from sendhub.governance.models import AgendaItem, Board, Meeting
from sendhub.improvement import services as improvement_services
from sendhub.improvement.models import Action
from tests.factories import ActionFactory
from tests.governance.factories import ActionArisingFactory, AgendaItemFactory, BoardFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def url(name: str, area, *args) -> str:
    return reverse(f"governance:{name}", args=[area.slug, *args])


def after_the_check(monkeypatch, form_class, method: str, rival) -> None:
    """Save ``rival()`` just after the form's ``method`` check has passed: the other request's commit."""
    check = getattr(form_class, method)

    def check_then_lose_the_race(form):
        result = check(form)
        rival()
        return result

    monkeypatch.setattr(form_class, method, check_then_lose_the_race)


def field_error(response, field: str) -> list[str]:
    assert response.status_code == 200
    return response.context["form"].errors[field]


def test_two_meetings_on_one_day(monkeypatch, client_for, admin_user, area, board, today):
    day = today + timedelta(days=30)
    after_the_check(monkeypatch, MeetingForm, "clean", lambda: MeetingFactory(board=board, held_on=day))
    data = {"held_on": day.isoformat(), "starts_at": "10:00", "location": "County Hall", "status": "scheduled"}
    response = client_for(admin_user).post(url("meeting-create", area), data)
    assert field_error(response, "held_on") == [f"The board already has a meeting on {day:%-d %B %Y}"]
    assert Meeting.objects.filter(held_on=day).count() == 1


def test_two_agenda_items_with_one_number(monkeypatch, client_for, admin_user, area, upcoming_meeting):
    after_the_check(
        monkeypatch, AgendaItemForm, "clean_position", lambda: AgendaItemFactory(meeting=upcoming_meeting, position=4)
    )
    data = {"position": "4", "title": "Waiting lists"}
    response = client_for(admin_user).post(url("agenda-item-create", area, upcoming_meeting.pk), data)
    assert field_error(response, "position") == ["Item 4 is already on the agenda: choose another number"]
    assert not AgendaItem.objects.filter(title="Waiting lists").exists()


def test_two_promotions_with_one_reference(monkeypatch, client_for, admin_user, area, la_org, meeting):
    arising = ActionArisingFactory(meeting=meeting, owner=la_org)
    create = improvement_services.action_create

    def after_the_services_check(**arguments):
        # Later than the form's check, and the promotion's own: the other action is saved just before ours.
        ActionFactory(area=area, owner=la_org, reference="A40")
        return create(**arguments)

    monkeypatch.setattr(improvement_services, "action_create", after_the_services_check)
    response = client_for(admin_user).post(
        url("action-arising-promote", area, meeting.pk, arising.pk), {"reference": "A40"}
    )
    assert field_error(response, "reference") == ["Another action already has the reference A40"]
    arising.refresh_from_db()
    # Nothing of ours was saved (here the rival was saved inside our transaction, so it went with it).
    assert arising.plan_action_id is None and not Action.objects.filter(title=arising.title).exists()


def test_two_people_setting_up_the_board(monkeypatch, client_for, admin_user, area):
    after_the_check(monkeypatch, BoardForm, "clean", lambda: BoardFactory(area=area, name="Theirs"))
    response = client_for(admin_user).post(url("board-edit", area), {"name": "Ours", "terms_of_reference": ""})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Someone else has just set up the board: look at its details, then make your changes again"
    ]
    assert list(Board.objects.values_list("name", flat=True)) == ["Theirs"]


def test_a_first_meeting_added_while_someone_else_sets_up_the_board_goes_to_their_board(
    monkeypatch, admin_user, area, today
):
    real_save = services.board_save

    def they_set_it_up_first(*, board, saved_by):
        BoardFactory(area=area, name="Theirs")
        return real_save(board=board, saved_by=saved_by)

    monkeypatch.setattr(services, "board_save", they_set_it_up_first)
    meeting = services.meeting_save(
        meeting=Meeting(held_on=today, status=Meeting.Status.HELD), area=area, saved_by=admin_user
    )
    assert meeting.board.name == "Theirs" and Board.objects.count() == 1
