"""The demo board: a year of bi-monthly meetings linked to the demo plan, approvals in order, one promotion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sendhub.demo import governance as demo_governance
from sendhub.demo import lancashire, reset
from sendhub.governance.models import ActionArising, AgendaItem, Board, Meeting, Paper
from sendhub.improvement.models import Action
from sendhub.outcomes.measures import MEASURES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_day():
    return timezone.localdate()


@pytest.fixture
def demo(demo_day):
    area = lancashire.build(demo_day).area
    admin = area.memberships.get(user__email=lancashire.ADMIN_EMAIL).user
    counts = demo_governance.build(area, demo_day, admin)
    return area, admin, counts


def test_the_demo_board_has_a_year_of_meetings_and_the_next_one(demo, demo_day):
    area, _, counts = demo

    meetings = list(Meeting.objects.filter(area=area).order_by("held_on"))
    past, upcoming = meetings[:-1], meetings[-1]
    assert counts["boards"] == 1 and counts["meetings"] == len(meetings) == 7
    assert all(m.held_on < demo_day for m in past) and upcoming.held_on > demo_day
    assert demo_day - past[0].held_on <= timedelta(days=366)
    gaps = {(b.held_on - a.held_on).days for a, b in zip(meetings, meetings[1:], strict=False)}
    assert gaps == {63}  # every nine weeks
    assert upcoming.status == Meeting.Status.SCHEDULED and all(m.status == Meeting.Status.HELD for m in past)

    for earlier, later in zip(past, past[1:], strict=False):
        assert earlier.minutes_status == Meeting.MinutesStatus.APPROVED
        assert earlier.minutes_approved_at_meeting == later
    assert past[-1].minutes_status == Meeting.MinutesStatus.DRAFT  # waits for the upcoming meeting
    assert upcoming.minutes_status == Meeting.MinutesStatus.NONE and not upcoming.decisions.exists()
    assert counts["approved minutes"] == 5


def test_the_demo_agenda_links_the_plan_and_outcomes(demo):
    area, admin, counts = demo

    items = AgendaItem.objects.filter(meeting__area=area)
    assert counts["agenda items"] == items.count() >= 25
    linked_findings = set(items.values_list("findings__reference", flat=True)) - {None}
    assert {"PA1", "PA2", "PA3", "AFI1", "AFI2"} <= linked_findings
    assert items.filter(actions__reference="A23").exists()
    assert all(name in MEASURES for item in items for name in item.measures)
    assert items.exclude(measures=[]).exists()
    assert counts["decisions"] >= 6 and counts["actions arising"] >= 6
    assert ActionArising.objects.filter(meeting__area=area, status="done").exists()
    assert items.first().history.first().history_user == admin


def test_one_demo_action_arising_is_in_the_plan(demo):
    area, _, counts = demo

    promoted = ActionArising.objects.get(meeting__area=area, plan_action__isnull=False)
    action = promoted.plan_action
    assert counts["actions arising in the plan"] == 1
    assert action.area == area and action.title == promoted.title and action.reference == "A61"
    assert set(action.findings.values_list("reference", flat=True)) == {"PA2"}
    assert list(Action.objects.filter(area=area, board_actions_arising__isnull=False)) == [action]


def test_the_demo_paper_is_a_pdf_served_to_members(demo, client_for):
    area, admin, counts = demo

    paper = Paper.objects.get(meeting__area=area)
    assert counts["papers"] == 1
    assert paper.content_type == "application/pdf" and paper.file.read(5) == b"%PDF-"
    response = client_for(admin).get(
        reverse("governance:paper-download", args=[area.slug, paper.meeting_id, paper.pk])
    )
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_demo_pages_render(demo, client_for):
    area, admin, _ = demo
    client = client_for(area.memberships.get(user__email="monitor@dfe.demo").user)

    assert client.get(reverse("governance:meeting-list", args=[area.slug])).status_code == 200
    for meeting in Meeting.objects.filter(area=area):
        assert client.get(meeting.get_absolute_url()).status_code == 200


def test_the_demo_board_can_be_deleted_with_its_files(demo, django_capture_on_commit_callbacks):
    area, _, _ = demo
    name = Paper.objects.get(meeting__area=area).file.name

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        demo_governance.delete(area)

    assert not Board.objects.filter(area=area).exists() and not Meeting.objects.filter(area=area).exists()
    assert not default_storage.exists(name)


def test_deleting_the_board_first_lets_the_demo_area_be_deleted(demo, django_capture_on_commit_callbacks):
    """``sendhub demo load --reset`` must call ``governance.delete`` before the area's organisations go: an
    action arising's owner is RESTRICT, like an action's."""
    area, _, _ = demo

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        demo_governance.delete(area)
        reset.delete_demo_area(area)

    assert lancashire.demo_area() is None
