"""Improvement plan pages: forms, conflicts, uploads, history, exports and query counts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sendhub.improvement.models import Action, Evidence, Finding, Inspection, Judgement, ProgressUpdate
from tests.factories import (
    ActionFactory,
    EvidenceFactory,
    FindingFactory,
    InspectionFactory,
    MilestoneFactory,
    OrganisationFactory,
    ProgressUpdateFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def url(name: str, area, *args) -> str:
    return reverse(f"improvement:{name}", args=[area.slug, *args])


@pytest.fixture
def finding(area):
    inspection = InspectionFactory(area=area, framework="2023", kind="full", outcome="3")
    return FindingFactory(inspection=inspection, kind="priority_action", reference="PA1")


@pytest.fixture
def action(area, la_org, finding, editor_user):
    return ActionFactory(area=area, owner=la_org, lead=editor_user, findings=[finding], reference="A01")


def update_data(action, **overrides) -> dict:
    data = {
        "status": "in_progress",
        "rag": "on_track",
        "rag_reason": "",
        "commentary": "Twelve plan writers recruited; backlog falling.",
        "version": action.version,
        "evidence_file_title": "",
        "evidence_link_url": "",
        "evidence_link_title": "",
    }
    data.update(overrides)
    return data


# Progress updates -------------------------------------------------------------------------------------


def test_owner_records_update_with_file_evidence(client_for, editor_user, action):
    upload = SimpleUploadedFile("board-minutes.pdf", PDF, content_type="application/pdf")
    response = client_for(editor_user).post(
        url("update-create", action.area, action.pk),
        update_data(action, rag="at_risk", rag_reason="Two posts unfilled", evidence_file=upload,
                    evidence_file_title="Board minutes"),
    )
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    action.refresh_from_db()
    assert (action.status, action.rag, action.rag_reason, action.version) == (
        "in_progress", "at_risk", "Two posts unfilled", 2,
    )
    evidence = Evidence.objects.get(action=action)
    assert (evidence.title, evidence.original_filename, evidence.content_type) == (
        "Board minutes", "board-minutes.pdf", "application/pdf",
    )
    page = client_for(editor_user).get(action.get_absolute_url()).content.decode()
    assert "Board minutes" in page and "Twelve plan writers recruited" in page


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "The selected file must be a"),
        ("report.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "its contents do not match the .pdf extension"),
        ("empty.pdf", b"", "The submitted file is empty"),
    ],
)
def test_bad_evidence_file_is_refused_with_a_clear_message_and_nothing_saved(
    client_for, editor_user, action, filename, content, message
):
    upload = SimpleUploadedFile(filename, content)
    response = client_for(editor_user).post(
        url("update-create", action.area, action.pk),
        update_data(action, evidence_file=upload, evidence_file_title="Evidence"),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    action.refresh_from_db()
    assert action.version == 1


def test_too_large_evidence_file_is_refused(client_for, editor_user, action, settings):
    settings.SENDHUB_MAX_UPLOAD_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    response = client_for(editor_user).post(
        url("update-create", action.area, action.pk),
        update_data(action, evidence_file=upload, evidence_file_title="Too big"),
    )
    assert "The selected file must be smaller than 1MB" in response.content.decode()
    assert not Evidence.objects.exists() and not ProgressUpdate.objects.exists()


def test_off_track_without_reason_is_refused(client_for, editor_user, action):
    response = client_for(editor_user).post(
        url("update-create", action.area, action.pk), update_data(action, rag="off_track")
    )
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Enter the reason the action is at risk or off track" in body
    assert not ProgressUpdate.objects.exists()


def test_stale_update_is_refused_with_409_and_names_who_changed_it(client_for, editor_user, admin_user, action):
    stale_version = action.version
    first = client_for(admin_user).post(
        url("update-create", action.area, action.pk), update_data(action, commentary="Admin's update")
    )
    assert first.status_code == 302
    second = client_for(editor_user).post(
        url("update-create", action.area, action.pk),
        update_data(action, commentary="Editor's update", version=stale_version),
    )
    assert second.status_code == 409
    body = second.content.decode()
    assert "Ada Administrator changed this action" in body and "have not been saved" in body
    assert "Editor&#x27;s update" in body  # their text is kept in the form
    assert list(ProgressUpdate.objects.values_list("commentary", flat=True)) == ["Admin's update"]


def test_stale_action_edit_is_refused(client_for, admin_user, action, finding):
    data = {
        "reference": "A01", "title": "New title", "description": "", "findings": [finding.pk],
        "owner": action.owner_id, "lead": "", "start_date": action.start_date.isoformat(),
        "due_date": action.due_date.isoformat(), "success_criteria": "", "version": action.version,
    }
    client = client_for(admin_user)
    assert client.post(url("action-edit", action.area, action.pk), data).status_code == 302
    data["title"] = "Overwriting title"
    response = client.post(url("action-edit", action.area, action.pk), data)
    assert response.status_code == 409
    action.refresh_from_db()
    assert action.title == "New title" and action.version == 2


def test_action_form_refuses_a_finding_from_another_area(client_for, admin_user, action, other_area):
    foreign = FindingFactory(inspection=InspectionFactory(area=other_area))
    data = {
        "reference": "A02", "title": "Sneaky", "findings": [foreign.pk], "owner": action.owner_id,
        "start_date": "2026-01-01", "due_date": "2026-06-01",
    }
    response = client_for(admin_user).post(url("action-create", action.area), data)
    assert "Select a valid choice" in response.content.decode()
    assert not Action.objects.filter(reference="A02").exists()


def test_action_due_before_start_is_refused(client_for, admin_user, area, la_org, finding):
    data = {"reference": "A09", "title": "Backwards", "findings": [finding.pk], "owner": la_org.pk,
            "start_date": "2026-06-01", "due_date": "2026-01-01"}
    response = client_for(admin_user).post(url("action-create", area), data)
    assert "The due date must be the same as or after the start date" in response.content.decode()
    assert not Action.objects.filter(reference="A09").exists()


# Findings, judgements, inspections --------------------------------------------------------------------


def test_judgement_sets_finding_status_and_shows_on_the_finding_page(client_for, admin_user, area):
    first = InspectionFactory(area=area, framework="2016", kind="full", start_date=date(2017, 11, 13),
                              end_date=date(2017, 11, 17), outcome="")
    revisit = InspectionFactory(area=area, framework="2016", kind="revisit", start_date=date(2020, 3, 2),
                                end_date=date(2020, 3, 6), outcome="")
    weakness = FindingFactory(inspection=first, kind="significant_weakness", reference="SW1")
    client = client_for(admin_user)
    response = client.post(
        url("judgement-create", area, weakness.pk),
        {"inspection": revisit.pk, "outcome": "sufficient_progress", "judged_on": "2020-05-01",
         "text": "Leaders now understand the area well."},
    )
    assert response.status_code == 302
    weakness.refresh_from_db()
    assert weakness.status == Finding.Status.SUFFICIENT_PROGRESS
    page = client.get(weakness.get_absolute_url()).content.decode()
    assert "Leaders now understand the area well." in page and "Sufficient progress" in page


def test_judgement_cannot_come_from_an_earlier_inspection(client_for, admin_user, area, finding):
    earlier = InspectionFactory(area=area, start_date=date(2010, 1, 1), end_date=date(2010, 1, 5))
    response = client_for(admin_user).post(
        url("judgement-create", area, finding.pk),
        {"inspection": earlier.pk, "outcome": "sufficient_progress", "judged_on": "2025-01-01"},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Judgement.objects.exists()


def test_finding_kind_must_match_the_framework(client_for, admin_user, area):
    inspection = InspectionFactory(area=area, framework="2023", kind="full", outcome="2")
    response = client_for(admin_user).post(
        url("finding-create", area, inspection.pk),
        {"kind": "significant_weakness", "reference": "X1", "title": "t", "text": "t", "theme": "other"},
    )
    assert "finding must be a area for improvement or area for priority action" in response.content.decode()
    assert not Finding.objects.filter(reference="X1").exists()


def test_inspection_outcome_rules(client_for, admin_user, area):
    base = {"framework": "2016", "kind": "full", "start_date": "2017-11-13", "end_date": "2017-11-17",
            "published_date": "2017-11-01", "outcome": "3"}
    response = client_for(admin_user).post(url("inspection-create", area), base)
    body = response.content.decode()
    assert "The report cannot be published before the inspection ended" in body
    assert "Only inspections under the framework of January 2023 (revised June 2025) have an overall outcome" in body
    assert not Inspection.objects.exists()


def test_inspection_report_must_be_a_pdf(client_for, admin_user, area):
    data = {"framework": "2023", "kind": "full", "start_date": "2024-12-09", "end_date": "2024-12-13",
            "outcome": "3", "report_file": SimpleUploadedFile("report.docx", b"PK\x03\x04rest")}
    response = client_for(admin_user).post(url("inspection-create", area), data)
    assert "The selected file must be a PDF" in response.content.decode()
    assert not Inspection.objects.exists()


def test_inspection_report_pdf_is_served_only_to_members(client_for, admin_user, outsider, area):
    data = {"framework": "2023", "kind": "full", "start_date": "2024-12-09", "end_date": "2024-12-13",
            "outcome": "3", "report_file": SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")}
    assert client_for(admin_user).post(url("inspection-create", area), data).status_code == 302
    inspection = Inspection.objects.get()
    download = client_for(admin_user).get(url("inspection-report", area, inspection.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for(outsider).get(url("inspection-report", area, inspection.pk)).status_code == 403


# History ----------------------------------------------------------------------------------------------


def test_history_shows_who_changed_what_from_and_to(client_for, editor_user, action):
    client = client_for(editor_user)
    client.post(url("update-create", action.area, action.pk),
                update_data(action, rag="at_risk", rag_reason="Recruitment slower than planned"))
    page = client.get(action.get_absolute_url()).content.decode()
    history = page.split('id="history-heading"', 1)[1]
    assert "Eddie Editor" in history
    assert "RAG" in history and "On track" in history and "At risk" in history
    assert "Recruitment slower than planned" in history


# Exports ----------------------------------------------------------------------------------------------


@pytest.fixture
def exported_action(action, editor_user):
    action.title = "=HYPERLINK(\"http://evil\")"
    action.save()
    MilestoneFactory(action=action, completed_on=action.start_date)
    MilestoneFactory(action=action)
    ProgressUpdateFactory(action=action, author=editor_user, commentary="Latest news",
                          created_at=timezone.now())
    EvidenceFactory(action=action, added_by=editor_user)
    return action


def test_csv_export_has_one_row_per_action_and_no_live_formulas(client_for, viewer_user, exported_action):
    response = client_for(viewer_user).get(url("export-csv", exported_action.area))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["Reference"] == "A01" and row["Findings"] == "PA1"
    assert row["Title"].startswith("'=")  # neutralised formula
    assert (row["Milestones"], row["Milestones met"], row["Evidence items"]) == ("2", "1", "1")
    assert row["Last update commentary"] == "Latest news"
    assert row["Status"] == exported_action.get_status_display()
    assert row["RAG"] == exported_action.get_rag_display()


def test_xlsx_export_content(client_for, monitor_user, exported_action):
    response = client_for(monitor_user).get(url("export-xlsx", exported_action.area))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Actions"]
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["Reference"] == "A01"
    assert values["Owning organisation"] == str(exported_action.owner)
    assert values["Due date"].date() == exported_action.due_date
    assert values["Title"].startswith("'=")
    assert sheet.max_row == 2
    assert workbook["About"]["B2"].value == exported_action.area.name


def test_export_contains_only_this_areas_actions(client_for, admin_user, action, other_area):
    ActionFactory(area=other_area, reference="Z99")
    rows = list(csv.reader(io.StringIO(client_for(admin_user).get(url("export-csv", action.area)).content.decode())))
    assert [r[0] for r in rows[1:]] == ["A01"]


# Query counts: lists must not issue a query per row ---------------------------------------------------


def _world(area, la_org, editor_user, count: int) -> None:
    inspection = InspectionFactory(area=area, framework="2023", kind="full", outcome="3")
    findings = [FindingFactory(inspection=inspection, kind="priority_action") for _ in range(3)]
    other_org = OrganisationFactory(area=area)
    for n in range(count):
        action = ActionFactory(area=area, owner=la_org if n % 2 else other_org, lead=editor_user,
                               findings=findings[: 1 + n % 3], due_date=timezone.localdate() - timedelta(days=n))
        MilestoneFactory(action=action, due_date=timezone.localdate() + timedelta(days=5))
        ProgressUpdateFactory(action=action, author=editor_user)
        EvidenceFactory(action=action, added_by=editor_user)


@pytest.mark.parametrize(
    "name",
    ["dashboard", "action-list", "finding-list", "inspection-list", "my-actions", "export-csv", "export-xlsx"],
)
def test_list_pages_do_not_query_per_row(client_for, admin_user, editor_user, area, la_org, name,
                                         django_assert_max_num_queries):
    client = client_for(editor_user)
    _world(area, la_org, editor_user, 3)
    small = _count_queries(client, url(name, area))
    _world(area, la_org, editor_user, 20)
    with django_assert_max_num_queries(small):
        assert client.get(url(name, area)).status_code == 200


def _count_queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_action_list_filters(client_for, viewer_user, area, la_org, finding):
    ActionFactory(area=area, owner=la_org, reference="A10", rag="off_track", findings=[finding])
    ActionFactory(area=area, owner=la_org, reference="A11", rag="on_track", status="complete",
                  due_date=date(2020, 1, 1), start_date=date(2019, 1, 1))
    ActionFactory(area=area, owner=la_org, reference="A12", due_date=date(2020, 1, 1), start_date=date(2019, 1, 1))
    client = client_for(viewer_user)
    body = client.get(url("action-list", area) + "?rag=off_track").content.decode()
    assert "A10" in body and "A11" not in body
    body = client.get(url("action-list", area) + "?overdue=on").content.decode()
    assert "A12" in body and "A11" not in body and "A10" not in body


def test_my_actions_lists_led_and_owned_actions(client_for, editor_user, area, la_org):
    ActionFactory(area=area, owner=la_org, reference="A20")
    ActionFactory(area=area, owner=OrganisationFactory(area=area), lead=editor_user, reference="A21")
    ActionFactory(area=area, owner=OrganisationFactory(area=area), reference="A22")
    body = client_for(editor_user).get(url("my-actions", area)).content.decode()
    assert "A20" in body and "A21" in body and "A22" not in body


def test_forum_member_comments_and_viewer_cannot(client_for, forum_user, viewer_user, action):
    response = client_for(forum_user).post(url("comment-create", action.area, action.pk),
                                           {"comment-text": "Parents say the new letters are clearer."})
    assert response.status_code == 302
    assert action.comments.get().text == "Parents say the new letters are clearer."
    assert client_for(viewer_user).post(url("comment-create", action.area, action.pk),
                                        {"comment-text": "x"}).status_code == 403
    assert action.comments.count() == 1
