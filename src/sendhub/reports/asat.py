"""What a monitoring pack says: the plan, measures, parent voice and risks *as they stood* on its "as at" date.

Reproducibility is the point: a pack for 30 September must give the same figures whenever it is generated.
So nothing here reads the live tables' current state for things that change:

* plan objects (inspections, findings, judgements, actions and their finding links, milestones, updates,
  evidence, risks, success measures, manual measure values, "You said, we did") are read from their audit
  history (django-simple-history): each object's latest historical record on or before the end of the as-at
  day, deleted ones dropped. Dated facts also need their date on or before the as-at day (an update "created"
  later, a milestone "completed" later, a judgement made later do not count yet);
* computed SEN2 measures come from the returns that had been imported by then (for each collection year, the
  latest such import; a later re-import is history the report cannot see), DfE figures from the release
  current then;
* survey answers and comments count when they were received by then; a theme tag counts as the reviewer had
  left it then (a suggestion confirmed or rejected later was still a suggestion).

The result is plain JSON (dates as ISO strings) so an issued report stores it as it went out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from sendhub.accounts.models import LocalArea, Organisation
from sendhub.improvement.models import Action, Evidence, Finding, Inspection, Judgement, Milestone, ProgressUpdate
from sendhub.improvement.plan_counts import plan_counts
from sendhub.outcomes import benchmark as benchmark_module
from sendhub.outcomes.measures import MEASURES, TOTAL
from sendhub.outcomes.models import (
    DfeRelease,
    ManualMeasure,
    ManualMeasureValue,
    MeasureValue,
    Sen2Return,
    SuccessMeasure,
)
from sendhub.outcomes.targets import expected_value, trajectory_rag
from sendhub.reports.models import Risk, score_rating
from sendhub.reports.wording import count, in_sentence, long_date, number, plural, was_were
from sendhub.voice.insights import tag_threshold
from sendhub.voice.models import Comment, CommentTag, Question, Response, Survey, Theme, Wave, YouSaidWeDid
from sendhub.voice.surveys import estimate, trust_score

RAG_ORDER = {"on_track": 0, "at_risk": 1, "off_track": 2}
RAG_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track", None: "No value yet"}
ACTION_STATUS = dict(Action.Status.choices)
ACTION_RAG = dict(Action.Rag.choices)

# The statutory EHC measures every pack shows, in this order (DfE column names where DfE publishes them).
OUTCOME_MEASURES = (
    "pc_plans_issued_within_20_weeks",
    "PC_plans_issued_20_weeks_ex",
    "request_outcome_six_weeks_pc",
    "plans_issued_den",
    "requests_received_in_year",
    "ehc_plans_at_reference_date",
)
MAX_EVIDENCE_PER_FINDING = 25


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _iso(day: date | datetime | None) -> str | None:
    return day.isoformat() if day else None


def state_as_of(model, at: datetime, **filters) -> list:
    """Each object's latest historical record at ``at`` (deleted objects left out), filtered on stable fields."""
    # Latest per object by (date, history id): two records can share a date (an object and its m2m links saved
    # together), and the later one - the higher id - is the object's state.
    latest: dict[int, Any] = {}
    for record in model.history.filter(history_date__lte=at, **filters).order_by("history_date", "history_id"):
        latest[record.id] = record
    return [record for record in latest.values() if record.history_type != "-"]


# Plan -------------------------------------------------------------------------------------------------------


class PlanAsAt:
    """The improvement plan of an area as it stood at the end of ``as_at``."""

    def __init__(self, area: LocalArea, as_at: date) -> None:
        self.area, self.as_at, self.at = area, as_at, end_of_day(as_at)
        self.inspections = {r.id: r for r in state_as_of(Inspection, self.at, area_id=area.pk)}
        self.findings = {r.id: r for r in state_as_of(Finding, self.at, area_id=area.pk)}
        self.actions = {r.id: r for r in state_as_of(Action, self.at, area_id=area.pk)}
        self.organisations = dict(Organisation.objects.filter(Q(area=area) | Q(area__isnull=True)).values_list(
            "pk", "name"))
        self.judgements = [
            j for j in state_as_of(Judgement, self.at, finding__area_id=area.pk)
            if j.judged_on <= as_at and j.finding_id in self.findings
        ]
        self.judgements.sort(key=lambda j: (j.judged_on, j.id))
        self.links = self._finding_links()
        self.milestones = [m for m in state_as_of(Milestone, self.at, action__area_id=area.pk)
                           if m.action_id in self.actions]
        self.updates = [u for u in state_as_of(ProgressUpdate, self.at, action__area_id=area.pk)
                        if u.created_at <= self.at and u.action_id in self.actions]
        self.updates.sort(key=lambda u: (u.created_at, u.id))
        self.evidence = [e for e in state_as_of(Evidence, self.at, action__area_id=area.pk)
                         if e.added_at <= self.at and e.action_id in self.actions]

    def _finding_links(self) -> dict[int, set[int]]:
        """Action id -> the findings it answered, from the action's own historical record (m2m history)."""
        through = apps.get_model("improvement", "HistoricalAction_findings")
        history_ids = [record.history_id for record in self.actions.values()]
        links: dict[int, set[int]] = defaultdict(set)
        for action_id, finding_id in through.objects.filter(history_id__in=history_ids).values_list(
            "action_id", "finding_id"
        ):
            if finding_id in self.findings:
                links[action_id].add(finding_id)
        return links

    def status_on(self, action_id: int, day: date) -> tuple[str, str]:
        """(status, RAG) of an action at the end of ``day``: its latest update by then, else as first recorded."""
        latest = None
        cutoff = end_of_day(day)
        for update in self.updates:
            if update.action_id == action_id and update.created_at <= cutoff:
                latest = update
        if latest is not None:
            return latest.status, latest.rag
        if day >= self.as_at:
            record = self.actions[action_id]
            return record.status, record.rag
        return Action.Status.NOT_STARTED, Action.Rag.ON_TRACK


def _finding_status(plan: PlanAsAt, finding_id: int) -> str:
    judgements = [j for j in plan.judgements if j.finding_id == finding_id]
    return judgements[-1].outcome if judgements else Finding.Status.OPEN


def _action_row(plan: PlanAsAt, record, period_start: date) -> dict[str, Any]:
    as_at = plan.as_at
    status, rag = plan.status_on(record.id, as_at)
    before = end_of_day(period_start - timedelta(days=1))
    exists_before = record.history_date <= before or any(
        u.action_id == record.id and u.created_at <= before for u in plan.updates
    )
    status_start, rag_start = plan.status_on(record.id, period_start - timedelta(days=1)) if exists_before else (
        None, None)
    updates = [u for u in plan.updates if u.action_id == record.id]
    in_period = [u for u in updates if u.created_at.date() >= period_start]
    latest = updates[-1] if updates else None
    milestones = sorted((m for m in plan.milestones if m.action_id == record.id), key=lambda m: (m.due_date, m.id))
    met, missed = [], []
    for m in milestones:
        completed = m.completed_on if m.completed_on and m.completed_on <= as_at else None
        if period_start <= m.due_date <= as_at or (completed and period_start <= completed <= as_at):
            row = {"title": m.title, "due": _iso(m.due_date), "completed": _iso(completed)}
            if completed and completed <= m.due_date + timedelta(days=0):
                met.append(row)
            elif completed is None and m.due_date <= as_at:
                missed.append(row)
            else:
                met.append(row | {"late": True})
    open_status = status not in {Action.Status.COMPLETE, Action.Status.CANCELLED}
    completed_on = None
    if status == Action.Status.COMPLETE:
        done = [u for u in updates if u.status == Action.Status.COMPLETE]
        completed_on = done[0].created_at.date() if done else None
    return {
        "id": record.id,
        "reference": record.reference,
        "title": record.title,
        "owner": plan.organisations.get(record.owner_id, ""),
        "start": _iso(record.start_date),
        "due": _iso(record.due_date),
        "status": status,
        "status_label": ACTION_STATUS.get(status, status),
        "rag": rag,
        "rag_label": ACTION_RAG.get(rag, rag),
        "status_at_start": status_start,
        "rag_at_start": rag_start,
        "rag_at_start_label": ACTION_RAG.get(rag_start, "Not yet in the plan") if rag_start else "Not yet in the plan",
        "overdue": open_status and record.due_date < as_at,
        "completed_on": _iso(completed_on),
        "completed_in_period": bool(completed_on and period_start <= completed_on <= as_at),
        "updates_in_period": len(in_period),
        "latest_update": {"on": _iso(latest.created_at.date()), "commentary": latest.commentary,
                          "rag_reason": latest.rag_reason} if latest else None,
        "milestones_met": met,
        "milestones_missed": missed,
    }


def _rag_movement(row: dict[str, Any]) -> str:
    if row["rag_at_start"] is None or row["status"] in {Action.Status.COMPLETE, Action.Status.CANCELLED}:
        return "none"
    change = RAG_ORDER[row["rag"]] - RAG_ORDER[row["rag_at_start"]]
    return "worse" if change > 0 else "better" if change < 0 else "same"


# Measures ---------------------------------------------------------------------------------------------------


class MeasuresAsAt:
    """Computed SEN2 measures as the returns imported by ``at`` gave them, and the DfE release current then."""

    def __init__(self, area: LocalArea, as_at: date) -> None:
        self.area, self.as_at, self.at = area, as_at, end_of_day(as_at)
        returns = list(Sen2Return.objects.filter(area=area, imported_at__lte=self.at).order_by(
            "collection_year", "imported_at", "pk"))
        latest_per_year = {}
        for r in returns:
            latest_per_year[r.collection_year] = r
        self.returns = sorted(latest_per_year.values(), key=lambda r: r.collection_year)
        self.release = DfeRelease.objects.filter(imported_at__lte=self.at).order_by("-imported_at", "-pk").first()
        self._cache: dict[tuple[str, str], list[tuple[str, float | None]]] = {}

    @property
    def latest_return(self) -> Sen2Return | None:
        return self.returns[-1] if self.returns else None

    def series(self, measure: str, period_kind: str = "year") -> list[tuple[str, float | None]]:
        """(period, value) oldest first; each period from the newest return covering it (see outcomes.selectors).

        Flow measures leave out the latest return's part-year (its January days before the reference date)."""
        key = (measure, period_kind)
        if key not in self._cache:
            rank = {r.pk: (r.collection_year, r.imported_at) for r in self.returns}
            chosen: dict[str, tuple] = {}
            rows = MeasureValue.objects.filter(
                sen2_return_id__in=list(rank), measure=measure, period_kind=period_kind, breakdown_topic="total",
                breakdown=TOTAL,
            ).values_list("period", "value", "sen2_return_id")
            for period, value, return_id in rows:
                best = chosen.get(period)
                if best is None or rank[return_id] > rank[best[1]]:
                    chosen[period] = (value, return_id)
            points = []
            for period in sorted(chosen):
                value, return_id = chosen[period]
                if period_kind == "year" and int(period[:4]) > rank[return_id][0] - 1:
                    continue  # a part-year
                points.append((period, value))
            self._cache[key] = points
        return self._cache[key]

    def latest(self, measure: str) -> tuple[str | None, float | None]:
        definition = MEASURES.get(measure)
        kind = "year" if definition is None or "year" in definition.period_kinds else definition.period_kinds[0]
        for period, value in reversed(self.series(measure, kind)):
            if value is not None and period <= self.as_at.isoformat():
                return period, value
        return None, None

    def benchmark(self, measure: str) -> list[dict[str, Any]]:
        if self.release is None:
            return []
        try:
            rows = benchmark_module.benchmark(self.area, measure, release=self.release)
        except benchmark_module.BenchmarkError:
            return []
        return [
            {"year": r.year, "area": r.area_value, "england": r.england, "region": r.region,
             "neighbours_median": r.neighbours_median, "neighbours_count": r.neighbours_count}
            for r in rows if r.year <= self.as_at.year
        ]


def _measure_title(name: str) -> tuple[str, str]:
    definition = MEASURES.get(name)
    return (definition.title, definition.unit) if definition else (name, "")


def _period_date(period: str) -> date:
    if len(period) == 10:
        return date.fromisoformat(period)
    if len(period) == 7:
        year, month = int(period[:4]), int(period[5:7])
        following = date(year + (month == 12), month % 12 + 1, 1)
        return following - timedelta(days=1)
    return date(int(period[:4]), 12, 31)


def _success_rows(plan: PlanAsAt, measures: MeasuresAsAt, *, finding_id: int | None = None,
                  action_ids: set[int] | None = None) -> list[dict[str, Any]]:
    records = state_as_of(SuccessMeasure, plan.at, area_id=plan.area.pk)
    chosen = [
        s for s in records
        if (finding_id is not None and s.finding_id == finding_id) or (action_ids and s.action_id in action_ids)
    ]
    rows = []
    manual = {m.id: m for m in state_as_of(ManualMeasure, plan.at, area_id=plan.area.pk)}
    for s in sorted(chosen, key=lambda s: (s.target_date, s.id)):
        if s.manual_measure_id:
            definition = manual.get(s.manual_measure_id)
            title, unit = (definition.name, definition.unit) if definition else ("Partner measure", "")
            values = sorted(
                (v for v in state_as_of(ManualMeasureValue, plan.at, measure_id=s.manual_measure_id)
                 if v.period_end <= plan.as_at),
                key=lambda v: v.period_end,
            )
            series = [(v.period_end.isoformat(), v.value) for v in values]
            bench: list[dict[str, Any]] = []
        else:
            title, unit = _measure_title(s.measure)
            series = measures.series(s.measure)
            bench = measures.benchmark(s.measure)
        latest = next(((p, v) for p, v in reversed(series) if v is not None), (None, None))
        latest_date = _period_date(latest[0]) if latest[0] else None
        trajectory = dict(baseline_value=s.baseline_value, baseline_date=s.baseline_date,
                          target_value=s.target_value, target_date=s.target_date)
        rag = trajectory_rag(**trajectory, direction=s.direction, latest_value=latest[1], latest_date=latest_date)
        rows.append({
            "title": title,
            "unit": unit,
            "measure": s.measure or (manual[s.manual_measure_id].key if s.manual_measure_id in manual else ""),
            "for_action": plan.actions[s.action_id].reference if s.action_id in plan.actions else None,
            "direction": s.direction,
            "baseline": s.baseline_value,
            "baseline_date": _iso(s.baseline_date),
            "target": s.target_value,
            "target_date": _iso(s.target_date),
            "latest": latest[1],
            "latest_period": latest[0],
            "expected": round(expected_value(**trajectory, on=latest_date), 1) if latest_date else None,
            "rag": rag,
            "rag_label": RAG_LABELS[rag],
            "series": [{"period": p, "value": v} for p, v in series][-12:],
            "benchmark": bench[-5:],
        })
    return rows


# Parent carer voice ------------------------------------------------------------------------------------------


def _tag_counts_as_at(tag: dict[str, Any], at: datetime, threshold: float) -> bool:
    """Whether a theme tag counted at ``at``: reviewed by then -> as reviewed; else as the machine suggested."""
    reviewed_at = tag["confirmed_at"]
    if reviewed_at is not None and reviewed_at <= at:
        return tag["confirmed"] and not tag["rejected"]
    return tag["confidence"] is not None and tag["confidence"] >= threshold


def voice_as_at(area: LocalArea, period_start: date, as_at: date) -> dict[str, Any]:
    at = end_of_day(as_at)
    length = as_at - period_start
    previous_start = period_start - length - timedelta(days=1)
    start_at = timezone.make_aware(datetime.combine(period_start, time.min))
    previous_at = timezone.make_aware(datetime.combine(previous_start, time.min))
    tags = CommentTag.objects.filter(
        comment__area=area, comment__received_at__gte=previous_at, comment__received_at__lte=at
    ).values("theme", "confidence", "confirmed", "rejected", "confirmed_at", "comment__received_at")
    current: Counter[str] = Counter()
    previous: Counter[str] = Counter()
    confirmed: Counter[str] = Counter()  # of this period's, those a person had confirmed (the rest are suggestions)
    threshold = tag_threshold()
    for tag in tags:
        if not _tag_counts_as_at(tag, at, threshold):
            continue
        in_period = tag["comment__received_at"] >= start_at
        (current if in_period else previous)[tag["theme"]] += 1
        if in_period and tag["confirmed"] and tag["confirmed_at"] is not None and tag["confirmed_at"] <= at:
            confirmed[tag["theme"]] += 1
    comments_in_period = Comment.objects.filter(area=area, received_at__gte=start_at, received_at__lte=at).count()
    labels = dict(Theme.choices)
    themes = [
        {"theme": theme, "label": labels.get(theme, theme), "count": count, "previous": previous.get(theme, 0),
         "change": count - previous.get(theme, 0), "confirmed": confirmed.get(theme, 0)}
        for theme, count in current.most_common(8)
    ]
    waves = []
    for survey in Survey.objects.filter(area=area, is_template=False).order_by("pk"):
        trust_ids = set(Question.objects.filter(survey=survey, is_trust_question=True,
                                                kind=Question.Kind.LIKERT).values_list("pk", flat=True))
        if not trust_ids:
            continue
        for wave in state_as_of(Wave, at, survey_id=survey.pk):
            responses = Response.objects.filter(wave_id=wave.id, submitted_at__lte=at)
            per_response: dict[int, list[int]] = defaultdict(list)
            for response_id, value in responses.filter(answers__question_id__in=trust_ids).values_list(
                "pk", "answers__value"
            ):
                if isinstance(value, int):
                    per_response[response_id].append(value)
            scores = [s for s in (trust_score(v) for v in per_response.values()) if s is not None]
            result = estimate(scores)
            if result is None:
                continue
            waves.append({
                "survey": survey.title,
                "wave": wave.name,
                "opened": _iso(wave.opens_at.date() if wave.opens_at else None),
                "responses": result.n, "index": round(result.mean, 1),
                "low": round(result.low, 1) if result.low is not None else None,
                "high": round(result.high, 1) if result.high is not None else None,
            })
    waves.sort(key=lambda w: (w["survey"], w["opened"] or "", w["wave"]))
    ysd = [
        {"theme": labels.get(y.theme, ""), "you_said": y.you_said, "we_did": y.we_did, "published_on": _iso(
            y.published_on)}
        for y in state_as_of(YouSaidWeDid, at, area_id=area.pk)
        if y.is_published and y.published_on and y.published_on <= as_at
    ]
    ysd.sort(key=lambda y: y["published_on"], reverse=True)
    return {
        "comments_in_period": comments_in_period,
        "previous_period_start": previous_start.isoformat(),
        "themes": themes,
        "waves": waves,
        "you_said_we_did": ysd[:10],
    }


# Outcomes and deadlines --------------------------------------------------------------------------------------


def outcomes_as_at(measures: MeasuresAsAt) -> dict[str, Any]:
    rows = []
    for name in OUTCOME_MEASURES:
        if name not in MEASURES:
            continue
        definition = MEASURES[name]
        kind = "year" if "year" in definition.period_kinds else definition.period_kinds[0]
        series = [{"period": p, "value": v} for p, v in measures.series(name, kind)][-6:]
        bench = {b["year"]: b for b in measures.benchmark(name)}
        for point in series:
            year = int(point["period"][:4])
            point["england"] = bench.get(year, {}).get("england")
            point["region"] = bench.get(year, {}).get("region")
            point["neighbours_median"] = bench.get(year, {}).get("neighbours_median")
        rows.append({"measure": name, "title": definition.title, "unit": definition.unit,
                     "direction": definition.direction, "series": series})
    latest = measures.latest_return
    return {
        "return": {"collection_year": latest.collection_year, "reference_date": _iso(latest.reference_date),
                   "persons": latest.person_count} if latest else None,
        "dfe_release": measures.release.filename if measures.release else None,
        "measures": rows,
        "deadlines": _deadline_summary(latest, measures.as_at),
    }


def _deadline_summary(sen2_return: Sen2Return | None, as_at: date) -> dict[str, Any] | None:
    """Statutory deadlines due soon, counted as at the date, while the return's person-level records are held."""
    if sen2_return is None or not sen2_return.persons.exists():
        return None
    from sendhub.outcomes import deadlines

    counted_on, _live = deadlines.as_at(sen2_return, as_at)
    summary = deadlines.summarise(deadlines.deadlines_for(sen2_return, today=counted_on), counted_on)
    return {
        "counted_on": counted_on.isoformat(),
        "overdue": summary.overdue,
        "within_weeks": [{"weeks": weeks, "count": count} for weeks, count in sorted(summary.within.items())],
        "by_kind": [{"kind": deadlines.KINDS[k], "count": n} for k, n in summary.by_kind.items()],
    }


# Risks --------------------------------------------------------------------------------------------------------


def risks_as_at(area: LocalArea, as_at: date) -> list[dict[str, Any]]:
    at = end_of_day(as_at)
    organisations = dict(Organisation.objects.filter(Q(area=area) | Q(area__isnull=True)).values_list("pk", "name"))
    rows = []
    for r in state_as_of(Risk, at, area_id=area.pk):
        score = r.likelihood * r.impact
        rows.append({
            "reference": r.reference, "kind": r.kind, "title": r.title, "description": r.description,
            "owner": organisations.get(r.owner_id, ""), "likelihood": r.likelihood, "impact": r.impact,
            "score": score, "rating": score_rating(score), "mitigation": r.mitigation, "status": r.status,
            "review_date": _iso(r.review_date),
        })
    rows.sort(key=lambda r: (r["status"] != "open", -r["score"], r["reference"]))
    return rows


# The whole pack ------------------------------------------------------------------------------------------------

KIND_ORDER = {Finding.Kind.PRIORITY_ACTION: 0, Finding.Kind.SIGNIFICANT_WEAKNESS: 1, Finding.Kind.IMPROVEMENT: 2}


def build_content(area: LocalArea, *, period_start: date, period_end: date, as_at: date) -> dict[str, Any]:
    """Everything a monitoring pack shows, as at ``as_at``, with changes counted over the period."""
    plan = PlanAsAt(area, as_at)
    measures = MeasuresAsAt(area, as_at)
    statuses = dict(Finding.Status.choices)
    kinds = dict(Finding.Kind.choices)
    judgement_labels = dict(Judgement.Outcome.choices)
    action_rows = {a_id: _action_row(plan, record, period_start) for a_id, record in plan.actions.items()}
    live = {Finding.Status.OPEN, Finding.Status.NOT_SUFFICIENT_PROGRESS}
    findings = []
    for record in sorted(
        plan.findings.values(),
        key=lambda f: (-(plan.inspections[f.inspection_id].start_date.toordinal()
                         if f.inspection_id in plan.inspections else 0), KIND_ORDER.get(f.kind, 9), f.reference),
    ):
        status = _finding_status(plan, record.id)
        inspection = plan.inspections.get(record.inspection_id)
        action_ids = {a for a, linked in plan.links.items() if record.id in linked}
        actions = sorted((action_rows[a] for a in action_ids), key=lambda r: (r["due"], r["reference"]))
        evidence = sorted(
            (e for e in plan.evidence if e.action_id in action_ids), key=lambda e: (e.added_at, e.id), reverse=True
        )
        findings.append({
            "id": record.id,
            "reference": record.reference,
            "kind": record.kind,
            "kind_label": kinds.get(record.kind, record.kind),
            "title": record.title,
            "text": record.text,
            "inspection": str(inspection.start_date.strftime("%B %Y")) if inspection else "",
            "status": status,
            "status_label": statuses.get(status, status),
            "is_live": status in live,
            "judgements": [
                {"on": _iso(j.judged_on), "outcome": j.outcome, "outcome_label": judgement_labels.get(j.outcome),
                 "text": j.text}
                for j in plan.judgements if j.finding_id == record.id
            ],
            "actions": actions,
            "evidence": [
                {"title": e.title, "added_on": _iso(e.added_at.date()), "action": plan.actions[e.action_id].reference,
                 "kind": "file" if e.file else "link", "in_period": e.added_at.date() >= period_start}
                for e in evidence[:MAX_EVIDENCE_PER_FINDING]
            ],
            "evidence_total": len(evidence),
            "success_measures": _success_rows(plan, measures, finding_id=record.id, action_ids=action_ids),
        })
    rows = list(action_rows.values())
    movement = Counter(_rag_movement(r) for r in rows)
    # The same counting as the dashboard's (improvement.plan_counts), over the plan as it stood on the day.
    counts = plan_counts(((r["status"], r["rag"], date.fromisoformat(r["due"]) if r["due"] else None) for r in rows),
                         on=as_at)
    rag_now = counts.open_by_rag
    all_missed = sum(len(r["milestones_missed"]) for r in rows)
    all_met = sum(len(r["milestones_met"]) for r in rows)
    outcomes = outcomes_as_at(measures)
    summary = {
        "findings_live": sum(1 for f in findings if f["is_live"]),
        "actions_total": counts.total,
        "actions_open": counts.open,
        "actions_completed_in_period": sum(1 for r in rows if r["completed_in_period"]),
        "actions_overdue": counts.overdue,
        "rag_on_track": rag_now.get(Action.Rag.ON_TRACK, 0),
        "rag_at_risk": rag_now.get(Action.Rag.AT_RISK, 0),
        "rag_off_track": rag_now.get(Action.Rag.OFF_TRACK, 0),
        "rag_better": movement.get("better", 0),
        "rag_worse": movement.get("worse", 0),
        "rag_same": movement.get("same", 0),
        "milestones_met": all_met,
        "milestones_missed": all_missed,
        "updates_in_period": sum(r["updates_in_period"] for r in rows),
        "measures_moved": _measures_moved(outcomes),
    }
    return {
        "area": {"name": area.name, "la_code": area.la_code, "region": area.get_region_display()},
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "as_at": as_at.isoformat(),
        "summary": summary,
        "findings": findings,
        "outcomes": outcomes,
        "voice": voice_as_at(area, period_start, as_at),
        "risks": risks_as_at(area, as_at),
        "sufficiency": sufficiency_now(area),
    }


def sufficiency_now(area: LocalArea) -> dict[str, Any] | None:
    """The specialist-places forecast in plain words, as it stands when the pack is drafted.

    A forecast has no history to replay as at a past day (it is remade from the latest DfE release), so the pack
    records the one made when it was drafted, with the January it starts from; issuing freezes it with the rest.
    """
    from sendhub.forecasting.selectors import area_summary  # reports reads forecasting, never the reverse

    summary = area_summary(area)
    if summary is None:
        return None
    return {"sentences": summary.sentences, "origin": summary.origin, "year": summary.year,
            "made_on": _iso(timezone.localdate())}


def _measures_moved(outcomes: dict[str, Any]) -> list[dict[str, Any]]:
    """The statutory measures whose latest value moved most against the year before (percentage points or %)."""
    moved = []
    for row in outcomes["measures"]:
        points = [p for p in row["series"] if p["value"] is not None]
        if len(points) < 2:
            continue
        before, after = points[-2], points[-1]
        change = after["value"] - before["value"]
        if row["unit"] == "percent":
            size = abs(change)
        else:
            size = abs(change) / abs(before["value"]) * 100 if before["value"] else 0.0
        improved = change > 0 if row["direction"] == "higher" else change < 0 if row["direction"] == "lower" else None
        moved.append({"measure": row["measure"], "title": row["title"], "unit": row["unit"], "from_period":
                      before["period"], "from": before["value"], "to_period": after["period"], "to": after["value"],
                      "change": round(change, 1), "size": round(size, 1), "improved": improved})
    moved.sort(key=lambda m: -m["size"])
    return moved[:3]


def draft_summary(content: dict[str, Any]) -> str:
    """A first draft of the executive summary, from the figures; the administrator rewrites it.

    Written for people: long dates, counts with separators, verbs agreeing with their count, acronyms kept."""
    s = content["summary"]
    start = long_date(content["period_start"])
    as_at = long_date(content["as_at"])
    done, total = s["actions_completed_in_period"], s["actions_total"]
    updates, open_ = s["updates_in_period"], s["actions_open"]
    overdue = s["actions_overdue"]
    paragraphs = [
        f"Between {start} and {as_at}, {count(done)} of the plan's {plural(total, 'action')} {was_were(done)} "
        f"completed and {plural(updates, 'progress update')} {was_were(updates)} recorded. On {as_at}, "
        f"{plural(open_, 'action')} {was_were(open_)} open: {count(s['rag_on_track'])} on track, "
        f"{count(s['rag_at_risk'])} at risk and {count(s['rag_off_track'])} off track; {count(overdue)} "
        f"{was_were(overdue)} past {'its' if overdue == 1 else 'their'} due date.",
        f"Since the start of the period, {plural(s['rag_better'], 'action')} improved "
        f"{'its' if s['rag_better'] == 1 else 'their'} RAG rating and {count(s['rag_worse'])} got worse. "
        f"{plural(s['milestones_met'], 'milestone')} {was_were(s['milestones_met'])} met and "
        f"{count(s['milestones_missed'])} {was_were(s['milestones_missed'])} missed.",
    ]
    if s["measures_moved"]:
        parts = []
        for m in s["measures_moved"]:
            unit = m["unit"]
            size = abs(m["change"])
            amount = (f"{size:,.1f} percentage point{'' if size == 1 else 's'}" if unit == "percent"
                      else number(size, unit))
            direction = f"went up {amount}" if m["change"] > 0 else f"went down {amount}" if m["change"] < 0 \
                else "was unchanged"
            parts.append(f"{in_sentence(m['title'])} {direction} ({m['from_period']}: {number(m['from'], unit)}; "
                         f"{m['to_period']}: {number(m['to'], unit)})")
        paragraphs.append("The statutory measures that moved most: " + "; ".join(parts) + ".")
    voice = content["voice"]
    if voice["themes"]:
        top = ", ".join(in_sentence(t["label"]) for t in voice["themes"][:3])
        paragraphs.append(f"Families sent {plural(voice['comments_in_period'], 'comment')} in the period; the most "
                          f"common themes were {top}.")
    return "\n\n".join(paragraphs)
