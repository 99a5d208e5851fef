"""Writes for inspection readiness, each in one transaction with its history (django-simple-history records
who changed what; ``_history_user`` names them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone

from sendhub.accounts.models import LocalArea
from sendhub.improvement.models import Inspection
from sendhub.inspection import frameworks
from sendhub.inspection.models import (
    DEFAULT_DESCRIPTORS,
    SECTIONS,
    Audit,
    AuditCriterion,
    AuditRound,
    AuditScore,
    AuditTemplate,
    Entry,
    EvidenceLink,
    ExpectedActivity,
    Grade,
    Moderation,
    PartnerView,
    RequiredPlan,
    SampledPlan,
    SelfEvaluation,
)
from sendhub.inspection.sampling import Candidate, stratified_sample
from sendhub.voice.redaction import redact


class InspectionError(Exception):
    """A write refused; nothing was saved and the message says why (``field`` names the form field)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _save(obj, user):
    obj._history_user = user
    obj.save()
    return obj


# Plans and expected activity ----------------------------------------------------------------------------------


def plans_set_up(*, inspection: Inspection, saved_by, today: date | None = None) -> list[RequiredPlan]:
    """Create the plans and expected activity this inspection's result requires (existing ones are kept)."""
    today = today or timezone.localdate()
    if not frameworks.kind_allowed(inspection.framework, inspection.kind):
        raise InspectionError(
            f"A {inspection.get_kind_display().lower()} is not part of the "
            f"{frameworks.framework(inspection.framework).short_name}"
        )
    with transaction.atomic():
        requirements = frameworks.required_plans(
            inspection.framework,
            inspection.kind,
            outcome=inspection.outcome,
            significant_weaknesses=inspection.findings.filter(kind="significant_weakness").count(),
            not_sufficient=inspection.judgements.filter(outcome="not_sufficient_progress").count(),
            published=inspection.published_date,
        )
        made = []
        for requirement in requirements:
            plan = RequiredPlan.objects.filter(inspection=inspection, kind=requirement.plan.kind).first()
            if plan is None:
                plan = _save(
                    RequiredPlan(
                        area=inspection.area, inspection=inspection, kind=requirement.plan.kind,
                        due_date=requirement.due_date, remind_days=requirement.plan.remind_days,
                    ),
                    saved_by,
                )
            made.append(plan)
        for rule, expected_by in frameworks.expected_activities(
            inspection.framework, inspection.kind, outcome=inspection.outcome,
            published=inspection.published_date, wsoa_plan=any(p.kind == "wsoa" for p in made),
        ):
            if not ExpectedActivity.objects.filter(follows=inspection, kind=rule.kind).exists():
                held = (
                    Inspection.objects.filter(
                        area=inspection.area, framework=inspection.framework, kind=rule.kind,
                        start_date__gt=inspection.start_date,
                    )
                    .order_by("start_date")
                    .first()
                )
                _save(
                    ExpectedActivity(
                        area=inspection.area, follows=inspection, framework=inspection.framework, kind=rule.kind,
                        expected_by=expected_by, note=rule.basis, held_as=held,
                    ),
                    saved_by,
                )
    return made


def plan_update(
    *, plan: RequiredPlan, status: str, due_date: date | None, submitted_on: date | None, note: str, saved_by
) -> RequiredPlan:
    if status in (RequiredPlan.Status.SUBMITTED, RequiredPlan.Status.ACCEPTED) and submitted_on is None:
        raise InspectionError("Enter the date the plan was submitted", field="submitted_on")
    if submitted_on and submitted_on > timezone.localdate():
        raise InspectionError("The date submitted must be today or in the past", field="submitted_on")
    if submitted_on and status not in (RequiredPlan.Status.SUBMITTED, RequiredPlan.Status.ACCEPTED):
        raise InspectionError("A plan with a date submitted must be submitted or accepted", field="status")
    with transaction.atomic():
        plan.status, plan.due_date, plan.submitted_on, plan.note = status, due_date, submitted_on, note
        return _save(plan, saved_by)


def activity_schedule(*, activity: ExpectedActivity, scheduled_for: date | None, note: str, saved_by):
    with transaction.atomic():
        activity.scheduled_for, activity.note = scheduled_for, note
        return _save(activity, saved_by)


# Self-evaluation --------------------------------------------------------------------------------------------


def self_evaluation_create(*, area: LocalArea, title: str, prepared_on: date, saved_by) -> SelfEvaluation:
    """A new self-evaluation with one entry per evaluation criterion of the current handbook."""
    if not title.strip():
        raise InspectionError("Enter a title", field="title")
    with transaction.atomic():
        sef = _save(SelfEvaluation(area=area, title=title.strip(), prepared_on=prepared_on), saved_by)
        for code in frameworks.CRITERIA:
            _save(Entry(self_evaluation=sef, criterion=code), saved_by)
    return sef


def entry_update(
    *, entry: Entry, grade: str, reasoning: str, gaps: str, review_date: date | None, saved_by
) -> Entry:
    if grade and grade not in Grade.values:
        raise InspectionError("Select a judgement from the list", field="grade")
    if grade and not reasoning.strip():
        raise InspectionError("Explain the judgement: inspectors test the reasoning", field="reasoning")
    with transaction.atomic():
        entry.grade, entry.reasoning, entry.gaps, entry.review_date = grade, reasoning, gaps, review_date
        return _save(entry, saved_by)


def partner_view_set(*, entry: Entry, partner: str, grade: str, reasoning: str, saved_by) -> PartnerView | None:
    """Record (or, with no grade, remove) one partner's own view of a criterion."""
    if partner not in PartnerView.Partner.values:
        raise InspectionError("Select the partner", field="partner")
    with transaction.atomic():
        view = PartnerView.objects.filter(entry=entry, partner=partner).first()
        if not grade:
            if view is not None:
                view._history_user = saved_by
                view.delete()
            return None
        if grade not in Grade.values:
            raise InspectionError("Select a judgement from the list", field="grade")
        view = view or PartnerView(entry=entry, partner=partner)
        view.grade, view.reasoning = grade, reasoning
        return _save(view, saved_by)


def evidence_link_add(*, entry: Entry, kind: str, target, note: str, saved_by) -> EvidenceLink:
    """Link evidence of the entry's area to the entry. ``target`` is a model object, or a measure name or a
    voice theme (strings) for those kinds."""
    area = entry.self_evaluation.area
    if kind not in EvidenceLink.Kind.values:
        raise InspectionError("Select what kind of evidence it is", field="kind")
    if target in (None, ""):
        raise InspectionError("Select the evidence to link", field="target")
    field_name = EvidenceLink.TARGETS[kind]
    link = EvidenceLink(entry=entry, kind=kind, note=note[:300])
    if isinstance(target, str):
        if kind not in (EvidenceLink.Kind.MEASURE, EvidenceLink.Kind.VOICE_THEME):
            raise InspectionError("Select the evidence to link", field="target")
    else:
        owner_area_id = (
            target.action.area_id if kind == EvidenceLink.Kind.EVIDENCE
            else target.meeting.board.area_id if kind == EvidenceLink.Kind.DECISION
            else target.area_id
        )
        if owner_area_id != area.pk:
            raise InspectionError("That evidence belongs to another area", field="target")
    setattr(link, field_name, target)
    if EvidenceLink.objects.filter(entry=entry, kind=kind, **{field_name: target}).exists():
        raise InspectionError("That evidence is already linked to this criterion", field="target")
    with transaction.atomic():
        return _save(link, saved_by)


def evidence_link_remove(*, link: EvidenceLink, saved_by) -> None:
    with transaction.atomic():
        link._history_user = saved_by
        link.delete()


# EHC plan quality assurance ---------------------------------------------------------------------------------


def audit_template_create(
    *, area: LocalArea, name: str, criteria: list[tuple[str, str, int]], saved_by
) -> AuditTemplate:
    """A template with criteria as (section letter, text, weight)."""
    sections = {code for code, _ in SECTIONS}
    if not criteria:
        raise InspectionError("Add at least one criterion")
    with transaction.atomic():
        template = _save(AuditTemplate(area=area, name=name, descriptors=dict(DEFAULT_DESCRIPTORS)), saved_by)
        for position, (section, text, weight) in enumerate(criteria, start=1):
            if section not in sections:
                raise InspectionError(f"Section {section!r} is not one of the EHC plan's sections A to K")
            if weight < 1:
                raise InspectionError("Every criterion's weight must be at least 1")
            _save(AuditCriterion(template=template, section=section, position=position, text=text, weight=weight),
                  saved_by)
    return template


def team_of(district: str) -> str:
    """SEN2 records no casework team, so a plan's team is its postcode area (the letters of its district: "PR"
    for PR1), the usual footprint of an area SEND team."""
    letters = "".join(ch for ch in (district or "").upper() if ch.isalpha())[:2]
    return letters or "Unknown"


def audit_candidates(audit_round: AuditRound) -> list[Candidate]:
    """Plans in the round's SEN2 return: new plans issued in the period and plans reviewed in it, by their
    pseudonymous reference, with need (primary need of the active plan) and team (:func:`team_of`)."""
    from sendhub.outcomes.measures import need_label
    from sendhub.outcomes.models import ActivePlan, EhcRequest

    if audit_round.sen2_return_id is None:
        raise InspectionError("Choose the SEN2 return to draw the sample from", field="sen2_return")
    start, end = audit_round.period_start, audit_round.period_end
    needs = dict(
        ActivePlan.objects.filter(sen2_return_id=audit_round.sen2_return_id).values_list(
            "request__person_id", "primary_need"
        )
    )
    candidates = []
    new = EhcRequest.objects.filter(
        sen2_return_id=audit_round.sen2_return_id, plan_start_date__gte=start, plan_start_date__lte=end
    ).values_list("person_id", "person__reference", "person__postcode_district")
    for person_id, reference, district in new:
        candidates.append(Candidate(reference, "new", need_label(needs.get(person_id)), team_of(district)))
    reviewed = ActivePlan.objects.filter(
        sen2_return_id=audit_round.sen2_return_id, review_meeting__gte=start, review_meeting__lte=end
    ).values_list("request__person__reference", "primary_need", "request__person__postcode_district")
    for reference, need, district in reviewed:
        candidates.append(Candidate(reference, "reviewed", need_label(need), team_of(district)))
    return candidates


def audit_round_draw(*, audit_round: AuditRound, saved_by) -> list[SampledPlan]:
    """Draw (once) the round's stratified random sample; the seed is kept so the draw can be repeated."""
    if audit_round.drawn_at is not None:
        raise InspectionError("The sample for this round has already been drawn")
    candidates = audit_candidates(audit_round)
    if not candidates:
        raise InspectionError("The SEN2 return has no new or reviewed plans in the round's period")
    drawn = stratified_sample(
        candidates, percent=audit_round.sample_percent, double_percent=audit_round.double_percent,
        seed=audit_round.seed,
    )
    with transaction.atomic():
        rows = SampledPlan.objects.bulk_create(
            SampledPlan(round=audit_round, reference=d.candidate.reference, cohort=d.candidate.cohort,
                        need=d.candidate.need, team=d.candidate.team, double=d.double)
            for d in drawn
        )
        audit_round.drawn_at = timezone.now()
        _save(audit_round, saved_by)
    return rows


def audit_record(
    *, sampled: SampledPlan, auditor, agency: str, completed_on: date,
    grades: Mapping[int, tuple[int, str]], saved_by,
) -> Audit:
    """One auditor's audit of a sampled plan: a grade (1-4) and a short comment (redacted) per criterion."""
    criteria = {c.pk: c for c in sampled.round.template.criteria.all()}
    if agency not in Audit.Agency.values:
        raise InspectionError("Select the auditor's agency", field="agency")
    missing = [str(c) for pk, c in criteria.items() if pk not in grades]
    if missing:
        raise InspectionError(f"Grade every criterion: {len(missing)} not graded ({missing[0]} first)")
    if any(not 1 <= grade <= 4 for grade, _ in grades.values()):
        raise InspectionError("Grades are 1 to 4")
    done = Audit.objects.filter(sampled=sampled).count()
    if Audit.objects.filter(sampled=sampled, auditor=auditor).exists():
        raise InspectionError("This auditor has already audited this plan")
    if done >= (2 if sampled.double else 1):
        raise InspectionError("This plan has all the audits it needs")
    with transaction.atomic():
        audit = _save(Audit(sampled=sampled, auditor=auditor, agency=agency, completed_on=completed_on), saved_by)
        for pk, (grade, comment) in grades.items():
            if pk not in criteria:
                raise InspectionError("A grade names a criterion of another template")
            _save(AuditScore(audit=audit, criterion=criteria[pk], grade=grade, comment=redact(comment).text[:500]),
                  saved_by)
    return audit


def moderation_record(
    *, sampled: SampledPlan, criterion: AuditCriterion, agreed_grade: int, moderator, note: str,
    decided_on: date, saved_by,
) -> Moderation:
    if criterion.template_id != sampled.round.template_id:
        raise InspectionError("The criterion belongs to another template")
    if not 1 <= agreed_grade <= 4:
        raise InspectionError("Grades are 1 to 4", field="agreed_grade")
    grades = set(AuditScore.objects.filter(audit__sampled=sampled, criterion=criterion).values_list("grade", flat=True))
    if len(grades) < 2:
        raise InspectionError("Only a disagreement between two audits is moderated")
    with transaction.atomic():
        moderation = Moderation.objects.filter(sampled=sampled, criterion=criterion).first() or Moderation(
            sampled=sampled, criterion=criterion, moderator=moderator, decided_on=decided_on
        )
        moderation.agreed_grade, moderation.note = agreed_grade, redact(note).text[:500]
        moderation.moderator, moderation.decided_on = moderator, decided_on
        return _save(moderation, saved_by)
