"""The Lancashire demo's SEND Improvement Board: a year of bi-monthly meetings and the next one.

Invented: every meeting, agenda, decision, action arising, paper and minute. The agenda items link to the real
2024 findings and to the demo plan's actions (looked up by reference in the area, so this runs after
``lancashire.build``). Six past meetings, each with minutes approved at the following meeting (the latest
meeting's minutes wait, in draft, for the upcoming one); one action arising has been added to the plan.
Dates are relative to the day the demo is loaded. Built through ``governance.services``, like a real board.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from sendhub.accounts.models import LocalArea, Organisation, Role, User
from sendhub.demo.lancashire import DEMO_NOTE, ORGANISATIONS, demo_pdf
from sendhub.governance import services
from sendhub.governance.models import ActionArising, AgendaItem, Board, Decision, Meeting, Paper, long_date
from sendhub.governance.selectors import next_reference
from sendhub.improvement.models import Action, Finding
from sendhub.reports.models import MonitoringReport

BOARD_NAME = "Lancashire SEND Improvement Board"
TERMS_OF_REFERENCE = (
    "Purpose: to lead and oversee the local area partnership's improvement after the December 2024 area SEND "
    "inspection, and to hold every partner to account for the priority action plan.\n"
    "Chair: an independent chair. Members: the council's Director of Children's Services and Director of SEND "
    "Partnership, the ICB's Director of Nursing and Designated Clinical Officer, the co-chairs of the Parent "
    "Carer Forum, school, college and social care leaders. The DfE and NHS England advisers attend.\n"
    "Quorum: the chair, one council director, one ICB director and one Parent Carer Forum co-chair.\n"
    "Meetings: every two months; papers one week before; minutes approved at the following meeting.\n"
    f"{DEMO_NOTE}"
)
LOCATIONS = ["County Hall, Preston", "Online (Microsoft Teams)", "The Exchange, Blackburn"]
WEEKS_BETWEEN_MEETINGS = 9  # "every two months"


@dataclass(frozen=True)
class Item:
    title: str
    presenter: str
    findings: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    description: str = ""
    reports: bool = False  # link the area's latest monitoring report, if the reports demo made one


@dataclass(frozen=True)
class Arising:
    item: int  # index into the meeting's agenda
    title: str
    owner: str  # organisation key in lancashire.ORGANISATIONS
    weeks: int  # due this many weeks after the meeting
    description: str = ""


@dataclass(frozen=True)
class MeetingPlan:
    items: tuple[Item, ...]
    decisions: tuple[tuple[int, str], ...] = ()  # (agenda index, what was decided)
    arising: tuple[Arising, ...] = field(default_factory=tuple)
    minutes: str = ""


OPENING = Item("Welcome, apologies and declarations of interest", "Independent chair")
LAST_MINUTES = Item("Minutes and actions arising from the last meeting", "Independent chair",
                    description="Approve the minutes of the last meeting and review its actions arising.")

PAST: list[MeetingPlan] = [
    MeetingPlan(
        items=(
            OPENING,
            Item("Priority action plan: the first quarter", "Director of SEND Partnership",
                 findings=("PA1", "PA2", "PA3", "AFI1", "AFI2"), actions=("A11", "A12", "A18"),
                 description="Progress against each area for priority action and area for improvement."),
            Item("EHC plan timeliness", "Head of SEND Assessment and Review", findings=("PA2",),
                 actions=("A22", "A23", "A24"),
                 measures=("PC_plans_issued_20_weeks_ex", "request_outcome_six_weeks_pc")),
        ),
        decisions=(
            (1, "The board agreed the priority action plan's delivery timetable and RAG reporting each meeting."),
            (2, "The board asked for the assessment backlog to be reported by district at every meeting."),
        ),
        arising=(
            Arising(2, "Report the assessment backlog by district", "lcc", 8),
            Arising(1, "Agree the board's data pack with the ICB's analysts", "icb", 6),
        ),
        minutes=(
            "Present: the independent chair (chair), Director of SEND Partnership, ICB Director of Nursing, Parent "
            "Carer Forum co-chairs, DfE SEND adviser.\n"
            "The board reviewed the first quarter of the priority action plan. Recruitment of EHC plan writers is "
            "complete; the backlog of assessments over 20 weeks remains the main risk. The Forum asked for "
            "families' experience to be part of every progress report."
        ),
    ),
    MeetingPlan(
        items=(
            OPENING, LAST_MINUTES,
            Item("Neurodevelopmental pathway: waiting times", "Clinical Lead, Neurodevelopmental Pathway",
                 findings=("PA3",), actions=("A35", "A36", "A37", "A38")),
            Item("What families are telling us", "Parent Carer Forum co-chair", findings=("AFI1",),
                 actions=("A46", "A48")),
        ),
        decisions=(
            (2, "The board approved additional autism assessment capacity for a further twelve months."),
            (3, "The Forum's 'what families are telling us' report becomes a standing item."),
        ),
        arising=(
            Arising(2, "Validate the autism waiting list and write to every family waiting over a year", "community",
                    10, "Every family waiting more than 12 months contacted and needs reviewed."),
            Arising(3, "Publish a 'You said, we did' summary after each board meeting", "lcc", 6),
        ),
        minutes=(
            "The board heard that the longest wait for autism assessment is still over 100 weeks. Partners agreed "
            "to fund further capacity. The Forum presented themes from family drop-ins: communication while "
            "waiting is the main concern."
        ),
    ),
    MeetingPlan(
        items=(
            OPENING, LAST_MINUTES,
            Item("Joint commissioning strategy", "Head of Children's Commissioning", findings=("PA1",),
                 actions=("A15", "A20")),
            Item("Annual reviews: clearing the backlog", "Head of SEND Assessment and Review", findings=("PA2",),
                 actions=("A26",), measures=("reviews_within_12_months_pc", "reviews_overdue")),
        ),
        decisions=(
            (2, "The board asked for the joint commissioning strategy to come back with costed priorities."),
        ),
        arising=(
            Arising(2, "Bring costed joint commissioning priorities to the board", "icb", 8),
            Arising(3, "Set up a weekly annual review recovery panel", "lcc", 4),
        ),
        minutes=(
            "The joint commissioning strategy is behind plan: finance leads have not yet agreed the pooled budget. "
            "Overdue annual reviews have fallen but remain too high; the board asked for a recovery panel."
        ),
    ),
    MeetingPlan(
        items=(
            OPENING, LAST_MINUTES,
            Item("Preparation for adulthood", "Preparing for Adulthood Lead", findings=("AFI2",),
                 actions=("A53", "A54", "A55")),
            Item("Stocktake with the DfE and NHS England: evidence", "Director of SEND Partnership",
                 findings=("PA1",), actions=("A21",), reports=True),
        ),
        decisions=(
            (3, "The board signed off the evidence pack for the six-monthly stocktake."),
        ),
        arising=(
            Arising(2, "Audit adulthood outcomes in Year 9 annual reviews", "lcc", 10),
        ),
        minutes=(
            "The Preparing for Adulthood pathway is drafted and will be tested with the young people's ambassador "
            "group. The board reviewed the stocktake evidence pack and agreed it subject to minor changes."
        ),
    ),
    MeetingPlan(
        items=(
            OPENING, LAST_MINUTES,
            Item("EHC plan quality audit", "Principal Educational Psychologist", findings=("PA2",),
                 actions=("A25", "A19")),
            Item("Communication with families", "SEND Communications and Engagement Lead", findings=("AFI1",),
                 actions=("A45", "A47")),
        ),
        decisions=(
            (2, "The board accepted the audit's recommendations on health and care sections of plans."),
            (3, "A five-working-day response standard applies to every EHC caseworker from next month."),
        ),
        arising=(
            Arising(2, "Train health advisers on writing outcomes for EHC plans", "icb", 26,
                    "Follows the quality audit: health sections of plans are still too general."),
            Arising(3, "Report caseworker response times monthly on the Local Offer", "lcc", 8),
        ),
        minutes=(
            "The third independent audit found more plans rated good, but health and care sections vary. "
            "The board agreed training for health advisers and a response standard for caseworkers."
        ),
    ),
    MeetingPlan(
        items=(
            OPENING, LAST_MINUTES,
            Item("SEND data dashboard", "Director of SEND Partnership", findings=("PA1",), actions=("A14",),
                 measures=("PC_plans_issued_20_weeks_ex", "reviews_within_12_months_pc", "ehcplans"), reports=True),
            Item("Risks and issues", "Head of Children's Commissioning", findings=("PA1",), actions=("A12",)),
        ),
        decisions=(
            (2, "The dashboard replaces the separate council and ICB performance reports to the board."),
        ),
        arising=(
            Arising(3, "Add the neurodevelopmental pathway to the joint risk register", "icb", 6),
        ),
        minutes=(
            "The board reviewed the first full SEND data dashboard: 20-week timeliness continues to improve. "
            "The ICB will add the neurodevelopmental pathway to the joint risk register."
        ),
    ),
]
UPCOMING = MeetingPlan(
    items=(
        OPENING, LAST_MINUTES,
        Item("Preparing for the next stocktake", "Director of SEND Partnership", findings=("PA1",),
             actions=("A21",)),
        Item("Neurodevelopmental pathway update", "Clinical Lead, Neurodevelopmental Pathway", findings=("PA3",),
             actions=("A35", "A38", "A41")),
    ),
)
DONE_BEFORE = 3  # actions arising of the first three meetings are done
PROMOTE = (4, 0)  # (meeting, arising): training health advisers becomes a plan action


def build(area: LocalArea, today: date, admin: User | None) -> dict[str, int]:
    """Build the demo area's board; returns how many of each record it made."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            _Builder(area, today, admin, stored).build()
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return {
        "boards": Board.objects.filter(area=area).count(),
        "meetings": Meeting.objects.filter(area=area).count(),
        "agenda items": AgendaItem.objects.filter(meeting__area=area).count(),
        "papers": Paper.objects.filter(meeting__area=area).count(),
        "decisions": Decision.objects.filter(meeting__area=area).count(),
        "actions arising": ActionArising.objects.filter(meeting__area=area).count(),
        "actions arising in the plan": ActionArising.objects.filter(meeting__area=area, plan_action__isnull=False)
        .count(),
        "approved minutes": Meeting.objects.filter(area=area, minutes_status=Meeting.MinutesStatus.APPROVED).count(),
    }


def delete(area: LocalArea) -> None:
    """Remove the area's board records and their papers' files (call before the area's organisations go)."""
    files = list(Paper.objects.filter(meeting__area=area).values_list("file", flat=True))
    # Everything goes with the board (approvals between its meetings are RESTRICT, which allows a cascade).
    Board.objects.filter(area=area).delete()

    def delete_files() -> None:
        for name in files:
            default_storage.delete(name)

    transaction.on_commit(delete_files)


def meeting_dates(today: date) -> list[date]:
    """Six Tuesdays nine weeks apart over the past year (the latest 12 to 18 days ago), then the next one."""
    latest = today - timedelta(days=12)
    latest -= timedelta(days=(latest.weekday() - 1) % 7)  # the Tuesday on or before
    step = timedelta(weeks=WEEKS_BETWEEN_MEETINGS)
    past = [latest - step * n for n in range(len(PAST) - 1, -1, -1)]
    return [*past, latest + step]


class _Builder:
    def __init__(self, area: LocalArea, today: date, admin: User | None, stored: list[str]) -> None:
        # Papers need someone who added them: the area's administrator when the caller names nobody.
        admin = admin or User.objects.filter(memberships__area=area, memberships__role=Role.ADMINISTRATOR).first()
        self.area, self.today, self.admin, self.stored = area, today, admin, stored
        self.findings = {f.reference: f for f in Finding.objects.filter(area=area, inspection__start_date__year=2024)}
        self.actions = {a.reference: a for a in Action.objects.filter(area=area)}
        names = {key: spec[0] for key, spec in ORGANISATIONS.items()}
        by_name = {o.name: o for o in Organisation.objects.filter(area=area, name__in=names.values())}
        self.orgs = {key: by_name[name] for key, name in names.items() if name in by_name}
        self.report = MonitoringReport.objects.filter(area=area).order_by("-as_at", "-pk").first()

    def moment(self, on: date, hour: int = 16) -> datetime:
        """When something was recorded: an afternoon on the day, never later than now."""
        return min(timezone.make_aware(datetime.combine(on, time(hour, 0))), timezone.now() - timedelta(minutes=5))

    def build(self) -> None:
        board = Board(area=self.area, name=BOARD_NAME, terms_of_reference=TERMS_OF_REFERENCE)
        dates = meeting_dates(self.today)
        board._history_date = self.moment(dates[0] - timedelta(days=30))
        services.board_save(board=board, saved_by=self.admin)
        meetings = []
        for n, (plan, held_on) in enumerate(zip([*PAST, UPCOMING], dates, strict=True)):
            meeting = Meeting(board=board, held_on=held_on, starts_at=time(14, 0),
                              location=LOCATIONS[n % len(LOCATIONS)], status=Meeting.Status.SCHEDULED)
            meeting._history_date = self.moment(held_on - timedelta(days=42))
            services.meeting_save(meeting=meeting, area=self.area, saved_by=self.admin)
            items = self.agenda(meeting, plan)
            if held_on < self.today:
                self.record_outcomes(meeting, plan, items, done=n < DONE_BEFORE)
            meetings.append(meeting)
        past = meetings[:-1]
        self.add_paper(past[-1])
        for earlier, later in zip(past, past[1:], strict=False):
            services.minutes_approve(meeting=earlier, at_meeting=later, approved_by=self.admin, today=self.today,
                                     recorded_at=self.moment(later.held_on, 17))
        meeting_index, arising_index = PROMOTE
        arising = ActionArising.objects.filter(meeting=past[meeting_index]).order_by("pk")[arising_index]
        services.action_arising_promote(arising=arising, reference=next_reference(self.area), promoted_by=self.admin,
                                        recorded_at=self.moment(past[meeting_index].held_on + timedelta(days=2)))

    def agenda(self, meeting: Meeting, plan: MeetingPlan) -> list[AgendaItem]:
        items = []
        for position, spec in enumerate(plan.items, start=1):
            item = AgendaItem(meeting=meeting, position=position, title=spec.title, presenter=spec.presenter,
                              description=spec.description)
            item._history_date = self.moment(meeting.held_on - timedelta(days=14), 10)
            services.agenda_item_save(
                item=item,
                findings=[self.findings[ref] for ref in spec.findings if ref in self.findings],
                actions=[self.actions[ref] for ref in spec.actions if ref in self.actions],
                reports=[self.report] if spec.reports and self.report else [],
                measures=spec.measures,
                saved_by=self.admin,
            )
            items.append(item)
        return items

    def record_outcomes(self, meeting: Meeting, plan: MeetingPlan, items: list[AgendaItem], *, done: bool) -> None:
        after = self.moment(meeting.held_on)
        for index, text in plan.decisions:
            decision = Decision(meeting=meeting, agenda_item=items[index], text=text, decided_on=meeting.held_on)
            decision._history_date = after
            services.decision_record(decision=decision, recorded_by=self.admin)
        for spec in plan.arising:
            owner = self.orgs.get(spec.owner) or self.orgs["lcc"]
            arising = ActionArising(
                meeting=meeting, agenda_item=items[spec.item], title=spec.title, owner=owner,
                description=spec.description, due_date=meeting.held_on + timedelta(weeks=spec.weeks),
                status=ActionArising.Status.DONE if done else ActionArising.Status.OPEN,
            )
            arising._history_date = after
            services.action_arising_save(arising=arising, saved_by=self.admin)
        minutes = f"{plan.minutes}\n\n{DEMO_NOTE}"
        services.minutes_record(meeting=meeting, minutes=minutes, recorded_by=self.admin, today=self.today,
                                recorded_at=self.moment(meeting.held_on + timedelta(days=3)))
        meeting.refresh_from_db()

    def add_paper(self, meeting: Meeting) -> None:
        title = f"SEND data dashboard, {long_date(meeting.held_on)} (demonstration)"
        upload = SimpleUploadedFile(f"send-data-dashboard-{meeting.held_on:%Y-%m}.pdf",
                                    demo_pdf(f"Demonstration board paper - {long_date(meeting.held_on)}"),
                                    "application/pdf")
        item = meeting.agenda_items.filter(title="SEND data dashboard").first()
        paper = services.paper_add(meeting=meeting, agenda_item=item, title=title, upload=upload,
                                   content_type="application/pdf", added_by=self.admin,
                                   recorded_at=self.moment(meeting.held_on - timedelta(days=7), 9))
        self.stored.append(paper.file.name)
