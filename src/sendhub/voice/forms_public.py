"""Public forms: "Tell us about your experience" and answering a survey. No sign-in, no JavaScript needed.

Both carry a one-time token: a signed reference made when the form is shown. The stored feedback or response
takes that reference, and references are unique, so the same form sent twice (a double click, the back button
and send again) stores nothing the second time.
"""

from __future__ import annotations

import re

from django import forms
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sendhub.accounts.models import LocalArea
from sendhub.voice import access, services
from sendhub.voice.models import AgeBand, Feedback, Question, Respondent, SystemPart, Wave
from sendhub.voice.surveys import LIKERT_LABELS, MAX_FREE_TEXT, district_names, new_reference
from sendhub.web.forms import GovukForm, style_widgets

TOKEN_SALT = "sendhub.voice.public-form"  # noqa: S105 - a signing salt, not a secret
TOKEN_MAX_AGE = 7 * 24 * 60 * 60  # a week: long enough to fill a form in over several sittings
HONEYPOT_FIELD = "website"
EXPIRED_MESSAGE = "This page has expired. Check your answers and send them again"
_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,25}$")


def make_token(scope: str, reference: str) -> str:
    return signing.dumps({"scope": scope, "ref": reference}, salt=TOKEN_SALT, compress=True)


def read_token(token: str, scope: str) -> str | None:
    """The reference in a token made for this scope, or None if it is missing, altered, expired or for elsewhere."""
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("scope") != scope or not isinstance(data.get("ref"), str):
        return None
    return data["ref"]


def _too_long(value: str, limit: int = MAX_FREE_TEXT) -> None:
    if len(value) > limit:
        raise forms.ValidationError(
            f"Your answer must be {limit:,} characters or fewer. It has {len(value):,}: shorten it and send it again"
        )


def district_field(label: str) -> forms.Field:
    names = district_names()
    if names:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "Choose a district")] + [(n, n) for n in names] + [("Outside the area", "Outside the area")],
        )
    return forms.CharField(label=label, required=False, max_length=60)


class OneTimeTokenForm(GovukForm):
    """A form with a hidden one-time token (see the module docstring); ``reference`` is set once it is valid."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    reference_prefix = "FB"

    def __init__(self, *args, token_scope: str, **kwargs) -> None:
        self.token_scope = token_scope
        super().__init__(*args, **kwargs)
        self.reference: str | None = None
        if not self.is_bound:
            self.initial["token"] = make_token(token_scope, self.new_reference())

    def new_reference(self) -> str:
        return Feedback._meta.get_field("reference").default()

    def clean(self):
        data = super().clean()
        self.reference = read_token(data.get("token", ""), self.token_scope)
        if self.reference is None:
            self.add_error(None, EXPIRED_MESSAGE)
        if self.errors:
            # Shown again with a fresh token if the one sent was bad; a good one is kept so a resend is caught.
            self.data = self.data.copy()
            if self.reference is None:
                self.data["token"] = make_token(self.token_scope, self.new_reference())
        return data


class FeedbackForm(OneTimeTokenForm):
    text = forms.CharField(
        label="Tell us about your experience",
        help_text=(
            f"What happened, what went well or what could be better. You can write up to {MAX_FREE_TEXT:,} "
            "characters. Please do not include names or contact details here."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter what happened, what went well or what could be better"},
    )
    parts = forms.MultipleChoiceField(
        label="Which parts of support is this about? (optional)",
        help_text="Select all that apply",
        choices=SystemPart.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    rating = forms.TypedChoiceField(
        label="Overall, how would you rate your experience? (optional)",
        choices=[
            ("5", "5 – very good"),
            ("4", "4 – good"),
            ("3", "3 – neither good nor poor"),
            ("2", "2 – poor"),
            ("1", "1 – very poor"),
        ],
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    age_band = forms.ChoiceField(
        label="How old is the child or young person? (optional)",
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    respondent = forms.ChoiceField(
        label="Who is writing?",
        choices=Respondent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is writing"},
    )
    consent_to_contact = forms.BooleanField(
        label="I agree to be contacted about what I have told you",
        help_text=(
            "Only if you would like someone to get in touch. We use your contact details for nothing else, and only "
            "the area's SEND administrators can see them."
        ),
        required=False,
    )
    contact_name = forms.CharField(label="Your name", max_length=150, required=False)
    contact_email = forms.EmailField(
        label="Email address",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    contact_phone = forms.CharField(label="Phone number", max_length=30, required=False)

    def __init__(self, *args, area: LocalArea, **kwargs) -> None:
        self.area = area
        super().__init__(*args, token_scope=f"feedback:{area.pk}", **kwargs)
        self.fields["district"] = district_field("Which district do you live in?")
        self.order_fields(["text", "parts", "rating", "district", "age_band", "respondent"])
        self.fields["contact_email"].widget.attrs.update(autocomplete="email", spellcheck="false")
        self.fields["contact_phone"].widget.attrs.update(autocomplete="tel", type="tel")
        self.fields["contact_name"].widget.attrs.update(autocomplete="name", spellcheck="false")
        style_widgets(self)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        _too_long(text)
        return text

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 7):
            raise forms.ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982")
        return phone

    def clean(self):
        data = super().clean()
        consent = data.get("consent_to_contact")
        given = any(self.data.get(f, "").strip() for f in ("contact_name", "contact_email", "contact_phone"))
        if given and not consent:
            self.add_error(
                "consent_to_contact",
                "Tick the box to agree to be contacted, or remove your contact details: we cannot keep them "
                "without your agreement",
            )
        if (
            consent
            and not (data.get("contact_email") or data.get("contact_phone"))
            and not (self.has_error("contact_email") or self.has_error("contact_phone"))
        ):
            self.add_error(
                "contact_email", "Enter an email address or a phone number so we can contact you, or untick the box"
            )
        return data

    @transaction.atomic
    def save(self) -> Feedback:
        """Store the feedback and its comment; ``self.access_code`` is then the code to show the writer once."""
        data = self.cleaned_data
        consent = bool(data.get("consent_to_contact"))
        self.access_code = access.new_access_code()
        feedback = Feedback.objects.create(
            area=self.area,
            reference=self.reference,
            access_code_hash=access.hash_access_code(self.reference, self.access_code),
            parts=list(data.get("parts") or []),
            rating=data.get("rating"),
            district=data.get("district") or "",
            age_band=data.get("age_band") or "",
            respondent=data["respondent"],
            consent_to_contact=consent,
            contact_name=data.get("contact_name", "") if consent else "",
            contact_email=data.get("contact_email", "") if consent else "",
            contact_phone=data.get("contact_phone", "") if consent else "",
        )
        services.record_comment(
            area=self.area,
            text=data["text"],
            source="feedback",
            received_at=feedback.submitted_at,
            consent_to_contact=consent,
            district=feedback.district,
            parts=feedback.parts,
            feedback=feedback,
        )
        return feedback


class FeedbackAccessForm(GovukForm):
    """For "See or delete your feedback": the reference, and the code or email address that proves it is theirs."""

    reference = forms.CharField(
        label=_("Reference number"),
        help_text=_("It starts FB-, for example FB-KX7P4QRM. It was shown when you sent your feedback."),
        max_length=30,
        error_messages={"required": _("Enter your reference number")},
    )
    proof = forms.CharField(
        label=_("Your code, or the email address you gave us"),
        help_text=_(
            "The code was shown with your reference number, for example HT4M-9QZC. If you gave us an email "
            "address when you sent your feedback, you can enter that instead."
        ),
        max_length=254,
        error_messages={"required": _("Enter your code, or the email address you gave us")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "class": "govuk-input govuk-input--width-10"}
        )
        self.fields["proof"].widget.attrs.update(autocomplete="off", spellcheck="false")
        style_widgets(self)

    def clean_reference(self) -> str:
        reference = access.normalise_reference(self.cleaned_data["reference"])
        # Only the shape is checked here: whether such feedback exists is never said.
        if not re.fullmatch(rf"FB-[{access.CODE_ALPHABET}]{{8}}", reference):
            raise forms.ValidationError(_("Enter the reference number as it was shown to you, like FB-KX7P4QRM"))
        return reference


# Surveys ------------------------------------------------------------------------------------------------


def question_field(question: Question) -> forms.Field:
    """The form field that asks one survey question, with GOV.UK-style error messages."""
    label = question.text + ("" if question.required or question.kind == Question.Kind.FREE_TEXT else " (optional)")
    common = {"label": label, "help_text": question.hint, "required": question.required}
    kind = question.kind
    if kind == Question.Kind.LIKERT:
        return forms.TypedChoiceField(
            choices=[(str(k), v) for k, v in LIKERT_LABELS.items()],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={"required": "Select how much you agree or disagree"},
            **common,
        )
    if kind == Question.Kind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("yes", "Yes"), ("no", "No")],
            coerce=lambda v: v == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={"required": "Select yes or no"},
            **common,
        )
    if kind == Question.Kind.SINGLE:
        return forms.ChoiceField(
            choices=[(c, c) for c in question.choices],
            widget=forms.RadioSelect,
            error_messages={"required": "Select an answer"},
            **common,
        )
    if kind == Question.Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choices],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Select at least one answer"},
            **common,
        )
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[_too_long],
        error_messages={"required": "Enter your answer"},
        **common,
    )


class SurveyResponseForm(OneTimeTokenForm):
    """One field per question (``q<pk>``), then two optional questions about the person answering."""

    def __init__(self, *args, wave: Wave, questions: list[Question], **kwargs) -> None:
        self.wave = wave
        self.questions = questions
        super().__init__(*args, token_scope=f"survey:{wave.pk}", **kwargs)
        for question in questions:
            self.fields[f"q{question.pk}"] = question_field(question)
        self.fields["district"] = district_field("Which district do you live in?")
        self.fields["respondent"] = forms.ChoiceField(
            label="Who is answering? (optional)",
            choices=Respondent.choices,
            widget=forms.RadioSelect,
            required=False,
        )
        style_widgets(self)

    def new_reference(self) -> str:
        return new_reference()

    def answers(self) -> dict[Question, object]:
        return {q: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
