"""A pack "as at" a date is built from the history: changing data afterwards never changes it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sendhub.improvement import services as plan_services
from sendhub.improvement.models import Action, Judgement
from sendhub.reports import asat
from sendhub.reports.models import Risk
from sendhub.voice.models import Comment, CommentTag
from tests.factories import ActionFactory, InspectionFactory, MilestoneFactory, ProgressUpdateFactory
from tests.reports.conftest import backdate, moment


def build(area, as_at, plan):
    return asat.build_content(area, period_start=plan["start"], period_end=as_at, as_at=as_at)


def test_the_pack_shows_the_plan_as_it_stood(area, plan, as_at):
    content = build(area, as_at, plan)

    findings = {f["reference"]: f for f in content["findings"]}
    assert set(findings) == {"PA1", "PA2"}
    a1 = findings["PA1"]["actions"][0]
    assert (a1["reference"], a1["rag"], a1["status"]) == ("A1", "at_risk", "in_progress")
    assert a1["milestones_met"][0]["title"] == "Advertise posts"
    a2 = findings["PA2"]["actions"][0]
    assert a2["overdue"] is True and a2["milestones_missed"][0]["title"] == "Find premises"
    assert content["summary"]["actions_overdue"] == 1
    assert content["risks"][0]["score"] == 16 and content["risks"][0]["rating"] == "Very high"


def test_a_report_for_a_date_is_unchanged_by_later_changes(area, plan, as_at, admin_user, la_org):
    before = build(area, as_at, plan)

    # After the date: a new update completes A1, its title changes, a milestone is completed, the finding is
    # judged, a new action and a new risk are added, the old risk is re-scored and then deleted.
    action = Action.objects.get(pk=plan["action"].pk)
    plan_services.action_update_record(
        action=action, author=admin_user, status=Action.Status.COMPLETE, rag=Action.Rag.ON_TRACK, rag_reason="Done",
        commentary="All posts filled.", expected_version=action.version,
    )
    action.refresh_from_db()
    action.title = "Recruit and train EHC plan writers"
    plan_services.action_save(action=action, findings=[plan["finding"], plan["other"]],
                              expected_version=action.version, changed_by=admin_user)
    missed = plan["missed"]
    missed.completed_on = timezone.localdate()
    missed.save()
    revisit = InspectionFactory(area=area, kind="revisit", start_date=timezone.localdate() - timedelta(days=3),
                                end_date=timezone.localdate())
    plan_services.judgement_record(finding=plan["finding"], inspection=revisit, outcome="sufficient_progress",
                                   judged_on=timezone.localdate(), text="Better")
    ActionFactory(area=area, owner=la_org, reference="A3", findings=[plan["finding"]])
    MilestoneFactory(action=plan["late"], due_date=as_at - timedelta(days=3))
    ProgressUpdateFactory(action=plan["late"], author=admin_user, rag="off_track")
    Risk.objects.create(area=area, reference="R2", title="New risk", description="d", owner=la_org, likelihood=1,
                        impact=1, mitigation="m")
    risk = Risk.objects.get(pk=plan["risk"].pk)
    risk.likelihood = 1
    risk.save()
    risk.delete()

    after = build(area, as_at, plan)
    today = asat.build_content(area, period_start=plan["start"], period_end=timezone.localdate(),
                               as_at=timezone.localdate())

    assert after == before
    # The same data seen today is different, so the comparison above could fail.
    assert today != before
    assert Judgement.objects.count() == 1 and today["findings"][0]["status"] == "sufficient_progress"


def test_rag_movement_counts_from_the_start_of_the_period(area, plan, as_at, admin_user):
    earlier = ProgressUpdateFactory(action=plan["late"], author=admin_user, rag="on_track",
                                    created_at=moment(plan["start"] + timedelta(days=5)))
    later = ProgressUpdateFactory(action=plan["late"], author=admin_user, rag="off_track",
                                  created_at=moment(as_at - timedelta(days=2)))
    backdate(earlier, plan["start"] + timedelta(days=5))
    backdate(later, as_at - timedelta(days=2))

    content = asat.build_content(area, period_start=plan["start"] + timedelta(days=10), period_end=as_at,
                                 as_at=as_at)

    assert content["summary"]["rag_worse"] == 2  # A2 on track -> off track; A1 (no update yet) -> at risk
    a2 = next(a for f in content["findings"] for a in f["actions"] if a["reference"] == "A2")
    assert (a2["rag_at_start"], a2["rag"]) == ("on_track", "off_track")


def test_theme_tags_count_as_reviewed_by_the_date(area, plan, as_at):
    comment = Comment.objects.create(area=area, source=Comment.Source.FEEDBACK, text="t",
                                     received_at=moment(as_at - timedelta(days=3)))
    suggested = CommentTag.objects.create(comment=comment, theme="transport", confidence=0.9)
    CommentTag.objects.create(comment=comment, theme="praise", confidence=0.9, rejected=True,
                              confirmed_at=moment(as_at - timedelta(days=1)))
    before = build(area, as_at, plan)["voice"]["themes"]

    suggested.rejected, suggested.confirmed_at = True, timezone.now()  # rejected after the date
    suggested.save()
    after = build(area, as_at, plan)["voice"]["themes"]

    assert [t["theme"] for t in before] == ["transport"]
    assert after == before


def test_the_pack_says_how_many_of_a_theme_a_person_had_confirmed(area, plan, as_at):
    def comment(days_before: int):
        return Comment.objects.create(area=area, source=Comment.Source.FEEDBACK, text="t",
                                      received_at=moment(as_at - timedelta(days=days_before)))

    CommentTag.objects.create(comment=comment(3), theme="transport", confidence=0.9)  # a suggestion only
    CommentTag.objects.create(comment=comment(4), theme="transport", confidence=0.9, confirmed=True,
                              confirmed_at=moment(as_at - timedelta(days=1)))
    late = CommentTag.objects.create(comment=comment(5), theme="transport", confidence=0.9)
    late.confirmed, late.confirmed_at = True, timezone.now()  # confirmed after the as-at date: still a suggestion
    late.save()

    [transport] = build(area, as_at, plan)["voice"]["themes"]

    assert (transport["theme"], transport["count"], transport["confirmed"]) == ("transport", 3, 1)


def test_draft_summary_is_written_from_the_figures(area, plan, as_at):
    content = build(area, as_at, plan)

    text = asat.draft_summary(content)

    assert "0 of the plan's 2 actions were completed" in text
    assert "1 progress update was recorded" in text and "1 was past its due date" in text
