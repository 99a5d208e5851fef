"""Next meeting times and plain-English schedules (pure functions over unsaved Schedule rows)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendhub.directory.models import Schedule
from sendhub.directory.schedules import describe, format_time, next_meeting, next_occurrence, occurrences

LONDON = ZoneInfo("Europe/London")


def sched(**kwargs) -> Schedule:
    kwargs.setdefault("opens_at", dt.time(10))
    kwargs.setdefault("closes_at", dt.time(12))
    return Schedule(**kwargs)


# 2025-03-04 is a Tuesday.
TUE = dt.datetime(2025, 3, 4, 9, 0)


@pytest.mark.parametrize(
    ("schedule", "after", "expected"),
    [
        (sched(freq="WEEKLY", byday="TU"), TUE, dt.datetime(2025, 3, 4, 10)),
        (sched(freq="WEEKLY", byday="TU"), TUE.replace(hour=10, minute=1), dt.datetime(2025, 3, 11, 10)),
        (sched(freq="WEEKLY", byday="MO,WE"), TUE, dt.datetime(2025, 3, 5, 10)),
        (sched(freq="", byday="FR"), TUE, dt.datetime(2025, 3, 7, 10)),  # byday without freq: weekly
        # Every other Tuesday from 25 Feb: 25 Feb, 11 Mar.
        (sched(freq="WEEKLY", byday="TU", interval=2, dtstart=dt.date(2025, 2, 25)), TUE, dt.datetime(2025, 3, 11, 10)),
        (sched(freq="WEEKLY", byday="TU", interval=2, dtstart=dt.date(2025, 2, 18)), TUE, dt.datetime(2025, 3, 4, 10)),
        (sched(freq="WEEKLY", byday="TU", interval=2), TUE, None),  # no anchor: cannot know which weeks
        (sched(freq="WEEKLY", dtstart=dt.date(2025, 1, 2)), TUE, dt.datetime(2025, 3, 6, 10)),  # dtstart's weekday
        (sched(freq="DAILY"), TUE.replace(hour=11), dt.datetime(2025, 3, 5, 10)),
        (sched(freq="DAILY", interval=3, dtstart=dt.date(2025, 3, 1)), TUE, dt.datetime(2025, 3, 4, 10)),
        (sched(freq="DAILY", interval=3, dtstart=dt.date(2025, 3, 2)), TUE, dt.datetime(2025, 3, 5, 10)),
        # Monthly by ordinal weekday.
        (sched(freq="MONTHLY", byday="2TU"), TUE, dt.datetime(2025, 3, 11, 10)),
        (sched(freq="MONTHLY", byday="1TU"), TUE, dt.datetime(2025, 3, 4, 10)),
        (sched(freq="MONTHLY", byday="1TU"), TUE.replace(hour=13), dt.datetime(2025, 4, 1, 10)),
        (sched(freq="MONTHLY", byday="-1FR"), TUE, dt.datetime(2025, 3, 28, 10)),
        (sched(freq="MONTHLY", byday="5MO"), TUE, dt.datetime(2025, 3, 31, 10)),
        (sched(freq="MONTHLY", byday="5TU"), TUE, dt.datetime(2025, 4, 29, 10)),  # March has four Tuesdays
        (sched(freq="MONTHLY", byday="1MO,3MO"), TUE, dt.datetime(2025, 3, 17, 10)),
        # Monthly by day of the month.
        (sched(freq="MONTHLY", bymonthday="15"), TUE, dt.datetime(2025, 3, 15, 10)),
        (sched(freq="MONTHLY", bymonthday="-1"), TUE, dt.datetime(2025, 3, 31, 10)),
        (sched(freq="MONTHLY", bymonthday="31"), dt.datetime(2025, 4, 1), dt.datetime(2025, 5, 31, 10)),
        (
            sched(freq="MONTHLY", bymonthday="1", interval=2, dtstart=dt.date(2025, 2, 1)),
            TUE,
            dt.datetime(2025, 4, 1, 10),
        ),
        (sched(freq="MONTHLY", dtstart=dt.date(2024, 12, 20)), TUE, dt.datetime(2025, 3, 20, 10)),
        # Bounds.
        (sched(freq="WEEKLY", byday="TU", valid_from=dt.date(2025, 4, 1)), TUE, dt.datetime(2025, 4, 1, 10)),
        (sched(freq="WEEKLY", byday="TU", dtstart=dt.date(2025, 3, 10)), TUE, dt.datetime(2025, 3, 11, 10)),
        (sched(freq="WEEKLY", byday="TU", valid_to=dt.date(2025, 3, 3)), TUE, None),
        (sched(freq="WEEKLY", byday="TU", until=dt.date(2025, 3, 10)), TUE.replace(hour=11), None),
        (sched(freq="WEEKLY", byday="TU", dtstart=dt.date(2025, 2, 18), count=2), TUE, None),  # 18, 25 Feb
        (sched(freq="WEEKLY", byday="TU", dtstart=dt.date(2025, 2, 18), count=3), TUE, dt.datetime(2025, 3, 4, 10)),
        # Without opening time: midnight.
        (sched(freq="WEEKLY", byday="WE", opens_at=None, closes_at=None), TUE, dt.datetime(2025, 3, 5, 0)),
        # Not workable.
        (sched(freq="WEEKLY", byday="XX"), TUE, None),
        (sched(freq="YEARLY"), TUE, None),
        (sched(freq=""), TUE, None),
        (sched(freq="MONTHLY", byday="0TU"), TUE, None),
    ],
)
def test_next_occurrence(schedule, after, expected):
    assert next_occurrence(schedule, after) == expected


def test_aware_times_are_read_in_london_time():
    schedule = sched(freq="WEEKLY", byday="TU", opens_at=dt.time(19), closes_at=dt.time(21))
    # 18:30 UTC on 1 July is 19:30 in London (BST): that evening's meeting has started, so next week.
    after = dt.datetime(2025, 7, 1, 18, 30, tzinfo=dt.UTC)
    got = next_occurrence(schedule, after)
    assert got == dt.datetime(2025, 7, 8, 19, tzinfo=LONDON)
    assert got.utcoffset() == dt.timedelta(hours=1)
    # In winter London is UTC.
    assert next_occurrence(schedule, dt.datetime(2025, 1, 7, 18, 30, tzinfo=dt.UTC)) == dt.datetime(
        2025, 1, 7, 19, tzinfo=LONDON
    )


@pytest.mark.django_db
def test_next_meeting_over_a_services_schedules(area):
    from tests.directory.test_search import make_service

    service = make_service(area, "Coffee morning")
    Schedule.objects.create(service=service, freq="MONTHLY", byday="2TU", opens_at=dt.time(10))
    sal = service.service_at_locations.first()
    Schedule.objects.create(service_at_location=sal, freq="WEEKLY", byday="TH", opens_at=dt.time(18))
    assert next_meeting(service, TUE) == dt.datetime(2025, 3, 6, 18)
    assert next_meeting(service, dt.datetime(2025, 3, 7)) == dt.datetime(2025, 3, 11, 10)


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (sched(freq="WEEKLY", byday="TU"), "Every Tuesday, 10am to 12pm"),
        (
            sched(freq="MONTHLY", byday="2TU", opens_at=dt.time(19), closes_at=dt.time(21)),
            "Second Tuesday of the month, 7pm to 9pm",
        ),
        (sched(freq="WEEKLY", byday="MO,WE,FR"), "Every Monday, Wednesday and Friday, 10am to 12pm"),
        (sched(freq="WEEKLY", byday="MO,TU,WE,TH,FR"), "Every weekday (Monday to Friday), 10am to 12pm"),
        (
            sched(freq="WEEKLY", byday="SA", interval=2, opens_at=dt.time(9, 30), closes_at=dt.time(11, 45)),
            "Every other Saturday, 9:30am to 11:45am",
        ),
        (sched(freq="WEEKLY", byday="TH", interval=3), "Every 3 weeks on Thursday, 10am to 12pm"),
        (sched(freq="MONTHLY", byday="-1FR"), "Last Friday of the month, 10am to 12pm"),
        (sched(freq="MONTHLY", byday="1MO,3MO"), "First and third Monday of the month, 10am to 12pm"),
        (sched(freq="MONTHLY", byday="2TU", interval=2), "Second Tuesday of every other month, 10am to 12pm"),
        (sched(freq="MONTHLY", bymonthday="15"), "On the 15th of the month, 10am to 12pm"),
        (sched(freq="MONTHLY", bymonthday="1,-1"), "On the 1st and last day of the month, 10am to 12pm"),
        (sched(freq="DAILY", opens_at=dt.time(9), closes_at=None), "Every day, from 9am"),
        (sched(freq="WEEKLY", byday="TU", opens_at=None, closes_at=None), "Every Tuesday"),
        (
            sched(freq="WEEKLY", byday="TU", valid_to=dt.date(2026, 7, 31)),
            "Every Tuesday, 10am to 12pm, until 31 July 2026",
        ),
        (sched(freq="YEARLY", description="Every summer holiday"), "Every summer holiday"),
        (sched(freq=""), "Times vary: contact the service"),
    ],
)
def test_describe(schedule, text):
    assert describe(schedule) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.time(10), "10am"),
        (dt.time(12), "12pm"),
        (dt.time(0), "12am"),
        (dt.time(19, 30), "7:30pm"),
        (dt.time(9, 5), "9:05am"),
    ],
)
def test_format_time(value, text):
    assert format_time(value) == text


# Agreement with dateutil's rrule, where it is installed (it comes with pandas, for the benchmarks).

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw):
    freq = draw(st.sampled_from(["WEEKLY", "MONTHLY"]))
    interval = draw(st.integers(1, 3))
    dtstart = draw(st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31)))
    if freq == "WEEKLY":
        days = draw(st.lists(st.sampled_from(DAY_CODES), min_size=1, max_size=3, unique=True))
        return Schedule(freq=freq, interval=interval, dtstart=dtstart, byday=",".join(days))
    if draw(st.booleans()):
        n = draw(st.sampled_from([1, 2, 3, 4, -1, -2]))
        return Schedule(freq=freq, interval=interval, dtstart=dtstart, byday=f"{n}{draw(st.sampled_from(DAY_CODES))}")
    day = draw(st.sampled_from([1, 10, 15, 28, 29, 30, 31, -1]))
    return Schedule(freq=freq, interval=interval, dtstart=dtstart, bymonthday=str(day))


def as_rrule(schedule: Schedule):
    from dateutil import rrule as r  # in the test extras: the reference implementation is always there
    kwargs = {"interval": schedule.interval, "dtstart": dt.datetime.combine(schedule.dtstart, dt.time()), "wkst": r.MO}
    days = [getattr(r, code[-2:]) for code in schedule.byday.split(",") if code]
    if schedule.byday:
        kwargs["byweekday"] = [
            d(int(c[:-2])) if c[:-2] else d for d, c in zip(days, schedule.byday.split(","), strict=True)
        ]
    if schedule.bymonthday:
        kwargs["bymonthday"] = int(schedule.bymonthday)
    freq = r.WEEKLY if schedule.freq == "WEEKLY" else r.MONTHLY
    return r.rrule(freq, **kwargs)


@settings(max_examples=150, deadline=None)
@given(rules(), st.integers(0, 400))
def test_occurrences_agree_with_dateutil(schedule, offset):
    """rrule anchors intervals at dtstart and counts weeks from its week start (wkst MO), as we do; it yields
    nothing before dtstart. Compare the next few dates after a point."""
    start = schedule.dtstart + dt.timedelta(days=offset)
    end = start + dt.timedelta(days=150)
    ours = list(occurrences(schedule, start, end))
    theirs = [
        d.date()
        for d in as_rrule(schedule).between(
            dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time()), inc=True
        )
    ]
    assert ours == theirs
