"""A feedback writer sees or deletes their feedback with its reference and the code shown when they sent it (or
the email address they gave): no account, no information about which references exist, rate-limited, and
deletion takes everything derived with it, except while a safeguarding check is outstanding."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from sendhub.voice import access, views_public
from sendhub.voice.models import Comment, CommentTag, ErasedFeedback, Feedback
from tests.voice import use_record_comment
from tests.voice.test_feedback import STORY, error_summary, post

pytestmark = pytest.mark.urls("tests.voice")

NOT_FOUND = (
    "We could not find feedback with that reference number and that code or email address. Check them and try again"
)


@pytest.fixture(autouse=True)
def _record_comment(request, monkeypatch):
    use_record_comment(request, monkeypatch)


def url(area, name: str) -> str:
    return reverse(f"voice-public:{name}", args=[area.slug])


def send(client: Client, area, **fields) -> tuple[Feedback, str]:
    """Send feedback through the form; return it and the code the confirmation page showed."""
    assert post(client, area, **fields).status_code == 302
    page = client.get(url(area, "feedback-sent"))
    code = BeautifulSoup(page.content, "html.parser").select_one("[data-testid=access-code]").get_text(strip=True)
    return Feedback.objects.latest("pk"), code


def ask(client: Client, area, reference: str, proof: str):
    return client.post(url(area, "feedback-access"), {"reference": reference, "proof": proof})


def shown(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        row.select_one("dt").get_text(" ", strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in soup.select(".govuk-summary-list__row")
    }


def test_the_confirmation_shows_a_code_that_is_stored_only_as_a_hash(client, area):
    feedback, code = send(client, area)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert feedback.access_code_hash == access.hash_access_code(feedback.reference, code)
    stored = " ".join(str(v) for v in Feedback.objects.filter(pk=feedback.pk).values().get().values())
    assert code not in stored and code.replace("-", "") not in stored
    page = client.get(url(area, "feedback-sent")).content.decode()
    assert url(area, "feedback-access") in page


def test_the_code_is_shown_only_for_a_while(client, area, monkeypatch):
    feedback, code = send(client, area)
    later = views_public.time.time() + 60 * views_public.CODE_SHOWN_MINUTES + 1
    monkeypatch.setattr(views_public.time, "time", lambda: later)
    page = client.get(url(area, "feedback-sent")).content.decode()
    assert feedback.reference in page and code not in page


def test_the_writer_sees_everything_stored_with_the_reference_and_code(client, area):
    feedback, code = send(client, area, text=STORY, district="Preston", rating="2")
    key = client.session.session_key

    response = ask(client, area, feedback.reference.lower().replace("-", " "), code.lower())

    assert response.status_code == 302 and response["Location"] == url(area, "feedback-access-detail")
    assert client.session.session_key != key  # a new session key once access is granted, as at sign-in
    rows = shown(client.get(response["Location"]))
    assert rows["Reference"] == feedback.reference and rows["District"] == "Preston" and rows["Rating"] == "2"
    assert rows["Email address"] == "Not given"
    assert rows["What you wrote, as you wrote it"] == "Not kept: you did not agree to be contacted"
    assert "[NAME]" in rows["What you wrote, with personal details removed (what staff read)"]


def test_the_email_address_given_works_instead_of_the_code(client, area):
    feedback, _code = send(client, area, text=STORY, consent_to_contact="on", contact_email="Sam@Example.org")
    response = ask(client, area, feedback.reference, " sam@example.ORG ")
    assert response.status_code == 302
    rows = shown(client.get(response["Location"]))
    assert rows["Email address"] == "Sam@Example.org" and rows["What you wrote, as you wrote it"] == STORY


@pytest.mark.parametrize(
    "case", ["unknown reference", "wrong code", "code of other feedback", "email not given", "other area"]
)
def test_every_failure_gives_the_same_answer(client, area, other_area, case):
    feedback, code = send(client, area)
    other, other_code = send(client, area)
    reference, proof, where = {
        "unknown reference": ("FB-ABCDEFGH", code, area),
        "wrong code": (feedback.reference, "ABCD-EFGH", area),
        "code of other feedback": (feedback.reference, other_code, area),
        "email not given": (feedback.reference, "sam@example.org", area),
        "other area": (feedback.reference, code, other_area),
    }[case]

    response = ask(client, where, reference, proof)

    assert response.status_code == 200
    assert error_summary(response) == {"#form-non-field-errors": NOT_FOUND}
    assert views_public.SESSION_ACCESS not in client.session
    assert client.get(url(where, "feedback-access-detail"))["Location"] == url(where, "feedback-access")


@pytest.mark.parametrize(
    ("reference", "proof", "errors"),
    [
        ("", "", {"#id_reference": "Enter your reference number",
                  "#id_proof": "Enter your code, or the email address you gave us"}),
        ("FB-12345", "ABCD-EFGH", {"#id_reference": "Enter the reference number as it was shown to you, like "
                                                    "FB-KX7P4QRM"}),
        ("x" * 40, "ABCD-EFGH", {"#id_reference": "Reference number: Ensure this value has at most 30 characters "
                                                  "(it has 40)."}),
    ],
)  # fmt: skip
def test_bad_input_is_explained(client, area, reference, proof, errors):
    response = ask(client, area, reference, proof)
    assert response.status_code == 200 and error_summary(response) == errors


def test_tries_are_rate_limited_per_address(client, area):
    feedback, code = send(client, area)
    for _ in range(10):
        assert ask(client, area, feedback.reference, "WRON-GGGG").status_code == 200
    refused = ask(client, area, feedback.reference, code)
    assert refused.status_code == 429 and "Too many tries" in refused.content.decode()
    assert ask(Client(REMOTE_ADDR="192.0.2.9"), area, feedback.reference, code).status_code == 302


def test_the_writer_deletes_their_feedback_and_everything_derived(client, area):
    feedback, code = send(client, area, text=STORY, consent_to_contact="on", contact_phone="07700 900982")
    comment = Comment.objects.get(feedback=feedback)
    CommentTag.objects.create(comment=comment, theme="ehc_timeliness", confidence=0.8)
    comment.save()  # a second history row, as when staff review it
    ask(client, area, feedback.reference, code)

    page = client.get(url(area, "feedback-delete"))
    assert page.status_code == 200 and "Are you sure you want to delete your feedback?" in page.content.decode()
    response = client.post(url(area, "feedback-delete"))

    assert response.status_code == 302 and response["Location"] == url(area, "feedback-deleted")
    assert not Feedback.objects.filter(pk=feedback.pk).exists()
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert not Comment.history.model.objects.filter(id=comment.pk).exists()
    assert not CommentTag.objects.filter(comment_id=comment.pk).exists()
    assert not CommentTag.history.model.objects.filter(comment_id=comment.pk).exists()
    done = client.get(response["Location"]).content.decode()
    assert "Your feedback has been deleted" in done and feedback.reference in done
    # Only the reference is remembered, so that restoring an older backup cannot bring the feedback back.
    assert list(ErasedFeedback.objects.values_list("reference", flat=True)) == [feedback.reference]
    # The grant and the confirmation page's reference are gone with it.
    assert client.get(url(area, "feedback-access-detail"))["Location"] == url(area, "feedback-access")
    assert client.get(url(area, "feedback-sent"))["Location"] == url(area, "feedback")
    assert client.post(url(area, "feedback-delete"))["Location"] == url(area, "feedback-access")


def test_feedback_flagged_for_safeguarding_waits_for_the_check(client, area):
    feedback, code = send(client, area, text="My daughter keeps saying she wants to die and nobody is helping")
    assert Comment.objects.get(feedback=feedback).safeguarding
    ask(client, area, feedback.reference, code)

    response = client.post(url(area, "feedback-delete"))

    assert response["Location"] == url(area, "feedback-deleted")
    assert "We will delete your feedback" in client.get(response["Location"]).content.decode()
    feedback.refresh_from_db()
    assert feedback.erasure_requested_at is not None and Comment.objects.filter(feedback=feedback).exists()
    ask(client, area, feedback.reference, code)
    detail = client.get(url(area, "feedback-access-detail")).content.decode()
    assert "You asked us to delete this feedback" in detail and url(area, "feedback-delete") not in detail
    assert client.get(url(area, "feedback-delete"))["Location"] == url(area, "feedback-access-detail")


def test_the_grant_lasts_a_few_minutes_and_only_in_its_area(client, area, other_area, monkeypatch):
    feedback, code = send(client, area)
    ask(client, area, feedback.reference, code)
    assert client.get(url(area, "feedback-access-detail")).status_code == 200
    assert client.get(url(other_area, "feedback-access-detail"))["Location"] == url(other_area, "feedback-access")
    assert client.post(url(other_area, "feedback-delete")).status_code == 302
    assert Feedback.objects.filter(pk=feedback.pk).exists()

    later = views_public.time.time() + 60 * views_public.ACCESS_MINUTES + 1
    monkeypatch.setattr(views_public.time, "time", lambda: later)
    assert client.get(url(area, "feedback-access-detail"))["Location"] == url(area, "feedback-access")


def test_pages_without_a_grant_send_the_visitor_to_the_form(client, area):
    for name in ("feedback-access-detail", "feedback-delete", "feedback-deleted"):
        assert client.get(url(area, name))["Location"] == url(area, "feedback-access")


def test_a_code_made_before_the_secret_key_changed_still_works(client, area, settings):
    feedback, code = send(client, area)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert ask(client, area, feedback.reference, code).status_code == 302


def test_a_robot_filling_the_honeypot_sees_a_code_too(client, area):
    assert post(client, area, website="http://spam.example").status_code == 302
    page = client.get(url(area, "feedback-sent"))
    assert BeautifulSoup(page.content, "html.parser").select_one("[data-testid=access-code]") is not None
    assert not Feedback.objects.exists()


def test_the_privacy_notice_follows_the_retention_settings(client, area, settings):
    text = client.get(url(area, "feedback")).content.decode()
    assert "We keep feedback for 3 years" in text and "We delete them after 12 months" in text
    settings.SENDHUB_RETAIN_FEEDBACK_DAYS = 730
    settings.SENDHUB_RETAIN_FEEDBACK_CONTACT_DAYS = 90
    text = client.get(url(area, "feedback")).content.decode()
    assert "We keep feedback for 2 years" in text and "We delete them after 90 days" in text


@pytest.mark.parametrize("bad", [0, "1095", -5, True, None])
def test_the_privacy_notice_names_no_period_it_cannot_state(client, area, settings, bad):
    settings.SENDHUB_RETAIN_FEEDBACK_DAYS = bad
    text = client.get(url(area, "feedback")).content.decode()
    assert "We keep feedback until it is no longer needed" in text and "We keep feedback for" not in text
    assert "We delete them after 12 months" in text  # the contact period's setting is still good


@pytest.mark.parametrize(
    ("days", "words"), [(1095, "3 years"), (730, "2 years"), (365, "12 months"), (400, "400 days")]
)
def test_periods_are_in_words(days, words):
    assert views_public.human_period(days) == words


def test_have_your_say_links_to_the_page(client, area):
    page = client.get(url(area, "index")).content.decode()
    assert url(area, "feedback-access") in page
    form = client.get(url(area, "feedback-access"))
    assert form.status_code == 200 and "See or delete your feedback" in form.content.decode()


def test_deleting_twice_at_the_same_moment_is_harmless(client, area):
    feedback, code = send(client, area)
    access.erase_feedback(feedback)
    assert access.erase_feedback(feedback) == access.DELETED
    assert not Feedback.objects.exists()
