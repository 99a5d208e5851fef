"""The improvement plan's write services: progress updates with evidence, edit conflicts and judgements."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from sendhub.accounts.models import Role
from sendhub.improvement.models import Action, Evidence, Finding, Inspection, Judgement, ProgressUpdate
from sendhub.improvement.services import (
    EditConflict,
    EvidenceFile,
    EvidenceLink,
    action_create,
    action_save,
    action_update_record,
    judgement_record,
)
from tests.factories import ActionFactory, FindingFactory, InspectionFactory, member

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def action(area, la_org):
    return ActionFactory(area=area, owner=la_org, status=Action.Status.NOT_STARTED, rag=Action.Rag.ON_TRACK)


def record(action, author, *, expected_version, **overrides):
    values = {
        "status": Action.Status.IN_PROGRESS,
        "rag": Action.Rag.AT_RISK,
        "rag_reason": "Recruitment is behind plan.",
        "commentary": "Two of four posts filled.",
    }
    values.update(overrides)
    return action_update_record(action=action, author=author, expected_version=expected_version, **values)


# Progress updates --------------------------------------------------------------------------------------


def test_update_records_commentary_evidence_and_the_actions_new_state(action, editor_user, settings):
    pdf = SimpleUploadedFile("board-minutes.pdf", PDF_BYTES, content_type="application/pdf")

    update = record(
        action,
        editor_user,
        expected_version=1,
        evidence_links=(EvidenceLink(title="Panel terms of reference", url="https://example.org/tor"),),
        evidence_files=(EvidenceFile(title="Board minutes", upload=pdf, content_type="application/pdf"),),
    )

    update.refresh_from_db()
    assert update.author == editor_user
    assert update.commentary == "Two of four posts filled."
    assert (update.status, update.rag, update.rag_reason) == ("in_progress", "at_risk", "Recruitment is behind plan.")

    link = Evidence.objects.get(url="https://example.org/tor")
    assert (link.action, link.update, link.added_by) == (action, update, editor_user)
    assert link.title == "Panel terms of reference"
    assert not link.is_file
    assert link.added_at == update.created_at

    stored = Evidence.objects.get(title="Board minutes")
    assert (stored.action, stored.update, stored.added_by) == (action, update, editor_user)
    assert stored.is_file and stored.url == ""
    assert stored.original_filename == "board-minutes.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.size_bytes == len(PDF_BYTES)
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    assert str(settings.MEDIA_ROOT) in stored.file.path

    action.refresh_from_db()
    assert (action.status, action.rag, action.rag_reason) == ("in_progress", "at_risk", "Recruitment is behind plan.")
    assert action.version == 2


def test_update_records_history_with_the_author(action, editor_user):
    record(action, editor_user, expected_version=1, evidence_links=(EvidenceLink("Link", "https://example.org/x"),))

    latest = action.history.first()
    assert latest.history_user == editor_user
    assert latest.status == "in_progress" and latest.rag == "at_risk" and latest.version == 2
    assert ProgressUpdate.history.get().history_user == editor_user
    assert Evidence.history.get().history_user == editor_user


def test_each_update_bumps_the_version(action, editor_user):
    record(action, editor_user, expected_version=1)
    record(action, editor_user, expected_version=2, rag=Action.Rag.ON_TRACK, rag_reason="")

    action.refresh_from_db()
    assert action.version == 3
    assert action.rag == "on_track"
    assert action.updates.count() == 2


def test_a_stale_update_is_refused_naming_who_changed_it_and_saves_nothing(action, area, editor_user, settings):
    colleague = member(area, Role.ADMINISTRATOR, full_name="Priya Patel")
    record(action, colleague, expected_version=1, commentary="First")
    history_before = action.history.count()
    files_before = list((settings.MEDIA_ROOT).rglob("*")) if settings.MEDIA_ROOT.exists() else []

    stale = Action.objects.get(pk=action.pk)
    stale.version = 1  # as the editor's form had it
    pdf = SimpleUploadedFile("late.pdf", PDF_BYTES, content_type="application/pdf")
    with pytest.raises(EditConflict) as caught:
        record(
            stale,
            editor_user,
            expected_version=1,
            status=Action.Status.COMPLETE,
            rag=Action.Rag.OFF_TRACK,
            rag_reason="Too late",
            commentary="Second",
            evidence_links=(EvidenceLink("Stale link", "https://example.org/stale"),),
            evidence_files=(EvidenceFile("Stale file", pdf, "application/pdf"),),
        )

    message = str(caught.value)
    assert message.startswith("Priya Patel changed this action at ")
    assert "Your changes have not been saved" in message
    assert caught.value.who == "Priya Patel"
    assert list(ProgressUpdate.objects.values_list("commentary", flat=True)) == ["First"]
    assert not Evidence.objects.exists()
    action.refresh_from_db()
    assert (action.status, action.rag, action.rag_reason, action.version) == (
        "in_progress",
        "at_risk",
        "Recruitment is behind plan.",
        2,
    )
    assert action.history.count() == history_before
    files_after = list((settings.MEDIA_ROOT).rglob("*")) if settings.MEDIA_ROOT.exists() else []
    assert files_after == files_before


def test_conflict_without_history_user_says_someone_else(action, editor_user):
    Action.objects.filter(pk=action.pk).update(version=5)  # changed outside the app: no history row

    with pytest.raises(EditConflict) as caught:
        record(action, editor_user, expected_version=1)

    assert caught.value.who == "someone else"


# Saving an action's details -------------------------------------------------------------------------


def test_action_create_sets_findings_and_history_user(area, la_org, admin_user):
    finding = FindingFactory(inspection=InspectionFactory(area=area))
    action = ActionFactory.build(area=area, owner=la_org, reference="A1")

    action_create(action=action, findings=[finding], created_by=admin_user)

    assert list(action.findings.all()) == [finding]
    assert action.version == 1
    assert action.history.first().history_user == admin_user


def test_action_save_bumps_version_and_sets_findings(action, area, admin_user):
    finding = FindingFactory(inspection=InspectionFactory(area=area))
    action.title = "Reduce waits for autism assessment"

    action_save(action=action, findings=[finding], expected_version=1, changed_by=admin_user)

    action.refresh_from_db()
    assert action.version == 2
    assert action.title == "Reduce waits for autism assessment"
    assert list(action.findings.all()) == [finding]
    assert action.history.first().history_user == admin_user


def test_two_saves_of_the_same_version_the_second_fails(action, area, admin_user):
    colleague = member(area, Role.ADMINISTRATOR, full_name="Sam Second")
    first = Action.objects.get(pk=action.pk)
    second = Action.objects.get(pk=action.pk)
    first.title, second.title = "First title", "Second title"

    action_save(action=first, findings=None, expected_version=1, changed_by=admin_user)
    with pytest.raises(EditConflict, match=r"^Ada Administrator changed this action at "):
        action_save(action=second, findings=None, expected_version=1, changed_by=colleague)

    action.refresh_from_db()
    assert (action.title, action.version) == ("First title", 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_the_same_version_exactly_one_succeeds(area, la_org):
    action = ActionFactory(area=area, owner=la_org)
    people = [member(area, Role.ADMINISTRATOR, full_name=f"Racer {n}") for n in (1, 2)]
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(person):
        try:
            mine = Action.objects.get(pk=action.pk)
            mine.title = f"Title from {person.full_name}"
            barrier.wait(timeout=10)
            action_save(action=mine, findings=None, expected_version=1, changed_by=person)
            outcomes[person.full_name] = "saved"
        except EditConflict as exc:
            outcomes[person.full_name] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[person.full_name] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(str(type(o).__name__) if o != "saved" else "saved" for o in outcomes.values()) == [
        "EditConflict",
        "saved",
    ], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    loser = next(outcome for outcome in outcomes.values() if outcome != "saved")
    assert str(loser).startswith(f"{winner} changed this action at ")
    action.refresh_from_db()
    assert (action.title, action.version) == (f"Title from {winner}", 2)


# Judgements ---------------------------------------------------------------------------------------------


@pytest.fixture
def finding(area):
    return FindingFactory(inspection=InspectionFactory(area=area, start_date=date(2023, 1, 9)))


def revisit(area, on: date) -> Inspection:
    return InspectionFactory(area=area, kind=Inspection.Kind.REVISIT, start_date=on, end_date=on, outcome="")


def test_judgement_sets_the_findings_status(finding, area, admin_user):
    judgement = judgement_record(
        finding=finding,
        inspection=revisit(area, date(2024, 6, 3)),
        outcome=Judgement.Outcome.NOT_SUFFICIENT_PROGRESS,
        judged_on=date(2024, 6, 3),
        text="Waits remain long.",
        recorded_by=admin_user,
    )

    finding.refresh_from_db()
    assert finding.status == Finding.Status.NOT_SUFFICIENT_PROGRESS
    assert judgement.text == "Waits remain long."
    assert finding.history.first().history_user == admin_user


def test_the_latest_judgement_decides_the_status(finding, area):
    later, earlier = revisit(area, date(2025, 6, 2)), revisit(area, date(2024, 6, 3))
    judgement_record(
        finding=finding, inspection=later, outcome="sufficient_progress", judged_on=date(2025, 6, 2), text=""
    )
    # Recorded afterwards, but judged earlier: the later judgement still decides.
    judgement_record(
        finding=finding, inspection=earlier, outcome="not_sufficient_progress", judged_on=date(2024, 6, 3), text=""
    )

    finding.refresh_from_db()
    assert finding.status == Finding.Status.SUFFICIENT_PROGRESS


def test_recording_again_for_the_same_inspection_updates_the_judgement(finding, area):
    inspection = revisit(area, date(2024, 6, 3))
    first = judgement_record(
        finding=finding, inspection=inspection, outcome="not_sufficient_progress", judged_on=date(2024, 6, 3), text="a"
    )
    second = judgement_record(
        finding=finding, inspection=inspection, outcome="superseded", judged_on=date(2024, 6, 4), text="b"
    )

    assert second.pk == first.pk
    assert Judgement.objects.filter(finding=finding).count() == 1
    second.refresh_from_db()
    assert (second.outcome, second.judged_on, second.text) == ("superseded", date(2024, 6, 4), "b")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.SUPERSEDED
