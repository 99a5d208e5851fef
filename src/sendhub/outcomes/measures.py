"""Statutory EHC measures computed from a SEN2 return: one definition per measure, named as DfE names them.

Pure Python (no Django): plain frozen dataclasses in, plain numbers out, so every definition is tested on small
hand-built rows. ``docs/measures.md`` states each definition in words; this module is the definition.

How a definition is written
---------------------------
Every measure belongs to a *group*. A group fixes:

* which rows it looks at (requests or active plans),
* the *assignment date* that puts a row into a period (e.g. ReceivedDate for request measures, the plan's
  StartDate for 20-week timeliness), or the return's reference date for stock ("at_date") measures,
* a ``flags(row)`` function naming the conditions the row meets (e.g. ``"within_20_weeks"``).

A measure is then a count of rows with a flag (``numerator``), optionally over a count of rows with another flag
(``denominator``); percent measures give ``round(100 * numerator / denominator, 1)`` and ``None`` when the
denominator is 0. A flag may also be a pair ``(name, amount)``: it adds ``amount`` to ``name`` instead of 1 (the
days from request to plan, summed for the average weeks to issue a plan: unit ``weeks``, value
``round(numerator / 7 / denominator, 1)``). :func:`evaluate` applies one measure to rows by filtering and
counting; :func:`compute_all` computes every measure for every period and breakdown in one pass over the rows,
using the same ``flags`` functions, so the two can never disagree. The measures themselves are written as one
table of named fields in ``measure_table.py``; ``MEASURES`` is built from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

# The definitions themselves are one table, in measure_table.py (NEED_CODES is read from here too).
from sendhub.outcomes.measure_table import CEASE_COLUMNS, NEED_TITLES, TABLE, Definition
from sendhub.outcomes.measure_table import NEED_CODES as NEED_CODES
from sendhub.outcomes.placements import SPECIAL_ACADEMY_FREE, TOTALS

# Statutory time limits in days -------------------------------------------------------------------------------
SIX_WEEKS = 42  # reg 5(1): decide whether to assess
TWENTY_WEEKS = 140  # reg 13(2): issue the final plan
SIXTEEN_WEEKS = 112  # reg 10(1): tell the family no plan will be issued
FIFTY_TWO_WEEKS = 364  # DfE's "more than 52 weeks" (plans_issued_gt_1_year): d > 364 days
FOUR_WEEKS = 28  # reg 20/22: decision after an annual review meeting

TOTAL = "Total"
UNKNOWN = "Unknown"

BREAKDOWN_TOPICS = ("total", "district", "age_band", "primary_need")

AGE_BANDS = ("Under age 5", "Age 5 to 10", "Age 11 to 15", "Age 16 to 19", "Age 20 to 25")

# Each caseload.csv placement column, and the total it adds into (nm_early_years and placement_unknown are both).
COLUMN_TOTAL = {name: total for total, (_title, members) in TOTALS.items() for name, _t in members}

PeriodKind = Literal["year", "month", "at_date"]
FLOW = ("year", "month")
STOCK = ("at_date",)


# Input rows ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One SEN2 ``Requests`` item with its ``Assessment`` and ``NamedPlan`` (SEN2 holds at most one of each).

    ``district``: the person's postcode district; ``age_band``: from the age at ReceivedDate (:func:`age_band`);
    ``primary_need``: the person's rank-1 SENtype if they have an active plan in the return, else ``Unknown``.
    """

    received_date: date
    request_outcome_date: date | None = None
    request_outcome: str = ""  # A assess, B not assess, W withdrawn, H historical, "" pending
    assessment_outcome: str = ""  # Y issue, N not issue, W withdrawn, S issued after another LA's, H, "" ongoing
    assessment_outcome_date: date | None = None
    week20: bool = False  # an exception to the 20-week limit applies
    plan_start_date: date | None = None  # NamedPlan/StartDate: the date the final plan was issued
    plan_cease_date: date | None = None  # NamedPlan/CeaseDate
    plan_cease_reason: int | None = None  # NamedPlan/CeaseReason, 1 to 9
    request_mediation: bool = False
    request_tribunal: bool = False
    assessment_mediation: bool = False
    assessment_tribunal: bool = False
    other_mediation: bool = False
    other_tribunal: bool = False
    district: str = UNKNOWN
    age_band: str = UNKNOWN
    primary_need: str = UNKNOWN


@dataclass(frozen=True, slots=True)
class ActivePlanRow:
    """One SEN2 ``ActivePlans`` item: an EHC plan active at some time in the return's year; ``in_caseload`` when
    it was active at the reference date (only those are counted in the caseload measures).

    ``review_meeting``: ReviewMeeting (date of the annual review meeting); ``review_draft``: ReviewDraft, used
    as the date the review decision was communicated (see :data:`MEASURES` ``number_decsion_4weeks``);
    ``last_review``: LastReview (the previous review's date); ``plan_start_date``: the named plan's StartDate
    (used as the previous "review" for a plan's first annual review). ``age_band``: from the age at the
    reference date. ``placement_column``: the DfE caseload.csv column of its placement at the reference date
    (``outcomes.placements``; anything else counts as ``placement_unknown``).
    """

    review_meeting: date | None = None
    review_draft: date | None = None
    last_review: date | None = None
    plan_start_date: date | None = None
    review_outcome: str = ""
    primary_need: str = UNKNOWN
    placement_column: str = ""
    in_caseload: bool = True
    phase_transfer_due_date: date | None = None
    phase_transfer_final_date: date | None = None
    district: str = UNKNOWN
    age_band: str = UNKNOWN


@dataclass(frozen=True, slots=True)
class Result:
    value: float | int | None
    numerator: int | None
    denominator: int | None


# Small helpers --------------------------------------------------------------------------------------------------


def days(start: date, end: date) -> int:
    """d(start, end): whole days from ``start`` to ``end`` (the same day is 0)."""
    return (end - start).days


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def percent(numerator: int, denominator: int) -> float | None:
    """``round(100 * n / d, 1)``, or ``None`` when the denominator is 0."""
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)


def weeks(total_days: int, count: int) -> float | None:
    """The average of ``count`` durations summing ``total_days``, in weeks to 1 dp; ``None`` when ``count`` is 0."""
    if not count:
        return None
    return round(total_days / 7 / count, 1)


def age_band(age: int | None) -> str:
    """DfE's age bands from an age in whole years; ``Unknown`` when no age or outside 0-25."""
    if age is None or age < 0:
        return UNKNOWN
    if age < 5:
        return "Under age 5"
    if age <= 10:
        return "Age 5 to 10"
    if age <= 15:
        return "Age 11 to 15"
    if age <= 19:
        return "Age 16 to 19"
    if age <= 25:
        return "Age 20 to 25"
    return UNKNOWN


def need_label(code: str | None) -> str:
    code = (code or "").strip().upper()
    return code if code in NEED_TITLES else UNKNOWN


def period_of(day: date, kind: str) -> str:
    if kind == "year":
        return f"{day.year:04d}"
    if kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


# Groups: which rows, which assignment date, which flags --------------------------------------------------------


def _request_flags(r: RequestRow) -> list[str]:
    """Flags for requests received in the period (DfE requests.csv)."""
    flags = ["received"]
    if r.request_outcome_date is not None:
        flags.append("outcome_dated")
        flags.append("outcome_6w" if days(r.received_date, r.request_outcome_date) <= SIX_WEEKS else "outcome_gt_6w")
    outcome = r.request_outcome
    if outcome == "A":
        flags.append("decided_to_assess")
    elif outcome == "B":
        flags.append("decided_not_to_assess")
    elif outcome == "W":
        flags.append("withdrawn")
    elif outcome == "":
        flags.append("decision_not_made")
    if r.request_mediation:
        flags.append("mediation")
    if r.request_tribunal:
        flags.append("tribunal")
        if r.request_mediation:
            flags.append("tribunal_after_mediation")
    return flags


def _assessment_flags(r: RequestRow) -> list[str]:
    """Flags for assessments completed (AssessmentOutcomeDate) in the period (DfE assessments.csv)."""
    flags = ["assessed"]
    outcome = r.assessment_outcome
    if outcome in ("Y", "S"):
        flags.append("issued")
    elif outcome == "N":
        flags.append("not_issued")
        d = days(r.received_date, r.assessment_outcome_date)
        flags.append("not_issued_16w" if d <= SIXTEEN_WEEKS else "not_issued_gt_16w")
    elif outcome == "W":
        flags.append("assess_withdrawn")
    if r.assessment_mediation:
        flags.append("assess_mediation")
    if r.assessment_tribunal:
        flags.append("assess_tribunal")
        if r.assessment_mediation:
            flags.append("assess_mediation_tribunal")
    if r.other_mediation:
        flags.append("other_mediation")
    if r.other_tribunal:
        flags.append("other_tribunal")
    return flags


def _plan_flags(r: RequestRow) -> list:
    """Flags for named plans issued (StartDate) in the period (DfE timeliness_20_week.csv), with the days from
    request to plan (a weighted flag, for the average weeks)."""
    d = days(r.received_date, r.plan_start_date)
    band = "within_20w" if d <= TWENTY_WEEKS else ("gt_1_year" if d > FIFTY_TWO_WEEKS else "gt_20w_lt_year")
    if r.week20:
        return ["issued", band, ("issue_days", d)]
    return ["issued", band, "issued_ex", band + "_ex", ("issue_days", d), ("issue_days_ex", d)]


# CeaseReason (NamedPlan item 4.6) → DfE's ceased_plans.csv column.

def _ceased_flags(r: RequestRow) -> list[str]:
    """Flags for plans ceased (CeaseDate) in the period (DfE ceased_plans.csv)."""
    return ["ceased", "ceased_" + CEASE_COLUMNS.get(r.plan_cease_reason, "not_rec")]


def _previous_review(p: ActivePlanRow) -> date | None:
    """The review before ``p.review_meeting``: LastReview when earlier than the meeting; for a plan's first
    review (a meeting less than two years after the plan's StartDate) the StartDate; otherwise unknown."""
    meeting = p.review_meeting
    if p.last_review is not None and p.last_review < meeting:
        return p.last_review
    start = p.plan_start_date
    if start is not None and start < meeting < add_years(start, 2):
        return start
    return None


def _review_flags(p: ActivePlanRow) -> list[str]:
    """Flags for annual review meetings held (ReviewMeeting) in the period (DfE annual_reviews.csv)."""
    flags = ["review_held"]
    previous = _previous_review(p)
    if previous is not None:
        flags.append("review_previous_known")
        if p.review_meeting <= add_years(previous, 1):
            flags.append("review_within_12m")
    if p.review_draft is not None and p.review_draft >= p.review_meeting:
        flags.append("decision_dated")
        flags.append(
            "decision_4w" if days(p.review_meeting, p.review_draft) <= FOUR_WEEKS else "decision_gt_4w"
        )
    return flags


def _latest_review(p: ActivePlanRow) -> date | None:
    known = [d for d in (p.review_meeting, p.last_review) if d is not None]
    if known:
        return max(known)
    return p.plan_start_date


def _stock_flags(p: ActivePlanRow, reference_date: date) -> list[str]:
    """Flags for plans active at the reference date (DfE caseload.csv, sen_needs_all_plans.csv and
    phase_transfers.csv); the caller leaves out plans not ``in_caseload``."""
    need = need_label(p.primary_need)
    column = p.placement_column if p.placement_column in COLUMN_TOTAL else "placement_unknown"
    flags = ["plan", "need_" + need, "col_" + column, "total_" + COLUMN_TOTAL[column]]
    if column in SPECIAL_ACADEMY_FREE[1]:
        flags.append("col_" + SPECIAL_ACADEMY_FREE[0])
    year = reference_date.year
    for day, kind in ((p.phase_transfer_due_date, "due"), (p.phase_transfer_final_date, "final")):
        if day is not None and year - 1 <= day.year <= year:
            flags.append(f"phase_{kind}_{'reporting' if day.year < year else 'collection'}_year")
    latest = _latest_review(p)
    if latest is not None:
        flags.append("review_date_known")
        if add_years(latest, 1) < reference_date:
            flags.append("review_overdue")
    return flags


@dataclass(frozen=True)
class Group:
    name: str
    source: Literal["requests", "active_plans"]
    date_of: Callable[[object], date | None]  # the assignment date; None leaves the row out
    flags: Callable[..., list[str]]
    period_kinds: tuple[str, ...]
    date_title: str


GROUPS: dict[str, Group] = {
    g.name: g
    for g in (
        Group("requests", "requests", lambda r: r.received_date, _request_flags, FLOW, "ReceivedDate"),
        Group(
            "assessments", "requests", lambda r: r.assessment_outcome_date, _assessment_flags, FLOW,
            "AssessmentOutcomeDate",
        ),
        Group("plans_issued", "requests", lambda r: r.plan_start_date, _plan_flags, FLOW, "NamedPlan StartDate"),
        Group("ceased", "requests", lambda r: r.plan_cease_date, _ceased_flags, FLOW, "NamedPlan CeaseDate"),
        Group("reviews", "active_plans", lambda p: p.review_meeting, _review_flags, FLOW, "ReviewMeeting"),
        Group("caseload", "active_plans", lambda p: None, _stock_flags, STOCK, "the return's ReferenceDate"),
    )
}


# Measures -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    name: str
    title: str
    description: str
    unit: Literal["count", "percent", "weeks"]
    direction: Literal["higher", "lower"] | None
    group: str
    numerator: str  # flag counted
    # percent: the flag counted as the denominator. count: the population the count is "out of", for the
    # description only: a count's result has no denominator (its percentage is a measure of its own).
    denominator: str | None = None
    dfe_file: str | None = None
    dfe_column: str | None = None
    period_kinds: tuple[str, ...] = field(default=FLOW)

    def result(self, counts: dict[str, int]) -> Result:
        n = counts.get(self.numerator, 0)
        if self.unit == "percent":
            d = counts.get(self.denominator, 0)
            return Result(percent(n, d), n, d)
        if self.unit == "weeks":
            d = counts.get(self.denominator, 0)
            return Result(weeks(n, d), n, d)
        return Result(n, n, None)


def _from_definition(row: Definition) -> Measure:
    published = row.published and row.dfe_file is not None
    return Measure(
        name=row.name, title=row.title, description=row.description, unit=row.unit, direction=row.direction,
        group=row.group, numerator=row.numerator, denominator=row.denominator,
        dfe_file=row.dfe_file if row.published else None, dfe_column=row.name if published else None,
        period_kinds=GROUPS[row.group].period_kinds,
    )


MEASURES: dict[str, Measure] = {row.name: _from_definition(row) for row in TABLE}
_BY_GROUP: dict[str, list[Measure]] = {}
for _measure in MEASURES.values():
    _BY_GROUP.setdefault(_measure.group, []).append(_measure)


# Evaluating ------------------------------------------------------------------------------------------------------


def _breakdown_value(row, topic: str) -> str:
    if topic == "total":
        return TOTAL
    if topic == "primary_need":
        return need_label(row.primary_need)
    return getattr(row, topic) or UNKNOWN


def evaluate(
    name: str,
    *,
    requests: Iterable[RequestRow] = (),
    active_plans: Iterable[ActivePlanRow] = (),
    reference_date: date | None = None,
    period: str | None = None,
    breakdown_topic: str = "total",
    breakdown: str = TOTAL,
) -> Result:
    """One measure for one period (``YYYY`` or ``YYYY-MM``; ignored for at-date measures) and breakdown.

    The straightforward way: filter the rows, then count flags. :func:`compute_all` gives the same answers.
    """
    measure = MEASURES[name]
    group = GROUPS[measure.group]
    rows = requests if group.source == "requests" else active_plans
    counts: dict[str, int] = {}
    for row in rows:
        if group.period_kinds == STOCK:
            if not row.in_caseload:
                continue
            flags = group.flags(row, reference_date)
        else:
            day = group.date_of(row)
            if day is None or period is None or period_of(day, "month" if len(period) == 7 else "year") != period:
                continue
            flags = group.flags(row)
        if _breakdown_value(row, breakdown_topic) != breakdown:
            continue
        for flag in flags:
            if flag.__class__ is tuple:  # (name, amount): a sum
                counts[flag[0]] = counts.get(flag[0], 0) + flag[1]
            else:
                counts[flag] = counts.get(flag, 0) + 1
    return measure.result(counts)


Output = tuple[str, str, str, str, str, float | int | None, int | None, int | None]


def compute_all(
    requests: Iterable[RequestRow],
    active_plans: Iterable[ActivePlanRow],
    reference_date: date,
    *,
    period_start: date | None = None,
) -> Iterator[Output]:
    """Every measure, for every period and breakdown with any rows, in one pass over the rows.

    Yields ``(measure, period_kind, period, breakdown_topic, breakdown, value, numerator, denominator)``.
    Flow measures come by calendar year (``YYYY``) and month (``YYYY-MM``) of the group's assignment date; stock
    measures at the reference date (``YYYY-MM-DD``). Breakdowns: ``total``/``Total``, ``district``,
    ``age_band`` and ``primary_need``. ``period_start``: rows whose assignment date is before it are left out of
    flow measures (a SEN2 return covers its reporting year onwards: see ``docs/measures.md``).

    In breakdowns other than ``Total`` a value with nothing counted (numerator 0 and no denominator or a
    denominator of 0) is not yielded: a missing breakdown row reads as a count of 0 (a percentage of nothing).
    The ``Total`` breakdown has every measure for every period with any rows of the measure's group.

    Method: each row's flags (a tuple) are counted once per (month, topic, breakdown) cell; cells are then
    expanded to flag counts and summed into years, so the work per row is four dictionary updates.
    """
    at_date = reference_date.isoformat()
    # cells: group -> (period_kind, period, topic, breakdown) -> flags tuple -> rows
    cells: dict[str, dict[tuple[str, str, str, str], dict[tuple[str, ...], int]]] = {g: {} for g in GROUPS}
    request_groups = [(g.date_of, g.flags, cells[g.name]) for g in GROUPS.values() if g.source == "requests"]
    plan_groups = [
        (g.date_of, g.flags, cells[g.name])
        for g in GROUPS.values()
        if g.source == "active_plans" and g.period_kinds == FLOW
    ]
    months: dict[date, str] = {}
    start = period_start or date.min

    def count(cell_map, keys, flags):
        for key in keys:
            by_flags = cell_map.get(key)
            if by_flags is None:
                cell_map[key] = {flags: 1}
            else:
                by_flags[flags] = by_flags.get(flags, 0) + 1

    def month_keys(day, row):
        first = day.replace(day=1)
        month = months.get(first)
        if month is None:
            month = months[first] = f"{day.year:04d}-{day.month:02d}"
        return (
            ("month", month, "total", TOTAL),
            ("month", month, "district", row.district or UNKNOWN),
            ("month", month, "age_band", row.age_band or UNKNOWN),
            ("month", month, "primary_need", need_label(row.primary_need)),
        )

    for row in requests:
        for date_of, flags_of, cell_map in request_groups:
            day = date_of(row)
            if day is not None and day >= start:
                count(cell_map, month_keys(day, row), tuple(flags_of(row)))
    stock = cells["caseload"]
    stock[("at_date", at_date, "total", TOTAL)] = {}  # a return with no active plans still has 0 of each
    for plan in active_plans:
        for date_of, flags_of, cell_map in plan_groups:
            day = date_of(plan)
            if day is not None and day >= start:
                count(cell_map, month_keys(day, plan), tuple(flags_of(plan)))
        if not plan.in_caseload:  # active during the year, not at the reference date
            continue
        keys = (
            ("at_date", at_date, "total", TOTAL),
            ("at_date", at_date, "district", plan.district or UNKNOWN),
            ("at_date", at_date, "age_band", plan.age_band or UNKNOWN),
            ("at_date", at_date, "primary_need", need_label(plan.primary_need)),
        )
        count(stock, keys, tuple(_stock_flags(plan, reference_date)))

    for group_name, cell_map in cells.items():
        yield from _results(cell_map, _BY_GROUP.get(group_name, []))


def _results(cell_map: dict, measures: list[Measure]) -> Iterator[Output]:
    """One group's measures from its cells: flag counts per month (and at the date), summed into years."""
    totals: dict[tuple[str, str, str, str], dict[str, int]] = {}
    for key, by_flags in cell_map.items():
        counts: dict[str, int] = {}
        for flags, n in by_flags.items():
            for flag in flags:
                if flag.__class__ is tuple:  # (name, amount): a sum
                    counts[flag[0]] = counts.get(flag[0], 0) + n * flag[1]
                else:
                    counts[flag] = counts.get(flag, 0) + n
        totals[key] = counts
    years: dict[tuple[str, str, str, str], dict[str, int]] = {}
    for (kind, period, topic, breakdown), counts in totals.items():
        if kind != "month":
            continue
        year_counts = years.setdefault(("year", period[:4], topic, breakdown), {})
        for flag, n in counts.items():
            year_counts[flag] = year_counts.get(flag, 0) + n
    totals.update(years)
    plan = [(m.name, m.numerator, m.denominator if m.unit != "count" else None, m.unit == "weeks") for m in measures]
    for (kind, period, topic, breakdown), counts in totals.items():
        is_total = topic == "total"
        get = counts.get
        for name, numerator, denominator, average in plan:  # inlined Measure.result: runs 100,000s of times
            n = get(numerator, 0)
            if denominator is None:
                if n or is_total:
                    yield (name, kind, period, topic, breakdown, n, n, None)
                continue
            d = get(denominator, 0)
            if n or d or is_total:
                if average:
                    value = round(n / 7 / d, 1) if d else None
                else:
                    value = round(100 * n / d, 1) if d else None
                yield (name, kind, period, topic, breakdown, value, n, d)
