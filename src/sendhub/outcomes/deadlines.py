"""The deadline tracker: open cases from the latest SEN2 return with their statutory dates, soonest first.

Case rows carry only the pseudonymous reference made at import, never a name or identifier.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Q

from sendhub.accounts.models import LocalArea
from sendhub.outcomes import clocks
from sendhub.outcomes.models import ActivePlan, EhcRequest, Sen2Return

KINDS = {
    "decision": "Decision whether to assess (6 weeks)",
    "final_plan": "Final EHC plan (20 weeks)",
    "exception": "Final EHC plan: exception to the 20-week limit",
    "review_decision": "Decision after annual review (4 weeks)",
    "annual_review": "Annual review (12 months)",
    "phase_transfer": "Phase transfer review and amendment",
}
HORIZON_WEEKS = (2, 4, 8)


@dataclass(frozen=True)
class Deadline:
    kind: str
    reference: str
    due: date | None
    start: date | None
    district: str
    age: int | None
    note: str = ""

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    def days_left(self, today: date) -> int | None:
        return clocks.days_until(self.due, today) if self.due else None


# A return older than this is not a live picture: deadlines are then counted as at its reference date, since
# cases settled after it cannot be seen and would all look overdue.
LIVE_FOR_DAYS = 56


def as_at(sen2_return: Sen2Return, today: date, *, live: bool | None = None) -> tuple[date, bool]:
    """The date deadlines are counted from, and whether that is today (live) or the return's reference date."""
    if live is None:
        live = (today - sen2_return.reference_date).days <= LIVE_FOR_DAYS
    return (today, True) if live else (sen2_return.reference_date, False)


def latest_return(area: LocalArea) -> Sen2Return | None:
    return Sen2Return.objects.filter(area=area, is_current=True).order_by("-collection_year").first()


def deadlines_for(sen2_return: Sen2Return, *, horizon_days: int = 56, today: date) -> list[Deadline]:
    """Every open statutory deadline in the return that is overdue or falls within ``horizon_days``.

    The database returns only the rows that can have such a deadline, so a large return stays fast.
    """
    rows: list[Deadline] = []
    horizon_end = today + timedelta(days=horizon_days)
    requests = (
        EhcRequest.objects.filter(sen2_return=sen2_return)
        .filter(
            Q(request_outcome="")
            | Q(request_outcome="A", plan_start_date__isnull=True, assessment_outcome__in=["", "Y"])
        )
        .values_list(
            "received_date",
            "request_outcome",
            "assessment_outcome",
            "week20",
            "person__reference",
            "person__postcode_district",
            "age_at_request",
        )
    )
    for received, outcome, assessment, week20, reference, district, age in requests.iterator(2000):
        if outcome == "":
            rows.append(Deadline("decision", reference, clocks.decision_due(received), received, district, age))
            continue
        due = clocks.final_plan_due(received, exception=week20)
        note = (
            ""
            if assessment == "Y"
            else f"If no plan: tell the family by {clocks.no_plan_notice_due(received):%d %b %Y}"
        )
        rows.append(Deadline("exception" if week20 else "final_plan", reference, due, received, district, age, note))
    # An annual review falls due a year after the last review (or the plan being issued); ReviewDraft is when
    # the decision after a review was sent (as in docs/measures.md); a meeting more than a year old is
    # superseded by the next review's clock.
    review_horizon = clocks.add_years(horizon_end, -1)
    meeting_floor = today - timedelta(days=365)
    plans = (
        ActivePlan.objects.filter(sen2_return=sen2_return)
        .filter(
            Q(last_review__lte=review_horizon)
            | Q(last_review__isnull=True, request__plan_start_date__lte=review_horizon)
            | Q(review_meeting__gte=meeting_floor, review_draft__isnull=True)
            | Q(phase_transfer_due_date__isnull=False, phase_transfer_final_date__isnull=True)
        )
        .values_list(
            "last_review",
            "review_meeting",
            "review_draft",
            "phase_transfer_due_date",
            "phase_transfer_final_date",
            "request__plan_start_date",
            "request__person__reference",
            "request__person__postcode_district",
            "age_at_reference_date",
        )
    )
    for last, meeting, decided, transfer_due, transfer_final, issued, reference, district, age in plans.iterator(2000):
        review_due = clocks.annual_review_due(last, issued)
        if review_due and review_due <= horizon_end:
            rows.append(Deadline("annual_review", reference, review_due, last or issued, district, age))
        if meeting and decided is None and meeting >= meeting_floor:
            rows.append(
                Deadline("review_decision", reference, clocks.review_decision_due(meeting), meeting, district, age)
            )
        if transfer_due and not transfer_final:
            rows.append(Deadline("phase_transfer", reference, transfer_due, None, district, age))
    horizon = today.toordinal() + horizon_days
    kept = [d for d in rows if d.due is None or d.due.toordinal() <= horizon]
    kept.sort(key=lambda d: (d.due is None, d.due or date.max, d.reference))
    return kept


def cached_deadlines(sen2_return: Sen2Return, *, today: date) -> list[Deadline]:
    """:func:`deadlines_for`, cached: an imported return never changes, so its deadlines as at a date don't."""
    key = f"sendhub:deadlines:{sen2_return.pk}:{sen2_return.checksum[:16]}:{today.isoformat()}"
    rows = cache.get(key)
    if rows is None:
        rows = deadlines_for(sen2_return, today=today)
        cache.set(key, rows, timeout=60 * 60)
    return rows


@dataclass(frozen=True)
class RiskSummary:
    overdue: int
    within: dict[int, int]  # weeks -> cases due from today up to that many weeks ahead
    by_kind: dict[str, int]
    exceptions: int


def summarise(deadlines: list[Deadline], today: date) -> RiskSummary:
    overdue = sum(1 for d in deadlines if d.due and d.due < today)
    within = {
        weeks: sum(1 for d in deadlines if d.due and 0 <= clocks.days_until(d.due, today) <= weeks * 7)
        for weeks in HORIZON_WEEKS
    }
    by_kind = Counter(d.kind for d in deadlines)
    return RiskSummary(overdue, within, {k: by_kind.get(k, 0) for k in KINDS}, by_kind.get("exception", 0))
