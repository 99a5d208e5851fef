"""Feedback journey in Chromium: a parent opens "Have your say", sends the feedback form empty (errors linked
from the summary), fills it in and sees a reference number. The form, the error state and the confirmation are
checked with axe (WCAG 2.0-2.2 A and AA).

Run alone with ``pytest -m browser``; leave out with ``-m "not browser"``.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sendhub.voice.models import Comment, Feedback
from tests.voice import use_record_comment

expect = pytest.importorskip("playwright.sync_api", reason="Browser journeys need Playwright (pip '.[test]')").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.voice"),  # the voice pages, until sendhub/urls.py mounts them
    # WhiteNoise warns that STATIC_ROOT does not exist: the live server serves static files from the apps.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture(autouse=True)
def _record_comment(request, monkeypatch):
    use_record_comment(request, monkeypatch)


def test_a_parent_sends_feedback_and_sees_a_reference(page, area, axe_audit):
    page.goto(reverse("voice-public:index", args=[area.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Have your say")
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about your experience")
    axe_audit.check(page, "Feedback form")

    # Sent empty: an error summary that links to the fields.
    page.get_by_role("button", name="Send feedback").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("Select who is writing"))).to_be_visible()
    axe_audit.check(page, "Feedback form with errors")
    summary.get_by_role("link", name=re.compile("Tell us about your experience")).click()
    expect(page.get_by_label("Tell us about your experience")).to_be_focused()

    page.get_by_label("Tell us about your experience").fill(
        "We waited 30 weeks for the EHC plan. Our caseworker Jane Smith never rang back on 07700 900982."
    )
    page.get_by_role("group", name=re.compile("Which parts of support")).get_by_label("EHC process").check()
    page.get_by_label("2 – poor").check()
    page.get_by_label("Which district do you live in?").select_option("Preston")
    page.get_by_label("5 to 10").check()
    page.get_by_label("A parent or carer").check()
    page.get_by_role("button", name="Send feedback").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback sent")
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert re.fullmatch(r"FB-[A-Z2-9]{8}", reference)
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    axe_audit.check(page, "Confirmation")

    feedback = Feedback.objects.get()
    assert feedback.reference == reference and feedback.district == "Preston" and feedback.parts == ["ehc"]
    comment = Comment.objects.get(feedback=feedback)
    assert "Jane Smith" not in comment.text and "07700" not in comment.text
    axe_audit.assert_clean()


def test_a_young_person_answers_a_survey(page, area, axe_audit):
    from sendhub.voice import surveys

    survey = surveys.create_survey(area, title="Young people's voice 2026", template="standard:young-peoples-voice")
    wave = survey.waves.create(name="Spring 2026")
    surveys.open_wave(wave)
    page.goto(reverse("voice-public:survey", args=[area.slug, survey.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Young people's voice 2026")
    axe_audit.check(page, "Survey form")
    page.get_by_role("button", name="Send answers").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_audit.check(page, "Survey form with errors")
    for question in survey.questions.filter(required=True):
        page.get_by_role("group", name=question.text).get_by_label("Agree", exact=True).check()
    page.get_by_label("What would make things better?").fill("More help at lunchtime")
    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers sent")
    axe_audit.check(page, "Survey confirmation")
    assert wave.responses.get().answers.count() == survey.questions.filter(required=True).count()
    axe_audit.assert_clean()


def test_a_parent_sees_then_deletes_their_feedback_by_keyboard(page, area, axe_audit):
    """"See or delete your feedback": from the confirmation page, with the reference and code it shows; every
    step done from the keyboard, and every page (errors included) checked with axe."""
    page.goto(reverse("voice-public:feedback", args=[area.slug]))
    page.get_by_label("Tell us about your experience").fill("The new key worker has made a real difference.")
    page.get_by_label("A parent or carer").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback sent")
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    code = page.get_by_test_id("access-code").inner_text().strip()

    page.get_by_role("link", name="See or delete your feedback").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("See or delete your feedback")
    axe_audit.check(page, "See or delete your feedback")

    # Sent empty, then with a wrong code: errors in a summary, linked to the fields; one message for any mismatch.
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter your reference number")).to_be_visible()
    expect(summary).to_be_focused()
    axe_audit.check(page, "See or delete your feedback, with errors")
    summary.get_by_role("link", name="Enter your reference number").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Reference number")).to_be_focused()
    page.keyboard.type(reference)
    page.get_by_label("Your code, or the email address you gave us").fill("AAAA-AAAA")
    page.get_by_label("Your code, or the email address you gave us").press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("We could not find feedback with that reference")
    axe_audit.check(page, "See or delete your feedback, not found")

    page.get_by_label("Your code, or the email address you gave us").fill(code)
    page.get_by_label("Your code, or the email address you gave us").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your feedback")
    expect(page.locator("main")).to_contain_text("The new key worker has made a real difference.")
    axe_audit.check(page, "Your feedback")

    page.get_by_role("button", name="Delete your feedback").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to delete your feedback?")
    axe_audit.check(page, "Delete your feedback")
    page.get_by_role("button", name="Yes, delete my feedback").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Your feedback has been deleted|We will delete your feedback")
    )
    expect(page.locator("main")).to_contain_text(reference)
    axe_audit.check(page, "Feedback deleted")
    assert not Feedback.objects.filter(reference=reference, erasure_requested_at__isnull=True).exists()
    axe_audit.assert_clean()
