"""The board's services: minutes and their approval, the closed record, promotion into the plan, and areas."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sendhub.governance import services
from sendhub.governance.models import ActionArising, AgendaItem, Board, Decision, Meeting, MinutesApproved, Paper
from sendhub.improvement.models import Action
from tests.factories import ActionFactory, OrganisationFactory
from tests.governance.factories import PDF, ActionArisingFactory, AgendaItemFactory, BoardFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def approve(meeting, at, user, today):
    return services.minutes_approve(meeting=meeting, at_meeting=at, approved_by=user, today=today)


# Recording minutes ------------------------------------------------------------------------------------------


def test_recording_minutes_drafts_them_and_marks_a_scheduled_meeting_held(board, admin_user, today):
    meeting = MeetingFactory(board=board, held_on=today - timedelta(days=1), status=Meeting.Status.SCHEDULED)

    saved = services.minutes_record(meeting=meeting, minutes="Present: all.", recorded_by=admin_user, today=today)

    meeting.refresh_from_db()
    assert saved.pk == meeting.pk
    assert (meeting.minutes, meeting.minutes_status, meeting.status) == ("Present: all.", "draft", "held")
    assert meeting.history.first().history_user == admin_user


@pytest.mark.parametrize(
    ("days", "status", "message"),
    [
        (10, Meeting.Status.SCHEDULED, "once the meeting has taken place"),
        (-10, Meeting.Status.CANCELLED, "was cancelled"),
    ],
)
def test_minutes_are_refused_for_a_future_or_cancelled_meeting(board, admin_user, today, days, status, message):
    meeting = MeetingFactory(board=board, held_on=today + timedelta(days=days), status=status)

    with pytest.raises(services.GovernanceError, match=message):
        services.minutes_record(meeting=meeting, minutes="Present: all.", recorded_by=admin_user, today=today)

    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_status) == ("", "none")


def test_blank_minutes_are_refused(meeting, admin_user, today):
    with pytest.raises(services.GovernanceError, match="Enter the minutes"):
        services.minutes_record(meeting=meeting, minutes="  \n ", recorded_by=admin_user, today=today)


# Approving minutes ------------------------------------------------------------------------------------------


def test_minutes_are_approved_at_a_later_meeting(meeting, later_meeting, admin_user, today):
    later_meeting.status = Meeting.Status.SCHEDULED
    later_meeting.save()

    approve(meeting, later_meeting, admin_user, today)

    meeting.refresh_from_db()
    later_meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.APPROVED
    assert meeting.minutes_approved_at_meeting == later_meeting
    assert later_meeting.status == Meeting.Status.HELD  # minutes were approved there, so it took place
    assert list(later_meeting.minutes_approved.all()) == [meeting]


def test_minutes_cannot_be_approved_at_the_same_or_an_earlier_meeting(board, meeting, admin_user, today):
    earlier = MeetingFactory(board=board, held_on=meeting.held_on - timedelta(days=60))

    with pytest.raises(services.ApprovalRefused, match="later meeting"):
        approve(meeting, earlier, admin_user, today)
    with pytest.raises(services.ApprovalRefused, match="later meeting"):
        approve(meeting, meeting, admin_user, today)

    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT and meeting.minutes_approved_at_meeting is None


def test_minutes_must_be_written_before_approval(board, later_meeting, admin_user, today):
    unwritten = MeetingFactory(board=board, held_on=later_meeting.held_on - timedelta(days=30))

    with pytest.raises(services.ApprovalRefused, match="Write the minutes"):
        approve(unwritten, later_meeting, admin_user, today)

    unwritten.refresh_from_db()
    assert unwritten.minutes_status == Meeting.MinutesStatus.NONE


def test_minutes_cannot_be_approved_at_a_meeting_not_yet_held_or_cancelled(
    board, meeting, upcoming_meeting, admin_user, today
):
    cancelled = MeetingFactory(board=board, held_on=today - timedelta(days=3), status=Meeting.Status.CANCELLED)

    with pytest.raises(services.ApprovalRefused, match="has not taken place yet"):
        approve(meeting, upcoming_meeting, admin_user, today)
    with pytest.raises(services.ApprovalRefused, match="was cancelled"):
        approve(meeting, cancelled, admin_user, today)

    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT


def test_minutes_cannot_be_approved_at_another_areas_meeting(meeting, other_area, admin_user, today):
    elsewhere = MeetingFactory(board=BoardFactory(area=other_area), held_on=today - timedelta(days=2))

    with pytest.raises(services.ApprovalRefused, match="same board"):
        approve(meeting, elsewhere, admin_user, today)

    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT


def test_approved_minutes_cannot_be_approved_again(board, meeting, later_meeting, admin_user, today):
    approve(meeting, later_meeting, admin_user, today)
    another = MeetingFactory(board=board, held_on=today - timedelta(days=1))

    with pytest.raises(services.ApprovalRefused, match="already approved"):
        approve(meeting, another, admin_user, today)

    meeting.refresh_from_db()
    assert meeting.minutes_approved_at_meeting == later_meeting


# After approval the record is closed ----------------------------------------------------------------------------


@pytest.fixture
def approved(meeting, later_meeting, admin_user, today):
    approve(meeting, later_meeting, admin_user, today)
    meeting.refresh_from_db()
    return meeting


def test_approved_minutes_cannot_be_edited_by_anyone(approved, admin_user, superuser, today):
    for user in (admin_user, superuser):
        with pytest.raises(services.RecordClosed, match="nobody can change them"):
            services.minutes_record(meeting=approved, minutes="Rewritten.", recorded_by=user, today=today)

    approved.refresh_from_db()
    assert approved.minutes == "Present: the chair, the Director of SEND."


def test_the_model_itself_refuses_to_change_approved_minutes(approved, board, today):
    """Any path that skips the services (the shell, a stale copy) is refused by Meeting.save."""
    approved.minutes = "Quietly rewritten."
    with pytest.raises(MinutesApproved):
        approved.save()
    approved.refresh_from_db()
    approved.minutes_status, approved.minutes_approved_at_meeting = Meeting.MinutesStatus.DRAFT, None
    with pytest.raises(MinutesApproved):
        approved.save()

    approved.refresh_from_db()
    assert approved.minutes_status == Meeting.MinutesStatus.APPROVED
    assert approved.minutes == "Present: the chair, the Director of SEND."


def test_a_stale_copy_cannot_overwrite_minutes_approved_after_it_was_read(meeting, later_meeting, admin_user, today):
    stale = Meeting.objects.get(pk=meeting.pk)
    approve(meeting, later_meeting, admin_user, today)

    with pytest.raises(services.RecordClosed):
        services.minutes_record(meeting=stale, minutes="Too late.", recorded_by=admin_user, today=today)

    meeting.refresh_from_db()
    assert meeting.minutes_status == "approved" and meeting.minutes != "Too late."


def test_the_record_of_an_approved_meeting_is_closed(approved, admin_user, la_org):
    AgendaItemFactory(meeting=approved, position=1)
    arising = ActionArisingFactory(meeting=approved, owner=la_org)
    closed = services.RecordClosed

    with pytest.raises(closed):
        services.agenda_item_save(
            item=AgendaItem(meeting=approved, position=2, title="Late item"),
            findings=[], actions=[], reports=[], measures=[], saved_by=admin_user,
        )
    with pytest.raises(closed):
        services.decision_record(
            decision=Decision(meeting=approved, text="Late", decided_on=approved.held_on), recorded_by=admin_user
        )
    with pytest.raises(closed):
        services.paper_add(
            meeting=approved, title="Late paper", upload=SimpleUploadedFile("late.pdf", PDF),
            content_type="application/pdf", added_by=admin_user,
        )
    with pytest.raises(closed):
        services.action_arising_save(
            arising=ActionArising(meeting=approved, title="Late", owner=la_org, due_date=approved.held_on),
            saved_by=admin_user,
        )
    arising.title = "Renamed after approval"
    with pytest.raises(closed, match="only the status"):
        services.action_arising_save(arising=arising, saved_by=admin_user)
    with pytest.raises(closed):
        approved.location = "Elsewhere"
        services.meeting_save(meeting=approved, area=approved.area, saved_by=admin_user)

    assert AgendaItem.objects.filter(meeting=approved).count() == 1
    assert not Decision.objects.filter(meeting=approved).exists()
    assert not Paper.objects.filter(meeting=approved).exists()
    assert list(ActionArising.objects.filter(meeting=approved)) == [arising]
    assert ActionArising.objects.get(pk=arising.pk).title != "Renamed after approval"


def test_an_action_arising_can_still_be_marked_done_after_approval(approved, admin_user, la_org):
    arising = ActionArisingFactory(meeting=approved, owner=la_org)
    arising.status = ActionArising.Status.DONE

    services.action_arising_save(arising=arising, saved_by=admin_user)

    assert ActionArising.objects.get(pk=arising.pk).status == ActionArising.Status.DONE


# Promoting an action arising into the plan ------------------------------------------------------------------


def test_promoting_creates_a_plan_action_linked_to_the_agenda_items_findings(meeting, finding, la_org, admin_user):
    item = AgendaItemFactory(meeting=meeting, position=1)
    item.findings.set([finding])
    arising = ActionArisingFactory(
        meeting=meeting, agenda_item=item, owner=la_org, title="Validate the waiting list", description="All of it."
    )

    action = services.action_arising_promote(arising=arising, reference="A61", promoted_by=admin_user)

    arising.refresh_from_db()
    assert arising.plan_action == action
    assert (action.area, action.reference, action.title, action.owner) == (
        meeting.area, "A61", "Validate the waiting list", la_org,
    )
    assert (action.start_date, action.due_date) == (meeting.held_on, arising.due_date)
    assert list(action.findings.all()) == [finding]
    assert "All of it." in action.description and str(meeting) in action.description
    assert action.history.first().history_user == admin_user
    assert arising.history.first().plan_action_id == action.pk


def test_an_action_arising_is_promoted_only_once(meeting, la_org, admin_user):
    arising = ActionArisingFactory(meeting=meeting, owner=la_org)
    first = services.action_arising_promote(arising=arising, reference="A61", promoted_by=admin_user)

    with pytest.raises(services.PromotionRefused, match="already in the improvement plan as A61"):
        services.action_arising_promote(arising=arising, reference="A62", promoted_by=admin_user)
    # A stale copy that still says "not promoted" is refused too.
    stale = ActionArising.objects.get(pk=arising.pk)
    stale.plan_action = None
    with pytest.raises(services.PromotionRefused):
        services.action_arising_promote(arising=stale, reference="A63", promoted_by=admin_user)

    assert list(Action.objects.filter(area=meeting.area).values_list("reference", flat=True)) == [first.reference]


def test_promoting_needs_a_reference_unique_in_the_area(meeting, la_org, admin_user, other_area):
    ActionFactory(area=meeting.area, owner=la_org, reference="A61")
    ActionFactory(area=other_area, reference="A62")  # another area's reference does not clash
    arising = ActionArisingFactory(meeting=meeting, owner=la_org)

    with pytest.raises(services.PromotionRefused, match="already has the reference a61"):
        services.action_arising_promote(arising=arising, reference="a61", promoted_by=admin_user)
    with pytest.raises(services.PromotionRefused, match="Enter a reference"):
        services.action_arising_promote(arising=arising, reference=" ", promoted_by=admin_user)
    arising.refresh_from_db()
    assert arising.plan_action is None

    action = services.action_arising_promote(arising=arising, reference="A62", promoted_by=admin_user)
    assert action.area == meeting.area


def test_promoting_refuses_an_owner_from_another_area(meeting, other_area, admin_user):
    foreign = OrganisationFactory(area=other_area)
    arising = ActionArisingFactory(meeting=meeting, owner=foreign)

    with pytest.raises(services.OtherAreaRefused):
        services.action_arising_promote(arising=arising, reference="A61", promoted_by=admin_user)

    assert not Action.objects.exists()


# Areas never share records ----------------------------------------------------------------------------------------


def test_an_agenda_item_cannot_link_another_areas_finding_or_action(meeting, finding, other_finding, admin_user):
    foreign_action = ActionFactory(area=other_finding.area)
    item = AgendaItem(meeting=meeting, position=1, title="Progress")

    for findings, actions in (([finding, other_finding], []), ([], [foreign_action])):
        with pytest.raises(services.OtherAreaRefused, match="another area"):
            services.agenda_item_save(
                item=item, findings=findings, actions=actions, reports=[], measures=[], saved_by=admin_user
            )

    assert not AgendaItem.objects.exists()


def test_an_agenda_item_names_only_known_measures_in_their_defined_order(meeting, admin_user):
    item = AgendaItem(meeting=meeting, position=1, title="Timeliness")
    with pytest.raises(services.GovernanceError, match="Unknown outcome measure: made_up"):
        services.agenda_item_save(
            item=item, findings=[], actions=[], reports=[], measures=["made_up"], saved_by=admin_user
        )
    assert not AgendaItem.objects.exists()

    services.agenda_item_save(
        item=item, findings=[], actions=[], reports=[],
        measures=["reviews_within_12_months_pc", "PC_plans_issued_20_weeks_ex"], saved_by=admin_user,
    )
    assert AgendaItem.objects.get().measures == ["PC_plans_issued_20_weeks_ex", "reviews_within_12_months_pc"]


def test_actions_arising_need_an_owner_from_the_meetings_area(meeting, other_area, admin_user):
    arising = ActionArising(
        meeting=meeting, title="X", owner=OrganisationFactory(area=other_area), due_date=meeting.held_on
    )
    with pytest.raises(services.OtherAreaRefused):
        services.action_arising_save(arising=arising, saved_by=admin_user)
    assert not ActionArising.objects.exists()


def test_a_paper_or_decision_cannot_hang_off_another_meetings_agenda(meeting, later_meeting, admin_user):
    elsewhere = AgendaItemFactory(meeting=later_meeting, position=1)
    with pytest.raises(services.OtherAreaRefused):
        services.decision_record(
            decision=Decision(meeting=meeting, agenda_item=elsewhere, text="X", decided_on=meeting.held_on),
            recorded_by=admin_user,
        )
    with pytest.raises(services.OtherAreaRefused):
        services.paper_add(
            meeting=meeting, agenda_item=elsewhere, title="X", upload=SimpleUploadedFile("x.pdf", PDF),
            content_type="application/pdf", added_by=admin_user,
        )
    assert not Decision.objects.exists() and not Paper.objects.exists()


# Meetings and the board -------------------------------------------------------------------------------------------


def test_the_first_meeting_sets_up_the_areas_board(area, admin_user, today):
    meeting = services.meeting_save(
        meeting=Meeting(held_on=today + timedelta(days=30)), area=area, saved_by=admin_user
    )

    board = Board.objects.get(area=area)
    assert meeting.board == board and meeting.area == area and board.name == "SEND Partnership Board"
    second = services.meeting_save(meeting=Meeting(held_on=today + timedelta(days=90)), area=area, saved_by=admin_user)
    assert second.board == board and Board.objects.count() == 1


def test_a_meeting_cannot_move_before_minutes_it_approved(meeting, later_meeting, admin_user, today):
    approve(meeting, later_meeting, admin_user, today)
    later_meeting.refresh_from_db()
    later_meeting.held_on = meeting.held_on - timedelta(days=1)

    with pytest.raises(services.GovernanceError, match="must be after that date"):
        services.meeting_save(meeting=later_meeting, area=later_meeting.area, saved_by=admin_user)

    assert Meeting.objects.get(pk=later_meeting.pk).held_on == today - timedelta(days=7)


def test_a_meeting_cannot_be_saved_on_another_areas_board(other_area, area, admin_user, today):
    meeting = Meeting(board=BoardFactory(area=other_area), held_on=today)

    with pytest.raises(services.OtherAreaRefused):
        services.meeting_save(meeting=meeting, area=area, saved_by=admin_user)

    assert not Meeting.objects.exists()
