"""Which requests a SEN2 return's figures cover, on 31 December, 1 January and the year's end.

A return for collection year C lists every request received in its reporting year C-1, but from earlier years
only the requests still open or with an active plan: a figure for C-2 would count the survivors only. So its
flow measures start on 1 January of C-1 (``computation.coverage_start``): a request received on 31 December
of C-2 is left out, one received on 1 January of C-1 is in. The reporting year ends on 31 December of C-1;
1 January of C starts the part-year up to the reference date, which is never shown as a "latest" full year
(``selectors.latest_values``) and is replaced by return C+1's full year once that is imported.

The return here is collection year 2026 (reference date 15 January 2026): it covers 1 January 2025 onwards.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sendhub.outcomes import selectors
from sendhub.outcomes.computation import build_rows, coverage_start, recompute_measures
from sendhub.outcomes.measures import ActivePlanRow, RequestRow, compute_all, evaluate
from sendhub.outcomes.models import MeasureValue
from tests.outcomes.factories_sen2 import ActivePlanFactory, EhcRequestFactory, Sen2ReturnFactory

pytestmark = pytest.mark.django_db

DEC_31_BEFORE = date(2024, 12, 31)  # the last day before the return's coverage
JAN_1 = date(2025, 1, 1)  # the first day it covers
DEC_31 = date(2025, 12, 31)  # the last day of its reporting year
JAN_1_NEXT = date(2026, 1, 1)  # the first day of the part-year after it


@pytest.fixture
def sen2_2026(area):
    return Sen2ReturnFactory(area=area, collection_year=2026, reference_date=date(2026, 1, 15))


def value(sen2_return, measure: str, period: str) -> tuple | None:
    row = MeasureValue.objects.filter(
        sen2_return=sen2_return, measure=measure, period=period, breakdown_topic="total", breakdown="Total"
    ).first()
    return None if row is None else (row.value, row.numerator, row.denominator)


# coverage_start -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2016, 2024, 2025, 2026, 2029])
def test_coverage_starts_on_1_january_of_the_reporting_year(area, year):
    sen2_return = Sen2ReturnFactory(area=area, collection_year=year, reference_date=date(year, 1, 18))
    start = coverage_start(sen2_return)
    assert start == date(year - 1, 1, 1)
    assert date(year - 2, 12, 31) < start <= date(year - 1, 1, 1) <= date(year - 1, 12, 31)


# Through recompute_measures: requests by ReceivedDate --------------------------------------------------------------


@pytest.fixture
def received_on_the_boundaries(sen2_2026):
    for received in (DEC_31_BEFORE, JAN_1, DEC_31, JAN_1_NEXT):
        EhcRequestFactory(sen2_return=sen2_2026, received_date=received)
    recompute_measures(sen2_2026)
    return sen2_2026


def test_a_request_received_on_1_january_is_counted_and_one_on_31_december_before_is_not(received_on_the_boundaries):
    ret = received_on_the_boundaries
    assert value(ret, "requests_received_in_year", "2025-01") == (1, 1, None), "1 January is covered"
    assert value(ret, "requests_received_in_year", "2024-12") is None, "31 December before is not"
    assert value(ret, "requests_received_in_year", "2024") is None
    assert not MeasureValue.objects.filter(sen2_return=ret, period__startswith="2024").exists()


def test_the_reporting_year_ends_on_31_december_and_1_january_starts_the_next(received_on_the_boundaries):
    ret = received_on_the_boundaries
    assert value(ret, "requests_received_in_year", "2025") == (2, 2, None), "1 January and 31 December 2025"
    assert value(ret, "requests_received_in_year", "2025-12") == (1, 1, None)
    assert value(ret, "requests_received_in_year", "2026-01") == (1, 1, None)
    assert value(ret, "requests_received_in_year", "2026") == (1, 1, None), "1 January 2026: the part-year"


def test_a_percentage_measure_on_the_first_day(sen2_2026):
    """Decisions within 6 weeks: the request of 31 December before (decided late) is left out of 2025."""
    EhcRequestFactory(
        sen2_return=sen2_2026, received_date=DEC_31_BEFORE, request_outcome="B",
        request_outcome_date=DEC_31_BEFORE + timedelta(days=60),
    )
    EhcRequestFactory(
        sen2_return=sen2_2026, received_date=JAN_1, request_outcome="A", request_outcome_date=JAN_1 + timedelta(days=42)
    )
    EhcRequestFactory(
        sen2_return=sen2_2026, received_date=JAN_1 + timedelta(days=1), request_outcome="A",
        request_outcome_date=JAN_1 + timedelta(days=44),
    )
    recompute_measures(sen2_2026)
    assert value(sen2_2026, "request_outcome_six_weeks", "2025") == (1, 1, None)
    assert value(sen2_2026, "request_outcome_over_6_weeks", "2025") == (1, 1, None)
    assert value(sen2_2026, "request_outcome_six_weeks_pc", "2025") == (50.0, 1, 2)
    assert value(sen2_2026, "requests_decided_not_to_assess", "2025") == (0, 0, None)


# Through recompute_measures: other assignment dates ----------------------------------------------------------------


def test_plans_are_covered_by_the_day_they_were_issued(sen2_2026):
    """20-week timeliness goes by the plan's StartDate: a plan issued on 1 January counts even when its request
    came before the coverage; one issued on 31 December before does not."""
    EhcRequestFactory(
        sen2_return=sen2_2026, received_date=JAN_1 - timedelta(days=140), plan_start_date=JAN_1,
        request_outcome="A", assessment_outcome="Y",
    )
    EhcRequestFactory(
        sen2_return=sen2_2026, received_date=DEC_31_BEFORE - timedelta(days=100), plan_start_date=DEC_31_BEFORE,
        request_outcome="A", assessment_outcome="Y",
    )
    recompute_measures(sen2_2026)
    assert value(sen2_2026, "plans_issued_den", "2025") == (1, 1, None)
    assert value(sen2_2026, "pc_plans_issued_within_20_weeks", "2025") == (100.0, 1, 1)
    assert value(sen2_2026, "plans_issued_den", "2024") is None
    assert value(sen2_2026, "requests_received_in_year", "2024") is None, "neither request is in the coverage"


def test_annual_reviews_are_covered_from_a_meeting_on_1_january(sen2_2026):
    for meeting in (DEC_31_BEFORE, JAN_1, DEC_31, JAN_1_NEXT):
        ActivePlanFactory(sen2_return=sen2_2026, review_meeting=meeting, last_review=meeting - timedelta(days=300))
    recompute_measures(sen2_2026)
    assert value(sen2_2026, "reviews_within_12_months", "2025") == (2, 2, None)
    assert value(sen2_2026, "reviews_within_12_months", "2025-01") == (1, 1, None)
    assert value(sen2_2026, "reviews_within_12_months", "2024-12") is None
    assert value(sen2_2026, "reviews_within_12_months", "2026") == (1, 1, None)
    assert value(sen2_2026, "ehcplans", "2026-01-15") == (4, 4, None), "stock measures count every active plan"


# compute_all and evaluate with the same boundaries (plain rows) -----------------------------------------------------


def test_compute_all_with_the_returns_coverage_start(sen2_2026):
    rows = [RequestRow(received_date=day) for day in (DEC_31_BEFORE, JAN_1, DEC_31, JAN_1_NEXT)]
    plans = [ActivePlanRow(review_meeting=day, last_review=day - timedelta(days=300)) for day in (DEC_31_BEFORE, JAN_1)]
    out = compute_all(rows, plans, sen2_2026.reference_date, period_start=coverage_start(sen2_2026))
    totals = {(m, p): v for m, k, p, t, b, v, n, d in out if t == "total" and k != "at_date"}
    assert totals[("requests_received_in_year", "2025")] == 2
    assert totals[("requests_received_in_year", "2026")] == 1
    assert totals[("reviews_within_12_months", "2025")] == 1
    assert not [key for key in totals if key[1].startswith("2024")]


def test_evaluate_puts_31_december_and_1_january_in_their_calendar_years():
    rows = [RequestRow(received_date=day) for day in (DEC_31_BEFORE, JAN_1, DEC_31, JAN_1_NEXT)]
    count = {
        period: evaluate("requests_received_in_year", requests=rows, period=period).value
        for period in ("2024", "2025", "2026", "2024-12", "2025-01", "2025-12", "2026-01")
    }
    assert count == {"2024": 1, "2025": 2, "2026": 1, "2024-12": 1, "2025-01": 1, "2025-12": 1, "2026-01": 1}


def test_build_rows_hands_every_stored_request_to_the_computation(received_on_the_boundaries):
    """The database read does not cut at the coverage: the cut is the computation's, at coverage_start."""
    requests, _plans = build_rows(received_on_the_boundaries)
    assert sorted(r.received_date for r in requests) == [DEC_31_BEFORE, JAN_1, DEC_31, JAN_1_NEXT]


# What the pages read: the newest covering return per year, and the latest full year ----------------------------------


def test_each_year_comes_from_the_return_that_covers_it(area, received_on_the_boundaries):
    """Return 2025 covers 2024 in full; return 2026 holds only a survivor of 31 December 2024, which must not
    replace return 2025's figure for 2024."""
    sen2_2025 = Sen2ReturnFactory(area=area, collection_year=2025, reference_date=date(2025, 1, 16))
    for received in (date(2024, 1, 1), date(2024, 6, 1), DEC_31_BEFORE):
        EhcRequestFactory(sen2_return=sen2_2025, received_date=received)
    EhcRequestFactory(sen2_return=sen2_2025, received_date=JAN_1)  # in return 2025's part-year
    recompute_measures(sen2_2025)
    series = {pt.period: pt.value for pt in selectors.measure_series(area, "requests_received_in_year")}
    assert series == {"2024": 3, "2025": 2, "2026": 1}
    months = selectors.measure_series(area, "requests_received_in_year", period_kind="month")
    monthly = {pt.period: pt.value for pt in months}
    assert monthly["2024-12"] == 1, "31 December 2024 from return 2025 only"
    assert monthly["2025-01"] == 1, "1 January 2025 once, from the newer return 2026"
    assert selectors.measures_for_year(area, 2024)["requests_received_in_year"] == 3
    assert selectors.measures_for_year(area, 2025)["requests_received_in_year"] == 2


def test_the_latest_full_year_is_the_reporting_year_not_the_part_year_after_1_january(area, received_on_the_boundaries):
    latest = selectors.latest_values(area)["requests_received_in_year"]
    assert (latest.period, latest.value, latest.collection_year) == ("2025", 2, 2026)
