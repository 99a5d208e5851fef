"""Parent carer voice: feedback, surveys, free-text comments with their themes, co-production, "You said, we did".

Every piece of free text becomes a ``Comment``: redacted before it is stored for analysis (the original is kept
only when the writer consented to contact, and only administrators can see it), checked for safeguarding
concerns, and tagged with themes and a sentiment that staff confirm or correct.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sendhub.accounts.models import LocalArea, Organisation


class Theme(models.TextChoices):
    EHC_TIMELINESS = "ehc_timeliness", "EHC plan timeliness"
    EHC_QUALITY = "ehc_quality", "EHC plan quality"
    COMMUNICATION = "communication", "Communication and being listened to"
    HEALTH_WAITING = "health_waiting", "Health waiting lists"
    SCHOOL_INCLUSION = "school_inclusion", "School inclusion"
    SPECIALIST_PLACES = "specialist_places", "Specialist places"
    TRANSITION = "transition", "Transition and preparing for adulthood"
    TRANSPORT = "transport", "Transport"
    SHORT_BREAKS = "short_breaks", "Short breaks and social care"
    INFORMATION = "information", "Finding information"
    PRAISE = "praise", "Praise"


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    MIXED = "mixed", "Mixed"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


class SystemPart(models.TextChoices):
    EHC = "ehc", "EHC process"
    SCHOOL = "school", "School or college"
    HEALTH = "health", "Health services"
    SOCIAL_CARE = "social_care", "Social care"
    LOCAL_OFFER = "local_offer", "Local Offer"
    OTHER = "other", "Something else"


class AgeBand(models.TextChoices):
    UNDER_5 = "0-4", "Under 5"
    AGE_5_10 = "5-10", "5 to 10"
    AGE_11_15 = "11-15", "11 to 15"
    AGE_16_19 = "16-19", "16 to 19"
    AGE_20_25 = "20-25", "20 to 25"


class Respondent(models.TextChoices):
    PARENT_CARER = "parent_carer", "A parent or carer"
    YOUNG_PERSON = "young_person", "A child or young person"
    PROFESSIONAL = "professional", "A professional"


def _reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud and typed without mistakes
    return "FB-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Feedback(models.Model):
    """A public "Tell us about your experience" submission."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="feedback")
    reference = models.CharField(max_length=12, unique=True, default=_reference)
    parts = models.JSONField(default=list, help_text="Which parts of the system it is about (SystemPart values)")
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 (very poor) to 5 (very good)")
    district = models.CharField(max_length=60, blank=True)
    age_band = models.CharField(max_length=6, choices=AgeBand.choices, blank=True)
    respondent = models.CharField(max_length=14, choices=Respondent.choices)
    consent_to_contact = models.BooleanField(default=False)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    # With the reference, the writer's key to "See or delete your feedback" (the email address they gave works
    # too): shown on the confirmation page, stored only as a keyed hash (voice/access.py).
    access_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    erasure_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The writer asked for it to be deleted; kept only until the safeguarding check is done",
    )

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.reference


class ErasedFeedback(models.Model):
    """The reference of feedback deleted at its writer's request, and nothing else.

    Restoring a backup made before the deletion would bring the feedback back: the restore carries these
    references over and deletes it again (voice/access.py, operations/backup.py).
    """

    reference = models.CharField(max_length=12, unique=True)
    erased_at = models.DateTimeField()

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return self.reference


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    welcome_text = models.TextField(blank=True)
    privacy_text = models.TextField(blank=True)
    is_template = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["area", "slug"], name="survey_unique_slug")]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", "Agree or disagree (1 to 5)"
        YES_NO = "yes_no", "Yes or no"
        SINGLE = "single", "Choose one"
        MULTIPLE = "multiple", "Choose any"
        FREE_TEXT = "free_text", "Free text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    choices = models.JSONField(default=list, blank=True, help_text="Options for single and multiple choice")
    required = models.BooleanField(default=True)
    is_trust_question = models.BooleanField(default=False, help_text="Counts towards the survey's trust index")
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="question_unique_position")]

    def __str__(self) -> str:
        return self.text


class Wave(models.Model):
    """One run of a survey (e.g. spring 2026); the same survey runs in waves so results can be compared."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=6, choices=Survey.Status.choices, default=Survey.Status.DRAFT)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "opens_at", "pk"]

    def __str__(self) -> str:
        return f"{self.survey}: {self.name}"


class Response(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    reference = models.CharField(max_length=12, unique=True, default=_reference)
    district = models.CharField(max_length=60, blank=True)
    respondent = models.CharField(max_length=14, choices=Respondent.choices, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.reference


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(help_text="1-5 for Likert, true/false, the chosen option(s); free text is a Comment")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question")]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"


class Comment(models.Model):
    """A piece of free text from feedback or a survey, redacted, flagged and tagged for analysis."""

    class Source(models.TextChoices):
        FEEDBACK = "feedback", "Feedback"
        SURVEY = "survey", "Survey"
        IMPORT = "import", "Imported"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="comments")
    source = models.CharField(max_length=8, choices=Source.choices)
    feedback = models.OneToOneField(Feedback, on_delete=models.CASCADE, null=True, blank=True, related_name="comment")
    answer_response = models.ForeignKey(
        Response, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(help_text="Redacted: names, emails, phones, addresses, postcodes, dates of birth replaced")
    original_text = models.TextField(
        blank=True, help_text="Kept only when the writer consented to contact; administrators only"
    )
    redactions = models.JSONField(default=list, blank=True, help_text="Kinds of personal data removed")
    received_at = models.DateTimeField()
    district = models.CharField(max_length=60, blank=True)
    parts = models.JSONField(default=list, blank=True)
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices, blank=True)
    sentiment_confidence = models.FloatField(null=True, blank=True)
    sentiment_confirmed = models.BooleanField(default=False)
    safeguarding = models.BooleanField(default=False)
    safeguarding_reasons = models.JSONField(default=list, blank=True)
    safeguarding_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    safeguarding_reviewed_at = models.DateTimeField(null=True, blank=True)
    findings = models.ManyToManyField("improvement.Finding", blank=True, related_name="comments")
    history = HistoricalRecords(excluded_fields=["original_text"])

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["area", "received_at"]), models.Index(fields=["area", "safeguarding"])]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("voice:comment-detail", args=[self.area.slug, self.pk])


class CommentTag(models.Model):
    """A theme on a comment: suggested by the classifier (with a confidence) or set by staff (confirmed)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="tags")
    theme = models.CharField(max_length=20, choices=Theme.choices)
    confidence = models.FloatField(null=True, blank=True)
    confirmed = models.BooleanField(default=False, help_text="A person has confirmed or added this theme")
    rejected = models.BooleanField(default=False, help_text="A person has said this theme does not apply")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "theme"], name="comment_tag_unique_theme")]
        indexes = [models.Index(fields=["theme", "rejected"])]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.theme}"


class ClassifierModel(models.Model):
    """A trained theme and sentiment model for an area (pickled scikit-learn pipeline or backend state)."""

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    backend = models.CharField(max_length=40)
    trained_at = models.DateTimeField(auto_now_add=True)
    training_size = models.PositiveIntegerField()
    confirmed_examples = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict, blank=True)
    state = models.BinaryField()
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-trained_at"]

    def __str__(self) -> str:
        return f"{self.backend} model, {self.trained_at:%Y-%m-%d}"


class CoproductionActivity(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        WORKSHOP = "workshop", "Workshop"
        SURVEY = "survey", "Survey or consultation"
        REVIEW = "review", "Co-produced review of a document or service"
        OTHER = "other", "Other"

    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="coproduction")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    held_on = models.DateField()
    summary = models.TextField(help_text="What happened and what was decided")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    attendees_count = models.PositiveIntegerField(null=True, blank=True)
    actions = models.ManyToManyField("improvement.Action", blank=True, related_name="coproduction")
    history = HistoricalRecords(m2m_fields=[organisations, actions])

    class Meta:
        ordering = ["-held_on"]
        verbose_name_plural = "co-production activities"

    def __str__(self) -> str:
        return self.title


class YouSaidWeDid(models.Model):
    area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="you_said_we_did")
    theme = models.CharField(max_length=20, choices=Theme.choices, blank=True)
    you_said = models.TextField()
    we_did = models.TextField()
    actions = models.ManyToManyField("improvement.Action", blank=True, related_name="you_said_we_did")
    is_published = models.BooleanField(default=False)
    published_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[actions])

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = "You said, we did"
        verbose_name_plural = "You said, we did"

    def __str__(self) -> str:
        return self.you_said[:60]
