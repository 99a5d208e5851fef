"""When a group next meets, and its schedule in plain English. Pure functions over HSDS Schedule rows.

Supported recurrences (RFC 5545 as HSDS uses them): DAILY; WEEKLY with ``byday`` (MO,WE) and ``interval``
(every other week); MONTHLY with ordinal ``byday`` (2TU, -1FR, "1MO,3MO") or ``bymonthday`` (15, -1), with
``interval``. A schedule with ``byday`` but no ``freq`` is read as WEEKLY. The schedule applies from the latest
of ``dtstart`` and ``valid_from`` up to the earliest of ``valid_to`` and ``until``; ``count`` is honoured.

Intervals need an anchor: the weeks or months are counted from ``dtstart`` (or ``valid_from``). An "every other
week" schedule with neither has no knowable next date, so ``next_occurrence`` returns None rather than guess.

Written by hand rather than with dateutil's rrule: the rules HSDS feeds use are few, the day-by-day check
below is simple to verify (the tests compare it with rrule when dateutil is installed), and the app gains no
runtime dependency.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ORDINALS = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth", -1: "Last", -2: "Second to last"}
HORIZON_DAYS = 3 * 366  # look this far ahead for the next occurrence


def _parse_byday(byday: str) -> list[tuple[int | None, int]] | None:
    """'MO,2TU,-1FR' -> [(None, 0), (2, 1), (-1, 4)]; None when malformed."""
    out = []
    for part in (byday or "").replace(" ", "").upper().split(","):
        if not part:
            continue
        code, ordinal = part[-2:], part[:-2]
        if code not in DAYS:
            return None
        if ordinal:
            try:
                n = int(ordinal)
            except ValueError:
                return None
            if n == 0 or not -5 <= n <= 5:
                return None
            out.append((n, DAYS.index(code)))
        else:
            out.append((None, DAYS.index(code)))
    return out


def _parse_monthdays(text: str) -> list[int] | None:
    out = []
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        try:
            n = int(part)
        except ValueError:
            return None
        if n == 0 or not -31 <= n <= 31:
            return None
        out.append(n)
    return out


def _freq(schedule) -> str:
    freq = (schedule.freq or "").strip().upper()
    if not freq and (schedule.byday or "").strip():
        return "WEEKLY"
    return freq


def _anchor(schedule) -> dt.date | None:
    return schedule.dtstart or schedule.valid_from


def _interval(schedule) -> int:
    return max(1, schedule.interval or 1)


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def _matcher(schedule):
    """A function date -> bool for the recurrence (ignoring validity bounds), or None if unsupported."""
    freq, interval, anchor = _freq(schedule), _interval(schedule), _anchor(schedule)
    if interval > 1 and anchor is None:
        return None
    if freq == "DAILY":
        if interval == 1:
            return lambda d: True
        return lambda d: (d - anchor).days % interval == 0
    if freq == "WEEKLY":
        days = _parse_byday(schedule.byday)
        if days is None:
            return None
        weekdays = {wd for _, wd in days}
        if not weekdays:
            if schedule.dtstart is None:
                return None
            weekdays = {schedule.dtstart.weekday()}
        if interval == 1:
            return lambda d: d.weekday() in weekdays
        week0 = anchor - dt.timedelta(days=anchor.weekday())
        return lambda d: d.weekday() in weekdays and ((d - week0).days // 7) % interval == 0
    if freq == "MONTHLY":
        days = _parse_byday(schedule.byday)
        monthdays = _parse_monthdays(schedule.bymonthday)
        if days is None or monthdays is None:
            return None
        if not days and not monthdays:
            if schedule.dtstart is None:
                return None
            monthdays = [schedule.dtstart.day]

        def matches(d: dt.date) -> bool:
            if interval > 1 and _months_between(anchor, d) % interval:
                return False
            length = calendar.monthrange(d.year, d.month)[1]
            if monthdays and not any(d.day == (n if n > 0 else length + 1 + n) for n in monthdays):
                return False
            if days:
                nth, nth_last = (d.day - 1) // 7 + 1, -((length - d.day) // 7 + 1)
                return any(wd == d.weekday() and n in (None, nth, nth_last) for n, wd in days)
            return True

        return matches
    return None


def _bounds(schedule) -> tuple[dt.date | None, dt.date | None]:
    starts = [d for d in (schedule.dtstart, schedule.valid_from) if d]
    ends = [d for d in (schedule.valid_to, schedule.until) if d]
    return (max(starts) if starts else None, min(ends) if ends else None)


def occurrences(schedule, start: dt.date, end: dt.date) -> Iterable[dt.date]:
    """The dates the schedule runs on between start and end inclusive (respecting its bounds and count)."""
    matches = _matcher(schedule)
    if matches is None:
        return
    first, last = _bounds(schedule)
    if last is not None:
        end = min(end, last)
    day = start if first is None else max(start, first)
    remaining = None
    if schedule.count:
        # Occurrences before ``start`` use up the count: count them from the first date.
        remaining = schedule.count
        if first is not None:
            probe = first
            while probe < day and remaining > 0:
                remaining -= matches(probe)
                probe += dt.timedelta(days=1)
        if remaining <= 0:
            return
    while day <= end:
        if matches(day):
            yield day
            if remaining is not None:
                remaining -= 1
                if remaining <= 0:
                    return
        day += dt.timedelta(days=1)


def next_occurrence(schedule, after: dt.datetime) -> dt.datetime | None:
    """The start of the first occurrence at or after ``after`` (a meeting that has started is not next).

    An aware ``after`` is read in Django's current time zone and the answer is aware in it; a naive one gives a
    naive answer. Without ``opens_at`` the occurrence starts at midnight. None when the schedule has ended or
    cannot be worked out."""
    tz = None
    if after.tzinfo is not None:
        from django.utils import timezone

        tz = timezone.get_current_timezone()
        after = after.astimezone(tz)
    opens = schedule.opens_at or dt.time(0, 0)
    local_after = after.replace(tzinfo=None)
    for day in occurrences(schedule, local_after.date(), local_after.date() + dt.timedelta(days=HORIZON_DAYS)):
        start = dt.datetime.combine(day, opens)
        if start >= local_after:
            return start.replace(tzinfo=tz) if tz else start
    return None


def next_meeting(service, after: dt.datetime) -> dt.datetime | None:
    """The soonest next occurrence over a service's schedules, including those of its service-at-locations.
    Uses prefetched schedules when present (``prefetch_related('schedules',
    'service_at_locations__schedules')``)."""
    schedules = list(service.schedules.all())
    for sal in service.service_at_locations.all():
        schedules.extend(sal.schedules.all())
    return soonest(schedules, after)


def soonest(schedules: Iterable, after: dt.datetime) -> dt.datetime | None:
    """The soonest next occurrence over some schedules, or None."""
    found = [when for s in schedules if (when := next_occurrence(s, after)) is not None]
    return min(found) if found else None


# Plain English ---------------------------------------------------------------------------------------------


def format_time(value: dt.time) -> str:
    """10:00 -> '10am', 19:30 -> '7:30pm', 12:00 -> '12pm' (midday), 00:00 -> '12am' (midnight)."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _plural_day(wd: int) -> str:
    return DAY_NAMES[wd]


def _ordinal_day(n: int) -> str:
    if n == -1:
        return "last day"
    if n < 0:
        return f"{abs(n)}{_suffix(abs(n))} to last day"
    return f"{n}{_suffix(n)}"


def _suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _every(interval: int, unit: str) -> str:
    if interval == 1:
        return f"every {unit}"
    if interval == 2:
        return f"every other {unit}"
    return f"every {interval} {unit}s"


def _rule_text(schedule) -> str | None:
    freq, interval = _freq(schedule), _interval(schedule)
    if freq == "DAILY":
        return "Every day" if interval == 1 else f"Every {interval} days" if interval > 2 else "Every other day"
    if freq == "WEEKLY":
        days = _parse_byday(schedule.byday)
        if days is None:
            return None
        weekdays = sorted({wd for _, wd in days}) or ([schedule.dtstart.weekday()] if schedule.dtstart else [])
        if not weekdays:
            return None
        names = _and([DAY_NAMES[wd] for wd in weekdays])
        if weekdays == list(range(5)):
            names = "weekday (Monday to Friday)"
        if interval == 1:
            return f"Every {names}"
        if interval == 2:
            return f"Every other {names}"
        return f"Every {interval} weeks on {names}"
    if freq == "MONTHLY":
        days = _parse_byday(schedule.byday)
        monthdays = _parse_monthdays(schedule.bymonthday)
        if days is None or monthdays is None:
            return None
        month = "the month" if interval == 1 else "every other month" if interval == 2 else f"every {interval} months"
        of_month = f"of {month}" if interval == 1 else f"of {month}"
        if days:
            ordinal = [(n, wd) for n, wd in days if n is not None]
            plain = sorted({wd for n, wd in days if n is None})
            if plain and not ordinal:
                text = f"Every {_and([DAY_NAMES[wd] for wd in plain])}"
                return text if interval == 1 else f"{text}, {month}"
            # Group by weekday: "First and third Monday of the month".
            by_day: dict[int, list[int]] = {}
            for n, wd in ordinal:
                by_day.setdefault(wd, []).append(n)
            parts = []
            for wd, ns in by_day.items():
                ns = sorted(ns, key=lambda n: (n < 0, n if n > 0 else -n))
                words = [ORDINALS.get(n, f"{n}th").lower() for n in ns]
                parts.append(f"{_and(words)} {DAY_NAMES[wd]}")
            text = _and(parts)
            return f"{text[0].upper()}{text[1:]} {of_month}"
        if not monthdays and schedule.dtstart:
            monthdays = [schedule.dtstart.day]
        if monthdays:
            return f"On the {_and([_ordinal_day(n) for n in monthdays])} {of_month}"
    return None


def describe(schedule) -> str:
    """'Every Tuesday, 10am to 12pm'; 'Second Tuesday of the month, 7pm to 9pm'; falls back to the schedule's
    own description when the rule is not one we can put into words."""
    rule = _rule_text(schedule)
    if rule is None:
        return (schedule.description or "").strip() or "Times vary: contact the service"
    if schedule.opens_at and schedule.closes_at:
        rule += f", {format_time(schedule.opens_at)} to {format_time(schedule.closes_at)}"
    elif schedule.opens_at:
        rule += f", from {format_time(schedule.opens_at)}"
    _, last = _bounds(schedule)
    if last is not None:
        rule += f", until {last.day} {last.strftime('%B %Y')}"
    return rule
