"""Reads for the public progress page and its staff screens.

What the public page may show, and nothing else
-----------------------------------------------
* the page's and each published finding's plain words, written by administrators;
* each finding's status in plain words, from ``Finding.status`` and how many of its actions are complete;
* the **titles and dates** of the finding's actions finished or updated in the last 6 months. The query reads
  only the action's id, title and status and the newest update's date: never commentary, RAG reasons, comments,
  evidence or who did anything. A title that looks as if it names a person (``voice.redaction``) is left out,
  and the staff preview says how many were;
* published measures: the area's figures by year (SEN2 measures, else DfE's published figure for the area) and
  England's published figure;
* published "You said, we did" entries.
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.cache import cache
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sendhub.accounts.models import LocalArea, Organisation
from sendhub.forecasting.selectors import area_summary
from sendhub.forecasting.summary import SufficiencySummary
from sendhub.improvement.models import Action, Finding
from sendhub.outcomes import benchmark
from sendhub.outcomes import selectors as outcome_selectors
from sendhub.outcomes.measures import MEASURES, Measure
from sendhub.progress.models import ProgressPage, PublishedFinding, PublishedMeasure
from sendhub.progress.wording import looks_personal
from sendhub.voice import coproduction
from sendhub.voice.models import YouSaidWeDid
from sendhub.web.charts import Series, line_chart

RECENT_MONTHS = 6
RECENT_PER_FINDING = 8  # enough to show momentum; the plan itself lists everything
MEASURE_YEARS = 5
YOU_SAID_WE_DID_SHOWN = 5


# Dates ------------------------------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (31 August less 6 months is 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Findings ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusWords:
    words: str
    colour: str  # a GOV.UK tag colour; the words always say the status, so colour is never the only cue


def status_words(status: str, done: int, total: int) -> StatusWords:
    """A finding's status in plain words, from the inspectors' latest view and the progress of its actions."""
    if status == Finding.Status.SUFFICIENT_PROGRESS:
        return StatusWords(_("Inspectors said we have made enough progress"), "green")
    if status == Finding.Status.NOT_SUFFICIENT_PROGRESS:
        return StatusWords(_("Inspectors said we need to do more. We are still working on this"), "orange")
    if status == Finding.Status.SUPERSEDED:
        return StatusWords(_("This is now part of a newer inspection finding"), "grey")
    if total == 0:
        return StatusWords(_("We are planning what to do"), "grey")
    if done >= total:
        return StatusWords(_("We have finished the work we planned. Inspectors will check it"), "turquoise")
    return StatusWords(_("We are working on this"), "blue")


@dataclass(frozen=True)
class RecentWork:
    title: str
    on: date
    finished: bool


@dataclass
class PublicFinding:
    pk: int
    title: str
    summary: str
    told_on: date  # when inspectors told us (the inspection's last day)
    status: StatusWords
    done: int
    total: int
    what_we_have_done: str
    recent: list[RecentWork] = field(default_factory=list)


@dataclass
class _ActionRows:
    done: dict[int, set[int]] = field(default_factory=dict)
    total: dict[int, set[int]] = field(default_factory=dict)
    recent: dict[int, list[RecentWork]] = field(default_factory=dict)
    withheld: set[int] = field(default_factory=set)


def _action_rows(area: LocalArea, finding_ids: list[int], since: datetime) -> _ActionRows:
    """One grouped query: per (action, finding) the action's title, status and newest update in the window."""
    rows = _ActionRows()
    if not finding_ids:
        return rows
    partners = organisation_names(area)
    query = (
        Action.objects.filter(area=area, findings__in=finding_ids)
        .exclude(status=Action.Status.CANCELLED)
        .values("pk", "title", "status", "findings")
        .annotate(last_update=Max("updates__created_at", filter=Q(updates__created_at__gte=since)))
        .order_by()
    )
    for row in query:
        finding_id, action_id = row["findings"], row["pk"]
        rows.total.setdefault(finding_id, set()).add(action_id)
        finished = row["status"] == Action.Status.COMPLETE
        if finished:
            rows.done.setdefault(finding_id, set()).add(action_id)
        if row["last_update"] is None:
            continue
        if looks_personal(row["title"], partners):
            rows.withheld.add(action_id)
            continue
        on = timezone.localdate(row["last_update"])
        rows.recent.setdefault(finding_id, []).append(RecentWork(row["title"], on, finished))
    return rows


def _most_telling(work: list[RecentWork]) -> list[RecentWork]:
    """Up to RECENT_PER_FINDING items, newest first: finished work before mere updates when there is too much."""
    by_date = sorted(work, key=lambda w: (w.on, w.title), reverse=True)
    chosen = ([w for w in by_date if w.finished] + [w for w in by_date if not w.finished])[:RECENT_PER_FINDING]
    return sorted(chosen, key=lambda w: (w.on, w.title), reverse=True)


def organisation_names(area: LocalArea) -> list[str]:
    """The area's partner organisations' names and short names: public, and never a person's name."""
    names = Organisation.objects.filter(area=area).values_list("name", "short_name")
    return [name for pair in names for name in pair if name]


def public_findings(area: LocalArea, today: date) -> tuple[list[PublicFinding], int]:
    """The published findings in page order, and how many action titles were left out as possibly personal."""
    items = list(
        PublishedFinding.objects.filter(area=area, is_published=True).select_related("finding__inspection")
    )
    since = timezone.make_aware(datetime.combine(months_before(today, RECENT_MONTHS), time.min))
    rows = _action_rows(area, [item.finding_id for item in items], since)
    findings = []
    for item in items:
        done = len(rows.done.get(item.finding_id, ()))
        total = len(rows.total.get(item.finding_id, ()))
        recent = _most_telling(rows.recent.get(item.finding_id, []))
        findings.append(
            PublicFinding(
                pk=item.pk,
                title=item.plain_title,
                summary=item.plain_summary,
                told_on=item.finding.inspection.end_date,
                status=status_words(item.finding.status, done, total),
                done=done,
                total=total,
                what_we_have_done=item.what_we_have_done,
                recent=recent,
            )
        )
    return findings, len(rows.withheld)


# Measures ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureYear:
    label: str
    area: str  # formatted; empty when there is no figure
    england: str


@dataclass
class PublicMeasure:
    pk: int
    explanation: str
    official_title: str
    latest: str | None
    latest_when: str | None
    england: str | None
    england_when: str | None
    years: list[MeasureYear]
    chart: SafeString | None
    chart_id: str


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{round(value):,}"


def _year_label(year: int, definition: Measure) -> str:
    # Stock measures (EHC plans, need and placement mix) are counted each January, at the census.
    if "at_date" in definition.period_kinds:
        return _("January %(year)d") % {"year": year}
    return str(year)


def benchmark_name(definition: Measure) -> str | None:
    """The DfE column as ``outcomes.benchmark`` names it (``FILE:COLUMN``: some columns are in two files)."""
    if not definition.dfe_column:
        return None
    stem = definition.dfe_file.removesuffix(".csv") if definition.dfe_file else ""
    return f"{stem}:{definition.dfe_column}" if stem else definition.dfe_column


def _published_figures(area: LocalArea, definition: Measure) -> tuple[dict[int, float], dict[int, float]]:
    """DfE's published figures by year: the area's and England's (empty without a release or the column)."""
    name = benchmark_name(definition)
    if name is None:
        return {}, {}
    try:
        rows = benchmark.benchmark(area, name)
    except benchmark.BenchmarkError:
        return {}, {}
    area_values = {r.year: r.area_value for r in rows if r.area_value is not None}
    england = {r.year: r.england for r in rows if r.england is not None}
    return area_values, england


def _area_figures(
    area: LocalArea, definition: Measure, latest: outcome_selectors.LatestValue | None
) -> dict[int, float]:
    """The area's SEN2 figures by year: whole years only (a return's own year is only its first weeks)."""
    kind = "year" if "year" in definition.period_kinds else "at_date"
    if latest is None:
        return {}
    figures: dict[int, float] = {}
    for point in outcome_selectors.measure_series(area, definition.name, period_kind=kind):
        if point.value is None or point.period > latest.period:
            continue
        figures[int(point.period[:4])] = point.value
    return figures


def public_measure(
    area: LocalArea, item: PublishedMeasure, latest: outcome_selectors.LatestValue | None
) -> PublicMeasure:
    """One key number: the latest figure, England's, and up to MEASURE_YEARS years as a table (and a chart)."""
    definition = MEASURES[item.measure]
    published_area, england = _published_figures(area, definition)
    # SEN2 figures are the area's own and the newest; DfE's published figure fills the years before them.
    area_values = published_area | _area_figures(area, definition, latest)
    years = sorted(set(area_values) | set(england))[-MEASURE_YEARS:]
    unit = definition.unit
    rows = [
        MeasureYear(
            label=_year_label(y, definition),
            area=format_value(area_values.get(y), unit),
            england=format_value(england.get(y), unit),
        )
        for y in years
    ]
    latest_year = max(area_values, default=None)
    england_year = None
    if england:
        england_year = latest_year if latest_year in england else max(england)
    chart_id = f"measure-{item.pk}"
    chart = None
    if len(years) >= 2:
        labels = [_year_label(y, definition) for y in years]
        chart = line_chart(
            [
                Series(area.name, [(label, area_values.get(y)) for label, y in zip(labels, years, strict=True)]),
                Series(_("England"), [(label, england.get(y)) for label, y in zip(labels, years, strict=True)]),
            ],
            title=item.plain_explanation,
            unit=unit,
            chart_id=f"{chart_id}-chart",
            width=560,
            height=220,
        )
    return PublicMeasure(
        pk=item.pk,
        explanation=item.plain_explanation,
        official_title=definition.title,
        latest=format_value(area_values[latest_year], unit) if latest_year is not None else None,
        latest_when=_year_label(latest_year, definition) if latest_year is not None else None,
        england=format_value(england[england_year], unit) if england_year is not None else None,
        england_when=_year_label(england_year, definition) if england_year is not None else None,
        years=rows,
        chart=chart,
        chart_id=chart_id,
    )


def public_measures(area: LocalArea) -> list[PublicMeasure]:
    items = [m for m in PublishedMeasure.objects.filter(area=area, is_published=True) if m.measure in MEASURES]
    if not items:
        return []
    latest = outcome_selectors.latest_values(area)
    return [public_measure(area, item, latest.get(item.measure)) for item in items]


# The whole page ---------------------------------------------------------------------------------------------


@dataclass
class PublicPage:
    area: LocalArea
    page: ProgressPage
    findings: list[PublicFinding]
    measures: list[PublicMeasure]
    you_said_we_did: list[YouSaidWeDid]
    more_you_said_we_did: bool
    last_updated: date | None
    withheld_titles: int
    school_places: SufficiencySummary | None = None  # the specialist-places forecast in plain words


def public_page(area: LocalArea, page: ProgressPage, today: date) -> PublicPage:
    """Everything the public page shows (the staff preview shows the same, published or not)."""
    findings, withheld = public_findings(area, today)
    measures = public_measures(area)
    entries = coproduction.published(area)
    # "Last updated": the newest change to anything the page shows (its words, its findings' and numbers'
    # words, the recent work listed, the newest "You said, we did").
    changes = [page.updated_at]
    for model in (PublishedFinding, PublishedMeasure):
        changes.append(model.objects.filter(area=area, is_published=True).aggregate(m=Max("updated_at"))["m"])
    days = [timezone.localdate(moment) for moment in changes if moment is not None]
    days += [work.on for finding in findings for work in finding.recent]
    days += [entry.published_on for entry in entries[:1] if entry.published_on]
    return PublicPage(
        area=area,
        page=page,
        findings=findings,
        measures=measures,
        you_said_we_did=entries[:YOU_SAID_WE_DID_SHOWN],
        more_you_said_we_did=len(entries) > YOU_SAID_WE_DID_SHOWN,
        last_updated=max(days, default=None),
        withheld_titles=withheld,
        school_places=area_summary(area),
    )


# Staff overview ---------------------------------------------------------------------------------------------


@dataclass
class FindingRow:
    finding: Finding
    published: PublishedFinding | None


def finding_rows(area: LocalArea) -> list[FindingRow]:
    """Every finding of the area, newest inspection first, with its plain words if any were written."""
    findings = Finding.objects.filter(area=area).select_related("inspection", "published").order_by(
        "-inspection__start_date", "reference"
    )
    return [FindingRow(f, getattr(f, "published", None)) for f in findings]


def page_for(area: LocalArea) -> ProgressPage:
    """The area's page, or an unsaved blank one before anyone has written it."""
    return ProgressPage.objects.filter(area=area).first() or ProgressPage(area=area)


# The public page, cached ---------------------------------------------------------------------------------------

# Families open this page from newsletters and social media in bursts, and each build reads the whole plan and the
# DfE benchmarks. It is kept for five minutes: what administrators choose to publish shows at once (their saves
# start a new version), while progress recorded on actions may take up to five minutes to appear.
PUBLIC_PAGE_SECONDS = 300


def _version_key(area_id: int) -> str:
    return f"progress:public-version:{area_id}"


def forget_public_page(area_id: int) -> None:
    """Start a new version of the area's cached public page (its administrators changed what it shows)."""
    cache.set(_version_key(area_id), uuid.uuid4().hex, None)


def cached_public_page(area: LocalArea, page: ProgressPage, today: date) -> PublicPage:
    version = cache.get_or_set(_version_key(area.pk), lambda: uuid.uuid4().hex, None)
    key = f"progress:public:{area.pk}:{today.isoformat()}:{version}"
    result = cache.get(key)
    if result is None:
        result = public_page(area, page, today)
        cache.set(key, result, PUBLIC_PAGE_SECONDS)
    return result
