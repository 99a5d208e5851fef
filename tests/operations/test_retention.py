"""Retention rules: each deletes or clears exactly the records past its period, and a record on the boundary day
(exactly that many days old) is kept until the next run. Runs are stored with their counts; dry runs change and
store nothing; a bad setting stops everything with a clear message."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts.models import Invitation
from sendhub.directory.models import DirectoryOrganisation, ProblemReport, Service
from sendhub.operations import tasks
from sendhub.operations.models import RetentionRun
from sendhub.operations.retention import RULES, run_retention
from sendhub.outcomes.models import ActivePlan, EhcRequest, MeasureValue, Sen2Person, Sen2Return
from sendhub.voice.models import (
    Answer,
    ClassifierModel,
    Comment,
    CommentTag,
    ErasedFeedback,
    Feedback,
    Question,
    Response,
    Survey,
    Wave,
)
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 6, 15, 12, 0))
SECOND = timedelta(seconds=1)


def ago(days: int, nudge: timedelta = timedelta(0)) -> datetime:
    """``days`` before NOW, moved by ``nudge`` (negative: a moment older, positive: a moment younger)."""
    return NOW - timedelta(days=days) + nudge


BOUNDARY = {"older": -SECOND, "exactly": timedelta(0), "younger": SECOND}


def counts(report) -> dict[str, int | None]:
    return {result.key: result.count for result in report.results}


def make_feedback(area, when: datetime, *, contact: bool = True, flagged: bool = False, reviewed: bool = False,
                  text: str = "The plan was late.") -> Feedback:  # fmt: skip
    feedback = Feedback.objects.create(
        area=area,
        respondent="parent_carer",
        consent_to_contact=contact,
        contact_name="Sam Parent" if contact else "",
        contact_email="sam@example.org" if contact else "",
        contact_phone="07700 900982" if contact else "",
    )
    Feedback.objects.filter(pk=feedback.pk).update(submitted_at=when)
    comment = Comment.objects.create(
        area=area,
        source=Comment.Source.FEEDBACK,
        feedback=feedback,
        text=text,
        original_text=f"Sam Parent: {text}" if contact else "",
        received_at=when,
        safeguarding=flagged,
        safeguarding_reviewed_at=when + timedelta(days=1) if reviewed else None,
    )
    CommentTag.objects.create(comment=comment, theme="ehc_timeliness", confidence=0.9)
    feedback.refresh_from_db()
    return feedback


def comment_history_ids() -> set[int]:
    return set(Comment.history.model.objects.values_list("id", flat=True))


# Feedback contact details -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("when", "cleared"), [("older", True), ("exactly", False), ("younger", False)])
def test_feedback_contact_details_are_cleared_after_365_days(area, when, cleared):
    feedback = make_feedback(area, ago(365, BOUNDARY[when]))
    untouched = make_feedback(area, ago(10))

    report = run_retention(now=NOW)

    feedback.refresh_from_db()
    comment = Comment.objects.get(feedback=feedback)
    stored = (feedback.consent_to_contact, feedback.contact_name, feedback.contact_email, feedback.contact_phone)
    if cleared:
        assert stored == (False, "", "", "") and comment.original_text == ""
        assert counts(report)["feedback_contact"] == 1  # one submission: the feedback and its comment
    else:
        assert stored == (True, "Sam Parent", "sam@example.org", "07700 900982")
        assert comment.original_text.startswith("Sam Parent:")
        assert counts(report)["feedback_contact"] == 0
    assert comment.text == "The plan was late."  # the redacted comment stays for analysis
    untouched.refresh_from_db()
    assert untouched.contact_email == "sam@example.org"


def test_the_contact_period_comes_from_the_setting(area, settings):
    settings.SENDHUB_RETAIN_FEEDBACK_CONTACT_DAYS = 30
    feedback = make_feedback(area, ago(31))
    assert counts(run_retention(now=NOW))["feedback_contact"] == 1
    feedback.refresh_from_db()
    assert feedback.contact_email == ""


# Feedback -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("when", "deleted"), [("older", True), ("exactly", False), ("younger", False)])
def test_feedback_is_deleted_after_three_years_with_everything_derived(area, when, deleted):
    feedback = make_feedback(area, ago(3 * 365, BOUNDARY[when]), contact=False)
    comment = feedback.comment
    kept = make_feedback(area, ago(100), contact=False)

    report = run_retention(now=NOW)

    assert Feedback.objects.filter(pk=feedback.pk).exists() is not deleted
    assert Comment.objects.filter(pk=comment.pk).exists() is not deleted
    assert CommentTag.objects.filter(comment_id=comment.pk).exists() is not deleted
    # The history of the comment and its themes would otherwise keep the text.
    assert (comment.pk in comment_history_ids()) is not deleted
    assert CommentTag.history.model.objects.filter(comment_id=comment.pk).exists() is not deleted
    assert counts(report)["feedback"] == int(deleted)
    assert Feedback.objects.filter(pk=kept.pk).exists() and kept.comment.pk in comment_history_ids()


def test_old_feedback_flagged_for_safeguarding_waits_for_the_check(area):
    unchecked = make_feedback(area, ago(2000), flagged=True)
    checked = make_feedback(area, ago(2000), flagged=True, reviewed=True)

    report = run_retention(now=NOW)

    result = next(r for r in report.results if r.key == "feedback")
    assert (result.count, result.held) == (1, 1)
    assert Feedback.objects.filter(pk=unchecked.pk).exists()
    assert not Feedback.objects.filter(pk=checked.pk).exists()


def test_old_feedback_comments_without_their_feedback_row_are_deleted_too(area):
    orphan = Comment.objects.create(
        area=area, source=Comment.Source.FEEDBACK, text="Old", received_at=ago(3 * 365, -SECOND)
    )
    assert counts(run_retention(now=NOW))["feedback"] == 1
    assert not Comment.objects.filter(pk=orphan.pk).exists() and orphan.pk not in comment_history_ids()


# Erasure requested while a safeguarding check was outstanding -------------------------------------------------


def test_requested_erasure_happens_once_the_safeguarding_check_is_recorded(area):
    feedback = make_feedback(area, ago(1), flagged=True)
    Feedback.objects.filter(pk=feedback.pk).update(erasure_requested_at=ago(0))

    report = run_retention(now=NOW)
    result = next(r for r in report.results if r.key == "erasure_requests")
    assert (result.count, result.held) == (0, 1) and Feedback.objects.filter(pk=feedback.pk).exists()

    Comment.objects.filter(feedback=feedback).update(safeguarding_reviewed_at=NOW)
    assert counts(run_retention(now=NOW))["erasure_requests"] == 1
    assert not Feedback.objects.filter(pk=feedback.pk).exists()
    assert not Comment.objects.filter(feedback_id=feedback.pk).exists()
    assert ErasedFeedback.objects.filter(reference=feedback.reference).exists()


@pytest.mark.parametrize(("when", "deleted"), [("older", True), ("exactly", False), ("younger", False)])
def test_references_of_erased_feedback_are_forgotten_after_400_days(db, when, deleted):
    ErasedFeedback.objects.create(reference="FB-ABCDEFGH", erased_at=ago(400, BOUNDARY[when]))
    assert counts(run_retention(now=NOW))["erasure_log"] == int(deleted)
    assert ErasedFeedback.objects.exists() is not deleted


# Survey comments ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("when", "deleted"), [("older", True), ("exactly", False), ("younger", False)])
def test_free_text_survey_answers_are_deleted_after_three_years_and_the_rest_kept(area, when, deleted):
    survey = Survey.objects.create(area=area, title="Families 2023", slug="families-2023")
    likert = Question.objects.create(survey=survey, position=1, text="I feel listened to", kind="likert")
    free = Question.objects.create(survey=survey, position=2, text="Anything else?", kind="free_text")
    wave = Wave.objects.create(survey=survey, name="Spring 2023", status="closed")
    response = Response.objects.create(wave=wave)
    answer = Answer.objects.create(response=response, question=likert, value=4)
    comment = Comment.objects.create(
        area=area,
        source=Comment.Source.SURVEY,
        answer_response=response,
        question=free,
        text="More help at lunchtime",
        received_at=ago(3 * 365, BOUNDARY[when]),
    )

    assert counts(run_retention(now=NOW))["survey_comments"] == int(deleted)

    assert Comment.objects.filter(pk=comment.pk).exists() is not deleted
    assert (comment.pk in comment_history_ids()) is not deleted
    assert Answer.objects.filter(pk=answer.pk).exists() and Response.objects.filter(pk=response.pk).exists()


# Superseded SEN2 returns ---------------------------------------------------------------------------------------


def sen2_return(area, *, current: bool, superseded_at: datetime | None = None, year: int = 2025) -> Sen2Return:
    ret = Sen2Return.objects.create(
        area=area,
        collection_year=year,
        reference_date=date(year, 1, 16),
        filename="sen2.xml",
        checksum="0" * 64,
        is_current=current,
        superseded_at=superseded_at,
    )
    person = Sen2Person.objects.create(sen2_return=ret, position=1, reference="P-1")
    request = EhcRequest.objects.create(sen2_return=ret, person=person, received_date=date(year - 1, 3, 1))
    ActivePlan.objects.create(sen2_return=ret, request=request)
    MeasureValue.objects.create(area=area, sen2_return=ret, measure="m", period_kind="year", period="2024", value=1)
    return ret


@pytest.mark.parametrize(("when", "purged"), [("older", True), ("exactly", False), ("younger", False)])
def test_person_level_rows_of_superseded_returns_are_purged_after_30_days(area, when, purged):
    old = sen2_return(area, current=False, superseded_at=ago(30, BOUNDARY[when]))
    current = sen2_return(area, current=True)
    in_progress = sen2_return(area, current=False, year=2024)  # an import still running: never superseded

    assert counts(run_retention(now=NOW))["superseded_sen2"] == (3 if purged else 0)

    for model in (Sen2Person, EhcRequest, ActivePlan):
        assert model.objects.filter(sen2_return=old).exists() is not purged
        assert model.objects.filter(sen2_return=current).exists()
        assert model.objects.filter(sen2_return=in_progress).exists()
    assert MeasureValue.objects.filter(sen2_return=old).exists()  # the measures stay as history
    assert Sen2Return.objects.filter(pk=old.pk).exists()


# Invitations ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("when", "deleted"), [("older", True), ("exactly", False), ("younger", False)])
def test_used_and_expired_invitations_are_deleted_after_90_days(area, when, deleted):
    expired = InvitationFactory(area=area, expires_at=ago(90, BOUNDARY[when]))
    accepted = InvitationFactory(area=area, accepted_at=ago(90, BOUNDARY[when]), expires_at=ago(80))
    usable = InvitationFactory(area=area, expires_at=NOW + timedelta(days=3))
    history = Invitation.history.model

    assert counts(run_retention(now=NOW))["invitations"] == (2 if deleted else 0)

    for invitation in (expired, accepted):
        assert Invitation.objects.filter(pk=invitation.pk).exists() is not deleted
        assert history.objects.filter(id=invitation.pk).exists() is not deleted
    assert Invitation.objects.filter(pk=usable.pk).exists() and history.objects.filter(id=usable.pk).exists()


# Sign-in records -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("when", "deleted"), [("older", True), ("exactly", False), ("younger", False)])
def test_sign_in_records_are_deleted_after_90_days(db, when, deleted):
    common = {"user_agent": "Firefox", "ip_address": "192.0.2.7", "username": "ada@example.org", "http_accept": "*",
              "path_info": "/accounts/sign-in/"}  # fmt: skip
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common)
    AccessAttempt.objects.create(**common, get_data="", post_data="", failures_since_start=3)
    recent = AccessLog.objects.create(**common)
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        model.objects.exclude(pk=recent.pk).update(attempt_time=ago(90, BOUNDARY[when]))

    assert counts(run_retention(now=NOW))["sign_in_records"] == (3 if deleted else 0)

    assert AccessLog.objects.filter(pk=recent.pk).exists()
    assert AccessFailureLog.objects.exists() is not deleted and AccessAttempt.objects.exists() is not deleted


# The audit log -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("when", "deleted"), [("older", True), ("exactly", False), ("younger", False)])
def test_audit_events_are_deleted_after_two_years(area, when, deleted):
    from sendhub.accounts.models import AuditEvent

    old = AuditEvent.objects.create(kind="signed_in", area=area, at=ago(2 * 365, BOUNDARY[when]))
    recent = AuditEvent.objects.create(kind="exported", area=area, what="The plan (XLSX)", at=ago(3))

    assert counts(run_retention(now=NOW))["audit_events"] == int(deleted)

    assert AuditEvent.objects.filter(pk=old.pk).exists() is not deleted
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


# Sessions ------------------------------------------------------------------------------------------------------


def test_expired_sessions_are_deleted(db):
    Session.objects.create(session_key="a" * 32, session_data="e30=", expire_date=NOW - SECOND)
    Session.objects.create(session_key="b" * 32, session_data="e30=", expire_date=NOW)
    Session.objects.create(session_key="c" * 32, session_data="e30=", expire_date=NOW + timedelta(hours=1))

    assert counts(run_retention(now=NOW))["expired_sessions"] == 1

    assert sorted(Session.objects.values_list("session_key", flat=True)) == ["b" * 32, "c" * 32]


def test_sessions_kept_outside_the_database_expire_by_themselves(db, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    result = next(r for r in run_retention(now=NOW).results if r.key == "expired_sessions")
    assert result.count is None


# Problem reports -----------------------------------------------------------------------------------------------


def problem_report(area, *, status: str, resolved_at: datetime | None, reported_at: datetime) -> ProblemReport:
    provider = DirectoryOrganisation.objects.get_or_create(area=area, name="Families Ltd", description="A provider")[0]
    service = Service.objects.get_or_create(area=area, organization=provider, name="Stay and play")[0]
    report = ProblemReport.objects.create(service=service, problem="address", details="It moved.",
                                          reporter_email="pat@example.org", status=status)  # fmt: skip
    ProblemReport.objects.filter(pk=report.pk).update(resolved_at=resolved_at, reported_at=reported_at)
    report.refresh_from_db()
    report.save()  # a second history row, as when an administrator resolves it
    return report


@pytest.mark.parametrize(("when", "cleared"), [("older", True), ("exactly", False), ("younger", False)])
def test_problem_reporters_email_is_cleared_90_days_after_the_report_is_closed(area, when, cleared):
    resolved = problem_report(area, status="resolved", resolved_at=ago(90, BOUNDARY[when]), reported_at=ago(200))
    still_open = problem_report(area, status="open", resolved_at=None, reported_at=ago(500))
    history = ProblemReport.history.model

    assert counts(run_retention(now=NOW))["problem_report_contact"] == int(cleared)

    resolved.refresh_from_db()
    assert (resolved.reporter_email == "") is cleared
    assert history.objects.filter(id=resolved.pk).exclude(reporter_email="").exists() is not cleared
    assert history.objects.filter(id=resolved.pk).count() >= 2 and resolved.details == "It moved."
    still_open.refresh_from_db()
    assert still_open.reporter_email == "pat@example.org"


# Replaced theme models -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("when", "deleted"), [("older", True), ("exactly", False), ("younger", False)])
def test_replaced_theme_models_are_deleted_after_30_days(area, when, deleted):
    old = ClassifierModel.objects.create(area=area, backend="tfidf", training_size=1, state=b"x", is_current=False)
    current = ClassifierModel.objects.create(area=area, backend="tfidf", training_size=1, state=b"x", is_current=True)
    ClassifierModel.objects.update(trained_at=ago(30, BOUNDARY[when]))

    assert counts(run_retention(now=NOW))["old_classifiers"] == int(deleted)

    assert ClassifierModel.objects.filter(pk=old.pk).exists() is not deleted
    assert ClassifierModel.objects.filter(pk=current.pk).exists()


# Runs, dry runs, settings -------------------------------------------------------------------------------------


def old_world(area) -> None:
    make_feedback(area, ago(4 * 365))
    make_feedback(area, ago(400))
    InvitationFactory(area=area, expires_at=ago(200))


def test_a_run_is_stored_with_its_counts(area):
    old_world(area)
    report = run_retention(now=NOW)
    run = RetentionRun.objects.get()
    assert report.run == run and run.trigger == "command"
    # One feedback deleted (not also counted as cleared), one feedback's contact details cleared, one invitation.
    assert run.total == report.total == 3
    stored = {r["key"]: r["count"] for r in run.results}
    assert stored == counts(report) and list(stored) == [rule.key for rule in RULES]
    assert all(r["cutoff"] for r in run.results if not r["off"])


def test_a_dry_run_counts_but_changes_and_stores_nothing(area):
    from tests.operations.dbstate import snapshot

    def rows() -> dict:
        # PostgreSQL's sequences are not transactional: rows inserted and rolled back (the history rows a deletion
        # writes) still use up ids, so ids may have gaps. Every row is compared.
        return {table: data for table, data in snapshot().items() if table != "(sequences)"}

    old_world(area)
    before = rows()

    dry = run_retention(now=NOW, dry_run=True)

    assert rows() == before and not RetentionRun.objects.exists()
    assert counts(dry) == counts(run_retention(now=NOW))


def test_the_command_reports_each_rule(area):
    old_world(area)
    out = io.StringIO()
    call_command("retention_run", stdout=out)
    text = out.getvalue()
    assert "Feedback and its comment (after 1095 days): 1 deleted" in text
    assert "Feedback contact details and original wording (after 365 days): 1 cleared" in text
    assert "Used and expired invitations (after 90 days): 1 deleted" in text
    assert f"(run {RetentionRun.objects.get().pk})" in text


def test_the_command_dry_run_as_json(area):
    old_world(area)
    out = io.StringIO()
    call_command("retention_run", "--dry-run", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["dry_run"] is True and data["run"] is None and data["total"] == 3
    rules = {rule["key"]: rule for rule in data["rules"]}
    assert rules["feedback"]["count"] == 1 and rules["feedback"]["action"] == "deleted"
    assert rules["feedback_contact"]["action"] == "cleared" and rules["feedback_contact"]["days"] == 365
    assert Feedback.objects.count() == 2 and not RetentionRun.objects.exists()


def test_a_rule_set_to_zero_is_off(area, settings):
    settings.SENDHUB_RETAIN_FEEDBACK_DAYS = 0
    make_feedback(area, ago(5000))
    report = run_retention(now=NOW)
    result = next(r for r in report.results if r.key == "feedback")
    assert result.is_off and result.count == 0 and Feedback.objects.count() == 1
    out = io.StringIO()
    call_command("retention_run", "--dry-run", stdout=out)
    assert "Feedback and its comment: off (SENDHUB_RETAIN_FEEDBACK_DAYS is 0)" in out.getvalue()


@pytest.mark.parametrize("value", ["365", -1, 1.5, True])
def test_a_bad_setting_stops_everything_with_a_clear_message(area, settings, value):
    settings.SENDHUB_RETAIN_INVITATION_DAYS = value
    make_feedback(area, ago(5000))
    with pytest.raises(CommandError) as raised:
        call_command("retention_run", stdout=io.StringIO())
    assert str(raised.value) == (
        f"SENDHUB_RETAIN_INVITATION_DAYS must be a whole number of days (0 switches the rule off), not {value!r}. "
        "Nothing was deleted."
    )
    assert Feedback.objects.count() == 1 and not RetentionRun.objects.exists()
    errors = [e for e in run_checks() if e.id == "sendhub.operations.E001"]
    assert len(errors) == 1 and "SENDHUB_RETAIN_INVITATION_DAYS" in errors[0].msg


def test_a_failing_rule_rolls_every_rule_back(area, monkeypatch):
    old_world(area)

    def broken(cutoff, dry_run):
        raise RuntimeError("disk full")

    monkeypatch.setattr("sendhub.operations.retention.RULES", (*RULES[:-1], RULES[-1].__class__(
        RULES[-1].key, RULES[-1].title, RULES[-1].setting, RULES[-1].default_days, broken)))  # fmt: skip
    with pytest.raises(RuntimeError):
        run_retention(now=NOW)
    assert Feedback.objects.count() == 2 and Invitation.objects.count() == 1 and not RetentionRun.objects.exists()


# The daily task -------------------------------------------------------------------------------------------------


def test_the_task_applies_the_rules_and_stores_the_run(area):
    old_world(area)
    result = tasks.apply_retention.enqueue()  # the test settings run tasks at once
    assert result.return_value == {"run": RetentionRun.objects.get().pk, "total": 3}
    assert RetentionRun.objects.get().trigger == "task"
    assert tasks.queue_next_run() is False  # the immediate backend cannot defer: cron does the job


def test_the_task_queues_itself_once_for_the_next_night(db, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    morning = timezone.make_aware(datetime(2026, 6, 15, 1, 0))
    assert tasks.next_run_at(morning) == timezone.make_aware(datetime(2026, 6, 15, 2, 30))
    assert tasks.next_run_at(NOW) == timezone.make_aware(datetime(2026, 6, 16, 2, 30))

    assert tasks.queue_next_run(NOW) is True
    assert tasks.queue_next_run(NOW) is False  # already queued: a restarted worker does not add a second chain
    queued = DBTaskResult.objects.get()
    assert queued.task_path == tasks.apply_retention.module_path
    assert queued.run_after == timezone.make_aware(datetime(2026, 6, 16, 2, 30))


# The report page ------------------------------------------------------------------------------------------------


@pytest.mark.urls("tests.operations.urls")
def test_superusers_see_the_rules_and_the_runs(area, client_for):
    old_world(area)
    run_retention(now=NOW)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    page = client_for(superuser).get(reverse("operations:retention-runs"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "SENDHUB_RETAIN_FEEDBACK_CONTACT_DAYS" in text and "365 days" in text
    assert "3 records deleted or cleared" in text


@pytest.mark.urls("tests.operations.urls")
def test_other_people_may_not_see_the_retention_page(area, client_for, admin_user):
    assert client_for(admin_user).get(reverse("operations:retention-runs")).status_code == 403
    response = client_for().get(reverse("operations:retention-runs"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
