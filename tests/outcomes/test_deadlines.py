"""The deadline tracker: which open cases have a statutory deadline, when, and the counts at risk."""

from __future__ import annotations

from datetime import date

import pytest

from sendhub.outcomes import deadlines
from sendhub.outcomes.models import ActivePlan, EhcRequest, Sen2Person, Sen2Return

TODAY = date(2026, 2, 2)


@pytest.fixture
def sen2_return(area):
    return Sen2Return.objects.create(
        area=area, collection_year=2026, reference_date=date(2026, 1, 15), filename="r.xml", checksum="a" * 64
    )


def person(sen2_return, n: int) -> Sen2Person:
    return Sen2Person.objects.create(
        sen2_return=sen2_return, position=n, reference=f"P-{n:08X}", postcode_district="PR1", age_at_reference_date=9
    )


def request(sen2_return, n: int, received: date, **fields) -> EhcRequest:
    return EhcRequest.objects.create(
        sen2_return=sen2_return, person=person(sen2_return, n), received_date=received, age_at_request=8, **fields
    )


def test_each_kind_of_open_case_gets_its_statutory_deadline(sen2_return):
    request(sen2_return, 1, date(2026, 1, 5))  # awaiting a decision: 6 weeks -> 16 Feb
    request(sen2_return, 2, date(2025, 10, 1), request_outcome="A")  # assessing: 20 weeks -> 18 Feb
    request(sen2_return, 3, date(2025, 10, 1), request_outcome="A", week20=True)  # exception: no date
    request(
        sen2_return,
        4,
        date(2025, 10, 1),
        request_outcome="A",
        assessment_outcome="Y",
        plan_start_date=date(2026, 1, 10),
    )  # plan issued: nothing open
    request(sen2_return, 5, date(2025, 6, 1), request_outcome="B")  # refused: nothing open
    planned = request(
        sen2_return, 6, date(2020, 1, 6), request_outcome="A", assessment_outcome="Y", plan_start_date=date(2020, 5, 1)
    )
    ActivePlan.objects.create(
        sen2_return=sen2_return,
        request=planned,
        last_review=date(2025, 3, 1),
        review_meeting=date(2026, 1, 20),
        phase_transfer_due_date=date(2026, 2, 15),
    )
    rows = {(d.kind, d.reference): d for d in deadlines.deadlines_for(sen2_return, today=TODAY)}
    assert rows[("decision", "P-00000001")].due == date(2026, 2, 16)
    assert rows[("final_plan", "P-00000002")].due == date(2026, 2, 18)
    assert "tell the family by 21 Jan 2026" in rows[("final_plan", "P-00000002")].note
    assert rows[("exception", "P-00000003")].due is None
    assert rows[("annual_review", "P-00000006")].due == date(2026, 3, 1)
    assert rows[("review_decision", "P-00000006")].due == date(2026, 2, 17)
    assert rows[("phase_transfer", "P-00000006")].due == date(2026, 2, 15)
    assert not [key for key in rows if key[1] in {"P-00000004", "P-00000005"}]


def test_rows_are_sorted_soonest_first_and_far_deadlines_are_left_out(sen2_return):
    request(sen2_return, 1, date(2026, 1, 30))  # decision due 13 Mar: within 8 weeks of 2 Feb
    request(sen2_return, 2, date(2025, 11, 1))  # decision due 13 Dec 2025: overdue
    request(sen2_return, 3, date(2026, 1, 25), request_outcome="A")  # final plan due 14 Jun: beyond 8 weeks
    rows = deadlines.deadlines_for(sen2_return, today=TODAY)
    assert [d.reference for d in rows] == ["P-00000002", "P-00000001"]
    assert rows[0].days_left(TODAY) == -51


def test_summary_counts_overdue_and_each_horizon(sen2_return):
    for n, received in enumerate([date(2025, 11, 1), date(2025, 12, 25), date(2026, 1, 1), date(2026, 1, 20)], 1):
        request(sen2_return, n, received)  # decisions due 13 Dec, 5 Feb, 12 Feb, 3 Mar
    summary = deadlines.summarise(deadlines.deadlines_for(sen2_return, today=TODAY), TODAY)
    assert summary.overdue == 1
    assert summary.within == {2: 2, 4: 2, 8: 3}  # 3 Mar is 29 days away: inside 8 weeks, not 4
    assert summary.by_kind["decision"] == 4


def test_an_old_return_is_counted_as_at_its_reference_date(sen2_return):
    assert deadlines.as_at(sen2_return, date(2026, 2, 1)) == (date(2026, 2, 1), True)
    assert deadlines.as_at(sen2_return, date(2026, 11, 27)) == (date(2026, 1, 15), False)
    assert deadlines.as_at(sen2_return, date(2026, 11, 27), live=True) == (date(2026, 11, 27), True)


def test_cached_deadlines_match_and_are_reused(sen2_return, django_assert_num_queries):
    request(sen2_return, 1, date(2026, 1, 5))
    first = deadlines.cached_deadlines(sen2_return, today=TODAY)
    with django_assert_num_queries(0):
        assert deadlines.cached_deadlines(sen2_return, today=TODAY) == first
