"""A feedback writer's right to see and delete what they sent (UK GDPR Articles 15 and 17), with no account.

The design, and why (docs/data-protection.md describes it for readers):

- **Two things prove it is theirs**: the feedback's reference, and either the code shown with it on the
  confirmation page or the email address they gave. A reference alone is not enough, because people write it
  down, read it out and screenshot it. The email address stops working once the retention rules have removed
  contact details (after 12 months); the code keeps working for as long as the feedback exists.
- **The code is stored only as a keyed hash** (HMAC-SHA256 keyed by the secret key, with the reference), so a
  copy of the database does not reveal it. Codes made before a key rotation still verify through
  ``SECRET_KEY_FALLBACKS``. Eight characters from a 32-letter alphabet, with the 40-bit reference and a rate limit
  per address, are far beyond guessing.
- **Every failure is one answer, with the same work done**, so the page never tells anybody which references
  exist, or whether it was the reference or the code that was wrong.
- **Deleting removes everything derived**: the feedback, its comment, the comment's themes, its links to findings
  and every history row of the comment and its themes (django-simple-history keeps those otherwise).
- **Safeguarding comes first.** A comment flagged for safeguarding that no administrator has checked yet is kept
  until they have: the request is recorded (``erasure_requested_at``), the writer is told so, and the daily
  retention run deletes it once the check is recorded (UK GDPR Article 17(3)(b): a legal duty to protect
  children can outweigh erasure for that short time).
- **A deletion survives a restore.** The reference of each feedback deleted at its writer's request is kept
  (``ErasedFeedback``: the reference and the date, nothing else); restoring an older backup carries that list over
  and deletes the feedback again (``erasure_log`` and ``reapply_erasures``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sendhub.accounts.models import LocalArea
from sendhub.voice.models import (
    AgeBand,
    Comment,
    CommentTag,
    ErasedFeedback,
    Feedback,
    Respondent,
    SystemPart,
    Theme,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, like the reference
CODE_LENGTH = 8
_HASH_SALT = "sendhub.voice.feedback-access-code"
_CHUNK = 500  # ids per query: well under SQLite's limit on parameters
DELETED = "deleted"
PENDING = "pending"


def new_access_code() -> str:
    """A fresh code, shown to the writer as ``ABCD-EFGH``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "").upper()


def normalise_reference(value: str) -> str:
    """``fb-abcd efgh``, ``FB ABCDEFGH`` and ``ABCDEFGH`` all mean ``FB-ABCDEFGH``."""
    compact = re.sub(r"[\s\-]", "", value or "").upper()
    if compact.startswith("FB"):
        compact = compact[2:]
    return f"FB-{compact}"


def hash_access_code(reference: str, code: str, secret: str | None = None) -> str:
    return salted_hmac(_HASH_SALT, f"{reference}:{normalise_code(code)}", secret=secret, algorithm="sha256").hexdigest()


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def proof_matches(feedback: Feedback, proof: str) -> bool:
    """Whether ``proof`` (the code, or the email address the writer gave) belongs to ``feedback``."""
    proof = (proof or "").strip()
    if "@" in proof:
        stored = (feedback.contact_email or "").strip().lower()
        return bool(stored) & constant_time_compare(stored, proof.lower())
    matched = False
    for secret in _secrets():  # every key is tried, so the time taken does not depend on which one matched
        digest = hash_access_code(feedback.reference, proof, secret)
        matched |= bool(feedback.access_code_hash) & constant_time_compare(digest, feedback.access_code_hash or "")
    return matched


def find_feedback(area: LocalArea, reference: str, proof: str) -> Feedback | None:
    """The area's feedback with this reference if ``proof`` is its code or email address, otherwise None."""
    reference = normalise_reference(reference)
    feedback = Feedback.objects.filter(area=area, reference=reference).first()
    if feedback is None:
        # The same work as for a real reference, so that the time taken does not tell the two apart.
        proof_matches(Feedback(reference=reference, access_code_hash="0" * 64), proof)
        return None
    return feedback if proof_matches(feedback, proof) else None


def comment_of(feedback: Feedback) -> Comment | None:
    return Comment.objects.filter(feedback=feedback).first()


def safeguarding_hold(comment: Comment | None) -> bool:
    """A flagged comment nobody has checked yet must wait for an administrator before it can be deleted."""
    return comment is not None and comment.safeguarding and comment.safeguarding_reviewed_at is None


def describe(feedback: Feedback) -> list[tuple[str, str]]:
    """Everything stored about the feedback, as (what, value) rows for the writer to read."""
    comment = comment_of(feedback)
    parts = dict(SystemPart.choices)
    not_given = _("Not given")
    rows = [
        (_("Reference"), feedback.reference),
        (_("Sent"), date_format(timezone.localtime(feedback.submitted_at), "j F Y, H:i")),
        (_("Who was writing"), dict(Respondent.choices).get(feedback.respondent, feedback.respondent) or not_given),
        (_("Parts of support it is about"), ", ".join(str(parts.get(p, p)) for p in feedback.parts) or not_given),
        (_("Rating"), str(feedback.rating) if feedback.rating else not_given),
        (_("District"), feedback.district or not_given),
        (_("Age of the child or young person"), dict(AgeBand.choices).get(feedback.age_band, "") or not_given),
        (_("Agreed to be contacted"), _("Yes") if feedback.consent_to_contact else _("No")),
        (_("Name"), feedback.contact_name or not_given),
        (_("Email address"), feedback.contact_email or not_given),
        (_("Phone number"), feedback.contact_phone or not_given),
    ]
    if comment is not None:
        themes = dict(Theme.choices)
        # Only themes a member of staff has confirmed: the classifier's suggestions are never shown to the writer.
        tags = sorted(str(themes.get(t.theme, t.theme)) for t in comment.tags.filter(confirmed=True, rejected=False))
        not_kept = _("Not kept: you did not agree to be contacted")
        rows += [
            (_("What you wrote, as you wrote it"), comment.original_text or not_kept),
            (_("What you wrote, with personal details removed (what staff read)"), comment.text),
            (
                _("What it is about, as recorded by our staff"),
                ", ".join(tags) or _("Not recorded yet: a member of staff will read it"),
            ),
        ]
    return rows


@transaction.atomic
def erase_feedback(feedback: Feedback) -> str:
    """Delete the writer's feedback and everything derived from it (``DELETED``), or, while a safeguarding
    check is outstanding, record the request (``PENDING``) for the retention run to finish later."""
    feedback = Feedback.objects.select_for_update().filter(pk=feedback.pk).first()
    if feedback is None:  # deleted a moment ago (the same request sent twice, or from another tab)
        return DELETED
    if safeguarding_hold(comment_of(feedback)):
        if feedback.erasure_requested_at is None:
            feedback.erasure_requested_at = timezone.now()
            feedback.save(update_fields=["erasure_requested_at"])
        return PENDING
    forget(Feedback.objects.filter(pk=feedback.pk))
    return DELETED


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def purge_comment_history(comment_ids: list[int]) -> None:
    """Delete the history rows of these comments and of their themes, which would otherwise keep the text."""
    historical_comment, historical_tag = Comment.history.model, CommentTag.history.model
    for chunk in _chunks(comment_ids):
        historical_tag.objects.filter(comment_id__in=chunk).delete()
        historical_comment.objects.filter(id__in=chunk).delete()


@transaction.atomic
def delete_feedback(queryset: QuerySet[Feedback]) -> int:
    """Delete the feedback with its comments, their themes, their links and all their history; return how many."""
    ids = list(queryset.values_list("pk", flat=True))
    comment_ids = list(Comment.objects.filter(feedback_id__in=ids).values_list("pk", flat=True))
    for chunk in _chunks(ids):
        Feedback.objects.filter(pk__in=chunk).delete()  # cascades to the comment, its tags and its links
    purge_comment_history(comment_ids)
    return len(ids)


@transaction.atomic
def delete_comments(queryset: QuerySet[Comment]) -> int:
    """Delete comments (not from feedback: surveys, imports) with their themes and all their history."""
    ids = list(queryset.values_list("pk", flat=True))
    for chunk in _chunks(ids):
        Comment.objects.filter(pk__in=chunk).delete()
    purge_comment_history(ids)
    return len(ids)


@transaction.atomic
def forget(queryset: QuerySet[Feedback]) -> int:
    """Delete feedback at its writers' request, remembering the references so that a restore cannot undo it."""
    now = timezone.now()
    references = queryset.values_list("reference", flat=True)
    ErasedFeedback.objects.bulk_create(
        [ErasedFeedback(reference=reference, erased_at=now) for reference in references], ignore_conflicts=True
    )
    return delete_feedback(queryset)


def erasure_log() -> list[tuple[str, datetime]]:
    """Every remembered erasure, to carry over a restore (read before the database is replaced)."""
    return list(ErasedFeedback.objects.values_list("reference", "erased_at"))


@transaction.atomic
def reapply_erasures(log: list[tuple[str, datetime]]) -> int:
    """After a restore: remember the erasures again and delete any of that feedback the backup brought back."""
    ErasedFeedback.objects.bulk_create(
        [ErasedFeedback(reference=reference, erased_at=when) for reference, when in log], ignore_conflicts=True
    )
    return delete_feedback(Feedback.objects.filter(reference__in=ErasedFeedback.objects.values("reference")))
