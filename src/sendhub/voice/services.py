"""Writes for parent carer voice. Every comment goes through the same steps before it is stored."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from sendhub.accounts.models import LocalArea, Membership, Role
from sendhub.voice.models import Comment, CommentTag, Feedback, Question, Response


def record_comment(
    *,
    area: LocalArea,
    text: str,
    source: str,
    received_at: datetime,
    consent_to_contact: bool = False,
    district: str = "",
    parts: list[str] | None = None,
    feedback: Feedback | None = None,
    response: Response | None = None,
    question: Question | None = None,
) -> Comment:
    """Redact, flag and tag a comment, then store it. Safeguarding concerns alert the area's administrators.

    The original wording is kept only when the writer consented to be contacted (administrators only).
    """
    from sendhub.voice import classifier, redaction, safeguarding

    redacted = redaction.redact(text)
    concerns = safeguarding.concerns(text)
    prediction = classifier.classify([redacted.text], area=area)[0]
    with transaction.atomic():
        comment = Comment.objects.create(
            area=area,
            source=source,
            feedback=feedback,
            answer_response=response,
            question=question,
            text=redacted.text,
            original_text=text if consent_to_contact else "",
            redactions=sorted(set(redacted.kinds)),
            received_at=received_at,
            district=district,
            parts=parts or [],
            sentiment=prediction.sentiment,
            sentiment_confidence=prediction.sentiment_confidence,
            safeguarding=bool(concerns) or prediction.safeguarding,
            safeguarding_reasons=concerns or (["classifier"] if prediction.safeguarding else []),
        )
        CommentTag.objects.bulk_create(
            CommentTag(comment=comment, theme=theme, confidence=confidence)
            for theme, confidence in prediction.themes.items()
        )
        if comment.safeguarding:
            transaction.on_commit(lambda: alert_safeguarding(comment))
    return comment


def alert_safeguarding(comment: Comment) -> None:
    """Email the area's administrators at once. The email carries no comment text: it links to it."""
    recipients = list(
        Membership.objects.filter(area=comment.area, role=Role.ADMINISTRATOR, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    if not recipients:
        return
    link = settings.SENDHUB_BASE_URL.rstrip("/") + reverse("voice:comment-detail", args=[comment.area.slug, comment.pk])
    send_mail(
        subject=f"Safeguarding: a comment to {comment.area.name} needs checking now",
        message=(
            f"A comment received by {settings.SENDHUB_SERVICE_NAME} may suggest a risk of harm.\n\n"
            f"Read it and follow your safeguarding procedure:\n{link}\n\n"
            "The comment's text is not included in this email to keep it private."
        ),
        from_email=None,
        recipient_list=recipients,
    )
