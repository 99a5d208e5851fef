"""Retention rules: personal data kept only as long as it is needed, then deleted or cleared.

``run_retention()`` applies every rule in one transaction (all of them, or none if anything fails) and stores a
``RetentionRun`` with the count per rule. ``dry_run=True`` does exactly the same and then rolls the transaction
back, so its counts are what a run would do (a later rule sees what an earlier one deleted), and nothing changes.
It runs from ``sendhub retention run`` (cron) or the daily task in ``operations.tasks``. docs/data-protection.md
lists the rules with the data map they come from.

Each rule with a period reads ``settings.<SETTING>`` (a whole number of days; 0 switches the rule off) and acts on
records *older than* that: a record exactly that many days old is kept until the next run.

This module is the one place where one app changes other apps' tables (architecture.md: apps otherwise write only
their own). Retention is a cross-cutting duty, and one module is one place to read and audit it; the voice
deletions go through ``voice.access`` so that comments lose their history rows too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sendhub.operations.models import RetentionRun

logger = logging.getLogger(__name__)

_CHUNK = 500  # ids per statement: well under SQLite's limit on parameters


class RetentionConfigError(Exception):
    """A retention setting is not a whole number of days; nothing is run."""


@dataclass(frozen=True)
class Rule:
    key: str
    title: Promise
    setting: str | None  # None: the rule has no period (expired sessions, requested erasures)
    default_days: int | None
    # (cutoff, dry_run) -> (records deleted or cleared, records held back); the count is None if unknowable. Rules
    # write inside the run's transaction, which a dry run rolls back; ``dry_run`` matters only to anything outside it.
    apply: Callable[[datetime, bool], tuple[int | None, int]]
    clears: bool = False  # clears fields of records that stay, rather than deleting records


@dataclass
class RuleResult:
    key: str
    title: str
    setting: str | None
    days: int | None
    cutoff: datetime | None
    count: int | None
    held: int = 0
    clears: bool = False

    @property
    def is_off(self) -> bool:
        return self.setting is not None and not self.days

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "setting": self.setting,
            "days": self.days,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "count": self.count,
            "held": self.held,
            "action": "cleared" if self.clears else "deleted",
            "off": self.is_off,
        }


@dataclass
class RetentionReport:
    dry_run: bool
    started_at: datetime
    finished_at: datetime
    results: list[RuleResult] = field(default_factory=list)
    run: RetentionRun | None = None

    @property
    def total(self) -> int:
        return sum(r.count or 0 for r in self.results)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "total": self.total,
            "run": self.run.pk if self.run else None,
            "rules": [r.as_dict() for r in self.results],
        }


def _chunks(ids: list) -> list[list]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


# The rules ----------------------------------------------------------------------------------------------------


def _held_feedback_ids(feedback_ids) -> set[int]:
    from sendhub.voice.models import Comment

    return set(
        Comment.objects.filter(
            feedback_id__in=feedback_ids, safeguarding=True, safeguarding_reviewed_at__isnull=True
        ).values_list("feedback_id", flat=True)
    )


def feedback_contact(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """Contact details and consent on feedback, and the original wording of comments (kept only because the
    writer agreed to be contacted), once the contact period has passed."""
    from sendhub.voice.models import Comment, Feedback

    with_contact = Feedback.objects.filter(submitted_at__lt=cutoff).filter(
        Q(consent_to_contact=True) | ~Q(contact_name="") | ~Q(contact_email="") | ~Q(contact_phone="")
    )
    feedback_ids = list(with_contact.values_list("pk", flat=True))
    originals = list(
        Comment.objects.filter(received_at__lt=cutoff).exclude(original_text="").values_list("pk", "feedback_id")
    )
    for chunk in _chunks(feedback_ids):
        Feedback.objects.filter(pk__in=chunk).update(
            consent_to_contact=False, contact_name="", contact_email="", contact_phone=""
        )
    for chunk in _chunks([pk for pk, _feedback_id in originals]):
        # original_text is left out of the comments' history, so the live row is the only copy.
        Comment.objects.filter(pk__in=chunk).update(original_text="")
    # Counted per submission: a feedback and its comment are one.
    submissions = set(feedback_ids) | {feedback_id for _pk, feedback_id in originals if feedback_id}
    return len(submissions) + sum(1 for _pk, feedback_id in originals if not feedback_id), 0


def feedback(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """Feedback with its comment, themes and their history; comments flagged for safeguarding and not yet
    checked are held back until an administrator has checked them."""
    from sendhub.voice import access
    from sendhub.voice.models import Comment, Feedback

    old = Feedback.objects.filter(submitted_at__lt=cutoff)
    held = _held_feedback_ids(old.values("pk"))
    doomed = old.exclude(pk__in=held)
    # Comments marked as feedback but without their feedback row (e.g. loaded by hand) follow the same period.
    orphans = Comment.objects.filter(
        source=Comment.Source.FEEDBACK, feedback__isnull=True, received_at__lt=cutoff
    ).exclude(safeguarding=True, safeguarding_reviewed_at__isnull=True)
    orphans_held = Comment.objects.filter(
        source=Comment.Source.FEEDBACK,
        feedback__isnull=True,
        received_at__lt=cutoff,
        safeguarding=True,
        safeguarding_reviewed_at__isnull=True,
    ).count()
    return access.delete_feedback(doomed) + access.delete_comments(orphans), len(held) + orphans_held


def erasure_requests(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """Feedback its writer asked us to delete while a safeguarding check was outstanding, once it is done."""
    from sendhub.voice import access
    from sendhub.voice.models import Feedback

    requested = Feedback.objects.filter(erasure_requested_at__isnull=False)
    held = _held_feedback_ids(requested.values("pk"))
    doomed = requested.exclude(pk__in=held)
    return access.forget(doomed), len(held)


def erasure_log(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """The references of feedback deleted at its writers' request, kept so that restoring an older backup cannot
    bring it back: needed only for as long as such a backup may be restored."""
    from sendhub.voice.models import ErasedFeedback

    return ErasedFeedback.objects.filter(erased_at__lt=cutoff).delete()[1].get(ErasedFeedback._meta.label, 0), 0


def survey_comments(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """Free-text answers to surveys (and imported comments), with their themes and history. The survey's
    structured answers (agree/disagree, choices) stay: they identify nobody and carry the trust index."""
    from sendhub.voice import access
    from sendhub.voice.models import Comment

    old = Comment.objects.filter(received_at__lt=cutoff, feedback__isnull=True).exclude(source=Comment.Source.FEEDBACK)
    unchecked = Q(safeguarding=True, safeguarding_reviewed_at__isnull=True)
    held = old.filter(unchecked).count()
    doomed = old.exclude(unchecked)
    return access.delete_comments(doomed), held


def superseded_sen2(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """Person-level SEN2 records (persons, requests, active plans) of returns superseded by a newer return for
    the same area and collection year. The measures computed from them stay as history."""
    from sendhub.outcomes.models import Sen2Return
    from sendhub.outcomes.sen2.writer import delete_person_level_rows

    return_ids = list(
        Sen2Return.objects.filter(is_current=False, superseded_at__lt=cutoff).values_list("pk", flat=True)
    )
    return delete_person_level_rows(return_ids), 0


def invitations(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """Invitations (a name and an email address) accepted, or expired unaccepted, before the cutoff, with their
    history rows. The person's account and membership records who joined and when."""
    from sendhub.accounts.models import Invitation

    ids = list(
        Invitation.objects.filter(
            Q(accepted_at__isnull=True, expires_at__lt=cutoff) | Q(accepted_at__lt=cutoff)
        ).values_list("pk", flat=True)
    )
    for chunk in _chunks(ids):
        Invitation.objects.filter(pk__in=chunk).delete()
        Invitation.history.model.objects.filter(id__in=chunk).delete()
    return len(ids), 0


def sign_in_records(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """django-axes' records of sign-ins and failed attempts (email address, IP address, browser)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    total = 0
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        total += model.objects.filter(attempt_time__lt=cutoff).delete()[1].get(model._meta.label, 0)
    return total, 0


def audit_events(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """The audit log of sign-ins, sign-outs, exports and downloads (who, when, what): kept long enough to look into
    an incident, then deleted."""
    from sendhub.accounts.models import AuditEvent

    # A queryset delete: the model refuses changes to a saved event, but the log must not grow for ever.
    return AuditEvent.objects.filter(at__lt=cutoff).delete()[1].get(AuditEvent._meta.label, 0), 0


def expired_sessions(now: datetime, dry_run: bool) -> tuple[int | None, int]:
    """Expired sessions (what ``clearsessions`` deletes): they may hold a feedback reference and code."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):  # cache or cookie sessions expire by themselves
        if not dry_run:
            store.clear_expired()
        return None, 0
    model = store.get_model_class()
    return model.objects.filter(expire_date__lt=now).delete()[1].get(model._meta.label, 0), 0


def problem_report_contact(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """The email address of someone who reported a problem with a Local Offer listing, once the report has been
    resolved or dismissed for the period (in the report and its history)."""
    from sendhub.directory.models import ProblemReport

    closed = (
        ProblemReport.objects.exclude(status=ProblemReport.Status.OPEN)
        .exclude(reporter_email="")
        .filter(Q(resolved_at__lt=cutoff) | Q(resolved_at__isnull=True, reported_at__lt=cutoff))
    )
    ids = list(closed.values_list("pk", flat=True))
    for chunk in _chunks(ids):
        ProblemReport.objects.filter(pk__in=chunk).update(reporter_email="")
        ProblemReport.history.model.objects.filter(id__in=chunk).exclude(reporter_email="").update(reporter_email="")
    return len(ids), 0


def old_classifiers(cutoff: datetime, dry_run: bool) -> tuple[int, int]:
    """Replaced theme models: a pickled model keeps words from the comments it learned from, so it must not
    outlive them for long."""
    from sendhub.voice.models import ClassifierModel

    return ClassifierModel.objects.filter(is_current=False, trained_at__lt=cutoff).delete()[1].get(
        ClassifierModel._meta.label, 0
    ), 0


# Deletions come before clearing, so that a record deleted in a run is not also counted as cleared.
RULES: tuple[Rule, ...] = (
    Rule("feedback", _("Feedback and its comment"), "SENDHUB_RETAIN_FEEDBACK_DAYS", 3 * 365, feedback),
    Rule("erasure_requests", _("Feedback its writer asked us to delete"), None, None, erasure_requests),
    Rule(
        "survey_comments",
        _("Free-text survey answers"),
        "SENDHUB_RETAIN_SURVEY_COMMENTS_DAYS",
        3 * 365,
        survey_comments,
    ),
    Rule(
        "feedback_contact",
        _("Feedback contact details and original wording"),
        "SENDHUB_RETAIN_FEEDBACK_CONTACT_DAYS",
        365,
        feedback_contact,
        clears=True,
    ),
    Rule(
        "superseded_sen2",
        _("Person-level SEN2 records of superseded returns"),
        "SENDHUB_RETAIN_SUPERSEDED_SEN2_DAYS",
        30,
        superseded_sen2,
    ),
    Rule("invitations", _("Used and expired invitations"), "SENDHUB_RETAIN_INVITATION_DAYS", 90, invitations),
    Rule(
        "sign_in_records",
        _("Sign-in records and failed attempts"),
        "SENDHUB_RETAIN_SIGN_IN_RECORDS_DAYS",
        90,
        sign_in_records,
    ),
    Rule(
        "audit_events",
        _("Audit log of sign-ins and exports"),
        "SENDHUB_RETAIN_AUDIT_EVENTS_DAYS",
        2 * 365,
        audit_events,
    ),
    Rule("expired_sessions", _("Expired sessions"), None, None, expired_sessions),
    Rule(
        "problem_report_contact",
        _("Email addresses on closed Local Offer problem reports"),
        "SENDHUB_RETAIN_PROBLEM_REPORT_CONTACT_DAYS",
        90,
        problem_report_contact,
        clears=True,
    ),
    Rule(
        "erasure_log",
        _("References of feedback deleted at its writer's request"),
        "SENDHUB_RETAIN_ERASURE_LOG_DAYS",
        400,
        erasure_log,
    ),
    Rule(
        "old_classifiers",
        _("Replaced theme models"),
        "SENDHUB_RETAIN_OLD_CLASSIFIER_DAYS",
        30,
        old_classifiers,
    ),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}


def configured_days(key: str) -> int | None:
    """The rule's period in days from settings (its default when unset), or None when it is switched off.

    Raises ``RetentionConfigError`` for a value that is not a whole number of days.
    """
    rule = RULES_BY_KEY[key]
    if rule.setting is None:
        return None
    value = getattr(settings, rule.setting, rule.default_days)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RetentionConfigError(
            f"{rule.setting} must be a whole number of days (0 switches the rule off), not {value!r}"
        )
    return value or None


def run_retention(
    *, dry_run: bool = False, now: datetime | None = None, trigger: str = RetentionRun.Trigger.COMMAND
) -> RetentionReport:
    """Apply every rule (or, with ``dry_run``, count what they would do) and report the counts per rule."""
    now = now or timezone.now()
    periods = {rule.key: configured_days(rule.key) for rule in RULES}  # every setting checked before any change
    started = timezone.now()
    results: list[RuleResult] = []
    with transaction.atomic():
        for rule in RULES:
            days = periods[rule.key]
            result = RuleResult(rule.key, str(rule.title), rule.setting, days, None, 0, clears=rule.clears)
            if not result.is_off:
                result.cutoff = now - timedelta(days=days) if days else now
                result.count, result.held = rule.apply(result.cutoff, dry_run)
            results.append(result)
        report = RetentionReport(dry_run, started, timezone.now(), results)
        if dry_run:
            transaction.set_rollback(True)
        else:
            report.run = RetentionRun.objects.create(
                started_at=started,
                finished_at=report.finished_at,
                trigger=trigger,
                results=[r.as_dict() for r in results],
                total=report.total,
            )
    logger.info(
        "Retention %s: %s",
        "dry run" if dry_run else "run",
        ", ".join(f"{r.key}={'off' if r.is_off else r.count}" for r in results),
    )
    return report
