"""The Ofsted/CQC area SEND inspection frameworks as data: what each kind of inspection is called, the outcomes
and finding kinds it uses, the words its judgements use, and the plans each result requires with their clocks.

Pure data and pure functions (no database): the pages, the self-evaluation, the data migration that maps the
existing history and the tests all read from here, so a revised handbook is one edit in one place. Sources (the
wording is ours except the outcome statements and criterion headings, which are the documents' own short
phrases): "Area SEND inspections: framework and handbook" (Ofsted and CQC, in force from 6 June 2025; first used
from January 2023); the 2016 "Local area SEND inspection: framework" and handbook (with its 2021 revisit
guidance); DfE, "Area SEND inspections: support and challenge following inspection" (May 2023). Paragraph
references are in the decisions file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

CURRENT = "2023"
F2016 = "2016"


@dataclass(frozen=True)
class PlanRule:
    """A plan the partnership must write after an inspection result, with the clock that runs from publication.

    ``working_days``: the deadline in working days (Monday to Friday; bank holidays are not known here, so the
    date is the earliest it can be) after the report's publication; None when no deadline is set in the
    framework (the monitors set one, and it is entered by hand). ``remind_days``: how many days before the due
    date the reminder falls.
    """

    kind: str
    name: str
    who: str
    working_days: int | None
    remind_days: int
    basis: str


@dataclass(frozen=True)
class ActivityRule:
    """Inspection activity expected after a result: e.g. a monitoring inspection about 18 months later."""

    kind: str  # an Inspection.Kind value
    name: str
    months: int
    basis: str


@dataclass(frozen=True)
class Outcome:
    code: str  # Inspection.Outcome value
    short: str
    statement: str  # the report's own wording
    plans: tuple[str, ...]  # PlanRule kinds
    activities: tuple[ActivityRule, ...] = ()


@dataclass(frozen=True)
class Criterion:
    code: str
    strand: str
    text: str  # the handbook's heading for the criterion
    looks_for: str  # our summary of what inspectors look at, for the self-evaluation page


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    short_name: str
    in_force: str
    kinds: dict[str, str]  # Inspection.Kind value -> name under this framework
    finding_kinds: dict[str, str]  # Finding.Kind value -> name
    finding_kinds_plural: dict[str, str]
    judgements: dict[str, dict[str, str]]  # inspection kind -> Judgement.Outcome value -> wording
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    criteria: tuple[Criterion, ...] = ()


PLAN_RULES: dict[str, PlanRule] = {
    rule.kind: rule
    for rule in (
        PlanRule(
            "wsoa", "Written statement of action", "Local authority and CCGs (now the ICB)", 70, 14,
            "2016 framework: required where the letter finds significant concerns; submitted to Ofsted, which "
            "judges whether it is fit for purpose.",
        ),
        PlanRule(
            "app", "Accelerated progress plan", "Local authority and ICB", None, 14,
            "2016 framework: required by DfE and NHS England where a revisit finds insufficient progress in any "
            "area of significant weakness; they set its date.",
        ),
        PlanRule(
            "pap", "Priority action plan (area SEND)", "Local authority and ICB", 35, 10,
            "Current framework: outcome 3 (widespread and/or systemic failings); sets out how each area for "
            "priority action will be addressed; submitted to Ofsted.",
        ),
        PlanRule(
            "strategic", "Updated strategic plan", "Local area partnership", 50, 10,
            "Current framework: outcomes 2 and 3; the partnership updates and publishes its strategic plan to "
            "address the findings (areas for improvement).",
        ),
    )
}

MONITORING_AFTER_OUTCOME_3 = ActivityRule(
    "monitoring", "Monitoring inspection", 18,
    "Usually about 18 months after the final report of a full inspection with outcome 3.",
)
FULL_AFTER_OUTCOME_3 = ActivityRule("full", "Full reinspection", 36, "Usually within 3 years of outcome 3.")
FULL_AFTER_OUTCOME_2 = ActivityRule("full", "Full reinspection", 36, "Usually within about 3 years of outcome 2.")
FULL_AFTER_OUTCOME_1 = ActivityRule("full", "Full reinspection", 60, "Usually within about 5 years of outcome 1.")
ENGAGEMENT = ActivityRule(
    "engagement", "Annual engagement meeting", 12,
    "Ofsted and CQC hold engagement meetings with every partnership between inspections (about yearly).",
)
REVISIT_AFTER_WSOA = ActivityRule(
    "revisit", "Revisit", 18, "2016 framework: usually within about 18 months of the WSoA being accepted."
)

FRAMEWORKS: dict[str, Framework] = {
    F2016: Framework(
        key=F2016,
        name="2016 framework (joint local area SEND inspection)",
        short_name="2016 framework",
        in_force="May 2016 to December 2022",
        kinds={"full": "Joint local area SEND inspection", "revisit": "Revisit"},
        finding_kinds={"significant_weakness": "Area of significant weakness"},
        finding_kinds_plural={"significant_weakness": "Areas of significant weakness"},
        judgements={
            "revisit": {
                "sufficient_progress": "Sufficient progress",
                "not_sufficient_progress": "Not sufficient progress",
                "superseded": "Superseded",
            },
        },
        outcomes={},
    ),
    CURRENT: Framework(
        key=CURRENT,
        name="Area SEND inspection framework (January 2023, revised June 2025)",
        short_name="Current area SEND framework",
        in_force="From January 2023; revised version in force from 6 June 2025",
        kinds={
            "full": "Full inspection",
            "monitoring": "Monitoring inspection",
            "engagement": "Engagement meeting",
        },
        finding_kinds={"priority_action": "Area for priority action", "improvement": "Area for improvement"},
        finding_kinds_plural={"priority_action": "Areas for priority action", "improvement": "Areas for improvement"},
        judgements={
            # A monitoring inspection reports on the action taken to address each area for priority action,
            # not the 2016 revisit's "sufficient progress": our wording of the two ends of its report.
            "monitoring": {
                "sufficient_progress": "Effective action is being taken",
                "not_sufficient_progress": "Effective action is not yet being taken",
                "superseded": "Superseded",
            },
            "full": {
                "sufficient_progress": "No longer a concern",
                "not_sufficient_progress": "Remains a concern",
                "superseded": "Superseded",
            },
        },
        outcomes={
            "1": Outcome(
                "1", "Positive experiences and outcomes",
                "The local area partnership's SEND arrangements typically lead to positive experiences and "
                "outcomes for children and young people with SEND. The local area partnership is taking action "
                "where improvements are needed.",
                (), (FULL_AFTER_OUTCOME_1, ENGAGEMENT),
            ),
            "2": Outcome(
                "2", "Inconsistent experiences and outcomes",
                "The local area partnership's arrangements lead to inconsistent experiences and outcomes for "
                "children and young people with SEND. The local area partnership must work jointly to make "
                "improvements.",
                ("strategic",), (FULL_AFTER_OUTCOME_2, ENGAGEMENT),
            ),
            "3": Outcome(
                "3", "Widespread and/or systemic failings",
                "There are widespread and/or systemic failings leading to significant concerns about the "
                "experiences and outcomes of children and young people with SEND, which the local area "
                "partnership must address urgently.",
                ("pap", "strategic"), (MONITORING_AFTER_OUTCOME_3, FULL_AFTER_OUTCOME_3, ENGAGEMENT),
            ),
        },
        criteria=(
            Criterion("EO1", "Children and young people's experiences and outcomes",
                      "Children and young people's needs are identified accurately and assessed in a timely and "
                      "effective way.",
                      "Early identification; timeliness and quality of EHC needs assessments and plans; health "
                      "and care advice; diagnostic pathways."),
            Criterion("EO2", "Children and young people's experiences and outcomes",
                      "Children, young people and their families participate in decision-making about their "
                      "individual plans and support.",
                      "The child's and family's voice in plans and reviews; information, advice and support; "
                      "how disagreements are resolved."),
            Criterion("EO3", "Children and young people's experiences and outcomes",
                      "Children and young people receive the right help at the right time.",
                      "Waiting times; provision matching the plan; annual reviews; support while waiting; "
                      "alternative provision."),
            Criterion("EO4", "Children and young people's experiences and outcomes",
                      "Children and young people are well prepared for their next steps and achieve strong "
                      "outcomes.",
                      "Transitions between phases and into adulthood; education, health, independence and "
                      "employment outcomes."),
            Criterion("EO5", "Children and young people's experiences and outcomes",
                      "Children and young people with SEND are valued, visible and included in their "
                      "communities.",
                      "Inclusion in education and community life; attendance, suspensions and exclusions; "
                      "short breaks and leisure."),
            Criterion("SL1", "The local area partnership's strategy and leadership",
                      "Leaders are ambitious for children and young people with SEND.",
                      "A shared, co-produced strategy; governance and accountability across education, health "
                      "and care."),
            Criterion("SL2", "The local area partnership's strategy and leadership",
                      "Leaders actively engage and work with children, young people and families.",
                      "Strategic co-production with the parent carer forum and young people; acting on what "
                      "families say."),
            Criterion("SL3", "The local area partnership's strategy and leadership",
                      "Leaders have an accurate, shared understanding of the needs of children and young people "
                      "in their local area.",
                      "Joint strategic needs assessment; use of data; accurate self-evaluation."),
            Criterion("SL4", "The local area partnership's strategy and leadership",
                      "Leaders commission services and provision to meet the needs and aspirations of children "
                      "and young people, including commissioning arrangements for children and young people in "
                      "alternative provision.",
                      "Joint commissioning; sufficiency of places and services; oversight of alternative "
                      "provision."),
            Criterion("SL5", "The local area partnership's strategy and leadership",
                      "Leaders evaluate services and make improvements.",
                      "Quality assurance (including EHC plan audits); performance monitoring; learning from "
                      "complaints and tribunals."),
            Criterion("SL6", "The local area partnership's strategy and leadership",
                      "Leaders create an environment in which effective practice and multi-agency working can "
                      "flourish.",
                      "Workforce development; shared practice standards; information sharing between agencies."),
        ),
    ),
}

CRITERIA: dict[str, Criterion] = {c.code: c for c in FRAMEWORKS[CURRENT].criteria}


def framework(key: str) -> Framework:
    return FRAMEWORKS[key]


def kind_name(framework_key: str, kind: str) -> str:
    """What the framework calls this kind of inspection activity (a kind it does not use keeps its own name)."""
    return FRAMEWORKS[framework_key].kinds.get(kind, kind.replace("_", " ").capitalize())


def kind_allowed(framework_key: str, kind: str) -> bool:
    return kind in FRAMEWORKS[framework_key].kinds


def judgement_wording(framework_key: str, inspection_kind: str, outcome: str) -> str:
    """The words for a judgement of a finding at a later inspection of this framework and kind."""
    words = FRAMEWORKS[framework_key].judgements.get(inspection_kind, {})
    return words.get(outcome, outcome.replace("_", " ").capitalize())


def add_working_days(start: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``start``."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def add_months(start: date, months: int) -> date:
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError("unreachable")


@dataclass(frozen=True)
class Requirement:
    plan: PlanRule
    due_date: date | None
    reminder_date: date | None


def required_plans(
    framework_key: str,
    kind: str,
    *,
    outcome: str = "",
    significant_weaknesses: int = 0,
    not_sufficient: int = 0,
    published: date | None,
) -> list[Requirement]:
    """The plans an inspection's result requires, each with its due date and reminder (None without a clock).

    2016: a full inspection with any area of significant weakness requires a WSoA; a revisit that finds
    insufficient progress in any area requires an accelerated progress plan. Current framework: by outcome.
    """
    kinds: tuple[str, ...] = ()
    if framework_key == F2016:
        if kind == "full" and significant_weaknesses:
            kinds = ("wsoa",)
        elif kind == "revisit" and not_sufficient:
            kinds = ("app",)
    elif kind == "full" and outcome in FRAMEWORKS[framework_key].outcomes:
        kinds = FRAMEWORKS[framework_key].outcomes[outcome].plans
    result = []
    for plan_kind in kinds:
        rule = PLAN_RULES[plan_kind]
        due = add_working_days(published, rule.working_days) if published and rule.working_days else None
        remind = due - timedelta(days=rule.remind_days) if due else None
        result.append(Requirement(rule, due, remind))
    return result


def expected_activities(
    framework_key: str, kind: str, *, outcome: str = "", published: date | None, wsoa_plan: bool = False
) -> list[tuple[ActivityRule, date | None]]:
    """Inspection activity usually expected after this result, with the date it is expected by."""
    rules: tuple[ActivityRule, ...] = ()
    if framework_key == F2016 and kind == "full" and wsoa_plan:
        rules = (REVISIT_AFTER_WSOA,)
    elif framework_key != F2016 and kind == "full" and outcome in FRAMEWORKS[framework_key].outcomes:
        rules = FRAMEWORKS[framework_key].outcomes[outcome].activities
    return [(rule, add_months(published, rule.months) if published else None) for rule in rules]
