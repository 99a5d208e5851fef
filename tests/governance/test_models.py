"""The board's models: one board per area, the minutes' constraints, and deleting a whole area."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from sendhub.governance import services
from sendhub.governance.models import ActionArising, Board, Meeting, Paper, validate_measure_names
from tests.governance.factories import ActionArisingFactory, BoardFactory, MeetingFactory, PaperFactory

pytestmark = pytest.mark.django_db


def test_an_area_has_one_board(area):
    BoardFactory(area=area)

    with pytest.raises(IntegrityError), transaction.atomic():
        Board.objects.create(area=area, name="Another board")


def test_a_meeting_takes_its_area_from_its_board(board, other_area, today):
    meeting = Meeting(board=board, held_on=today)
    meeting.area = other_area  # ignored: the board decides

    meeting.save()

    assert Meeting.objects.get(pk=meeting.pk).area == board.area


def test_approved_minutes_must_name_the_meeting_that_approved_them(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.MinutesStatus.APPROVED)


def test_measure_names_are_validated():
    validate_measure_names(["ehcplans", "PC_plans_issued_20_weeks_ex"])
    for bad in (["no_such_measure"], "ehcplans", [1]):
        with pytest.raises(Exception, match="measure"):
            validate_measure_names(bad)


def test_deleting_the_board_deletes_its_records(board, meeting, later_meeting, la_org, admin_user, today):
    """Approvals between meetings are RESTRICT, which lets a cascade from the board through."""
    services.minutes_approve(meeting=meeting, at_meeting=later_meeting, approved_by=admin_user, today=today)
    arising = ActionArisingFactory(meeting=meeting, owner=la_org)
    action = services.action_arising_promote(arising=arising, reference="A61", promoted_by=admin_user)
    PaperFactory(meeting=meeting)

    board.delete()

    assert not Meeting.objects.exists() and not ActionArising.objects.exists() and not Paper.objects.exists()
    action.refresh_from_db()  # the plan keeps its action


def test_an_organisation_with_actions_arising_cannot_be_deleted_alone(meeting, la_org):
    ActionArisingFactory(meeting=meeting, owner=la_org)

    with pytest.raises(Exception, match="restricted|protected|RESTRICT"), transaction.atomic():
        la_org.delete()


def test_a_later_meeting_that_approved_minutes_cannot_be_deleted_alone(meeting, later_meeting, admin_user, today):
    services.minutes_approve(meeting=meeting, at_meeting=later_meeting, approved_by=admin_user, today=today)

    with pytest.raises(Exception, match="restricted|protected|RESTRICT"), transaction.atomic():
        later_meeting.delete()

    assert MeetingFactory._meta.model.objects.filter(pk=later_meeting.pk).exists()
