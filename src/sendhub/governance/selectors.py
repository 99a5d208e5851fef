"""Reads for the board's pages: always filtered by the area, with the relations each page shows prefetched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from sendhub.accounts.models import LocalArea
from sendhub.governance.models import ActionArising, AgendaItem, Board, Decision, Meeting, Paper
from sendhub.improvement.models import Action, Finding
from sendhub.outcomes.measures import MEASURES
from sendhub.reports.models import MonitoringReport


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None


def board(area: LocalArea) -> Board | None:
    return Board.objects.filter(area=area).first()


def _meetings(area: LocalArea) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(area=area)
        .select_related("board", "area", "minutes_approved_at_meeting__board")
        .annotate(
            item_count=Count("agenda_items", distinct=True),
            open_arising_count=Count(
                "actions_arising", filter=Q(actions_arising__status=ActionArising.Status.OPEN), distinct=True
            ),
        )
    )


def upcoming_meetings(area: LocalArea, today: date) -> QuerySet[Meeting]:
    """Meetings from today on, soonest first (cancelled ones too, so nobody turns up to them)."""
    return _meetings(area).filter(held_on__gte=today).order_by("held_on", "pk")


def past_meetings(area: LocalArea, today: date) -> QuerySet[Meeting]:
    return _meetings(area).filter(held_on__lt=today).order_by("-held_on", "-pk")


def meeting(area: LocalArea, pk: int) -> Meeting:
    """One meeting of the area; Meeting.DoesNotExist for an id from another area."""
    return Meeting.objects.select_related("board", "area", "minutes_approved_at_meeting__board").get(
        area=area, pk=pk
    )


def meeting_detail(area: LocalArea, pk: int) -> Meeting:
    """A meeting with its agenda (and what each item links to), papers, decisions and actions arising."""
    items = AgendaItem.objects.prefetch_related(
        Prefetch("findings", queryset=Finding.objects.select_related("area").order_by("reference")),
        Prefetch("actions", queryset=Action.objects.select_related("area").order_by("reference")),
        Prefetch("reports", queryset=MonitoringReport.objects.select_related("area").order_by("-as_at")),
    )
    return (
        Meeting.objects.filter(area=area, pk=pk)
        .select_related("board", "area", "minutes_approved_at_meeting__board")
        .prefetch_related(
            Prefetch("agenda_items", queryset=items),
            Prefetch("papers", queryset=Paper.objects.select_related("agenda_item")),
            Prefetch("decisions", queryset=Decision.objects.select_related("agenda_item")),
            Prefetch(
                "actions_arising",
                queryset=ActionArising.objects.select_related("owner", "agenda_item", "plan_action__area"),
            ),
            Prefetch("minutes_approved", queryset=Meeting.objects.select_related("board").order_by("held_on")),
        )
        .get()
    )


def measure_links(area: LocalArea, names: list[str]) -> list[Link]:
    """Outcome measures named on an agenda item, each linked to the measure's page in Outcomes."""
    return [
        Link(MEASURES[name].title, reverse("outcomes:measure-detail", args=[area.slug, name]))
        for name in names
        if name in MEASURES
    ]


def report_link(report: MonitoringReport) -> Link:
    """A monitoring report, linked to its page when the reports app provides one (it is built separately)."""
    try:
        url = report.get_absolute_url()
    except NoReverseMatch:
        url = None
    return Link(report.title, url)


def next_reference(area: LocalArea) -> str:
    """The first free "A<number>" reference after the highest one in use, e.g. A61."""
    numbers = [
        int(ref[1:]) for ref in Action.objects.filter(area=area).values_list("reference", flat=True)
        if ref[:1].upper() == "A" and ref[1:].isdigit()
    ]
    return f"A{max(numbers, default=0) + 1:02d}"
