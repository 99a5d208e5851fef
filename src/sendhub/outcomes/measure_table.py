"""The measures, as one table: each a ``Definition`` with named fields, in the order they are shown and published.

Read a row as: measure ``name`` (DfE's column name where DfE publishes it), its ``title`` for people, the ``unit``
(count, percent or weeks), which way is better (``direction``), the ``group`` whose rows and assignment date it
uses (``measures.GROUPS``), the flag it counts (``numerator``) and, for percentages and averages, the flag it is
out of (``denominator``; for a count, the population it is out of, for the description only), the DfE file that
publishes it (``dfe_file``; ``published=False`` where DfE's figure is defined otherwise and is not compared), and
the ``description`` that ``docs/measures.md`` repeats in words. ``measures.MEASURES`` turns each row into a
``Measure``. Rows that repeat a pattern (ceased plans by reason, primary needs, placement columns) are built by
the small functions below from the code lists they follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from sendhub.outcomes.placements import SPECIAL_ACADEMY_FREE, TOTALS, column_rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Definition:
    name: str
    title: str
    unit: str  # "count", "percent" or "weeks"
    group: str
    numerator: str
    direction: str | None = None  # "higher", "lower" or None
    denominator: str | None = None
    dfe_file: str | None = None
    published: bool = True  # False: DfE publishes no comparable figure under this name
    description: str


M = Definition

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
# CeaseReason code → DfE's ceased_plans.csv column.
CEASE_COLUMNS = {1: "max_age", 2: "needs_met", 3: "he", 4: "employ", 5: "transfer", 6: "no_engage",
                 7: "moved_outside_eng", 8: "deceased", 9: "other"}  # fmt: skip
CEASE_REASON_TITLES = {
    "max_age": "reached maximum age", "needs_met": "needs met without a plan", "he": "moved on to higher education",
    "employ": "moved on to paid employment", "transfer": "transferred to another council in England",
    "no_engage": "young person no longer wishes to engage", "moved_outside_eng": "moved outside England",
    "deceased": "deceased", "other": "other reasons",
}  # fmt: skip
# DfE's percentage column of each caseload total, as the 2025 release spells it (2026 lower-cases AP_PRU_total_pc).
TOTAL_PC_NAMES = {"ap_pru_total": "AP_PRU_total_pc"}

_RQ = "requests.csv"
_AS = "assessments.csv"
_TL = "timeliness_20_week.csv"
_AR = "annual_reviews.csv"
_CL = "caseload.csv"
_SN = "sen_needs_all_plans.csv"
_CE = "ceased_plans.csv"
_PT = "phase_transfers.csv"

_IN_Y = "received in the period (ReceivedDate)"

# Requests for an EHC needs assessment, by ReceivedDate.
REQUESTS = (
    M(name="requests_received_in_year",
      title="Requests for an EHC needs assessment",
      unit="count", group="requests",
      numerator="received", dfe_file=_RQ,
      description=f"Requests {_IN_Y}."),
    M(name="request_outcome_six_weeks",
      title="Request decisions made within 6 weeks",
      unit="count", direction="higher", group="requests",
      numerator="outcome_6w", denominator="outcome_dated", dfe_file=_RQ,
      description=f"Requests {_IN_Y} with a RequestOutcomeDate where d(ReceivedDate, RequestOutcomeDate) <= 42 days. "
      "Out of: requests received in the period with a RequestOutcomeDate."),
    M(name="request_outcome_over_6_weeks",
      title="Request decisions made after 6 weeks",
      unit="count", direction="lower", group="requests",
      numerator="outcome_gt_6w", denominator="outcome_dated", dfe_file=_RQ,
      description=f"Requests {_IN_Y} with a RequestOutcomeDate where d(ReceivedDate, RequestOutcomeDate) > 42 days. "
      "Out of: requests received in the period with a RequestOutcomeDate."),
    M(name="request_outcome_six_weeks_pc",
      title="Request decisions made within 6 weeks (%)",
      unit="percent", direction="higher", group="requests",
      numerator="outcome_6w", denominator="outcome_dated", dfe_file=_RQ,
      description="request_outcome_six_weeks as a percentage of requests received in the period with a "
      "RequestOutcomeDate (request_outcome_six_weeks + request_outcome_over_6_weeks)."),
    M(name="requests_decided_to_assess",
      title="Requests where the council decided to assess",
      unit="count", group="requests",
      numerator="decided_to_assess", denominator="received", dfe_file=_RQ,
      description=f"Requests {_IN_Y} with RequestOutcome A."),
    M(name="requests_decided_not_to_assess",
      title="Refusals to assess",
      unit="count", group="requests",
      numerator="decided_not_to_assess", denominator="received", dfe_file=_RQ,
      description=f"Requests {_IN_Y} with RequestOutcome B (decided not to assess)."),
    M(name="request_not_assess_pc",
      title="Refusals to assess (%)",
      unit="percent", group="requests",
      numerator="decided_not_to_assess", denominator="received", dfe_file=_RQ,
      description="requests_decided_not_to_assess as a percentage of requests_received_in_year."),
    M(name="requests_withdrawn",
      title="Requests withdrawn",
      unit="count", group="requests",
      numerator="withdrawn", denominator="received", dfe_file=_RQ,
      description=f"Requests {_IN_Y} with RequestOutcome W."),
    M(name="requests_decision_not_made",
      title="Requests still awaiting a decision",
      unit="count", direction="lower", group="requests",
      numerator="decision_not_made", denominator="received", dfe_file=_RQ,
      description=f"Requests {_IN_Y} with no RequestOutcome (decision pending at the return)."),
    M(name="mediation_related_request",
      title="Requests subject to mediation",
      unit="count", group="requests",
      numerator="mediation", denominator="received", dfe_file=_RQ,
      description=f"Requests {_IN_Y} with RequestMediation true."),
    M(name="tribunal_related_request",
      title="Requests subject to a tribunal appeal",
      unit="count", group="requests",
      numerator="tribunal", denominator="received", dfe_file=_RQ,
      description=f"Requests {_IN_Y} with RequestTribunal true."),
    M(name="tribunal_after_mediation_request",
      title="Requests with both mediation and a tribunal appeal",
      unit="count", group="requests",
      numerator="tribunal_after_mediation", denominator="received", dfe_file=_RQ,
      description=f"Requests {_IN_Y} with RequestMediation and RequestTribunal both true (SEN2 does not date them, so "
      "'after' is assumed)."),
)

# Assessments, by AssessmentOutcomeDate.
ASSESSMENTS = (
    M(name="assess_in_year",
      title="EHC needs assessments completed",
      unit="count", group="assessments",
      numerator="assessed", dfe_file=_AS,
      description="Assessments with an AssessmentOutcomeDate in the period."),
    M(name="assess_issued",
      title="Assessments ending in a decision to issue a plan",
      unit="count", group="assessments",
      numerator="issued", denominator="assessed", dfe_file=_AS,
      description="Assessments completed in the period (AssessmentOutcomeDate) with AssessmentOutcome Y or S."),
    M(name="assess_not_issued",
      title="Assessments ending in a decision not to issue a plan",
      unit="count", group="assessments",
      numerator="not_issued", denominator="assessed", dfe_file=_AS,
      description="Assessments completed in the period (AssessmentOutcomeDate) with AssessmentOutcome N."),
    M(name="outcome_decision_within_time",
      title="Decisions not to issue made within 16 weeks",
      unit="count", direction="higher", group="assessments",
      numerator="not_issued_16w", denominator="not_issued", dfe_file=_AS,
      description="Assessments completed in the period with AssessmentOutcome N where "
      "d(ReceivedDate, AssessmentOutcomeDate) <= 112 days."),
    M(name="number_assess_mediation",
      title="Mediations about the assessment decision",
      unit="count", group="assessments",
      numerator="assess_mediation", denominator="assessed", dfe_file=_AS,
      description="Assessments completed in the period (AssessmentOutcomeDate) with AssessmentMediation true."),
    M(name="number_assess_tribunal",
      title="Tribunal appeals about the assessment decision",
      unit="count", group="assessments",
      numerator="assess_tribunal", denominator="assessed", dfe_file=_AS,
      description="Assessments completed in the period (AssessmentOutcomeDate) with AssessmentTribunal true."),
    M(name="number_asssess_mediation_tribunal",
      title="Assessment tribunal appeals following mediation",
      unit="count", group="assessments",
      numerator="assess_mediation_tribunal", denominator="assessed", dfe_file=_AS,
      description="Assessments completed in the period with AssessmentMediation and AssessmentTribunal both true."),
    M(name="number_other_mediation",
      title="Mediations about the assessment for other reasons",
      unit="count", group="assessments",
      numerator="other_mediation", denominator="assessed", dfe_file=_AS,
      description="Assessments completed in the period (AssessmentOutcomeDate) with OtherMediation true."),
    M(name="number_other_tribunal",
      title="Tribunal appeals about the assessment for other reasons",
      unit="count", group="assessments",
      numerator="other_tribunal", denominator="assessed", dfe_file=_AS,
      description="Assessments completed in the period (AssessmentOutcomeDate) with OtherTribunal true."),
)

# 20-week timeliness, by NamedPlan StartDate.
plan_in_y = "Named plans whose StartDate (date issued) is in the period, for requests in the return"
ex = " leaving out assessments with Week20 true (an exception to the 20-week limit applied)"
TIMELINESS = (
    M(name="plans_issued_den",
      title="New EHC plans issued",
      unit="count", group="plans_issued",
      numerator="issued", dfe_file=_TL,
      description=f"{plan_in_y}."),
    M(name="plans_issued_within_20_weeks",
      title="New EHC plans issued within 20 weeks (including exceptions)",
      unit="count", direction="higher", group="plans_issued",
      numerator="within_20w", denominator="issued", dfe_file=_TL,
      description=f"{plan_in_y}, where d(ReceivedDate, StartDate) <= 140 days."),
    M(name="pc_plans_issued_within_20_weeks",
      title="New EHC plans issued within 20 weeks, including exceptions (%)",
      unit="percent", direction="higher", group="plans_issued",
      numerator="within_20w", denominator="issued", dfe_file=_TL,
      description="plans_issued_within_20_weeks as a percentage of plans_issued_den."),
    M(name="plans_issued_den_ex",
      title="New EHC plans issued (excluding exceptions)",
      unit="count", group="plans_issued",
      numerator="issued_ex", dfe_file=_TL,
      description=f"{plan_in_y},{ex}."),
    M(name="plans_issued_20_weeks_ex",
      title="New EHC plans issued within 20 weeks (excluding exceptions)",
      unit="count", direction="higher", group="plans_issued",
      numerator="within_20w_ex", denominator="issued_ex", dfe_file=_TL,
      description=f"{plan_in_y},{ex}, where d(ReceivedDate, StartDate) <= 140 days."),
    M(name="PC_plans_issued_20_weeks_ex",
      title="New EHC plans issued within 20 weeks (%)",
      unit="percent", direction="higher", group="plans_issued",
      numerator="within_20w_ex", denominator="issued_ex", dfe_file=_TL,
      description="plans_issued_20_weeks_ex as a percentage of plans_issued_den_ex: the headline timeliness figure."),
    M(name="plans_issued_gt20weeks_ltYear",
      title="New EHC plans issued after 20 weeks but within 52 weeks",
      unit="count", direction="lower", group="plans_issued",
      numerator="gt_20w_lt_year", denominator="issued", dfe_file=_TL,
      description=f"{plan_in_y}, where 140 < d(ReceivedDate, StartDate) <= 364 days."),
    M(name="plans_issued_gt20weeks_ltYear_ex",
      title="New EHC plans issued after 20 weeks but within 52 weeks (excluding exceptions)",
      unit="count", direction="lower", group="plans_issued",
      numerator="gt_20w_lt_year_ex", denominator="issued_ex", dfe_file=_TL,
      description=f"{plan_in_y},{ex}, where 140 < d(ReceivedDate, StartDate) <= 364 days."),
    M(name="plans_issued_gt_1_year",
      title="New EHC plans issued after more than 52 weeks",
      unit="count", direction="lower", group="plans_issued",
      numerator="gt_1_year", denominator="issued", dfe_file=_TL,
      description=f"{plan_in_y}, where d(ReceivedDate, StartDate) > 364 days (52 weeks)."),
    M(name="plans_issued_gt_1_year_ex",
      title="New EHC plans issued after more than 52 weeks (excluding exceptions)",
      unit="count", direction="lower", group="plans_issued",
      numerator="gt_1_year_ex", denominator="issued_ex", dfe_file=_TL,
      description=f"{plan_in_y},{ex}, where d(ReceivedDate, StartDate) > 364 days (52 weeks)."),
    M(name="pc_plans_issued_gt_1_year",
      title="New EHC plans issued after more than 52 weeks (%)",
      unit="percent", direction="lower", group="plans_issued",
      numerator="gt_1_year", denominator="issued", dfe_file=_TL,
      description="plans_issued_gt_1_year as a percentage of plans_issued_den."),
    M(name="PC_plans_issued_gt_1_year_ex",
      title="New EHC plans issued after more than 52 weeks, excluding exceptions (%)",
      unit="percent", direction="lower", group="plans_issued",
      numerator="gt_1_year_ex", denominator="issued_ex", dfe_file=_TL,
      description="plans_issued_gt_1_year_ex as a percentage of plans_issued_den_ex."),
    M(name="avg_weeks_issue_plan",
      title="Average weeks to issue a new EHC plan",
      unit="weeks", direction="lower", group="plans_issued",
      numerator="issue_days", denominator="issued", dfe_file=_TL,
      description=f"{plan_in_y}: the mean of d(ReceivedDate, StartDate) / 7, to 1 decimal place (DfE 2026 release)."),
    M(name="avg_weeks_issue_plan_exc",
      title="Average weeks to issue a new EHC plan (excluding exceptions)",
      unit="weeks", direction="lower", group="plans_issued",
      numerator="issue_days_ex", denominator="issued_ex", dfe_file=_TL,
      description=f"{plan_in_y},{ex}: the mean of d(ReceivedDate, StartDate) / 7, to 1 decimal place (DfE 2026 "
      "release)."),
)

# Plans ceased, by NamedPlan CeaseDate: the total, one row per CeaseReason, and those with none.
ceased = "Named plans whose CeaseDate is in the period"
CEASED = (
    M(name="total_ceased",
      title="EHC plans ceased",
      unit="count", group="ceased",
      numerator="ceased", dfe_file=_CE,
      description=f"{ceased}."),
    *(
        M(name=column,
          title=f"EHC plans ceased: {CEASE_REASON_TITLES[column]}",
          unit="count", group="ceased",
          numerator="ceased_" + column, denominator="ceased", dfe_file=_CE,
          description=f"{ceased} with CeaseReason {reason} ({CEASE_REASON_TITLES[column]}).")
        for reason, column in CEASE_COLUMNS.items()
    ),
    M(name="not_rec",
      title="EHC plans ceased: reason not recorded",
      unit="count", group="ceased",
      numerator="ceased_not_rec", denominator="ceased", dfe_file=_CE,
      description=f"{ceased} with no CeaseReason, or one not in the list (DfE 2025 release; dropped in 2026)."),
)

# Annual reviews, by ReviewMeeting.
held = "Active plans whose ReviewMeeting (annual review meeting) is in the period"
REVIEWS = (
    M(name="total_review_meeting",
      title="Annual review meetings held",
      unit="count", group="reviews",
      numerator="review_held", published=False,
      description=f"{held}. (DfE's total_review_meeting counts meetings in any year; ours is per period.)"),
    M(name="reviews_within_12_months",
      title="Annual reviews held within 12 months of the previous one",
      unit="count", direction="higher", group="reviews",
      numerator="review_within_12m", denominator="review_previous_known", published=False,
      description=f"{held} and held no later than the same calendar day one year after the previous review. The "
      "previous review is LastReview when it is before ReviewMeeting, else, for a first review (a meeting less than "
      "two years after the plan's StartDate), the StartDate; otherwise it is unknown. Out of: meetings in the "
      "period with a previous review known."),
    M(name="reviews_within_12_months_pc",
      title="Annual reviews held within 12 months of the previous one (%)",
      unit="percent", direction="higher", group="reviews",
      numerator="review_within_12m", denominator="review_previous_known", published=False,
      description="reviews_within_12_months as a percentage of review meetings in the period with a previous review "
      "known."),
    M(name="number_decsion_4weeks",
      title="Review decisions communicated within 4 weeks",
      unit="count", direction="higher", group="reviews",
      numerator="decision_4w", denominator="decision_dated", dfe_file=_AR,
      description=f"{held} with a ReviewDraft date (taken as the date the review decision was communicated) on or "
      "after it, where d(ReviewMeeting, ReviewDraft) <= 28 days. Out of: those with such a ReviewDraft."),
    M(name="number_decision_gt_4weeks",
      title="Review decisions communicated after 4 weeks",
      unit="count", direction="lower", group="reviews",
      numerator="decision_gt_4w", denominator="decision_dated", dfe_file=_AR,
      description=f"{held} with a ReviewDraft date on or after it, where d(ReviewMeeting, ReviewDraft) > 28 days."),
    M(name="pc_decsion_4weeks",
      title="Review decisions communicated within 4 weeks (%)",
      unit="percent", direction="higher", group="reviews",
      numerator="decision_4w", denominator="decision_dated", dfe_file=_AR,
      description="number_decsion_4weeks as a percentage of number_decsion_4weeks + number_decision_gt_4weeks."),
)

# Stock at the reference date.
active = ("EHC plans active at the return's reference date (ActivePlans whose NamedPlan StartDate is on or "
          "before it and CeaseDate, if any, after it)")
CASELOAD = (
    M(name="ehcplans",
      title="EHC plans maintained",
      unit="count", group="caseload",
      numerator="plan", dfe_file=_CL,
      description=f"{active}."),
    M(name="reviews_overdue",
      title="Plans with an annual review overdue",
      unit="count", direction="lower", group="caseload",
      numerator="review_overdue", denominator="review_date_known", published=False,
      description=f"{active} whose latest known review (the later of ReviewMeeting and LastReview, else the plan's "
      "StartDate) is more than 12 months before the reference date (one year later is still before it). "
      "Out of: active plans with any of those dates."),
)


def _needs() -> tuple[Definition, ...]:
    """A count and a percentage for each primary need (rank-1 SENtype), and for none recorded."""
    rows = []
    for code in NEED_CODES + ("Unknown",):
        lower = "need_unknown" if code == "Unknown" else code.lower()
        pc = "unknown_pc" if code == "Unknown" else f"{lower}_pc"
        title = "no primary need recorded" if code == "Unknown" else f"primary need {NEED_TITLES[code]}"
        published = code != "DS"
        which = code if code != "Unknown" else "missing or not a known code"
        rows += [
            M(name=f"number_{lower}",
              title=f"EHC plans with {title}",
              unit="count", group="caseload",
              numerator="need_" + code, denominator="plan", dfe_file=_SN, published=published,
              description=f"{active} whose rank-1 SENtype is {which}."),
            M(name=pc,
              title=f"EHC plans with {title} (%)",
              unit="percent", group="caseload",
              numerator="need_" + code, denominator="plan", dfe_file=_SN, published=published,
              description=f"number_{lower} as a percentage of ehcplans."),
        ]
    return tuple(rows)


def _placements() -> tuple[Definition, ...]:
    """Each caseload.csv placement column, each total and its percentage (``outcomes/placements.py``)."""
    placed = f"{active} whose placement there (the PlacementDetail covering it, PlacementRank 1 first) is"
    rows = []
    for total, (total_title, members) in TOTALS.items():
        about = f"{total_title[0].lower()}{total_title[1:]}"
        rows += [
            M(name=column,
              title=f"EHC plans: {title[0].lower()}{title[1:]}",
              unit="count", group="caseload",
              numerator="col_" + column, denominator="plan", dfe_file=_CL,
              description=f"{placed} {column_rule(column)}.")
            for column, title in members
        ]
        if len(members) > 1:
            rows.append(
                M(name=total,
                  title=f"EHC plans: {about} (total)",
                  unit="count", group="caseload",
                  numerator="total_" + total, denominator="plan", dfe_file=_CL,
                  description=f"{active} placed in one of: {' + '.join(name for name, _t in members)}."))
        rows.append(
            M(name=TOTAL_PC_NAMES.get(total, f"{total}_pc"),
              title=f"EHC plans: {about} (%)",
              unit="percent", group="caseload",
              numerator="total_" + total, denominator="plan", dfe_file=_CL,
              description=f"{total} as a percentage of ehcplans (to 1 decimal place, as DfE computes it)."))
        if total == "special_total":
            name, parts = SPECIAL_ACADEMY_FREE
            rows.append(
                M(name=name,
                  title="EHC plans: special academies and free schools",
                  unit="count", group="caseload",
                  numerator="col_" + name, denominator="plan", dfe_file=_CL,
                  description=f"{active} placed in {' or '.join(parts)} (DfE's 2025 release publishes them as one "
                  "column)."))
    return tuple(rows)


# Phase transfers, among the plans at the reference date (DfE 2026 phase_transfers.csv names its columns by year:
# due_25 and due_26 in the 2026 collection are the reporting and the collection year here).
pt = "(DfE's phase_transfers.csv names it by year, e.g. {} for the 2026 collection.)"
PHASE_TRANSFERS = (
    M(name="number_plans",
      title="EHC plans (phase transfers file)",
      unit="count", group="caseload",
      numerator="plan", dfe_file=_PT,
      description=f"{active}: ehcplans, as phase_transfers.csv gives it."),
    M(name="phase_transfer_due_reporting_year",
      title="Phase transfer reviews due in the reporting year",
      unit="count", group="caseload",
      numerator="phase_due_reporting_year", denominator="plan", published=False,
      description=f"{active} whose PhaseTransferDueDate is in the calendar year before the reference date's. "
      + pt.format("due_25")),
    M(name="phase_transfer_due_collection_year",
      title="Phase transfer reviews due in the collection year",
      unit="count", group="caseload",
      numerator="phase_due_collection_year", denominator="plan", published=False,
      description=f"{active} whose PhaseTransferDueDate is in the reference date's calendar year. "
      + pt.format("due_26")),
    M(name="phase_transfer_final_reporting_year",
      title="Final plans after a phase transfer review, reporting year",
      unit="count", group="caseload",
      numerator="phase_final_reporting_year", denominator="plan", published=False,
      description=f"{active} whose PhaseTransferFinalDate is in the calendar year before the reference date's. "
      + pt.format("final_25")),
    M(name="phase_transfer_final_collection_year",
      title="Final plans after a phase transfer review, collection year",
      unit="count", group="caseload",
      numerator="phase_final_collection_year", denominator="plan", published=False,
      description=f"{active} whose PhaseTransferFinalDate is in the reference date's calendar year. "
      + pt.format("final_26")),
)

TABLE: tuple[Definition, ...] = (
    *REQUESTS, *ASSESSMENTS, *TIMELINESS, *CEASED, *REVIEWS, *CASELOAD, *_needs(), *_placements(), *PHASE_TRANSFERS,
)
