from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendhub.outcomes import clocks


def test_statutory_limits_from_a_request():
    received = date(2024, 1, 8)
    assert clocks.decision_due(received) == date(2024, 2, 19)  # 6 weeks
    assert clocks.no_plan_notice_due(received) == date(2024, 4, 29)  # 16 weeks
    assert clocks.final_plan_due(received, exception=False) == date(2024, 5, 27)  # 20 weeks


def test_an_exception_lifts_the_20_week_limit():
    assert clocks.final_plan_due(date(2024, 1, 8), exception=True) is None


@pytest.mark.parametrize(
    ("previous", "issued", "due"),
    [
        (date(2024, 3, 1), date(2020, 1, 1), date(2025, 3, 1)),
        (None, date(2024, 2, 29), date(2025, 2, 28)),
        (None, None, None),
    ],
)
def test_annual_review_due(previous, issued, due):
    assert clocks.annual_review_due(previous, issued) == due


def test_review_decision_and_phase_transfer_deadlines():
    assert clocks.review_decision_due(date(2025, 6, 2)) == date(2025, 6, 30)
    assert clocks.phase_transfer_deadline(2026, to_post16=False) == date(2026, 2, 15)
    assert clocks.phase_transfer_deadline(2026, to_post16=True) == date(2026, 3, 31)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_deadlines_keep_their_order(received):
    assert clocks.decision_due(received) < clocks.no_plan_notice_due(received)
    assert clocks.no_plan_notice_due(received) < clocks.final_plan_due(received, exception=False)
    assert clocks.days_until(clocks.final_plan_due(received, exception=False), received) == 140
