"""Reads shared by the improvement pages: one query per list, no query per row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from sendhub.accounts.models import LocalArea
from sendhub.improvement.models import (
    Action,
    Comment,
    Evidence,
    Finding,
    Inspection,
    Judgement,
    Milestone,
    ProgressUpdate,
)
from sendhub.improvement.plan_counts import plan_counts


@dataclass
class Dashboard:
    findings_by_kind_and_status: list[dict]
    open_findings: int
    rag_counts: dict[str, int]
    status_counts: dict[str, int]
    overdue_actions: list[Action]
    overdue_count: int
    milestones_due: list[Milestone]
    recent_updates: list[ProgressUpdate]
    total_actions: int


def current_findings(area: LocalArea) -> QuerySet[Finding]:
    return Finding.objects.filter(area=area).select_related("inspection", "area")


def dashboard(area: LocalArea, today: date, *, horizon_days: int = 30, limit: int = 10) -> Dashboard:
    findings = list(
        Finding.objects.filter(area=area).values("kind", "status").annotate(n=Count("pk")).order_by("kind", "status")
    )
    kind_labels, status_labels = dict(Finding.Kind.choices), dict(Finding.Status.choices)
    for row in findings:
        row["kind_label"], row["status_label"] = kind_labels[row["kind"]], status_labels[row["status"]]
    actions = Action.objects.filter(area=area)
    # One definition of the plan's counts, shared with the monitoring pack (improvement.plan_counts).
    counts = plan_counts(actions.values_list("status", "rag", "due_date"), on=today)
    rag_counts = dict.fromkeys(Action.Rag.values, 0) | counts.open_by_rag
    status_counts = dict.fromkeys(Action.Status.values, 0) | counts.by_status
    overdue = actions.overdue(today).select_related("owner", "lead", "area").order_by("due_date", "reference")
    milestones = (
        Milestone.objects.filter(
            action__area=area,
            completed_on__isnull=True,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=horizon_days),
        )
        .select_related("action", "action__owner", "action__area")
        .order_by("due_date", "pk")
    )
    updates = (
        ProgressUpdate.objects.filter(action__area=area)
        .select_related("action", "action__area", "author")
        .order_by("-created_at", "-pk")
    )
    return Dashboard(
        findings_by_kind_and_status=findings,
        open_findings=sum(r["n"] for r in findings if r["status"] in {"open", "not_sufficient_progress"}),
        rag_counts=rag_counts,
        status_counts=status_counts,
        overdue_actions=list(overdue[:limit]),
        overdue_count=counts.overdue,
        milestones_due=list(milestones[: limit * 2]),
        recent_updates=list(updates[:limit]),
        total_actions=counts.total,
    )


def action_list(area: LocalArea, *, today: date, filters: dict | None = None) -> QuerySet[Action]:
    filters = filters or {}
    actions = (
        Action.objects.filter(area=area)
        .select_related("owner", "lead", "area")
        .prefetch_related(Prefetch("findings", queryset=Finding.objects.only("pk", "reference", "area_id")))
        .annotate(last_update_at=Max("updates__created_at"))
    )
    if filters.get("q"):
        actions = actions.filter(Q(title__icontains=filters["q"]) | Q(reference__iexact=filters["q"]))
    if filters.get("finding"):
        actions = actions.filter(findings=filters["finding"])
    if filters.get("owner"):
        actions = actions.filter(owner=filters["owner"])
    if filters.get("status"):
        actions = actions.filter(status=filters["status"])
    if filters.get("rag"):
        actions = actions.filter(rag=filters["rag"])
    if filters.get("overdue"):
        actions = actions.filter(pk__in=Action.objects.filter(area=area).overdue(today).values("pk"))
    return actions.order_by("due_date", "reference")


def finding_list(area: LocalArea) -> QuerySet[Finding]:
    return (
        Finding.objects.filter(area=area)
        .select_related("inspection", "area")
        .annotate(
            action_count=Count("actions", distinct=True),
            open_action_count=Count("actions", filter=~Q(actions__status__in=["complete", "cancelled"]), distinct=True),
        )
        .order_by("-inspection__start_date", "reference")
    )


def finding_detail(area: LocalArea, pk: int) -> Finding:
    return (
        Finding.objects.filter(area=area)
        .select_related("inspection", "area")
        .prefetch_related(
            "responsible_organisations",
            Prefetch(
                "judgements",
                queryset=Judgement.objects.select_related("inspection", "inspection__area").order_by("judged_on"),
            ),
            Prefetch("actions", queryset=Action.objects.select_related("owner", "lead", "area").order_by("due_date")),
        )
        .get(pk=pk)
    )


def inspection_list(area: LocalArea) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(area=area)
        .select_related("area")
        .annotate(finding_count=Count("findings"))
        .order_by("-start_date")
    )


def action_detail(area: LocalArea, pk: int) -> Action:
    return (
        Action.objects.filter(area=area)
        .select_related("owner", "lead", "area")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("inspection", "area")),
            "milestones",
            Prefetch("updates", queryset=ProgressUpdate.objects.select_related("author").prefetch_related("evidence")),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
            "evidence",
        )
        .get(pk=pk)
    )


def evidence_for_finding(finding: Finding):
    return (
        Evidence.objects.filter(action__findings=finding)
        .select_related("action", "action__area")
        .order_by("-added_at")[:50]
    )


def actions_led_by(area: LocalArea, user) -> QuerySet[Action]:
    """'My actions': those the person leads, or (for an editor) those their organisation owns."""
    membership = user.memberships.filter(area=area).first()
    condition = Q(lead=user)
    if membership and membership.organisation_id:
        condition |= Q(owner_id=membership.organisation_id)
    return (
        Action.objects.filter(area=area)
        .filter(condition)
        .select_related("owner", "lead", "area")
        .annotate(last_update_at=Max("updates__created_at"))
        .order_by("due_date", "reference")
    )
