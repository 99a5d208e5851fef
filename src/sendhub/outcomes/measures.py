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
using the same ``flags`` functions, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sendhub.outcomes.placements import SPECIAL_ACADEMY_FREE, TOTALS, column_rule

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

# SENtype codes, in the order of DfE's sen_needs_all_plans.csv, then the codes DfE does not publish.
NEED_CODES = ("ASD", "HI", "MLD", "MSI", "OTH", "PD", "PMLD", "SEMH", "SLCN", "SLD", "SPLD", "VI", "DS")
NEED_TITLES = {
    "ASD": "autistic spectrum disorder",
    "HI": "hearing impairment",
    "MLD": "moderate learning difficulty",
    "MSI": "multi-sensory impairment",
    "OTH": "other difficulty or disability",
    "PD": "physical disability",
    "PMLD": "profound and multiple learning difficulty",
    "SEMH": "social, emotional and mental health",
    "SLCN": "speech, language and communication needs",
    "SLD": "severe learning difficulty",
    "SPLD": "specific learning difficulty",
    "VI": "vision impairment",
    "DS": "Down syndrome",
}

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
CEASE_COLUMNS = {1: "max_age", 2: "needs_met", 3: "he", 4: "employ", 5: "transfer", 6: "no_engage",
                 7: "moved_outside_eng", 8: "deceased", 9: "other"}  # fmt: skip


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


def _m(name, title, description, unit, direction, group, numerator, denominator=None, dfe_file=None, dfe=True):
    return Measure(
        name=name,
        title=title,
        description=description,
        unit=unit,
        direction=direction,
        group=group,
        numerator=numerator,
        denominator=denominator,
        dfe_file=dfe_file if dfe else None,
        dfe_column=name if dfe and dfe_file else None,
        period_kinds=GROUPS[group].period_kinds,
    )


_RQ = "requests.csv"
_AS = "assessments.csv"
_TL = "timeliness_20_week.csv"
_AR = "annual_reviews.csv"
_CL = "caseload.csv"
_SN = "sen_needs_all_plans.csv"
_CE = "ceased_plans.csv"
_PT = "phase_transfers.csv"
# DfE's percentage column of each caseload total, as the 2025 release spells it (2026 lower-cases AP_PRU_total_pc).
TOTAL_PC_NAMES = {"ap_pru_total": "AP_PRU_total_pc"}
CEASE_REASON_TITLES = {
    "max_age": "reached maximum age", "needs_met": "needs met without a plan", "he": "moved on to higher education",
    "employ": "moved on to paid employment", "transfer": "transferred to another council in England",
    "no_engage": "young person no longer wishes to engage", "moved_outside_eng": "moved outside England",
    "deceased": "deceased", "other": "other reasons",
}  # fmt: skip
_IN_Y = "received in the period (ReceivedDate)"


def _measures() -> list[Measure]:
    ms = [
        # Requests for an EHC needs assessment, by ReceivedDate.
        _m("requests_received_in_year", "Requests for an EHC needs assessment",
           f"Requests {_IN_Y}.", "count", None, "requests", "received", dfe_file=_RQ),
        _m("request_outcome_six_weeks", "Request decisions made within 6 weeks",
           f"Requests {_IN_Y} with a RequestOutcomeDate where d(ReceivedDate, RequestOutcomeDate) <= 42 days. "
           "Out of: requests received in the period with a RequestOutcomeDate.",
           "count", "higher", "requests", "outcome_6w", "outcome_dated", dfe_file=_RQ),
        _m("request_outcome_over_6_weeks", "Request decisions made after 6 weeks",
           f"Requests {_IN_Y} with a RequestOutcomeDate where d(ReceivedDate, RequestOutcomeDate) > 42 days. "
           "Out of: requests received in the period with a RequestOutcomeDate.",
           "count", "lower", "requests", "outcome_gt_6w", "outcome_dated", dfe_file=_RQ),
        _m("request_outcome_six_weeks_pc", "Request decisions made within 6 weeks (%)",
           "request_outcome_six_weeks as a percentage of requests received in the period with a "
           "RequestOutcomeDate (request_outcome_six_weeks + request_outcome_over_6_weeks).",
           "percent", "higher", "requests", "outcome_6w", "outcome_dated", dfe_file=_RQ),
        _m("requests_decided_to_assess", "Requests where the council decided to assess",
           f"Requests {_IN_Y} with RequestOutcome A.", "count", None, "requests", "decided_to_assess",
           "received", dfe_file=_RQ),
        _m("requests_decided_not_to_assess", "Refusals to assess",
           f"Requests {_IN_Y} with RequestOutcome B (decided not to assess).", "count", None, "requests",
           "decided_not_to_assess", "received", dfe_file=_RQ),
        _m("request_not_assess_pc", "Refusals to assess (%)",
           "requests_decided_not_to_assess as a percentage of requests_received_in_year.", "percent", None,
           "requests", "decided_not_to_assess", "received", dfe_file=_RQ),
        _m("requests_withdrawn", "Requests withdrawn",
           f"Requests {_IN_Y} with RequestOutcome W.", "count", None, "requests", "withdrawn", "received",
           dfe_file=_RQ),
        _m("requests_decision_not_made", "Requests still awaiting a decision",
           f"Requests {_IN_Y} with no RequestOutcome (decision pending at the return).", "count", "lower",
           "requests", "decision_not_made", "received", dfe_file=_RQ),
        _m("mediation_related_request", "Requests subject to mediation",
           f"Requests {_IN_Y} with RequestMediation true.", "count", None, "requests", "mediation", "received",
           dfe_file=_RQ),
        _m("tribunal_related_request", "Requests subject to a tribunal appeal",
           f"Requests {_IN_Y} with RequestTribunal true.", "count", None, "requests", "tribunal", "received",
           dfe_file=_RQ),
        _m("tribunal_after_mediation_request", "Requests with both mediation and a tribunal appeal",
           f"Requests {_IN_Y} with RequestMediation and RequestTribunal both true (SEN2 does not date them, so "
           "'after' is assumed).", "count", None, "requests", "tribunal_after_mediation", "received",
           dfe_file=_RQ),
        # Assessments, by AssessmentOutcomeDate.
        _m("assess_in_year", "EHC needs assessments completed",
           "Assessments with an AssessmentOutcomeDate in the period.", "count", None, "assessments", "assessed",
           dfe_file=_AS),
        _m("assess_issued", "Assessments ending in a decision to issue a plan",
           "Assessments completed in the period (AssessmentOutcomeDate) with AssessmentOutcome Y or S.",
           "count", None, "assessments", "issued", "assessed", dfe_file=_AS),
        _m("assess_not_issued", "Assessments ending in a decision not to issue a plan",
           "Assessments completed in the period (AssessmentOutcomeDate) with AssessmentOutcome N.",
           "count", None, "assessments", "not_issued", "assessed", dfe_file=_AS),
        _m("outcome_decision_within_time", "Decisions not to issue made within 16 weeks",
           "Assessments completed in the period with AssessmentOutcome N where "
           "d(ReceivedDate, AssessmentOutcomeDate) <= 112 days.", "count", "higher", "assessments",
           "not_issued_16w", "not_issued", dfe_file=_AS),
        _m("number_assess_mediation", "Mediations about the assessment decision",
           "Assessments completed in the period (AssessmentOutcomeDate) with AssessmentMediation true.",
           "count", None, "assessments", "assess_mediation", "assessed", dfe_file=_AS),
        _m("number_assess_tribunal", "Tribunal appeals about the assessment decision",
           "Assessments completed in the period (AssessmentOutcomeDate) with AssessmentTribunal true.",
           "count", None, "assessments", "assess_tribunal", "assessed", dfe_file=_AS),
        _m("number_asssess_mediation_tribunal", "Assessment tribunal appeals following mediation",
           "Assessments completed in the period with AssessmentMediation and AssessmentTribunal both true.",
           "count", None, "assessments", "assess_mediation_tribunal", "assessed", dfe_file=_AS),
        _m("number_other_mediation", "Mediations about the assessment for other reasons",
           "Assessments completed in the period (AssessmentOutcomeDate) with OtherMediation true.",
           "count", None, "assessments", "other_mediation", "assessed", dfe_file=_AS),
        _m("number_other_tribunal", "Tribunal appeals about the assessment for other reasons",
           "Assessments completed in the period (AssessmentOutcomeDate) with OtherTribunal true.",
           "count", None, "assessments", "other_tribunal", "assessed", dfe_file=_AS),
    ]
    # 20-week timeliness, by NamedPlan StartDate.
    plan_in_y = "Named plans whose StartDate (date issued) is in the period, for requests in the return"
    ex = " leaving out assessments with Week20 true (an exception to the 20-week limit applied)"
    ms += [
        _m("plans_issued_den", "New EHC plans issued",
           f"{plan_in_y}.", "count", None, "plans_issued", "issued", dfe_file=_TL),
        _m("plans_issued_within_20_weeks", "New EHC plans issued within 20 weeks (including exceptions)",
           f"{plan_in_y}, where d(ReceivedDate, StartDate) <= 140 days.", "count", "higher", "plans_issued",
           "within_20w", "issued", dfe_file=_TL),
        _m("pc_plans_issued_within_20_weeks", "New EHC plans issued within 20 weeks, including exceptions (%)",
           "plans_issued_within_20_weeks as a percentage of plans_issued_den.", "percent", "higher",
           "plans_issued", "within_20w", "issued", dfe_file=_TL),
        _m("plans_issued_den_ex", "New EHC plans issued (excluding exceptions)",
           f"{plan_in_y},{ex}.", "count", None, "plans_issued", "issued_ex", dfe_file=_TL),
        _m("plans_issued_20_weeks_ex", "New EHC plans issued within 20 weeks (excluding exceptions)",
           f"{plan_in_y},{ex}, where d(ReceivedDate, StartDate) <= 140 days.", "count", "higher",
           "plans_issued", "within_20w_ex", "issued_ex", dfe_file=_TL),
        _m("PC_plans_issued_20_weeks_ex", "New EHC plans issued within 20 weeks (%)",
           "plans_issued_20_weeks_ex as a percentage of plans_issued_den_ex: the headline timeliness figure.",
           "percent", "higher", "plans_issued", "within_20w_ex", "issued_ex", dfe_file=_TL),
        _m("plans_issued_gt20weeks_ltYear", "New EHC plans issued after 20 weeks but within 52 weeks",
           f"{plan_in_y}, where 140 < d(ReceivedDate, StartDate) <= 364 days.", "count", "lower", "plans_issued",
           "gt_20w_lt_year", "issued", dfe_file=_TL),
        _m("plans_issued_gt20weeks_ltYear_ex",
           "New EHC plans issued after 20 weeks but within 52 weeks (excluding exceptions)",
           f"{plan_in_y},{ex}, where 140 < d(ReceivedDate, StartDate) <= 364 days.", "count", "lower",
           "plans_issued", "gt_20w_lt_year_ex", "issued_ex", dfe_file=_TL),
        _m("plans_issued_gt_1_year", "New EHC plans issued after more than 52 weeks",
           f"{plan_in_y}, where d(ReceivedDate, StartDate) > 364 days (52 weeks).", "count", "lower",
           "plans_issued", "gt_1_year", "issued", dfe_file=_TL),
        _m("plans_issued_gt_1_year_ex", "New EHC plans issued after more than 52 weeks (excluding exceptions)",
           f"{plan_in_y},{ex}, where d(ReceivedDate, StartDate) > 364 days (52 weeks).", "count", "lower",
           "plans_issued", "gt_1_year_ex", "issued_ex", dfe_file=_TL),
        _m("pc_plans_issued_gt_1_year", "New EHC plans issued after more than 52 weeks (%)",
           "plans_issued_gt_1_year as a percentage of plans_issued_den.", "percent", "lower", "plans_issued",
           "gt_1_year", "issued", dfe_file=_TL),
        _m("PC_plans_issued_gt_1_year_ex", "New EHC plans issued after more than 52 weeks, excluding exceptions (%)",
           "plans_issued_gt_1_year_ex as a percentage of plans_issued_den_ex.", "percent", "lower", "plans_issued",
           "gt_1_year_ex", "issued_ex", dfe_file=_TL),
        _m("avg_weeks_issue_plan", "Average weeks to issue a new EHC plan",
           f"{plan_in_y}: the mean of d(ReceivedDate, StartDate) / 7, to 1 decimal place (DfE 2026 release).",
           "weeks", "lower", "plans_issued", "issue_days", "issued", dfe_file=_TL),
        _m("avg_weeks_issue_plan_exc", "Average weeks to issue a new EHC plan (excluding exceptions)",
           f"{plan_in_y},{ex}: the mean of d(ReceivedDate, StartDate) / 7, to 1 decimal place (DfE 2026 release).",
           "weeks", "lower", "plans_issued", "issue_days_ex", "issued_ex", dfe_file=_TL),
    ]
    # Plans ceased, by NamedPlan CeaseDate.
    ceased = "Named plans whose CeaseDate is in the period"
    ms += [
        _m("total_ceased", "EHC plans ceased", f"{ceased}.", "count", None, "ceased", "ceased", dfe_file=_CE),
        *(
            _m(column, f"EHC plans ceased: {CEASE_REASON_TITLES[column]}",
               f"{ceased} with CeaseReason {reason} ({CEASE_REASON_TITLES[column]}).", "count", None, "ceased",
               "ceased_" + column, "ceased", dfe_file=_CE)
            for reason, column in CEASE_COLUMNS.items()
        ),
        _m("not_rec", "EHC plans ceased: reason not recorded",
           f"{ceased} with no CeaseReason, or one not in the list (DfE 2025 release; dropped in 2026).", "count",
           None, "ceased", "ceased_not_rec", "ceased", dfe_file=_CE),
    ]
    # Annual reviews, by ReviewMeeting.
    held = "Active plans whose ReviewMeeting (annual review meeting) is in the period"
    ms += [
        _m("total_review_meeting", "Annual review meetings held",
           f"{held}. (DfE's total_review_meeting counts meetings in any year; ours is per period.)", "count",
           None, "reviews", "review_held", dfe=False),
        _m("reviews_within_12_months", "Annual reviews held within 12 months of the previous one",
           f"{held} and held no later than the same calendar day one year after the previous review. The previous "
           "review is LastReview when it is before ReviewMeeting, else, for a first review (a meeting less than two "
           "years after the plan's StartDate), the StartDate; otherwise it is unknown. Out of: meetings in the "
           "period with a previous review known.",
           "count", "higher", "reviews", "review_within_12m", "review_previous_known", dfe=False),
        _m("reviews_within_12_months_pc", "Annual reviews held within 12 months of the previous one (%)",
           "reviews_within_12_months as a percentage of review meetings in the period with a previous review "
           "known.", "percent", "higher", "reviews", "review_within_12m", "review_previous_known", dfe=False),
        _m("number_decsion_4weeks", "Review decisions communicated within 4 weeks",
           f"{held} with a ReviewDraft date (taken as the date the review decision was communicated) on or after "
           "it, where d(ReviewMeeting, ReviewDraft) <= 28 days. Out of: those with such a ReviewDraft.",
           "count", "higher", "reviews", "decision_4w", "decision_dated", dfe_file=_AR),
        _m("number_decision_gt_4weeks", "Review decisions communicated after 4 weeks",
           f"{held} with a ReviewDraft date on or after it, where d(ReviewMeeting, ReviewDraft) > 28 days.",
           "count", "lower", "reviews", "decision_gt_4w", "decision_dated", dfe_file=_AR),
        _m("pc_decsion_4weeks", "Review decisions communicated within 4 weeks (%)",
           "number_decsion_4weeks as a percentage of number_decsion_4weeks + number_decision_gt_4weeks.",
           "percent", "higher", "reviews", "decision_4w", "decision_dated", dfe_file=_AR),
    ]
    # Stock at the reference date.
    active = ("EHC plans active at the return's reference date (ActivePlans whose NamedPlan StartDate is on or "
              "before it and CeaseDate, if any, after it)")
    ms += [
        _m("ehcplans", "EHC plans maintained", f"{active}.", "count", None, "caseload", "plan", dfe_file=_CL),
        _m("reviews_overdue", "Plans with an annual review overdue",
           f"{active} whose latest known review (the later of ReviewMeeting and LastReview, else the plan's "
           "StartDate) is more than 12 months before the reference date (one year later is still before it). "
           "Out of: active plans with any of those dates.", "count", "lower", "caseload", "review_overdue",
           "review_date_known", dfe=False),
    ]
    for code in NEED_CODES + ("Unknown",):
        lower = "need_unknown" if code == "Unknown" else code.lower()
        pc = "unknown_pc" if code == "Unknown" else f"{lower}_pc"
        title = "no primary need recorded" if code == "Unknown" else f"primary need {NEED_TITLES[code]}"
        published = code != "DS"
        ms += [
            _m(f"number_{lower}", f"EHC plans with {title}",
               f"{active} whose rank-1 SENtype is {code if code != 'Unknown' else 'missing or not a known code'}.",
               "count", None, "caseload", "need_" + code, "plan", dfe_file=_SN, dfe=published),
            _m(pc, f"EHC plans with {title} (%)", f"number_{lower} as a percentage of ehcplans.", "percent", None,
               "caseload", "need_" + code, "plan", dfe_file=_SN, dfe=published),
        ]
    # Placements at the reference date, in DfE's caseload.csv columns and totals (outcomes/placements.py).
    placed = f"{active} whose placement there (the PlacementDetail covering it, PlacementRank 1 first) is"
    for total, (total_title, members) in TOTALS.items():
        for column, title in members:
            ms.append(_m(column, f"EHC plans: {title[0].lower()}{title[1:]}", f"{placed} {column_rule(column)}.",
                         "count", None, "caseload", "col_" + column, "plan", dfe_file=_CL))
        if len(members) > 1:
            words = " + ".join(name for name, _t in members)
            ms.append(_m(total, f"EHC plans: {total_title[0].lower()}{total_title[1:]} (total)",
                         f"{active} placed in one of: {words}.", "count", None, "caseload", "total_" + total, "plan",
                         dfe_file=_CL))
        pc_name = TOTAL_PC_NAMES.get(total, f"{total}_pc")
        ms.append(_m(pc_name, f"EHC plans: {total_title[0].lower()}{total_title[1:]} (%)",
                     f"{total} as a percentage of ehcplans (to 1 decimal place, as DfE computes it).", "percent", None,
                     "caseload", "total_" + total, "plan", dfe_file=_CL))
        if total == "special_total":
            name, parts = SPECIAL_ACADEMY_FREE
            ms.append(_m(name, "EHC plans: special academies and free schools",
                         f"{active} placed in {' or '.join(parts)} (DfE's 2025 release publishes them as one column).",
                         "count", None, "caseload", "col_" + name, "plan", dfe_file=_CL))
    # Phase transfers, among the plans at the reference date (DfE 2026 phase_transfers.csv names its columns by
    # year: due_25 and due_26 in the 2026 collection are the reporting and the collection year here).
    pt = "(DfE's phase_transfers.csv names it by year, e.g. {} for the 2026 collection.)"
    ms += [
        _m("number_plans", "EHC plans (phase transfers file)", f"{active}: ehcplans, as phase_transfers.csv gives it.",
           "count", None, "caseload", "plan", dfe_file=_PT),
        _m("phase_transfer_due_reporting_year", "Phase transfer reviews due in the reporting year",
           f"{active} whose PhaseTransferDueDate is in the calendar year before the reference date's. "
           + pt.format("due_25"), "count", None, "caseload", "phase_due_reporting_year", "plan", dfe=False),
        _m("phase_transfer_due_collection_year", "Phase transfer reviews due in the collection year",
           f"{active} whose PhaseTransferDueDate is in the reference date's calendar year. " + pt.format("due_26"),
           "count", None, "caseload", "phase_due_collection_year", "plan", dfe=False),
        _m("phase_transfer_final_reporting_year", "Final plans after a phase transfer review, reporting year",
           f"{active} whose PhaseTransferFinalDate is in the calendar year before the reference date's. "
           + pt.format("final_25"), "count", None, "caseload", "phase_final_reporting_year", "plan", dfe=False),
        _m("phase_transfer_final_collection_year", "Final plans after a phase transfer review, collection year",
           f"{active} whose PhaseTransferFinalDate is in the reference date's calendar year. "
           + pt.format("final_26"), "count", None, "caseload", "phase_final_collection_year", "plan", dfe=False),
    ]
    return ms


MEASURES: dict[str, Measure] = {m.name: m for m in _measures()}
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
        measures = _BY_GROUP.get(group_name, [])
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
        plan = [(m.name, m.numerator, m.denominator if m.unit != "count" else None, m.unit == "weeks")
                for m in measures]
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
