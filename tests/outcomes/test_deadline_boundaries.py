"""The deadline tracker on the day before, the day of and the day after each boundary.

The rules, from ``outcomes/deadlines.py`` and ``outcomes/clocks.py``:

- a deadline is *missed* ("Already missed", ``RiskSummary.overdue``) once its day has passed: due yesterday is
  missed, due today is not yet missed (and shows 0 days left), due tomorrow is not;
- "In the next N weeks" counts deadlines due from today up to N weeks ahead, both ends included: today and
  day 7N count, yesterday (missed) and day 7N + 1 do not;
- the tracker lists every missed deadline and those due up to ``horizon_days`` (56) ahead, that day included;
- the statutory clocks count calendar days: a decision whether to assess is due 42 days after the request is
  received, a final plan 140 days after, an annual review a year after the last one, a review decision 28 days
  after the review meeting; a review meeting more than 365 days ago is superseded by the next review's clock;
- a return is counted from today while it is at most ``LIVE_FOR_DAYS`` (56) days old, from its reference date
  after that.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sendhub.outcomes import clocks, deadlines
from sendhub.outcomes.deadlines import Deadline
from tests.outcomes.factories_sen2 import ActivePlanFactory, EhcRequestFactory, Sen2ReturnFactory

TODAY = date(2026, 2, 2)
HORIZON = 56  # deadlines_for's default horizon_days
LIVE = deadlines.LIVE_FOR_DAYS  # 56
DAY = timedelta(days=1)


def due_on(day: date, kind: str = "decision", reference: str = "P-1") -> Deadline:
    return Deadline(kind, reference, day, None, "PR1", 9)


# The summary on plain Deadlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "missed", "days_left"),
    [(TODAY - DAY, True, -1), (TODAY, False, 0), (TODAY + DAY, False, 1)],
    ids=["due yesterday", "due today", "due tomorrow"],
)
def test_a_deadline_is_missed_only_once_its_day_has_passed(due, missed, days_left):
    deadline = due_on(due)
    summary = deadlines.summarise([deadline], TODAY)
    assert summary.overdue == (1 if missed else 0)
    assert deadline.days_left(TODAY) == days_left
    assert clocks.days_until(due, TODAY) == days_left


def test_due_yesterday_today_and_tomorrow_together():
    rows = [due_on(TODAY - DAY, reference="A"), due_on(TODAY, reference="B"), due_on(TODAY + DAY, reference="C")]
    summary = deadlines.summarise(rows, TODAY)
    assert summary.overdue == 1, "only yesterday's deadline is missed: today's can still be met"
    assert summary.within == {2: 2, 4: 2, 8: 2}, "today's and tomorrow's are both still to come"


@pytest.mark.parametrize(
    ("days_ahead", "within"),
    [
        (-1, {2: 0, 4: 0, 8: 0}),  # missed, not "to come"
        (0, {2: 1, 4: 1, 8: 1}),  # due today: to come, in every horizon
        (1, {2: 1, 4: 1, 8: 1}),
        (13, {2: 1, 4: 1, 8: 1}),
        (14, {2: 1, 4: 1, 8: 1}),  # exactly 2 weeks ahead: in the 2-week count
        (15, {2: 0, 4: 1, 8: 1}),
        (27, {2: 0, 4: 1, 8: 1}),
        (28, {2: 0, 4: 1, 8: 1}),
        (29, {2: 0, 4: 0, 8: 1}),
        (55, {2: 0, 4: 0, 8: 1}),
        (56, {2: 0, 4: 0, 8: 1}),
        (57, {2: 0, 4: 0, 8: 0}),
    ],
)
def test_each_horizon_includes_today_and_its_last_day(days_ahead, within):
    summary = deadlines.summarise([due_on(TODAY + timedelta(days=days_ahead))], TODAY)
    assert summary.within == within
    assert summary.overdue == (1 if days_ahead < 0 else 0)


def test_a_deadline_without_a_date_is_never_missed_nor_due():
    summary = deadlines.summarise([Deadline("exception", "P-1", None, TODAY - 200 * DAY, "PR1", 9)], TODAY)
    assert summary.overdue == 0 and summary.within == {2: 0, 4: 0, 8: 0} and summary.exceptions == 1


# Which date the tracker counts from ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age_days", "live"),
    [(0, True), (LIVE - 1, True), (LIVE, True), (LIVE + 1, False)],
)
def test_a_return_is_live_up_to_and_including_its_56th_day(db, age_days, live):
    sen2_return = Sen2ReturnFactory(reference_date=TODAY - timedelta(days=age_days))
    expected = (TODAY, True) if live else (sen2_return.reference_date, False)
    assert deadlines.as_at(sen2_return, TODAY) == expected


# deadlines_for over a return in the database -----------------------------------------------------------------------


@pytest.fixture
def sen2_return(db):
    return Sen2ReturnFactory(collection_year=2026, reference_date=date(2026, 1, 15))


def rows_by_reference(sen2_return, today=TODAY, **kwargs) -> dict[str, Deadline]:
    rows = deadlines.deadlines_for(sen2_return, today=today, **kwargs)
    by_reference = {d.reference: d for d in rows}
    assert len(by_reference) == len(rows), "one deadline per case in these tests"
    return by_reference


def request_due(sen2_return, reference: str, due: date, **fields):
    """An open request whose statutory deadline (decision, or final plan once assessing) falls on ``due``."""
    days = clocks.FINAL_PLAN_DAYS if fields.get("request_outcome") == "A" else clocks.DECISION_TO_ASSESS_DAYS
    return EhcRequestFactory(
        sen2_return=sen2_return, person__reference=reference, received_date=due - timedelta(days=days), **fields
    )


@pytest.mark.parametrize(
    ("kind", "fields"),
    [("decision", {}), ("final_plan", {"request_outcome": "A"}), ("final_plan", {"request_outcome": "A",
                                                                                 "assessment_outcome": "Y"})],
)
def test_requests_due_yesterday_today_and_tomorrow(sen2_return, kind, fields):
    for reference, due in (("YESTERDAY", TODAY - DAY), ("TODAY", TODAY), ("TOMORROW", TODAY + DAY)):
        request_due(sen2_return, reference, due, **fields)
    rows = rows_by_reference(sen2_return)
    assert {r: (d.kind, d.due, d.days_left(TODAY)) for r, d in rows.items()} == {
        "YESTERDAY": (kind, TODAY - DAY, -1),
        "TODAY": (kind, TODAY, 0),
        "TOMORROW": (kind, TODAY + DAY, 1),
    }
    summary = deadlines.summarise(list(rows.values()), TODAY)
    assert summary.overdue == 1
    assert summary.within[2] == 2


def test_the_statutory_clocks_count_calendar_days_from_the_request(sen2_return):
    received = TODAY - timedelta(days=42)
    EhcRequestFactory(sen2_return=sen2_return, person__reference="DECIDE", received_date=received)
    EhcRequestFactory(
        sen2_return=sen2_return,
        person__reference="PLAN",
        received_date=TODAY - timedelta(days=140),
        request_outcome="A",
    )
    rows = rows_by_reference(sen2_return)
    assert rows["DECIDE"].due == TODAY == clocks.decision_due(received)
    assert rows["PLAN"].due == TODAY
    assert clocks.decision_due(TODAY - timedelta(days=41)) == TODAY + DAY
    assert clocks.decision_due(TODAY - timedelta(days=43)) == TODAY - DAY
    assert clocks.final_plan_due(TODAY - timedelta(days=139), exception=False) == TODAY + DAY
    assert clocks.final_plan_due(TODAY - timedelta(days=141), exception=False) == TODAY - DAY


def test_the_horizon_includes_its_last_day(sen2_return):
    for reference, ahead in (("DAY-55", HORIZON - 1), ("DAY-56", HORIZON), ("DAY-57", HORIZON + 1)):
        request_due(sen2_return, reference, TODAY + timedelta(days=ahead), request_outcome="A")
    assert set(rows_by_reference(sen2_return)) == {"DAY-55", "DAY-56"}
    assert set(rows_by_reference(sen2_return, horizon_days=55)) == {"DAY-55"}


def test_a_long_missed_deadline_is_still_listed(sen2_return):
    request_due(sen2_return, "LONG-AGO", TODAY - timedelta(days=400))
    assert rows_by_reference(sen2_return)["LONG-AGO"].days_left(TODAY) == -400


def plan_reviewed(sen2_return, reference: str, **fields):
    return ActivePlanFactory(sen2_return=sen2_return, request__person__reference=reference, **fields)


def test_annual_reviews_due_yesterday_today_tomorrow_and_at_the_horizon(sen2_return):
    for reference, due in (
        ("YESTERDAY", TODAY - DAY),
        ("TODAY", TODAY),
        ("TOMORROW", TODAY + DAY),
        ("HORIZON", TODAY + timedelta(days=HORIZON)),
        ("BEYOND", TODAY + timedelta(days=HORIZON + 1)),
    ):
        plan_reviewed(sen2_return, reference, last_review=clocks.add_years(due, -1))
    rows = rows_by_reference(sen2_return)
    assert {r: (d.kind, d.days_left(TODAY)) for r, d in rows.items()} == {
        "YESTERDAY": ("annual_review", -1),
        "TODAY": ("annual_review", 0),
        "TOMORROW": ("annual_review", 1),
        "HORIZON": ("annual_review", HORIZON),
    }
    assert deadlines.summarise(list(rows.values()), TODAY).overdue == 1


def test_a_first_annual_review_is_due_a_year_after_the_plan_was_issued(sen2_return):
    for reference, due in (
        ("YESTERDAY", TODAY - DAY),
        ("TODAY", TODAY),
        ("HORIZON", TODAY + HORIZON * DAY),
        ("BEYOND", TODAY + (HORIZON + 1) * DAY),
    ):
        plan_reviewed(sen2_return, reference, last_review=None, request__plan_start_date=clocks.add_years(due, -1))
    rows = rows_by_reference(sen2_return)
    assert {r: d.days_left(TODAY) for r, d in rows.items()} == {"YESTERDAY": -1, "TODAY": 0, "HORIZON": HORIZON}


def test_review_decisions_due_yesterday_today_and_tomorrow(sen2_return):
    not_due_for_a_while = TODAY - timedelta(days=30)  # its next annual review is beyond the horizon
    for reference, due in (("YESTERDAY", TODAY - DAY), ("TODAY", TODAY), ("TOMORROW", TODAY + DAY)):
        meeting = due - timedelta(days=clocks.REVIEW_DECISION_DAYS)
        plan_reviewed(sen2_return, reference, last_review=not_due_for_a_while, review_meeting=meeting)
    rows = rows_by_reference(sen2_return)
    assert {r: (d.kind, d.days_left(TODAY)) for r, d in rows.items()} == {
        "YESTERDAY": ("review_decision", -1),
        "TODAY": ("review_decision", 0),
        "TOMORROW": ("review_decision", 1),
    }
    assert deadlines.summarise(list(rows.values()), TODAY).overdue == 1


def test_a_review_meeting_365_days_ago_still_counts_and_366_days_ago_does_not(sen2_return):
    not_due_for_a_while = TODAY - timedelta(days=30)
    for reference, days_ago in (("364", 364), ("365", 365), ("366", 366)):
        plan_reviewed(
            sen2_return, reference, last_review=not_due_for_a_while, review_meeting=TODAY - timedelta(days=days_ago)
        )
    rows = rows_by_reference(sen2_return)
    assert set(rows) == {"364", "365"}
    assert all(d.kind == "review_decision" for d in rows.values())
    assert rows["365"].due == TODAY - timedelta(days=365 - clocks.REVIEW_DECISION_DAYS)


def test_a_review_meeting_with_its_decision_sent_has_no_deadline(sen2_return):
    plan_reviewed(
        sen2_return, "DECIDED", last_review=TODAY - timedelta(days=30), review_meeting=TODAY - timedelta(days=28),
        review_draft=TODAY,
    )
    assert rows_by_reference(sen2_return) == {}


def test_phase_transfers_due_yesterday_today_and_tomorrow(sen2_return):
    for reference, due in (("YESTERDAY", TODAY - DAY), ("TODAY", TODAY), ("TOMORROW", TODAY + DAY)):
        plan_reviewed(sen2_return, reference, last_review=TODAY - timedelta(days=30), phase_transfer_due_date=due)
    plan_reviewed(
        sen2_return, "DONE", last_review=TODAY - timedelta(days=30), phase_transfer_due_date=TODAY - DAY,
        phase_transfer_final_date=TODAY - 2 * DAY,
    )
    rows = rows_by_reference(sen2_return)
    assert {r: (d.kind, d.days_left(TODAY)) for r, d in rows.items()} == {
        "YESTERDAY": ("phase_transfer", -1),
        "TODAY": ("phase_transfer", 0),
        "TOMORROW": ("phase_transfer", 1),
    }
    assert deadlines.summarise(list(rows.values()), TODAY).overdue == 1


# The tracker page ------------------------------------------------------------------------------------------------


def cell_after(header: str, html: str) -> str:
    match = re.search(rf">{re.escape(header)}</th><td[^>]*>([^<]*)</td>", html)
    assert match, f"no row {header!r}"
    return match.group(1).strip()


def test_the_tracker_page_counts_yesterday_as_missed_and_today_as_to_come(client_for, admin_user, area):
    today = timezone.localdate()
    live = Sen2ReturnFactory(area=area, collection_year=today.year + 1, reference_date=today - 10 * DAY)
    for reference, due in (("P-0000000A", today - DAY), ("P-0000000B", today), ("P-0000000C", today + DAY)):
        request_due(live, reference, due)
    response = client_for(admin_user).get(reverse("outcomes:deadlines", args=[area.slug]))
    assert response.status_code == 200
    assert response.context["live"] is True and response.context["today"] == today, "run again: midnight passed"
    html = response.content.decode()
    assert response.context["risk"].overdue == 1
    assert cell_after("Already missed", html) == "1"
    assert cell_after("In the next 2 weeks", html) == "2"
    days = {d.reference: days for d, days in response.context["rows"]}
    assert days == {"P-0000000A": -1, "P-0000000B": 0, "P-0000000C": 1}
    assert html.count("days late</strong>") == 1, "only yesterday's deadline is shown as late"
    assert "1 days late" in html
