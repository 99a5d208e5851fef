"""Statutory clocks of the EHC process (SEND Regulations 2014; SEND Code of Practice). Pure functions.

Days are calendar days. A week is 7 days: 6 weeks = 42 days, 16 weeks = 112, 20 weeks = 140.
"""

from __future__ import annotations

from datetime import date, timedelta

DECISION_TO_ASSESS_DAYS = 42  # reg 5(1): decide whether to assess within 6 weeks of the request
NO_PLAN_NOTICE_DAYS = 112  # reg 10(1): tell the family no plan will be issued within 16 weeks
FINAL_PLAN_DAYS = 140  # reg 13(2): issue the final EHC plan within 20 weeks of the request
REVIEW_DECISION_DAYS = 28  # reg 20/22: decide within 4 weeks of the review meeting
REVIEW_AMENDMENT_DAYS = 84  # amended plan at most 12 weeks after the review meeting (case law 2022)


def decision_due(received: date) -> date:
    return received + timedelta(days=DECISION_TO_ASSESS_DAYS)


def no_plan_notice_due(received: date) -> date:
    return received + timedelta(days=NO_PLAN_NOTICE_DAYS)


def final_plan_due(received: date, exception: bool) -> date | None:
    """The 20-week deadline, or None where an exception (reg 10(4), applied by reg 13(3)) lifts it."""
    if exception:
        return None
    return received + timedelta(days=FINAL_PLAN_DAYS)


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a non-leap year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def annual_review_due(previous_review: date | None, plan_issued: date | None) -> date | None:
    """Reviews are due at least every 12 months from the previous review, or from the plan being issued."""
    start = previous_review or plan_issued
    return add_years(start, 1) if start else None


def review_decision_due(review_meeting: date) -> date:
    return review_meeting + timedelta(days=REVIEW_DECISION_DAYS)


def phase_transfer_deadline(transfer_year: int, *, to_post16: bool) -> date:
    """Reg 18: by 15 February of the year of transfer; 31 March for secondary school to post-16."""
    return date(transfer_year, 3, 31) if to_post16 else date(transfer_year, 2, 15)


def days_until(deadline: date, today: date) -> int:
    return (deadline - today).days
