"""Public "Tell us about your experience": the form, consent rules, spam protection and the confirmation."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from sendhub.voice.forms_public import make_token
from sendhub.voice.models import Comment, Feedback
from tests.voice import use_record_comment

pytestmark = pytest.mark.urls("tests.voice")

STORY = "My son Jack Smith waited 40 weeks for his EHC plan. Email me on jack.smith@example.com or 07700 900982."


@pytest.fixture(autouse=True)
def _record_comment(request, monkeypatch):
    use_record_comment(request, monkeypatch)


@pytest.fixture
def real_classifier():
    """Asking for this runs the real theme classifier in ``record_comment`` (see tests/voice/__init__.py)."""


def form_url(area) -> str:
    return reverse("voice-public:feedback", args=[area.slug])


def fresh_form(client: Client, area) -> dict:
    """GET the form and return its hidden fields (CSRF token and the one-time token)."""
    page = client.get(form_url(area))
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    return {i["name"]: i.get("value", "") for i in soup.select("form input[type=hidden]")}


def post(client: Client, area, **fields):
    data = {**fresh_form(client, area), "text": "The EHC plan took far too long.", "respondent": "parent_carer"}
    data.update(fields)
    return client.post(form_url(area), {k: v for k, v in data.items() if v is not None})


def error_summary(response) -> dict[str, str]:
    """The error summary as {link target: message}."""
    soup = BeautifulSoup(response.content, "html.parser")
    return {a["href"]: a.get_text(" ", strip=True) for a in soup.select(".govuk-error-summary a")}


def test_the_form_asks_everything_and_explains_privacy(client, area):
    page = client.get(form_url(area))
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Tell us about your experience"
    names = {f.get("name") for f in soup.select("form input, form select, form textarea")}
    for name in (
        "text",
        "parts",
        "rating",
        "district",
        "age_band",
        "respondent",
        "consent_to_contact",
        "contact_name",
        "contact_email",
        "contact_phone",
        "csrfmiddlewaretoken",
        "token",
        "website",
    ):
        assert name in names
    honeypot = soup.select_one("input[name=website]")
    assert honeypot["tabindex"] == "-1" and honeypot["autocomplete"] == "off"
    assert honeypot.find_parent(attrs={"aria-hidden": "true"}) is not None
    assert "govuk-visually-hidden" in honeypot.find_parent("div")["class"]
    districts = [o.get_text(strip=True) for o in soup.select("select[name=district] option")]
    assert "Preston" in districts and "West Lancashire" in districts
    privacy = soup.find(id="privacy").find_next("ul").get_text(" ", strip=True)
    assert "remove names" in privacy and "3 years" in privacy and "administrators" in privacy


def test_feedback_is_stored_redacted_and_the_reference_shown(client, area, real_classifier):
    response = post(client, area, text=STORY, parts=["ehc", "health"], rating="2", district="Preston", age_band="5-10")
    assert response.status_code == 302
    assert response["Location"] == reverse("voice-public:feedback-sent", args=[area.slug])
    feedback = Feedback.objects.get()
    assert (feedback.area, feedback.parts, feedback.rating, feedback.district, feedback.age_band) == (
        area,
        ["ehc", "health"],
        2,
        "Preston",
        "5-10",
    )
    assert feedback.respondent == "parent_carer"
    assert not feedback.consent_to_contact and not feedback.contact_email
    comment = Comment.objects.get()
    assert comment.feedback == feedback and comment.source == "feedback" and comment.area == area
    assert comment.district == "Preston" and comment.parts == ["ehc", "health"]
    assert "Jack" not in comment.text and "jack.smith@example.com" not in comment.text and "07700" not in comment.text
    assert "40 weeks" in comment.text
    assert {"email", "phone"} <= set(comment.redactions)
    assert comment.original_text == ""  # no consent to contact: the original wording is not kept
    assert comment.sentiment in {"negative", "neutral", "positive"}  # tagged by the real classifier

    page = client.get(response["Location"])
    assert page.status_code == 200
    panel = BeautifulSoup(page.content, "html.parser").select_one(".govuk-panel--confirmation").get_text(" ")
    assert feedback.reference in panel
    assert re.fullmatch(r"FB-[A-Z2-9]{8}", feedback.reference)
    assert "What happens next" in page.content.decode()


def test_a_safeguarding_concern_is_flagged(client, area):
    assert post(client, area, text="My daughter keeps saying she wants to die and nobody is helping").status_code == 302
    assert Comment.objects.get().safeguarding


def test_the_confirmation_page_needs_a_submission(client, area):
    response = client.get(reverse("voice-public:feedback-sent", args=[area.slug]))
    assert response.status_code == 302 and response["Location"] == form_url(area)


def test_contact_details_without_consent_are_refused(client, area):
    response = post(client, area, contact_email="me@example.com")
    assert response.status_code == 200
    assert error_summary(response) == {
        "#id_consent_to_contact": "I agree to be contacted about what I have told you: Tick the box to agree to be "
        "contacted, or remove your contact details: we cannot keep them without your agreement"
    }
    assert not Feedback.objects.exists() and not Comment.objects.exists()


def test_consent_without_contact_details_is_refused(client, area):
    response = post(client, area, consent_to_contact="on", contact_name="Sam")
    assert list(error_summary(response)) == ["#id_contact_email"]
    assert "Enter an email address or a phone number" in error_summary(response)["#id_contact_email"]
    assert not Feedback.objects.exists()


def test_consent_keeps_contact_details_and_the_original_wording(client, area):
    response = post(
        client, area, text=STORY, consent_to_contact="on", contact_name="Sam Parent", contact_phone="07700 900 982"
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.consent_to_contact and feedback.contact_name == "Sam Parent"
    assert feedback.contact_phone == "07700 900 982" and feedback.contact_email == ""
    assert feedback.comment.original_text == STORY
    assert "jack.smith@example.com" not in feedback.comment.text


def test_a_bad_phone_number_and_email_are_explained(client, area):
    response = post(client, area, consent_to_contact="on", contact_email="not-an-email", contact_phone="call me")
    assert error_summary(response) == {
        "#id_contact_email": "Enter an email address in the correct format, like name@example.com",
        "#id_contact_phone": "Enter a phone number, like 01632 960 001 or 07700 900 982",
    }


def test_missing_answers_are_linked_from_the_error_summary(client, area):
    response = post(client, area, text="", respondent=None)
    assert response.status_code == 200
    assert error_summary(response) == {
        "#id_text": "Tell us about your experience: Enter what happened, what went well or what could be better",
        "#id_respondent": "Select who is writing",
    }
    soup = BeautifulSoup(response.content, "html.parser")
    assert "govuk-textarea--error" in soup.select_one("#id_text")["class"]
    assert not Feedback.objects.exists()


def test_oversize_text_gets_a_clear_message(client, area):
    response = post(client, area, text="a" * 5001)
    assert error_summary(response) == {
        "#id_text": "Tell us about your experience: Your answer must be 5,000 characters or fewer. It has 5,001: "
        "shorten it and send it again"
    }
    assert not Feedback.objects.exists()
    assert post(client, area, text="a" * 5000).status_code == 302


def test_the_honeypot_pretends_success_and_stores_nothing(client, area):
    response = post(client, area, website="http://spam.example")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Feedback sent" in page.content.decode()
    assert re.search(r"FB-[A-Z2-9]{8}", page.content.decode())
    assert not Feedback.objects.exists() and not Comment.objects.exists()


def test_submissions_are_rate_limited_per_address(client, area):
    for _ in range(5):
        assert post(client, area).status_code == 302
    response = post(client, area)
    assert response.status_code == 429
    assert "Too many forms sent" in response.content.decode()
    assert Feedback.objects.count() == 5
    other = Client(REMOTE_ADDR="192.0.2.44")
    assert post(other, area).status_code == 302
    assert Feedback.objects.count() == 6


def test_many_posts_from_one_address_are_refused_even_if_invalid(client, area, settings):
    settings.SENDHUB_VOICE_POST_RATE = "3/h"
    for _ in range(3):
        assert post(client, area, text="").status_code == 200
    assert post(client, area).status_code == 429
    assert not Feedback.objects.exists()


@pytest.mark.no_pagecheck  # Django's own CSRF failure page (settings.CSRF_FAILURE_VIEW is not set in the project)
def test_csrf_is_enforced(area):
    client = Client(enforce_csrf_checks=True)
    data = {**fresh_form(client, area), "text": "Good support", "respondent": "young_person"}
    no_csrf = {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
    assert client.post(form_url(area), no_csrf).status_code == 403
    assert not Feedback.objects.exists()
    assert client.post(form_url(area), data).status_code == 302
    assert Feedback.objects.count() == 1


def test_the_same_form_sent_twice_is_stored_once(client, area):
    data = {**fresh_form(client, area), "text": "Thank you to the SENCO", "respondent": "parent_carer"}
    assert client.post(form_url(area), data).status_code == 302
    again = client.post(form_url(area), data)
    assert again.status_code == 200
    reference = Feedback.objects.get().reference
    assert "You have already sent your feedback" in again.content.decode() and reference in again.content.decode()
    assert Comment.objects.count() == 1


def test_an_altered_or_foreign_token_is_refused(client, area, other_area):
    response = post(client, area, token="forged")
    assert "#form-non-field-errors" in error_summary(response)
    assert "This page has expired" in error_summary(response)["#form-non-field-errors"]
    foreign = make_token(f"feedback:{other_area.pk}", "FB-ABCDEFGH")
    assert "#form-non-field-errors" in error_summary(post(client, area, token=foreign))
    # The page comes back with a fresh token, so sending it again works.
    soup = BeautifulSoup(response.content, "html.parser")
    data = {i["name"]: i.get("value", "") for i in soup.select("form input[type=hidden]")}
    data.update(text="Again", respondent="professional")
    assert client.post(form_url(area), data).status_code == 302
    assert Feedback.objects.count() == 1


def test_an_unknown_area_is_not_found(client, db):
    assert client.get(reverse("voice-public:feedback", args=["nowhere"])).status_code == 404


def test_the_have_your_say_page_links_to_the_form(client, area):
    page = client.get(reverse("voice-public:index", args=[area.slug]))
    assert page.status_code == 200
    assert form_url(area) in page.content.decode()
