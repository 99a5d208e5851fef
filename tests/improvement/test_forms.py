"""Forms keep what the person did (issue 16): a RAG reason is asked for anew when the RAG changes, an optional
evidence title stays optional, a file lost to another error is named in the error, and error messages do not
repeat their field's label."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sendhub.improvement.forms import ProgressUpdateForm, _title_from_filename
from sendhub.improvement.models import Action, Evidence, ProgressUpdate
from tests.factories import ActionFactory, FindingFactory, InspectionFactory
from tests.improvement.test_views import PDF, update_data, url


@pytest.fixture
def action(area, la_org, editor_user):
    inspection = InspectionFactory(area=area, framework="2023", kind="full", outcome="3")
    finding = FindingFactory(inspection=inspection, kind="priority_action", reference="PA1")
    return ActionFactory(area=area, owner=la_org, lead=editor_user, findings=[finding], reference="A01")


@pytest.fixture
def at_risk(action):
    Action.objects.filter(pk=action.pk).update(rag=Action.Rag.AT_RISK, rag_reason="Two EP posts unfilled")
    action.refresh_from_db()
    return action


def form_for(action, **data):
    files = {"evidence_file": data.pop("evidence_file")} if "evidence_file" in data else {}
    return ProgressUpdateForm(data=update_data(action, **data), files=files, action=action)


def test_the_old_reason_cannot_be_saved_for_a_new_rag(at_risk):
    form = form_for(at_risk, rag="off_track", rag_reason="Two EP posts unfilled")

    assert not form.is_valid()
    assert form.errors["rag_reason"] == [
        "The reason still says why the action was at risk: replace it with why it is now off track"]


def test_a_new_reason_for_a_new_rag_is_accepted_and_saved(client_for, editor_user, at_risk):
    response = client_for(editor_user).post(url("update-create", at_risk.area, at_risk.pk), update_data(
        at_risk, rag="off_track", rag_reason="The recruitment round failed"))

    assert response.status_code == 302
    at_risk.refresh_from_db()
    assert (at_risk.rag, at_risk.rag_reason) == ("off_track", "The recruitment round failed")


def test_the_same_rag_may_keep_its_reason(at_risk):
    assert form_for(at_risk, rag="at_risk", rag_reason="Two EP posts unfilled").is_valid()


def test_going_back_on_track_with_the_old_reason_is_refused_too(at_risk):
    form = form_for(at_risk, rag="on_track", rag_reason="Two EP posts unfilled")
    assert not form.is_valid() and "why it is now on track" in form.errors["rag_reason"][0]


def test_the_page_shows_the_old_reason_and_refuses_it_unchanged(client_for, editor_user, at_risk):
    client = client_for(editor_user)
    page = BeautifulSoup(client.get(url("update-create", at_risk.area, at_risk.pk)).content, "html.parser")
    assert page.select_one("#id_rag_reason").get_text().strip() == "Two EP posts unfilled"

    response = client.post(url("update-create", at_risk.area, at_risk.pk), update_data(
        at_risk, rag="off_track", rag_reason="Two EP posts unfilled"))
    assert response.status_code == 200 and "replace it with why it is now off track" in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    at_risk.refresh_from_db()
    assert at_risk.rag_reason == "Two EP posts unfilled" and at_risk.rag == "at_risk"


def test_the_evidence_file_title_is_optional(client_for, editor_user, action):
    upload = SimpleUploadedFile("EP-capacity_review.pdf", PDF, content_type="application/pdf")
    response = client_for(editor_user).post(url("update-create", action.area, action.pk),
                                            update_data(action, evidence_file=upload, evidence_file_title=""))

    assert response.status_code == 302
    evidence = Evidence.objects.get(action=action)
    assert (evidence.title, evidence.original_filename) == ("EP capacity review", "EP-capacity_review.pdf")


def test_the_evidence_link_title_is_optional(client_for, editor_user, action):
    response = client_for(editor_user).post(url("update-create", action.area, action.pk), update_data(
        action, evidence_link_url="https://example.org/board-minutes", evidence_link_title=""))

    assert response.status_code == 302
    assert Evidence.objects.get(action=action).title == "https://example.org/board-minutes"


def test_a_file_lost_to_another_error_is_named_so_it_can_be_chosen_again(client_for, editor_user, action):
    upload = SimpleUploadedFile("board-minutes.pdf", PDF, content_type="application/pdf")
    response = client_for(editor_user).post(url("update-create", action.area, action.pk), update_data(
        action, rag="off_track", rag_reason="", evidence_file=upload, evidence_file_title="Minutes"))

    page = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    summary = [a.get_text(" ", strip=True) for a in page.select(".govuk-error-summary a")]
    assert any("Choose the evidence file (board-minutes.pdf) again" in text for text in summary), summary
    assert page.select_one("#id_evidence_file-error") is not None
    assert page.select_one("#id_evidence_file_title")["value"] == "Minutes"  # the typed title is kept
    assert not Evidence.objects.exists() and not ProgressUpdate.objects.exists()


def test_a_good_form_with_a_file_has_no_such_error(action):
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    form = form_for(action, evidence_file=upload)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(("name", "title"), [("EP-capacity_review.pdf", "EP capacity review"),
                                             ("../../etc/x.pdf", "x"), (".pdf", ".pdf"), ("", "Evidence file")])
def test_titles_from_file_names(name, title):
    assert _title_from_filename(name) == title


def test_an_empty_feedback_form_does_not_repeat_its_label(client, area):
    response = client.post(reverse("voice-public:feedback", args=[area.slug]), {"text": "", "respondent": ""})
    page = BeautifulSoup(response.content, "html.parser")
    summary = [a.get_text(" ", strip=True) for a in page.select(".govuk-error-summary a")]

    assert "Tell us about your experience: Tell us about your experience" not in summary
    assert "Tell us about your experience: Enter what happened, what went well or what could be better" in summary
    assert "Select who is writing" in summary
    for text in summary:
        label, _, message = text.partition(": ")
        assert label.lower() not in message.lower(), text
