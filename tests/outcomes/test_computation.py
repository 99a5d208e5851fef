"""recompute_measures over a return built directly with the ORM, and the selectors that read the values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sendhub.outcomes import selectors
from sendhub.outcomes.computation import recompute_measures
from sendhub.outcomes.models import ActivePlan, EhcRequest, MeasureValue, Sen2Person, Sen2Return

pytestmark = pytest.mark.django_db


def make_return(area, year=2025, reference=None, **kw) -> Sen2Return:
    return Sen2Return.objects.create(
        area=area, collection_year=year, reference_date=reference or date(year, 1, 16), filename=f"sen2-{year}.xml",
        checksum="0" * 64, **kw,
    )


def person(ret, n, district="PR1", age=9) -> Sen2Person:
    return Sen2Person.objects.create(
        sen2_return=ret, position=n, reference=f"R{n}", postcode_district=district, age_at_reference_date=age
    )


def request(ret, who, received, *, after=None, week20=False, age=8, **kw) -> EhcRequest:
    return EhcRequest.objects.create(
        sen2_return=ret, person=who, received_date=received, week20=week20, age_at_request=age,
        plan_start_date=received + timedelta(days=after) if after is not None else None, **kw,
    )


def value(ret, measure, period, topic="total", breakdown="Total"):
    row = MeasureValue.objects.get(
        sen2_return=ret, measure=measure, period=period, breakdown_topic=topic, breakdown=breakdown
    )
    return row.value, row.numerator, row.denominator


@pytest.fixture
def sen2_2025(area):
    """Four requests in 2024 (two plans within 20 weeks, one late, one late with an exception), two active plans."""
    ret = make_return(area)
    a, b, c = person(ret, 1, "PR1", 9), person(ret, 2, "BB2", 14), person(ret, 3, "", None)
    r1 = request(ret, a, date(2024, 1, 10), after=140, request_outcome="A",
                 request_outcome_date=date(2024, 2, 21))  # 42 days
    request(ret, b, date(2024, 2, 1), after=141, request_outcome="A", request_outcome_date=date(2024, 3, 15),
            age=13)  # 43 days
    request(ret, c, date(2024, 3, 1), after=50, age=None)
    request(ret, c, date(2024, 3, 5), after=200, week20=True, age=None, request_outcome="B")
    request(ret, a, date(2022, 5, 1), after=100)  # before the return's reporting year: not counted
    ActivePlan.objects.create(sen2_return=ret, request=r1, primary_need="ASD", setting="", age_at_reference_date=9,
                              last_review=date(2024, 7, 1))
    old = EhcRequest.objects.get(received_date=date(2022, 5, 1))
    ActivePlan.objects.create(sen2_return=ret, request=old, primary_need="SEMH", setting="OLA",
                              age_at_reference_date=9, review_meeting=date(2024, 8, 1),
                              review_draft=date(2024, 8, 20), last_review=date(2023, 8, 2))
    return ret


def test_recompute_writes_the_measures_of_the_reporting_year(sen2_2025, area):
    written = recompute_measures(sen2_2025)
    assert written == MeasureValue.objects.filter(sen2_return=sen2_2025).count() > 0
    assert value(sen2_2025, "requests_received_in_year", "2024") == (4, 4, None)
    assert value(sen2_2025, "request_outcome_six_weeks", "2024") == (1, 1, None)
    assert value(sen2_2025, "request_outcome_over_6_weeks", "2024") == (1, 1, None)
    assert value(sen2_2025, "requests_decided_not_to_assess", "2024") == (1, 1, None)
    assert value(sen2_2025, "plans_issued_den", "2024") == (4, 4, None)
    assert value(sen2_2025, "pc_plans_issued_within_20_weeks", "2024") == (50.0, 2, 4)
    assert value(sen2_2025, "PC_plans_issued_20_weeks_ex", "2024") == (66.7, 2, 3)
    assert value(sen2_2025, "plans_issued_den", "2024-05") == (1, 1, None)  # 2024-01-10 + 140 days = 2024-05-29
    assert value(sen2_2025, "ehcplans", "2025-01-16") == (2, 2, None)
    assert value(sen2_2025, "number_asd", "2025-01-16") == (1, 1, None)
    assert value(sen2_2025, "other_arrangements_la", "2025-01-16") == (1, 1, None)
    assert value(sen2_2025, "ed_elsewhere", "2025-01-16") == (1, 1, None)
    assert value(sen2_2025, "placement_unknown", "2025-01-16") == (1, 1, None)
    assert value(sen2_2025, "reviews_within_12_months", "2024") == (1, 1, None)
    assert value(sen2_2025, "number_decsion_4weeks", "2024") == (1, 1, None)
    # Breakdowns: district from the person, age band at request, primary need from the person's active plan.
    assert value(sen2_2025, "plans_issued_den", "2024", "district", "Unknown") == (2, 2, None)
    assert value(sen2_2025, "plans_issued_den", "2024", "age_band", "Age 11 to 15") == (1, 1, None)
    assert value(sen2_2025, "plans_issued_den", "2024", "primary_need", "ASD") == (1, 1, None)
    assert value(sen2_2025, "plans_issued_den", "2024", "primary_need", "Unknown") == (3, 3, None)
    assert value(sen2_2025, "ehcplans", "2025-01-16", "age_band", "Age 5 to 10") == (2, 2, None)
    # Before the reporting year nothing is written (a return holds only the survivors of earlier years).
    assert not MeasureValue.objects.filter(sen2_return=sen2_2025, period__startswith="2022").exists()


def test_recompute_replaces_the_returns_values(sen2_2025):
    first = recompute_measures(sen2_2025)
    EhcRequest.objects.filter(received_date=date(2024, 3, 1)).delete()
    second = recompute_measures(sen2_2025)
    assert second == MeasureValue.objects.filter(sen2_return=sen2_2025).count() <= first
    assert value(sen2_2025, "requests_received_in_year", "2024") == (3, 3, None)


def test_series_newest_covering_return_wins_and_superseded_returns_are_history(area, sen2_2025):
    recompute_measures(sen2_2025)
    # The 2026 return covers 2025 (and January 2026): 2025 replaces the 2025 return's January-only figure.
    ret26 = make_return(area, 2026)
    p = person(ret26, 1)
    for day in (date(2025, 1, 5), date(2025, 6, 1), date(2025, 9, 1)):
        request(ret26, p, day, after=100)
    request(ret26, p, date(2024, 6, 1), after=60)  # 2024 is not covered by the 2026 return
    recompute_measures(ret26)
    series = selectors.measure_series(area, "requests_received_in_year")
    assert [(pt.period, pt.value) for pt in series] == [("2024", 4), ("2025", 3)]
    # A re-import of collection year 2025 supersedes the first: its figures stay only as history.
    sen2_2025.is_current = False
    sen2_2025.save()
    again = make_return(area, 2025)
    request(again, person(again, 1), date(2024, 4, 4), after=10)
    recompute_measures(again)
    assert selectors.measure_series(area, "requests_received_in_year")[0].value == 1
    assert MeasureValue.objects.filter(sen2_return=sen2_2025).exists()
    monthly = selectors.measure_series(area, "plans_issued_den", period_kind="month")
    assert ("2025-12", 1) in [(pt.period, pt.value) for pt in monthly]


def test_latest_values_skip_part_years(area, sen2_2025):
    recompute_measures(sen2_2025)
    ret26 = make_return(area, 2026)
    request(ret26, person(ret26, 1), date(2026, 1, 5))  # January 2026 only: a part-year
    recompute_measures(ret26)
    latest = selectors.latest_values(area)
    assert latest["PC_plans_issued_20_weeks_ex"].period == "2024"
    assert latest["PC_plans_issued_20_weeks_ex"].value == 66.7
    assert latest["requests_received_in_year"].period == "2024"
    assert latest["ehcplans"].period == "2026-01-16" and latest["ehcplans"].value == 0


def test_breakdown_table_and_gaps_in_breakdown_series(area, sen2_2025):
    recompute_measures(sen2_2025)
    table = selectors.breakdown_table(area, "plans_issued_den", "2024", "age_band")
    assert table == [("Age 5 to 10", 1.0, 1, None), ("Age 11 to 15", 1.0, 1, None), ("Unknown", 2.0, 2, None)]
    series = selectors.measure_series(
        area, "plans_issued_den", period_kind="month", breakdown_topic="district", breakdown="PR1"
    )
    assert {pt.period: pt.value for pt in series}["2024-05"] == 1
    assert {pt.period: pt.value for pt in series}["2024-06"] == 0  # one plan issued, in BB2, none in PR1


def test_measures_for_year(area, sen2_2025):
    recompute_measures(sen2_2025)
    values = selectors.measures_for_year(area, 2024)
    assert values["requests_received_in_year"] == 4 and isinstance(values["requests_received_in_year"], int)
    assert values["PC_plans_issued_20_weeks_ex"] == 66.7
    assert values["ehcplans"] == 2  # at the January 2025 reference date
    assert list(values)[0] == "requests_received_in_year"
    assert "ehcplans" not in selectors.measures_for_year(area, 2023)
