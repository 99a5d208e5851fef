"""Fixtures for the board's tests: the area's board, a past meeting with draft minutes and a later meeting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from sendhub.governance.models import Meeting
from tests.factories import ActionFactory, FindingFactory, InspectionFactory, UserFactory
from tests.governance.factories import BoardFactory, MeetingFactory


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def board(area):
    return BoardFactory(area=area, name="SEND Partnership Board")


@pytest.fixture
def meeting(board, today):
    """Held 70 days ago; its draft minutes wait for approval."""
    return MeetingFactory(
        board=board,
        held_on=today - timedelta(days=70),
        minutes="Present: the chair, the Director of SEND.",
        minutes_status=Meeting.MinutesStatus.DRAFT,
    )


@pytest.fixture
def later_meeting(board, today):
    """Held 7 days ago: where the earlier meeting's minutes are approved."""
    return MeetingFactory(board=board, held_on=today - timedelta(days=7))


@pytest.fixture
def upcoming_meeting(board, today):
    return MeetingFactory(board=board, held_on=today + timedelta(days=50), status=Meeting.Status.SCHEDULED)


@pytest.fixture
def finding(area):
    inspection = InspectionFactory(area=area)
    return FindingFactory(inspection=inspection, reference="PA2", title="Improve EHC plan timeliness")


@pytest.fixture
def plan_action(area, la_org, finding):
    return ActionFactory(area=area, owner=la_org, reference="A23", findings=[finding])


@pytest.fixture
def other_finding(other_area):
    return FindingFactory(inspection=InspectionFactory(area=other_area), reference="PA9", title="Cumbria finding")


@pytest.fixture
def superuser(db):
    return UserFactory(full_name="Sam Superuser", email="sam@example.org", is_superuser=True, is_staff=True)
