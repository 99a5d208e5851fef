"""Reads for the parent carer voice insight pages: what families say, by theme, over time, by district and part.

A comment counts towards a theme when a person confirmed the theme, or the classifier suggested it with at least
``SENDHUB_VOICE_TAG_THRESHOLD`` confidence (0.5 by default) and nobody has rejected it; ``summary`` says how many of
the counted tags are machine suggestions nobody has confirmed, and the pages say so next to the counts. Every
function here is a
few aggregate queries, whatever the number of comments: no loop over comments in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from sendhub.accounts.models import LocalArea
from sendhub.voice.models import Comment, CommentTag, Sentiment, SystemPart, Theme

THEME_LABELS = dict(Theme.choices)
PART_LABELS = dict(SystemPart.choices)
SENTIMENT_LABELS = dict(Sentiment.choices)
RECENT_MONTHS = 3
PREVIOUS_MONTHS = 6
EMERGING_MIN_COUNT = 10
EMERGING_MIN_RISE = 1.25  # the recent monthly rate must be at least 25% above the earlier one


def tag_threshold() -> float:
    return float(getattr(settings, "SENDHUB_VOICE_TAG_THRESHOLD", 0.5))


def counted_tag_q(prefix: str = "") -> Q:
    """Tags that count: confirmed by a person, or suggested confidently enough; never rejected ones."""
    return Q(**{f"{prefix}rejected": False}) & (
        Q(**{f"{prefix}confirmed": True}) | Q(**{f"{prefix}confidence__gte": tag_threshold()})
    )


def counted_tags(area: LocalArea) -> QuerySet[CommentTag]:
    return CommentTag.objects.filter(counted_tag_q(), comment__area=area)


def needs_review_q() -> Q:
    """A comment needs review while any suggested theme is neither confirmed nor rejected."""
    return Q(Exists(CommentTag.objects.filter(comment=OuterRef("pk"), confirmed=False, rejected=False)))


def visible_comments(area: LocalArea, *, administrator: bool) -> QuerySet[Comment]:
    """Comments a member may read. Comments flagged for safeguarding are for the area's administrators only."""
    comments = Comment.objects.filter(area=area)
    return comments if administrator else comments.filter(safeguarding=False)


# Periods -------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # first day of the next period
    label: str

    @property
    def key(self) -> date:
        return self.start


def period_start(day: date, kind: str) -> date:
    if kind == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, day.month, 1)


def period_label(start: date, kind: str) -> str:
    if kind == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return start.strftime("%b %Y")


def last_periods(today: date, *, kind: str, count: int) -> list[Period]:
    """The ``count`` months or quarters ending with the one ``today`` is in, oldest first."""
    step = 3 if kind == "quarter" else 1
    current = period_start(today, kind)
    starts = [add_months(current, -step * n) for n in range(count - 1, -1, -1)]
    return [Period(s, add_months(s, step), period_label(s, kind)) for s in starts]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


# Headline figures ----------------------------------------------------------------------------------------


@dataclass
class Summary:
    total: int
    last_12_months: int
    needs_review: int
    safeguarding_pending: int
    counted_tags: int = 0  # theme tags that count on the insight pages
    suggested_tags: int = 0  # of those, the model's suggestions that no person has confirmed yet

    @property
    def suggested_percent(self) -> int:
        return round(100 * self.suggested_tags / self.counted_tags) if self.counted_tags else 0


def summary(area: LocalArea, *, today: date) -> Summary:
    year_ago = _aware(add_months(today, -12))
    figures = Comment.objects.filter(area=area).aggregate(
        total=Count("pk"),
        last_12_months=Count("pk", filter=Q(received_at__gte=year_ago)),
        safeguarding_pending=Count("pk", filter=Q(safeguarding=True, safeguarding_reviewed_at__isnull=True)),
    )
    needs_review = (
        CommentTag.objects.filter(comment__area=area, confirmed=False, rejected=False)
        .values("comment_id")
        .distinct()
        .count()
    )
    tags = counted_tags(area).aggregate(counted_tags=Count("pk"), suggested_tags=Count("pk", filter=Q(confirmed=False)))
    return Summary(needs_review=needs_review, **figures, **tags)


@dataclass
class SentimentRow:
    key: str
    label: str
    count: int
    percent: float


def sentiment_split(area: LocalArea, *, since: date | None = None) -> list[SentimentRow]:
    comments = Comment.objects.filter(area=area)
    if since:
        comments = comments.filter(received_at__gte=_aware(since))
    counts = dict(comments.values_list("sentiment").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    rows = [SentimentRow(k, str(label), counts.get(k, 0), 0.0) for k, label in Sentiment.choices]
    if counts.get(""):
        rows.append(SentimentRow("", "Not known", counts[""], 0.0))
    for row in rows:
        row.percent = round(100 * row.count / total, 1) if total else 0.0
    return rows


# Themes over time ----------------------------------------------------------------------------------------


def _month_bucket(field_name: str, months: list[date]):
    """An expression giving the first day of each row's (local) month.

    PostgreSQL truncates natively. SQLite's date functions are Python callbacks (slow over many rows), so there
    the month is found by a balanced tree of comparisons with the month boundaries: six comparisons for 40
    months, exact in local time.
    """
    from django.db import connection
    from django.db.models import Case, IntegerField, Value, When

    if connection.vendor != "sqlite":
        return TruncMonth(field_name, tzinfo=timezone.get_current_timezone())
    bounds = [_aware(m) for m in months] + [_aware(add_months(months[-1], 1))]

    def tree(lo: int, hi: int):
        if hi - lo == 1:
            return Value(lo, output_field=IntegerField())
        mid = (lo + hi) // 2
        return Case(
            When(**{f"{field_name}__lt": bounds[mid]}, then=tree(lo, mid)),
            default=tree(mid, hi),
            output_field=IntegerField(),
        )

    return tree(0, len(months))


def month_theme_counts(area: LocalArea, *, first_month: date, today: date, themes=None) -> dict[tuple[date, str], int]:
    """Counted tags per (first day of month, theme) from ``first_month`` to today's month: one grouped query."""
    months = [first_month]
    while months[-1] < period_start(today, "month"):
        months.append(add_months(months[-1], 1))
    tags = counted_tags(area).filter(
        comment__received_at__gte=_aware(months[0]), comment__received_at__lt=_aware(add_months(months[-1], 1))
    )
    if themes is not None:
        tags = tags.filter(theme__in=themes)
    grouped = (
        tags.annotate(month=_month_bucket("comment__received_at", months))
        .values_list("month", "theme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[date, str], int] = {}
    for month, theme, n in grouped:
        key = months[month] if isinstance(month, int) else period_start(_as_date(month), "month")
        counts[(key, theme)] = counts.get((key, theme), 0) + n
    return counts


@dataclass
class ThemeRow:
    theme: str
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Timeline:
    periods: list[Period]
    rows: list[ThemeRow]

    def top(self, n: int) -> list[ThemeRow]:
        return sorted(self.rows, key=lambda r: (-r.total, r.label))[:n]

    @property
    def totals(self) -> list[int]:
        return [sum(row.counts[i] for row in self.rows) for i in range(len(self.periods))]


def timeline_from(counts: dict[tuple[date, str], int], periods: list[Period], themes: list[str]) -> Timeline:
    rows = []
    for theme in themes:
        values = [0] * len(periods)
        for i, period in enumerate(periods):
            month = period.start
            while month < period.end:
                values[i] += counts.get((month, theme), 0)
                month = add_months(month, 1)
        rows.append(ThemeRow(theme, str(THEME_LABELS.get(theme, theme)), values))
    return Timeline(periods, rows)


def themes_over_time(
    area: LocalArea, *, today: date, kind: str = "quarter", count: int = 12, themes: list[str] | None = None
) -> Timeline:
    """Comments per theme in each of the last ``count`` months or quarters (the current one so far)."""
    periods = last_periods(today, kind=kind, count=count)
    counts = month_theme_counts(area, first_month=periods[0].start, today=today, themes=themes)
    return timeline_from(counts, periods, themes if themes is not None else list(Theme.values))


# By district and by part of the system -----------------------------------------------------------------


@dataclass
class DistrictRow:
    district: str
    comments: int = 0
    negative: int = 0
    positive: int = 0
    themes: list[tuple[str, str, int]] = field(default_factory=list)  # (key, label, count), most first

    @property
    def negative_percent(self) -> float:
        return round(100 * self.negative / self.comments, 1) if self.comments else 0.0

    @property
    def positive_percent(self) -> float:
        return round(100 * self.positive / self.comments, 1) if self.comments else 0.0


def by_district(area: LocalArea, *, since: date | None = None, top: int = 3) -> list[DistrictRow]:
    """Comments, sentiment and the most mentioned themes in each district (two grouped queries)."""
    comments = Comment.objects.filter(area=area)
    tags = counted_tags(area)
    if since:
        comments = comments.filter(received_at__gte=_aware(since))
        tags = tags.filter(comment__received_at__gte=_aware(since))
    rows: dict[str, DistrictRow] = {}
    for district, n, negative, positive in (
        comments.values_list("district")
        .annotate(
            n=Count("pk"),
            negative=Count("pk", filter=Q(sentiment=Sentiment.NEGATIVE)),
            positive=Count("pk", filter=Q(sentiment=Sentiment.POSITIVE)),
        )
        .order_by()
    ):
        rows[district] = DistrictRow(district or "Not given", n, negative, positive)
    for district, theme, n in tags.values_list("comment__district", "theme").annotate(n=Count("pk")).order_by():
        row = rows.get(district)
        if row is not None:
            row.themes.append((theme, str(THEME_LABELS.get(theme, theme)), n))
    for row in rows.values():
        row.themes = sorted(row.themes, key=lambda t: (-t[2], t[1]))[:top]
    named = sorted((r for key, r in rows.items() if key), key=lambda r: r.district)
    return named + ([rows[""]] if "" in rows else [])


@dataclass
class PartRow:
    part: str
    label: str
    comments: int
    negative: int
    neutral: int
    positive: int

    @property
    def negative_percent(self) -> float:
        return round(100 * self.negative / self.comments, 1) if self.comments else 0.0


def by_part(area: LocalArea, *, since: date | None = None) -> list[PartRow]:
    """Comments about each part of the system by sentiment: one query grouped by sentiment.

    ``parts`` is a JSON list; matching its text for the quoted key works the same on SQLite and PostgreSQL.
    """
    comments = Comment.objects.filter(area=area).annotate(parts_text=Cast("parts", TextField()))
    if since:
        comments = comments.filter(received_at__gte=_aware(since))
    aggregates = {part: Count("pk", filter=Q(parts_text__contains=f'"{part}"')) for part in SystemPart.values}
    by_sentiment = {
        sentiment: counts
        for sentiment, *counts in comments.values_list("sentiment").annotate(**aggregates).order_by()
    }
    rows = []
    for i, (part, label) in enumerate(SystemPart.choices):
        per = {s: counts[i] for s, counts in by_sentiment.items()}
        rows.append(
            PartRow(
                part,
                str(label),
                sum(per.values()),
                per.get(Sentiment.NEGATIVE, 0),
                per.get(Sentiment.NEUTRAL, 0),
                per.get(Sentiment.POSITIVE, 0),
            )
        )
    return rows


# Emerging themes ---------------------------------------------------------------------------------------


@dataclass
class EmergingTheme:
    theme: str
    label: str
    recent: int  # comments in the last RECENT_MONTHS months
    previous: int  # comments in the PREVIOUS_MONTHS months before that

    @property
    def recent_rate(self) -> float:
        return self.recent / RECENT_MONTHS

    @property
    def previous_rate(self) -> float:
        return self.previous / PREVIOUS_MONTHS

    @property
    def rise(self) -> float | None:
        """How many times the earlier monthly rate the recent one is; None when the theme is new."""
        return self.recent_rate / self.previous_rate if self.previous else None

    @property
    def rise_percent(self) -> int | None:
        return round(100 * (self.rise - 1)) if self.rise is not None else None


def theme_windows(today: date) -> tuple[date, date, date]:
    """(first day of the earlier window, first day of the recent window, first day of this month).

    Both windows are whole calendar months before the current one, so the figures match the monthly tables.
    """
    this_month = period_start(today, "month")
    recent_start = add_months(this_month, -RECENT_MONTHS)
    return add_months(recent_start, -PREVIOUS_MONTHS), recent_start, this_month


def emerging_from(
    counts: dict[tuple[date, str], int], *, today: date, min_count: int = EMERGING_MIN_COUNT
) -> list[EmergingTheme]:
    previous_start, recent_start, this_month = theme_windows(today)
    rising = []
    for theme in Theme.values:
        recent = previous = 0
        for (month, key), n in counts.items():
            if key != theme:
                continue
            if recent_start <= month < this_month:
                recent += n
            elif previous_start <= month < recent_start:
                previous += n
        row = EmergingTheme(theme, str(THEME_LABELS.get(theme, theme)), recent, previous)
        if recent >= min_count and (row.rise is None or row.rise >= EMERGING_MIN_RISE):
            rising.append(row)
    return sorted(rising, key=lambda r: (r.rise is not None, -(r.rise or 0), -r.recent, r.label))


def emerging_themes(area: LocalArea, *, today: date, min_count: int = EMERGING_MIN_COUNT) -> list[EmergingTheme]:
    """Themes whose volume is rising fastest: the last 3 whole months' monthly rate against the 6 months before.

    A theme is emerging when it has at least ``min_count`` comments in the last 3 whole months and its monthly
    rate is at least 25% above the earlier one (or it had none before). New themes first, then fastest rise.
    """
    previous_start, _, _ = theme_windows(today)
    return emerging_from(
        month_theme_counts(area, first_month=previous_start, today=today), today=today, min_count=min_count
    )


# One theme ---------------------------------------------------------------------------------------------


def example_comments(area: LocalArea, theme: str, *, limit: int = 6) -> list[Comment]:
    """Recent comments on a theme, redacted text only; confirmed ones first. Flagged comments are never examples."""
    ids = list(
        CommentTag.objects.filter(counted_tag_q(), theme=theme, comment__area=area, comment__safeguarding=False)
        .order_by("-confirmed", "-comment__received_at")
        .values_list("comment_id", flat=True)[:limit]
    )
    by_id = Comment.objects.only("pk", "area_id", "text", "received_at", "district", "sentiment").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def theme_total(area: LocalArea, theme: str) -> int:
    return counted_tags(area).filter(theme=theme).count()


def findings_for_theme(area: LocalArea, theme: str):
    """Improvement plan findings linked to comments on this theme, with how many such comments each has."""
    from sendhub.improvement.models import Finding

    return (
        Finding.objects.filter(area=area, comments__area=area, comments__tags__theme=theme)
        .filter(counted_tag_q("comments__tags__"))
        .annotate(comment_count=Count("comments", distinct=True))
        .select_related("inspection")
        .order_by("inspection__start_date", "reference")
    )


# The comments list ---------------------------------------------------------------------------------------


def comment_list(area: LocalArea, *, administrator: bool, filters: dict) -> QuerySet[Comment]:
    """Comments newest first, filtered. Tags come in one prefetch; the template never queries per comment."""
    from django.db.models import Prefetch

    comments = visible_comments(area, administrator=administrator)
    if filters.get("theme"):
        comments = comments.filter(
            Exists(CommentTag.objects.filter(counted_tag_q(), comment=OuterRef("pk"), theme=filters["theme"]))
        )
    if filters.get("sentiment"):
        comments = comments.filter(sentiment=filters["sentiment"])
    if filters.get("district"):
        comments = comments.filter(district=filters["district"])
    if filters.get("part"):
        comments = comments.annotate(parts_text=Cast("parts", TextField())).filter(
            parts_text__contains=f'"{filters["part"]}"'
        )
    if filters.get("received_from"):
        comments = comments.filter(received_at__gte=_aware(filters["received_from"]))
    if filters.get("received_to"):
        comments = comments.filter(received_at__lt=_aware(filters["received_to"] + timedelta(days=1)))
    if filters.get("needs_review"):
        comments = comments.filter(needs_review_q())
    if filters.get("safeguarding") and administrator:
        comments = comments.filter(safeguarding=True)
    return comments.order_by("-received_at", "-pk").prefetch_related(
        Prefetch("tags", queryset=CommentTag.objects.filter(rejected=False).order_by("-confirmed", "-confidence"))
    )


def districts(area: LocalArea) -> list[str]:
    return list(
        Comment.objects.filter(area=area).exclude(district="").values_list("district", flat=True).distinct().order_by(
            "district"
        )
    )


def safeguarding_queue(area: LocalArea, *, limit: int = 20) -> list[Comment]:
    return list(
        Comment.objects.filter(area=area, safeguarding=True, safeguarding_reviewed_at__isnull=True).order_by(
            "received_at"
        )[:limit]
    )


# The overview, cached ----------------------------------------------------------------------------------


@dataclass
class Overview:
    summary: Summary
    sentiment: list[SentimentRow]
    timeline: Timeline
    districts: list[DistrictRow]
    parts: list[PartRow]
    emerging: list[EmergingTheme]
    since: date  # breakdowns (sentiment, district, part) cover comments received since this day
    windows: tuple[date, date, date]


CACHE_SECONDS = 15 * 60


def _generation_key(area: LocalArea) -> str:
    return f"voice:insights:generation:{area.pk}"


def changed(area: LocalArea) -> None:
    """Call after writing tags or comments outside the usual paths: the next page view recomputes."""
    from django.core.cache import cache

    try:
        cache.incr(_generation_key(area))
    except ValueError:
        cache.set(_generation_key(area), 1, None)


def data_version(area: LocalArea) -> str:
    """Cheap to compute (index lookups), and different whenever a comment is added or a tag changes through the
    models (django-simple-history records every tag change); ``changed()`` covers bulk writes."""
    from django.core.cache import cache
    from django.db.models import Max

    comments = Comment.objects.filter(area=area).aggregate(n=Count("pk"), last=Max("pk"))
    history = CommentTag.history.model.objects.aggregate(last=Max("history_id"))["last"]
    last_tag = CommentTag.objects.aggregate(last=Max("pk"))["last"]
    generation = cache.get(_generation_key(area), 0)
    return f"{comments['n']}.{comments['last']}.{history}.{last_tag}.{generation}"


def _cached(key: str, area: LocalArea, compute):
    from django.core.cache import cache

    full_key = f"voice:insights:{area.pk}:{key}:{data_version(area)}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, CACHE_SECONDS)
    return value


def overview(area: LocalArea, *, today: date, quarters: int = 12) -> Overview:
    """Everything the voice overview shows, computed in six grouped queries and cached until the data changes."""

    def compute() -> Overview:
        periods = last_periods(today, kind="quarter", count=quarters)
        first_month = min(periods[0].start, theme_windows(today)[0])
        counts = month_theme_counts(area, first_month=first_month, today=today)
        since = add_months(today, -12)
        return Overview(
            summary=summary(area, today=today),
            sentiment=sentiment_split(area, since=since),
            timeline=timeline_from(counts, periods, list(Theme.values)),
            districts=by_district(area, since=since),
            parts=by_part(area, since=since),
            emerging=emerging_from(counts, today=today),
            since=since,
            windows=theme_windows(today),
        )

    return _cached(f"overview:{today}:{quarters}", area, compute)


@dataclass
class ThemePage:
    timeline: Timeline
    total: int
    examples: list[Comment]
    findings: list


def theme_page(area: LocalArea, theme: str, *, today: date, months: int = 36) -> ThemePage:
    """A theme's monthly volume, total, example comments and linked findings, cached until the data changes."""
    return _cached(
        f"theme:{theme}:{today}:{months}",
        area,
        lambda: ThemePage(
            timeline=themes_over_time(area, today=today, kind="month", count=months, themes=[theme]),
            total=theme_total(area, theme),
            examples=example_comments(area, theme),
            findings=list(findings_for_theme(area, theme)),
        ),
    )


def cached_districts(area: LocalArea) -> list[str]:
    return _cached("districts", area, lambda: districts(area))
