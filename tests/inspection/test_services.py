"""Writes: plans and their clocks, the self-evaluation with its history, evidence links kept to the area, audits
with redacted comments, and the data migration that maps the existing inspection history."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps as django_apps

from sendhub.improvement.models import Finding, Inspection, Judgement
from sendhub.inspection import selectors, services
from sendhub.inspection.models import (
    Audit,
    AuditScore,
    Entry,
    EvidenceLink,
    ExpectedActivity,
    PartnerView,
    RequiredPlan,
)
from tests.factories import ActionFactory, FindingFactory, InspectionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_outcome_3_sets_up_the_priority_action_plan_and_the_monitoring_inspection(inspection, admin_user):
    plans = services.plans_set_up(inspection=inspection, saved_by=admin_user)
    assert [(p.kind, p.due_date) for p in plans] == [("pap", date(2025, 3, 28)), ("strategic", date(2025, 4, 18))]
    monitoring = ExpectedActivity.objects.get(follows=inspection, kind="monitoring")
    assert monitoring.expected_by == date(2026, 8, 7) and str(monitoring) == "Monitoring inspection"
    # Again: nothing doubled.
    services.plans_set_up(inspection=inspection, saved_by=admin_user)
    assert RequiredPlan.objects.filter(inspection=inspection).count() == 2
    assert plans[0].history.first().history_user == admin_user


def test_the_plan_clock(inspection, admin_user):
    plan = services.plans_set_up(inspection=inspection, saved_by=admin_user)[0]
    assert plan.clock(date(2025, 3, 1)) == "Not yet due"
    assert plan.clock(date(2025, 3, 20)) == "Due soon"  # the reminder falls on 18 March
    assert plan.clock(date(2025, 3, 29)) == "Overdue"
    services.plan_update(plan=plan, status="submitted", due_date=plan.due_date, submitted_on=date(2025, 4, 1),
                         note="", saved_by=admin_user)
    assert plan.clock(date(2025, 5, 1)) == "Submitted late"


def test_a_submitted_plan_needs_its_date_and_nothing_changes_when_refused(inspection, admin_user):
    plan = services.plans_set_up(inspection=inspection, saved_by=admin_user)[0]
    with pytest.raises(services.InspectionError, match="Enter the date the plan was submitted"):
        services.plan_update(plan=plan, status="submitted", due_date=None, submitted_on=None, note="x",
                             saved_by=admin_user)
    plan.refresh_from_db()
    assert plan.status == "not_started" and plan.due_date == date(2025, 3, 28)


def test_a_kind_the_framework_does_not_have_is_refused(area, admin_user):
    revisit = InspectionFactory(area=area, framework="2023", kind=Inspection.Kind.REVISIT, outcome="")
    with pytest.raises(services.InspectionError, match="not part of the Current area SEND framework"):
        services.plans_set_up(inspection=revisit, saved_by=admin_user)


def test_the_self_evaluation_has_one_entry_per_criterion_and_keeps_history(sef, admin_user):
    assert sef.entries.count() == 11
    entry = sef.entries.get(criterion="EO1")
    services.entry_update(entry=entry, grade="failings", reasoning="Timeliness is 17%", gaps="",
                          review_date=None, saved_by=admin_user)
    services.entry_update(entry=entry, grade="inconsistent", reasoning="Improving", gaps="",
                          review_date=None, saved_by=admin_user)
    grades = [h.grade for h in entry.history.order_by("history_date")]
    assert grades == ["", "failings", "inconsistent"]
    with pytest.raises(services.InspectionError, match="Explain the judgement"):
        services.entry_update(entry=entry, grade="positive", reasoning=" ", gaps="", review_date=None,
                              saved_by=admin_user)
    entry.refresh_from_db()
    assert entry.grade == "inconsistent"


def test_partner_views_are_set_and_removed(sef, admin_user):
    entry = sef.entries.get(criterion="EO2")
    services.partner_view_set(entry=entry, partner="forum", grade="failings", reasoning="Families say",
                              saved_by=admin_user)
    services.partner_view_set(entry=entry, partner="council", grade="inconsistent", reasoning="",
                              saved_by=admin_user)
    row = next(r for r in selectors.self_evaluation_view(sef) if r.entry.criterion == "EO2")
    assert row.views_differ
    services.partner_view_set(entry=entry, partner="forum", grade="", reasoning="", saved_by=admin_user)
    assert list(PartnerView.objects.filter(entry=entry).values_list("partner", flat=True)) == ["council"]


def test_evidence_from_another_area_is_refused(sef, other_area, admin_user):
    entry = sef.entries.get(criterion="SL1")
    foreign = ActionFactory(area=other_area, owner=OrganisationFactory(area=other_area))
    with pytest.raises(services.InspectionError, match="another area"):
        services.evidence_link_add(entry=entry, kind="action", target=foreign, note="", saved_by=admin_user)
    assert not EvidenceLink.objects.exists()


def test_evidence_links_show_their_latest_information(sef, area, la_org, admin_user, today):
    entry = sef.entries.get(criterion="SL1")
    action = ActionFactory(area=area, owner=la_org)
    services.evidence_link_add(entry=entry, kind="action", target=action, note="", saved_by=admin_user)
    services.evidence_link_add(entry=entry, kind="voice_theme", target="communication", note="",
                               saved_by=admin_user)
    with pytest.raises(services.InspectionError, match="already linked"):
        services.evidence_link_add(entry=entry, kind="action", target=action, note="", saved_by=admin_user)
    states = {s.kind: s for s in selectors.self_evaluation_view(sef)[5].readiness.evidence}
    assert states["Improvement plan action"].dated == today
    assert states["Parent carer voice theme"].missing  # no comments with the theme yet


def test_the_audit_sample_is_drawn_from_the_return_by_reference(audit_round, admin_user):
    sample = services.audit_round_draw(audit_round=audit_round, saved_by=admin_user)
    cohorts = [p.cohort for p in sample]
    # 10% of each stratum, rounded up: new ASD/SLCN in PR1/BB2 (10 each -> 1 each), reviewed SEMH PR1 (20 -> 2).
    assert cohorts.count("new") == 4 and cohorts.count("reviewed") == 2
    assert sum(p.double for p in sample) == 3
    assert all(p.reference.startswith("P-") for p in sample)
    with pytest.raises(services.InspectionError, match="already been drawn"):
        services.audit_round_draw(audit_round=audit_round, saved_by=admin_user)


def test_audits_redact_comments_and_double_audits_give_agreement(audit_round, admin_user, editor_user,
                                                                  forum_user, today):
    sample = services.audit_round_draw(audit_round=audit_round, saved_by=admin_user)
    plan = next(p for p in sample if p.double)
    criteria = list(audit_round.template.criteria.all())
    services.audit_record(
        sampled=plan, auditor=editor_user, agency="education", completed_on=today,
        grades={criteria[0].pk: (3, "Call Mrs Smith on 07700 900123"), criteria[1].pk: (2, ""),
                criteria[2].pk: (4, "")},
        saved_by=editor_user,
    )
    assert "07700" not in AuditScore.objects.get(criterion=criteria[0]).comment
    with pytest.raises(services.InspectionError, match="Grade every criterion"):
        services.audit_record(sampled=plan, auditor=admin_user, agency="health", completed_on=today,
                              grades={criteria[0].pk: (3, "")}, saved_by=admin_user)
    services.audit_record(
        sampled=plan, auditor=admin_user, agency="health", completed_on=today,
        grades={criteria[0].pk: (3, ""), criteria[1].pk: (3, ""), criteria[2].pk: (4, "")}, saved_by=admin_user,
    )
    with pytest.raises(services.InspectionError, match="all the audits it needs"):
        services.audit_record(sampled=plan, auditor=forum_user, agency="social_care", completed_on=today,
                              grades={c.pk: (1, "") for c in criteria}, saved_by=forum_user)
    results = selectors.round_results(audit_round)
    assert results.overall.pairs == 3 and results.overall.agreed == 2
    assert [(p.reference, c.pk, g) for p, c, g in results.awaiting_moderation] == [
        (plan.reference, criteria[1].pk, [2, 3])
    ]
    services.moderation_record(sampled=plan, criterion=criteria[1], agreed_grade=2, moderator=forum_user,
                               note="", decided_on=today, saved_by=forum_user)
    results = selectors.round_results(audit_round)
    assert results.awaiting_moderation == []
    by_section = {g.name: g.mean for g in results.by_section}
    assert by_section["E: Outcomes"] == 2 and by_section["F: Special educational provision"] == 4
    assert Audit.objects.filter(sampled=plan).count() == 2


def test_the_migration_maps_the_history(area, admin_user):
    from importlib import import_module

    forwards = import_module("sendhub.inspection.migrations.0002_map_inspection_history").forwards
    full_2017 = InspectionFactory(area=area, framework="2016", kind="full", start_date=date(2017, 11, 13),
                                  end_date=date(2017, 11, 17), published_date=date(2018, 1, 23), outcome="")
    weakness = FindingFactory(inspection=full_2017, kind=Finding.Kind.SIGNIFICANT_WEAKNESS, reference="SW1")
    revisit = InspectionFactory(area=area, framework="2016", kind="monitoring", start_date=date(2020, 3, 2),
                                end_date=date(2020, 3, 6), published_date=date(2020, 5, 12), outcome="")
    Judgement.objects.create(finding=weakness, inspection=revisit, outcome="not_sufficient_progress",
                             judged_on=date(2020, 3, 6))
    InspectionFactory(area=area, framework="2023", kind="full", start_date=date(2024, 12, 9),
                      end_date=date(2024, 12, 13), published_date=date(2025, 2, 7), outcome="3")
    forwards(django_apps, None)
    revisit.refresh_from_db()
    assert revisit.kind == "revisit"  # a 2016 "monitoring" record is a revisit in its own framework's words
    kinds = sorted(RequiredPlan.objects.filter(area=area).values_list("inspection__start_date__year", "kind"))
    assert kinds == [(2017, "wsoa"), (2020, "app"), (2024, "pap"), (2024, "strategic")]
    assert ExpectedActivity.objects.get(follows=full_2017, kind="revisit").held_as == revisit
    assert RequiredPlan.objects.get(kind="pap").status == "submitted"  # its deadline passed long ago
    forwards(django_apps, None)  # running twice adds nothing
    assert RequiredPlan.objects.filter(area=area).count() == 4
    assert Entry.objects.count() == 0
