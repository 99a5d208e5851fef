"""The board's pages: who reads and who writes, the administrator's journey, history, papers and closed records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendhub.governance.models import AgendaItem, Decision, Meeting, Paper
from sendhub.improvement.models import Action
from sendhub.reports.models import MonitoringReport
from sendhub.web import history
from tests.governance.factories import (
    PDF,
    ActionArisingFactory,
    AgendaItemFactory,
    DecisionFactory,
    MeetingFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db


def url(name: str, area, *args) -> str:
    return reverse(f"governance:{name}", args=[area.slug, *args])


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def full_meeting(meeting, finding, plan_action, la_org):
    """A meeting with an agenda item linking a finding, an action and a measure, a paper, a decision and an
    action arising."""
    item = AgendaItemFactory(
        meeting=meeting, position=1, title="EHC plan timeliness", measures=["PC_plans_issued_20_weeks_ex"]
    )
    item.findings.set([finding])
    item.actions.set([plan_action])
    PaperFactory(meeting=meeting, agenda_item=item, title="Timeliness data pack")
    DecisionFactory(meeting=meeting, agenda_item=item, text="The board agreed the recovery plan.")
    ActionArisingFactory(meeting=meeting, agenda_item=item, owner=la_org, title="Report the backlog by district")
    return meeting


# Reading ----------------------------------------------------------------------------------------------------


def test_a_monitor_reads_the_whole_record(client_for, monitor_user, area, full_meeting, upcoming_meeting, finding):
    client = client_for(monitor_user)

    board_page = text_of(client.get(url("meeting-list", area)))
    assert "SEND Partnership Board" in board_page
    assert full_meeting.get_absolute_url() in board_page and upcoming_meeting.get_absolute_url() in board_page
    assert "Add a meeting" not in board_page

    page = text_of(client.get(full_meeting.get_absolute_url()))
    for expected in (
        "EHC plan timeliness",
        finding.get_absolute_url(),
        reverse("outcomes:measure-detail", args=[area.slug, "PC_plans_issued_20_weeks_ex"]),
        "New EHC plans issued within 20 weeks (%)",
        "Timeliness data pack",
        "The board agreed the recovery plan.",
        "Report the backlog by district",
        "Present: the chair, the Director of SEND.",
    ):
        assert expected in page, expected
    promote = url("action-arising-promote", area, full_meeting.pk, full_meeting.actions_arising.get().pk)
    for write in ("Add an agenda item", "Record a decision", promote, "Approve the minutes"):
        assert write not in page

    paper = full_meeting.papers.get()
    download = client.get(url("paper-download", area, full_meeting.pk, paper.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_an_administrator_sees_the_write_links(client_for, admin_user, area, full_meeting):
    page = text_of(client_for(admin_user).get(full_meeting.get_absolute_url()))

    promote = url("action-arising-promote", area, full_meeting.pk, full_meeting.actions_arising.get().pk)
    for write in ("Add an agenda item", "Add a paper", "Record a decision", "Record an action arising",
                  promote, "Approve the minutes", "Edit the draft minutes"):
        assert write in page, write


def test_papers_are_never_linked_through_the_media_url(client_for, viewer_user, area, full_meeting, settings):
    page = text_of(client_for(viewer_user).get(full_meeting.get_absolute_url()))

    assert settings.MEDIA_URL not in page
    assert url("paper-download", area, full_meeting.pk, full_meeting.papers.get().pk) in page


def test_the_meeting_page_reads_in_a_fixed_number_of_queries(
    client_for, admin_user, area, full_meeting, django_assert_num_queries, monkeypatch
):
    """Apart from History (which reads each object's own records), the page's queries do not grow with the
    agenda."""
    monkeypatch.setattr(history, "entries_for", lambda *args, **kwargs: [])
    client = client_for(admin_user)
    client.get(full_meeting.get_absolute_url())  # warm the session
    with CaptureQueriesContext(connection) as one_item:
        client.get(full_meeting.get_absolute_url())
    findings = full_meeting.agenda_items.get(position=1).findings.all()
    for n in range(2, 8):
        AgendaItemFactory(meeting=full_meeting, position=n, measures=["ehcplans"]).findings.set(findings)
        DecisionFactory(meeting=full_meeting)

    with django_assert_num_queries(len(one_item)):
        client.get(full_meeting.get_absolute_url())


# Writing ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("meeting-create", {"held_on": "2025-03-04", "status": "held"}),
        ("agenda-item-create", {"position": "2", "title": "Data"}),
        ("decision-create", {"text": "Agreed", "decided_on": "2025-03-04"}),
        ("minutes-edit", {"minutes": "Rewritten by an editor"}),
    ],
)
def test_an_editor_cannot_write(client_for, editor_user, area, meeting, name, data):
    args = [] if name == "meeting-create" else [meeting.pk]
    client = client_for(editor_user)

    assert client.get(url(name, area, *args)).status_code == 403
    assert client.post(url(name, area, *args), data).status_code == 403

    assert Meeting.objects.count() == 1 and not AgendaItem.objects.exists() and not Decision.objects.exists()
    assert Meeting.objects.get().minutes == meeting.minutes


def test_a_monitor_cannot_promote_or_approve(client_for, monitor_user, area, meeting, later_meeting, la_org):
    arising = ActionArisingFactory(meeting=meeting, owner=la_org)
    client = client_for(monitor_user)

    assert client.post(url("action-arising-promote", area, meeting.pk, arising.pk), {"reference": "A9"}).status_code \
        == 403
    assert client.post(url("minutes-approve", area, meeting.pk), {"at_meeting": later_meeting.pk}).status_code == 403

    assert not Action.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == Meeting.MinutesStatus.DRAFT


def test_an_administrator_runs_a_meeting_from_agenda_to_approved_minutes(
    client_for, admin_user, area, board, finding, plan_action, la_org, today
):
    client = client_for(admin_user)
    held_on = today - timedelta(days=14)

    response = client.post(url("meeting-create", area), {
        "held_on": held_on.isoformat(), "starts_at": "14:00", "location": "County Hall", "status": "scheduled",
    })
    meeting = Meeting.objects.get(held_on=held_on)
    assert response["Location"] == meeting.get_absolute_url()
    assert (meeting.board, meeting.area, meeting.starts_at.hour) == (board, area, 14)

    client.post(url("agenda-item-create", area, meeting.pk), {
        "position": "1", "title": "EHC plan timeliness", "presenter": "Head of SEND",
        "findings": [finding.pk], "actions": [plan_action.pk], "measures": ["PC_plans_issued_20_weeks_ex"],
    })
    item = meeting.agenda_items.get()
    assert list(item.findings.all()) == [finding] and list(item.actions.all()) == [plan_action]
    assert item.measures == ["PC_plans_issued_20_weeks_ex"]

    client.post(url("decision-create", area, meeting.pk), {
        "agenda_item": item.pk, "text": "Recovery plan agreed.", "decided_on": held_on.isoformat(),
    })
    client.post(url("action-arising-create", area, meeting.pk), {
        "agenda_item": item.pk, "title": "Report the backlog by district", "owner": la_org.pk,
        "due_date": (held_on + timedelta(days=60)).isoformat(),
    })
    arising = meeting.actions_arising.get()
    assert (meeting.decisions.get().agenda_item, arising.agenda_item, arising.status) == (item, item, "open")

    response = client.post(url("action-arising-promote", area, meeting.pk, arising.pk), {"reference": "A61"})
    action = Action.objects.get(reference="A61")
    assert response["Location"] == action.get_absolute_url()
    assert list(action.findings.all()) == [finding]
    response = client.get(url("action-arising-promote", area, meeting.pk, arising.pk))
    assert response.status_code == 302  # promoted once: the page sends the visitor back

    client.post(url("minutes-edit", area, meeting.pk), {"minutes": "Present: all partners."})
    meeting.refresh_from_db()
    assert (meeting.minutes_status, meeting.status) == ("draft", "held")

    next_meeting = MeetingFactory(board=board, held_on=today - timedelta(days=1))
    client.post(url("minutes-approve", area, meeting.pk), {"at_meeting": next_meeting.pk})
    meeting.refresh_from_db()
    assert (meeting.minutes_status, meeting.minutes_approved_at_meeting) == ("approved", next_meeting)

    page = text_of(client.get(meeting.get_absolute_url()))
    assert "The minutes of this meeting are approved" in page
    assert "Add an agenda item" not in page and "Edit the draft minutes" not in page
    assert "Update status" in page  # actions arising can still be marked done


def test_approved_minutes_cannot_be_changed_through_the_pages(
    client_for, admin_user, superuser, area, meeting, later_meeting, today
):
    client_for(admin_user).post(url("minutes-approve", area, meeting.pk), {"at_meeting": later_meeting.pk})

    for user in (admin_user, superuser):
        client = client_for(user)
        for name, data in (
            ("minutes-edit", {"minutes": "Rewritten"}),
            ("minutes-approve", {"at_meeting": later_meeting.pk}),
            ("meeting-edit", {"held_on": meeting.held_on.isoformat(), "status": "held", "location": "Moved"}),
            ("agenda-item-create", {"position": "9", "title": "Late"}),
            ("decision-create", {"text": "Late", "decided_on": today.isoformat()}),
            ("paper-create", {"title": "Late"}),
            ("action-arising-create", {"title": "Late"}),
        ):
            response = client.post(url(name, area, meeting.pk), data)
            assert response.status_code == 302 and response["Location"].startswith(meeting.get_absolute_url()), name
        page = text_of(client.get(meeting.get_absolute_url()))
        assert "its record can no longer be changed" in page or "nobody can change them" in page

    meeting.refresh_from_db()
    assert meeting.minutes == "Present: the chair, the Director of SEND." and meeting.location != "Moved"
    assert not AgendaItem.objects.exists() and not Decision.objects.exists() and not Paper.objects.exists()


def test_after_approval_only_the_status_of_an_action_arising_can_change(
    client_for, admin_user, area, meeting, later_meeting, la_org
):
    arising = ActionArisingFactory(meeting=meeting, owner=la_org, title="Report the backlog")
    client = client_for(admin_user)
    client.post(url("minutes-approve", area, meeting.pk), {"at_meeting": later_meeting.pk})

    form = client.get(url("action-arising-edit", area, meeting.pk, arising.pk)).context["form"]
    assert list(form.fields) == ["status"]
    client.post(url("action-arising-edit", area, meeting.pk, arising.pk), {"status": "done", "title": "Renamed"})

    arising.refresh_from_db()
    assert (arising.status, arising.title) == ("done", "Report the backlog")


# History ----------------------------------------------------------------------------------------------------


def test_history_shows_who_changed_what(client_for, admin_user, monitor_user, area, meeting, later_meeting):
    client = client_for(admin_user)
    client.post(url("meeting-edit", area, meeting.pk), {
        "held_on": meeting.held_on.isoformat(), "status": "held", "location": "The Exchange, Blackburn",
    })
    client.post(url("agenda-item-create", area, meeting.pk), {"position": "1", "title": "Welcome"})
    client.post(url("minutes-approve", area, meeting.pk), {"at_meeting": later_meeting.pk})

    page = text_of(client_for(monitor_user).get(meeting.get_absolute_url()))
    history = page[page.index('id="history-heading"'):]
    assert "Ada Administrator" in history
    assert "Location or online meeting" in history and "The Exchange, Blackburn" in history
    assert "Agenda item 1: Welcome" in history
    assert "Minutes status" in history and "Approved" in history
    assert str(later_meeting) in history


def test_the_board_page_shows_its_history(client_for, admin_user, viewer_user, area, board):
    client_for(admin_user).post(url("board-edit", area), {
        "name": "SEND Improvement Board", "terms_of_reference": "Meets every two months.",
    })

    page = text_of(client_for(viewer_user).get(url("meeting-list", area)))
    assert "<h1" in page and "SEND Improvement Board" in page and "Meets every two months." in page
    history = page[page.index('id="history-heading"'):]
    assert "Ada Administrator" in history and "SEND Partnership Board" in history


def test_the_board_is_set_up_on_its_first_save(client_for, admin_user, area):
    page = text_of(client_for(admin_user).get(url("meeting-list", area)))
    assert "Set up the board" in page and "No meetings scheduled." in page

    client_for(admin_user).post(url("board-edit", area), {"name": "SEND Partnership Board"})

    assert area.boards.get().name == "SEND Partnership Board"


# Papers: type and size ------------------------------------------------------------------------------------------


def test_a_paper_is_uploaded_and_downloaded(client_for, admin_user, viewer_user, area, meeting):
    item = AgendaItemFactory(meeting=meeting, position=1)
    upload = SimpleUploadedFile("data-pack.pdf", PDF, content_type="application/pdf")

    response = client_for(admin_user).post(
        url("paper-create", area, meeting.pk), {"title": "Data pack", "agenda_item": item.pk, "file": upload}
    )

    assert response.status_code == 302
    paper = Paper.objects.get()
    assert (paper.title, paper.agenda_item, paper.original_filename, paper.content_type, paper.size_bytes) == (
        "Data pack", item, "data-pack.pdf", "application/pdf", len(PDF),
    )
    assert paper.added_by == admin_user
    download = client_for(viewer_user).get(url("paper-download", area, meeting.pk, paper.pk))
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="data-pack.pdf"' in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.pdf", b"MZ\x90\x00 this is a Windows program", "The selected file is not a real PDF"),
        ("minutes.exe", PDF, "The selected file must be a"),
        ("minutes.pdf", b"", "The selected file is empty"),
    ],
)
def test_a_paper_of_the_wrong_type_is_refused(client_for, admin_user, area, meeting, settings, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = client_for(admin_user).post(url("paper-create", area, meeting.pk), {"title": "Data", "file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(message)
    assert not Paper.objects.exists()
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_a_paper_over_the_size_limit_is_refused(client_for, admin_user, area, meeting, settings):
    settings.SENDHUB_MAX_UPLOAD_BYTES = 1024 * 1024
    big = PDF + b"%" + b"0" * (1024 * 1024)
    upload = SimpleUploadedFile("big.pdf", big, content_type="application/pdf")

    response = client_for(admin_user).post(url("paper-create", area, meeting.pk), {"title": "Big", "file": upload})

    assert response.context["form"].errors["file"] == ["The selected file must be smaller than 1MB"]
    assert not Paper.objects.exists()


def test_a_paper_needs_a_title_and_a_file(client_for, admin_user, area, meeting):
    response = client_for(admin_user).post(url("paper-create", area, meeting.pk), {})

    assert response.context["form"].errors == {
        "title": ["Enter the title of the paper"],
        "file": ["Select the file of the paper"],
    }


def test_another_meetings_paper_is_not_found(client_for, admin_user, area, meeting, later_meeting):
    paper = PaperFactory(meeting=later_meeting)

    response = client_for(admin_user).get(url("paper-download", area, meeting.pk, paper.pk))

    assert response.status_code == 404


def test_minutes_cannot_be_written_before_the_meeting(client_for, admin_user, area, upcoming_meeting):
    response = client_for(admin_user).post(url("minutes-edit", area, upcoming_meeting.pk), {"minutes": "Early"})

    assert response.status_code == 302
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.minutes == "" and upcoming_meeting.minutes_status == "none"


def test_an_agenda_item_shows_its_monitoring_reports(client_for, monitor_user, area, meeting, today):
    report = MonitoringReport.objects.create(
        area=area, title="Stocktake pack, spring", period_start=today - timedelta(days=90), period_end=today,
        as_at=today,
    )
    AgendaItemFactory(meeting=meeting, position=1).reports.set([report])

    page = text_of(client_for(monitor_user).get(meeting.get_absolute_url()))

    assert "Stocktake pack, spring" in page
