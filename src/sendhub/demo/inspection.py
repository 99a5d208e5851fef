"""The Lancashire demo's inspection readiness: the plans each real inspection result required (with their
clocks), the monitoring inspection expected after the December 2024 inspection, a filled-in self-evaluation
against the current handbook's criteria, and an EHC plan audit round.

The inspection history is real (built by ``lancashire.build``); everything here beyond the framework's rules is
invented: submission dates, the scheduled monitoring inspection and engagement meeting, every judgement and its
reasoning, partner views, the audit template, the auditors' grades. Two evidence links are deliberately stale
(the board's oldest decision and the plan's oldest evidence file) so the readiness view has something to flag.
Runs after ``lancashire.build``, ``outcomes.load``, ``voice.load`` and ``governance.build``; built through
``inspection.services``, like a real partnership's record.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max

from sendhub.accounts.models import LocalArea, Organisation, User
from sendhub.demo.lancashire import DEMO_NOTE, PEOPLE
from sendhub.governance.models import Decision
from sendhub.improvement.models import Action, Evidence, Finding, Inspection
from sendhub.inspection import frameworks, services
from sendhub.inspection.models import (
    Audit,
    AuditRound,
    AuditTemplate,
    Entry,
    EvidenceLink,
    ExpectedActivity,
    Grade,
    PartnerView,
    RequiredPlan,
    SelfEvaluation,
)
from sendhub.inspection.selectors import round_results
from sendhub.outcomes.models import ActivePlan, ManualMeasure, ManualMeasureValue, Sen2Return, SuccessMeasure
from sendhub.voice.models import CoproductionActivity

SEED = 19
STALE_DAYS = 183
P, INC, F = Grade.POSITIVE, Grade.INCONSISTENT, Grade.FAILINGS

# criterion: (grade, reasoning, gaps, [evidence: ("measure", name) | ("action", finding ref: its most recently
#             updated action) | ("theme", value) |
#             ("coproduction", None) | ("decision", None)], review in days)
SELF_EVALUATION: dict[str, tuple[str, str, str, list[tuple[str, str | None]], int]] = {
    "EO1": (F, "Timeliness of new EHC plans fell to 17.3% within 20 weeks in 2024 and is recovering slowly; "
               "autism and ADHD assessment waits remain long.",
            "Assessment capacity (educational psychology); neurodevelopmental pathway waits.",
            [("measure", "PC_plans_issued_20_weeks_ex"), ("action", "PA3"), ("theme", "ehc_timeliness")], 90),
    "EO2": (INC, "Families are involved in most plans, but the voice of the child is thin in plan audits and "
               "many parents say they are not kept informed.",
            "Voice of the child in sections A and E; communication during assessment.",
            [("theme", "communication"), ("coproduction", None)], 120),
    "EO3": (F, "Help often arrives late: annual reviews overdue and provision in section F not always delivered.",
            "Annual review backlog; support while waiting for health assessments.",
            [("measure", "PC_plans_issued_20_weeks_ex"), ("action", "PA2"), ("theme", "health_waiting")], 90),
    "EO4": (INC, "Preparation for adulthood starts too late for many young people; post-16 destinations vary.",
            "Transition planning from year 9; adult health transition.",
            [("action", "AFI2"), ("theme", "transition")], 150),
    "EO5": (INC, "Inclusion in mainstream is improving in some districts but not all; suspensions remain high.",
            "District variation; short breaks sufficiency.",
            [("theme", "school_inclusion"), ("action", "AFI1")], 150),
    "SL1": (INC, "A co-produced SEND strategy and an independent-chaired improvement board are in place; "
               "ambition is shared but not yet felt by families.",
            "Visible impact for families.", [("decision", None), ("action", "PA1")], 120),
    "SL2": (INC, "The forum co-chairs the improvement board and co-produced the priority action plan.",
            "Reaching families beyond the forum's membership.", [("coproduction", None), ("decision", "stale")], 120),
    "SL3": (INC, "Joint data dashboard in place; needs analysis for specialist places is a year old.",
            "Refresh the joint strategic needs assessment.", [("measure", "PC_plans_issued_20_weeks_ex"),
                                                              ("evidence", "stale")], 120),
    "SL4": (F, "Joint commissioning of the neurodevelopmental pathway is still being agreed.",
            "Joint commissioning plan; alternative provision oversight.", [("action", "PA3")], 90),
    "SL5": (INC, "EHC plan quality is now audited each term by a multi-agency panel moderated by the forum.",
            "Acting on audit findings quickly enough.", [("audit", None), ("action", "PA2")], 120),
    "SL6": (INC, "Shared practice standards agreed; workforce training under way.",
            "Health and care contributions to plans.", [("action", "PA1")], 150),
}
# The forum's view differs on two criteria.
FORUM_VIEWS = {
    "EO2": (F, "Most families we hear from were not involved in writing their child's plan."),
    "SL2": (P, "The partnership now works with the forum as an equal partner."),
}
COUNCIL_VIEWS = {"EO2": (INC, "Audits show family views recorded in most plans.")}
ICB_VIEWS = {"EO2": (INC, "Health advice is shared with families before the draft plan.")}

AUDIT_CRITERIA = [
    ("A", "The child's or young person's views, interests and aspirations are in their own words", 2),
    ("B", "Needs are specific, current and drawn from the advice", 3),
    ("C", "Health needs are described from health advice", 2),
    ("D", "Social care needs are described, or why there are none", 1),
    ("E", "Outcomes are specific, measurable and aspirational", 3),
    ("F", "Special educational provision is specified and quantified for each need", 3),
    ("G", "Health provision matches the health needs in section C", 2),
    ("H", "Social care provision matches section D", 1),
    ("I", "The placement is named, or the type of setting", 1),
    ("J", "Any personal budget is described", 1),
    ("K", "All advice obtained is listed", 1),
]
AUDITORS = {"special": Audit.Agency.EDUCATION, "nd": Audit.Agency.HEALTH, "social": Audit.Agency.SOCIAL_CARE}


def _user(key: str) -> User:
    return User.objects.get(email=PEOPLE[key][0])


def build(area: LocalArea, today: date, admin: User) -> dict[str, int]:
    """Build the inspection readiness demo for ``area`` (Lancashire, already loaded)."""
    rng = random.Random(SEED)
    with transaction.atomic():
        plans, activity = _plans(area, today, admin)
        audit_round = _audit_round(area, today, admin, rng)
        sef = _self_evaluation(area, today, admin, audit_round)
    return {
        "required plans": plans,
        "expected activity": activity,
        "self-evaluation criteria": sef.entries.count(),
        "evidence links": EvidenceLink.objects.filter(entry__self_evaluation=sef).count(),
        "plans audited": Audit.objects.filter(sampled__round=audit_round).values("sampled").distinct().count()
        if audit_round else 0,
    }


def delete(area: LocalArea) -> None:
    SelfEvaluation.objects.filter(area=area).delete()
    AuditRound.objects.filter(area=area).delete()
    AuditTemplate.objects.filter(area=area).delete()
    RequiredPlan.objects.filter(area=area).delete()
    ExpectedActivity.objects.filter(area=area).delete()


def _plans(area: LocalArea, today: date, admin: User) -> tuple[int, int]:
    inspections = list(Inspection.objects.filter(area=area).order_by("start_date"))
    for inspection in inspections:
        services.plans_set_up(inspection=inspection, saved_by=admin)
    # Submission history (dates invented, a week or two before each deadline).
    for plan in RequiredPlan.objects.filter(area=area):
        if plan.due_date is None:  # the accelerated progress plan: its date was set by DfE and NHS England
            published = plan.inspection.published_date
            plan.due_date = published + timedelta(days=91)
        if plan.due_date < today:
            services.plan_update(
                plan=plan, status=RequiredPlan.Status.ACCEPTED if plan.inspection.framework == frameworks.F2016
                else RequiredPlan.Status.SUBMITTED, due_date=plan.due_date,
                submitted_on=plan.due_date - timedelta(days=5), note=DEMO_NOTE, saved_by=admin,
            )
    latest = inspections[-1]
    monitoring = ExpectedActivity.objects.filter(follows=latest, kind="monitoring").first()
    if monitoring is not None:
        services.activity_schedule(
            activity=monitoring, scheduled_for=today + timedelta(days=45),
            note="Notified for the week beginning on this date (date invented for the demonstration).",
            saved_by=admin,
        )
    # The next annual engagement meeting, agreed with the inspectorate (date invented).
    engagement = ExpectedActivity.objects.filter(follows=latest, kind="engagement").first()
    if engagement is not None:
        services.activity_schedule(
            activity=engagement, scheduled_for=today + timedelta(days=100),
            note="Annual engagement meeting agreed with Ofsted and CQC (date invented for the demonstration).",
            saved_by=admin,
        )
    return (RequiredPlan.objects.filter(area=area).count(), ExpectedActivity.objects.filter(area=area).count())


def _audit_round(area: LocalArea, today: date, admin: User, rng: random.Random) -> AuditRound | None:
    latest = Sen2Return.objects.filter(area=area).order_by("-reference_date").first()
    template = services.audit_template_create(
        area=area, name="Lancashire multi-agency EHC plan audit (sections A to K)", criteria=AUDIT_CRITERIA,
        saved_by=admin,
    )
    if latest is None:
        return None
    # Two months the return covers for both cohorts (ending at the earlier of its latest plan issued and latest
    # review).
    plans = ActivePlan.objects.filter(sen2_return=latest)
    end = min(filter(None, [plans.aggregate(m=Max("review_meeting"))["m"],
                            plans.aggregate(m=Max("request__plan_start_date"))["m"]]), default=None)
    if end is None:
        return None
    audit_round = AuditRound(
        area=area, template=template, title=f"EHC plan audit, {end - timedelta(days=60):%B} to {end:%B %Y}",
        period_start=end - timedelta(days=60), period_end=end, sen2_return=latest, sample_percent=5,
        double_percent=20, seed=SEED,
    )
    audit_round._history_user = admin
    audit_round.save()
    try:
        sample = services.audit_round_draw(audit_round=audit_round, saved_by=admin)
    except services.InspectionError:
        return audit_round
    auditors = [(_user(key), agency) for key, agency in AUDITORS.items()]
    criteria = list(template.criteria.all())
    forum = _user("forum")
    for i, plan in enumerate(sample):
        first, agency = auditors[i % 3]
        quality = rng.choice([1, 2, 2, 2, 3, 3, 3, 4])
        grades = {c.pk: max(1, min(4, quality + rng.choice([-1, 0, 0, 1]))) for c in criteria}
        services.audit_record(
            sampled=plan, auditor=first, agency=agency, completed_on=today - timedelta(days=30 - i % 20),
            grades={pk: (g, "") for pk, g in grades.items()}, saved_by=admin,
        )
        if plan.double:
            second, second_agency = auditors[(i + 1) % 3]
            again = {pk: (g if rng.random() < 0.75 else max(1, min(4, g + rng.choice([-1, 1]))))
                     for pk, g in grades.items()}
            services.audit_record(
                sampled=plan, auditor=second, agency=second_agency, completed_on=today - timedelta(days=10),
                grades={pk: (g, "") for pk, g in again.items()}, saved_by=admin,
            )
            for c in criteria:
                if again[c.pk] != grades[c.pk] and rng.random() < 0.5:
                    services.moderation_record(
                        sampled=plan, criterion=c, agreed_grade=min(grades[c.pk], again[c.pk]), moderator=forum,
                        note="Agreed at the forum-moderated panel", decided_on=today - timedelta(days=5),
                        saved_by=admin,
                    )
    _success_measure(area, audit_round, admin)
    return audit_round


def _success_measure(area: LocalArea, audit_round: AuditRound, admin: User) -> None:
    """The round's result ("plans good or better") as a partner measure and a success measure of PA2."""
    results = round_results(audit_round)
    if results.good_share is None:
        return
    owner = Organisation.objects.get(area=area, kind=Organisation.Kind.LOCAL_AUTHORITY)
    measure, _ = ManualMeasure.objects.get_or_create(
        area=area, key="ehc-plan-audit-good",
        defaults={"name": "EHC plan audit criteria graded good or better", "unit": "%", "direction": "higher",
                  "owner": owner, "description": "From the multi-agency EHC plan audit rounds in SEND Hub: the "
                  "share of final criterion grades (moderated where two auditors disagreed) at 3 or 4."},
    )
    ManualMeasureValue.objects.update_or_create(
        measure=measure, period_end=audit_round.period_end,
        defaults={"value": round(results.good_share, 1), "recorded_by": admin,
                  "note": f"From {audit_round.title}"},
    )
    finding = Finding.objects.filter(area=area, reference="PA2").first()
    if finding is not None and not SuccessMeasure.objects.filter(manual_measure=measure).exists():
        SuccessMeasure.objects.create(
            area=area, manual_measure=measure, finding=finding, direction="higher",
            baseline_value=round(results.good_share, 1), baseline_date=audit_round.period_end,
            target_value=80.0, target_date=audit_round.period_end + timedelta(days=365),
        )


def _latest_action(finding: Finding | None) -> Action | None:
    if finding is None:
        return None
    actions = finding.actions.annotate(last=Max("updates__created_at")).filter(last__isnull=False)
    return actions.order_by("-last").first()


def _self_evaluation(area: LocalArea, today: date, admin: User, audit_round: AuditRound | None) -> SelfEvaluation:
    sef = services.self_evaluation_create(
        area=area, title="Lancashire SEND partnership self-evaluation", prepared_on=today - timedelta(days=14),
        saved_by=admin,
    )
    sef.stale_after_days = STALE_DAYS
    sef._history_user = admin
    sef.save()
    cutoff = today - timedelta(days=STALE_DAYS)
    findings = {f.reference: f for f in Finding.objects.filter(area=area, inspection__framework=frameworks.CURRENT)}
    decisions = list(Decision.objects.filter(meeting__board__area=area).order_by("decided_on"))
    coproduction = CoproductionActivity.objects.filter(area=area, held_on__gte=cutoff).order_by("-held_on").first()
    old_evidence = Evidence.objects.filter(action__area=area, added_at__date__lt=cutoff).order_by("added_at").first()
    entries = {e.criterion: e for e in sef.entries.all()}
    for code, (grade, reasoning, gaps, evidence, review_in) in SELF_EVALUATION.items():
        entry: Entry = entries[code]
        services.entry_update(entry=entry, grade=grade, reasoning=reasoning, gaps=gaps,
                              review_date=today + timedelta(days=review_in), saved_by=admin)
        for kind, ref in evidence:
            target, link_kind = None, None
            if kind == "measure":
                target, link_kind = ref, EvidenceLink.Kind.MEASURE
            elif kind == "theme":
                target, link_kind = ref, EvidenceLink.Kind.VOICE_THEME
            elif kind == "action":
                target = _latest_action(findings.get(ref))
                link_kind = EvidenceLink.Kind.ACTION
            elif kind == "coproduction":
                target, link_kind = coproduction, EvidenceLink.Kind.COPRODUCTION
            elif kind == "decision":
                target = (decisions[0] if ref == "stale" else decisions[-1]) if decisions else None
                link_kind = EvidenceLink.Kind.DECISION
            elif kind == "evidence":
                target, link_kind = old_evidence, EvidenceLink.Kind.EVIDENCE
            elif kind == "audit":
                target, link_kind = audit_round, EvidenceLink.Kind.AUDIT_ROUND
            if target is None:
                continue
            try:
                services.evidence_link_add(entry=entry, kind=link_kind, target=target, note="", saved_by=admin)
            except services.InspectionError:
                continue
    for views, partner in ((FORUM_VIEWS, PartnerView.Partner.FORUM), (COUNCIL_VIEWS, PartnerView.Partner.COUNCIL),
                           (ICB_VIEWS, PartnerView.Partner.ICB)):
        for code, (grade, reasoning) in views.items():
            services.partner_view_set(entry=entries[code], partner=partner, grade=grade, reasoning=reasoning,
                                      saved_by=admin)
    return sef
