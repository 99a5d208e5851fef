"""Reads for inspection readiness: plans and their clocks, the self-evaluation with its evidence, and audits."""

from __future__ import annotations

import calendar
import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import timezone

from sendhub.accounts.models import LocalArea
from sendhub.improvement.models import Inspection
from sendhub.inspection import frameworks
from sendhub.inspection.agreement import Agreement, agreement
from sendhub.inspection.models import (
    SECTIONS,
    Audit,
    AuditCriterion,
    AuditRound,
    AuditScore,
    Entry,
    EvidenceLink,
    ExpectedActivity,
    Moderation,
    RequiredPlan,
    SampledPlan,
    SelfEvaluation,
)
from sendhub.inspection.readiness import CriterionReadiness, EvidenceState, assess


def inspections(area: LocalArea) -> QuerySet[Inspection]:
    return Inspection.objects.filter(area=area).prefetch_related("findings", "required_plans").order_by("start_date")


def plans(area: LocalArea) -> QuerySet[RequiredPlan]:
    return RequiredPlan.objects.filter(area=area).select_related("inspection", "area")


def plan(area: LocalArea, pk: int) -> RequiredPlan:
    return plans(area).get(pk=pk)


def expected(area: LocalArea) -> QuerySet[ExpectedActivity]:
    return ExpectedActivity.objects.filter(area=area).select_related("follows", "held_as")


def self_evaluations(area: LocalArea) -> QuerySet[SelfEvaluation]:
    return SelfEvaluation.objects.filter(area=area)


def self_evaluation(area: LocalArea, pk: int) -> SelfEvaluation:
    return self_evaluations(area).get(pk=pk)


def entries(sef: SelfEvaluation) -> list[Entry]:
    return list(
        sef.entries.prefetch_related(
            "partner_views",
            "evidence_links__manual_measure",
            "evidence_links__action",
            "evidence_links__evidence__action",
            "evidence_links__coproduction",
            "evidence_links__decision__meeting",
            "evidence_links__audit_round",
        )
    )


def entry(sef: SelfEvaluation, pk: int) -> Entry:
    return sef.entries.get(pk=pk)


# Evidence states --------------------------------------------------------------------------------------------


def _period_end(period: str) -> date:
    parts = [int(p) for p in period.split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts)


# SEN2 is collected once a year (January census): its latest measure stays the latest for a year, so a statutory
# measure is stale only when a newer return should have been imported (a year and a month after its period).
ANNUAL_DATA_FRESH_DAYS = 400


def evidence_state(link: EvidenceLink, area: LocalArea) -> EvidenceState:
    """The linked evidence's latest information: its date (for staleness), a value to show and where it lives."""
    return dataclasses.replace(_evidence_state(link, area), link_pk=link.pk)


def _evidence_state(link: EvidenceLink, area: LocalArea) -> EvidenceState:
    from sendhub.outcomes.measures import MEASURES
    from sendhub.outcomes.models import MeasureValue
    from sendhub.voice.models import CommentTag

    kind, label = link.get_kind_display(), link.target_label
    slug = area.slug
    if link.kind == EvidenceLink.Kind.MEASURE:
        latest = (
            MeasureValue.objects.filter(area=area, measure=link.measure, breakdown_topic="total", value__isnull=False)
            .order_by("-period")
            .first()
        )
        if latest is None:
            return EvidenceState(kind, label, None, missing=True)
        measure = MEASURES.get(link.measure)
        unit = {"percent": "%", "weeks": " weeks"}.get(measure.unit, "") if measure else ""
        return EvidenceState(kind, label, _period_end(latest.period), f"{latest.value:g}{unit} ({latest.period})",
                             reverse("outcomes:measure-detail", args=[slug, link.measure]),
                             fresh_days=ANNUAL_DATA_FRESH_DAYS)
    if link.kind == EvidenceLink.Kind.MANUAL_MEASURE:
        mm = link.manual_measure
        latest = mm.values.order_by("-period_end").first()
        if latest is None:
            return EvidenceState(kind, label, None, missing=True, url=mm.get_absolute_url())
        value = f"{latest.value:g} {mm.unit} (to {latest.period_end:%-d %b %Y})"
        return EvidenceState(kind, label, latest.period_end, value, mm.get_absolute_url())
    if link.kind == EvidenceLink.Kind.ACTION:
        action = link.action
        last = action.updates.aggregate(last=Max("created_at"))["last"]
        dated = timezone.localdate(last) if last else timezone.localdate(action.updated_at)
        return EvidenceState(kind, label, dated, f"{action.get_status_display()}, {action.get_rag_display()}",
                             action.get_absolute_url())
    if link.kind == EvidenceLink.Kind.EVIDENCE:
        ev = link.evidence
        return EvidenceState(kind, label, timezone.localdate(ev.added_at), "", ev.action.get_absolute_url())
    if link.kind == EvidenceLink.Kind.VOICE_THEME:
        tags = CommentTag.objects.filter(comment__area=area, theme=link.voice_theme, rejected=False)
        last = tags.aggregate(last=Max("comment__received_at"))["last"]
        count = tags.count()
        return EvidenceState(kind, label, timezone.localdate(last) if last else None,
                             f"{count} comment{'s' if count != 1 else ''}", missing=last is None)
    if link.kind == EvidenceLink.Kind.COPRODUCTION:
        return EvidenceState(kind, label, link.coproduction.held_on, link.coproduction.get_kind_display())
    if link.kind == EvidenceLink.Kind.DECISION:
        decision = link.decision
        return EvidenceState(kind, label, decision.decided_on, "", decision.meeting.get_absolute_url())
    audit_round = link.audit_round
    summary = round_results(audit_round)
    value = f"{summary.good_share:.0f}% of criteria good or better" if summary.good_share is not None else ""
    last = Audit.objects.filter(sampled__round=audit_round).aggregate(last=Max("completed_on"))["last"]
    return EvidenceState(kind, label, last, value, audit_round.get_absolute_url(), missing=last is None)


@dataclass
class EntryView:
    entry: Entry
    readiness: CriterionReadiness
    partner_views: list
    views_differ: bool


def self_evaluation_view(sef: SelfEvaluation, today: date | None = None) -> list[EntryView]:
    today = today or timezone.localdate()
    result = []
    for e in entries(sef):
        states = [evidence_state(link, sef.area) for link in e.evidence_links.all()]
        views = list(e.partner_views.all())
        grades = {v.partner: v.grade for v in views}
        readiness = assess(
            code=e.criterion, text=e.criterion_info.text, grade=e.grade, reasoning=e.reasoning,
            review_date=e.review_date, evidence=states, partner_grades=grades, today=today,
            stale_after_days=sef.stale_after_days,
        )
        differ = len(set(grades.values()) | ({e.grade} if e.grade and grades else set())) > 1
        result.append(EntryView(e, readiness, views, differ))
    return result


# Audits -----------------------------------------------------------------------------------------------------


def audit_rounds(area: LocalArea) -> QuerySet[AuditRound]:
    return AuditRound.objects.filter(area=area).select_related("template")


def audit_round(area: LocalArea, pk: int) -> AuditRound:
    return audit_rounds(area).get(pk=pk)


@dataclass
class GroupResult:
    name: str
    scores: int
    mean: float | None
    good_share: float | None  # % of final grades at 3 or 4


@dataclass
class RoundResults:
    sample_size: int
    by_cohort: dict[str, int]
    audited: int
    double_audited: int
    agreement: list[tuple[AuditCriterion, Agreement]]
    overall: Agreement
    awaiting_moderation: list[tuple[SampledPlan, AuditCriterion, list[int]]]
    by_section: list[GroupResult]
    by_team: list[GroupResult]
    by_cohort_results: list[GroupResult]
    by_agency: list[GroupResult]
    good_share: float | None


def _group(name: str, grades: list[int]) -> GroupResult:
    if not grades:
        return GroupResult(name, 0, None, None)
    return GroupResult(name, len(grades), sum(grades) / len(grades), 100 * sum(g >= 3 for g in grades) / len(grades))


def round_results(audit_round: AuditRound) -> RoundResults:
    """The round's results: agreement between double audits per criterion, disagreements awaiting moderation,
    and final grades (moderated where moderated) by section, team, cohort and auditor's agency."""
    criteria = list(audit_round.template.criteria.all())
    sample = list(audit_round.sample.all())
    scores = (
        AuditScore.objects.filter(audit__sampled__round=audit_round)
        .select_related("audit")
        .order_by("audit__completed_on", "audit__pk")
    )
    by_plan: dict[int, dict[int, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for s in scores:
        by_plan[s.audit.sampled_id][s.criterion_id].append((s.grade, s.audit.agency))
    moderated = {
        (m.sampled_id, m.criterion_id): m.agreed_grade for m in Moderation.objects.filter(sampled__round=audit_round)
    }
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    awaiting = []
    finals: list[tuple[SampledPlan, AuditCriterion, int]] = []
    agency_grades: dict[str, list[int]] = defaultdict(list)
    by_id = {c.pk: c for c in criteria}
    for plan in sample:
        for criterion_id, graded in by_plan.get(plan.pk, {}).items():
            grades = [g for g, _ in graded]
            for g, agency in graded:
                agency_grades[agency].append(g)
            if len(grades) >= 2:
                pairs[criterion_id].append((grades[0], grades[1]))
            if (plan.pk, criterion_id) in moderated:
                finals.append((plan, by_id[criterion_id], moderated[(plan.pk, criterion_id)]))
            elif len(set(grades)) == 1:
                finals.append((plan, by_id[criterion_id], grades[0]))
            else:
                awaiting.append((plan, by_id[criterion_id], grades))
    all_pairs = [p for c in criteria for p in pairs.get(c.pk, [])]
    section_names = dict(SECTIONS)
    by_section = [
        _group(section_names[code], [g for _, c, g in finals if c.section == code])
        for code in dict.fromkeys(c.section for c in criteria)
    ]
    teams = sorted({p.team for p in sample})
    audit_counts = dict(
        Audit.objects.filter(sampled__round=audit_round).values_list("sampled").annotate(n=Count("pk"))
    )
    return RoundResults(
        sample_size=len(sample),
        by_cohort={label: sum(p.cohort == value for p in sample) for value, label in SampledPlan.Cohort.choices},
        audited=sum(1 for n in audit_counts.values() if n),
        double_audited=sum(1 for n in audit_counts.values() if n >= 2),
        agreement=[(c, agreement(pairs.get(c.pk, []))) for c in criteria],
        overall=agreement(all_pairs),
        awaiting_moderation=awaiting,
        by_section=by_section,
        by_team=[_group(t, [g for p, _, g in finals if p.team == t]) for t in teams],
        by_cohort_results=[
            _group(label, [g for p, _, g in finals if p.cohort == value]) for value, label in SampledPlan.Cohort.choices
        ],
        by_agency=[_group(label, agency_grades.get(value, [])) for value, label in Audit.Agency.choices],
        good_share=_group("all", [g for _, _, g in finals]).good_share,
    )


def framework_rows() -> list[frameworks.Framework]:
    return list(frameworks.FRAMEWORKS.values())
