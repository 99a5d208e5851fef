"""How a monitoring pack writes numbers, dates and counts for people: pure functions, tested on their own.

UK long dates ("4 December 2026"), whole counts with thousands separators ("1,750", never "1750.0"), measures with
their unit, verbs that agree with the count ("1 action was", "2 actions were") and titles that keep acronyms
("new EHC plans", not "new ehc plans").
"""

from __future__ import annotations

import re
from datetime import date, datetime

DASH = "–"


def long_date(value: date | datetime | str | None) -> str:
    """'4 December 2026' from a date or an ISO date string; a month ('2026-03') as 'March 2026'; a year as is."""
    if value in (None, ""):
        return DASH
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]) and (len(text) == 10 or text[10] in "T "):
            value = date.fromisoformat(text[:10])
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            return date(int(text[:4]), int(text[5:7]), 1).strftime("%B %Y")
        else:
            return text
    return f"{value.day} {value:%B %Y}"


def count(value: int | float | None) -> str:
    """A count of things: a whole number with thousands separators."""
    if value is None:
        return DASH
    return f"{round(value):,}"


def number(value: float | int | None, unit: str = "") -> str:
    """A measure's value: percentages to one decimal place with %, whole numbers as counts, else one decimal."""
    if value is None:
        return DASH
    if unit == "percent":
        return f"{value:,.1f}%"
    if float(value).is_integer():
        return count(value)
    return f"{value:,.1f}"


def change(value: float | int | None, unit: str = "") -> str:
    """A signed change: '+2.5 percentage points', '-120'."""
    if value is None:
        return DASH
    sign = "+" if value > 0 else "-" if value < 0 else ""
    size = abs(value)
    if unit == "percent":
        return f"{sign}{size:,.1f} percentage point{'' if size == 1 else 's'}"
    return sign + (count(size) if float(size).is_integer() else f"{size:,.1f}")


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'1 action', '2 actions', '1,750 actions'."""
    return f"{count(n)} {singular if n == 1 else (plural_form or singular + 's')}"


def was_were(n: int) -> str:
    return "was" if n == 1 else "were"


def in_sentence(title: str) -> str:
    """A title as it reads inside a sentence: words lower-cased except acronyms ('New EHC plans' -> 'new EHC plans')."""
    words = title.split(" ")
    return " ".join(w if sum(c.isupper() for c in w) > 1 or w[:1].isdigit() else w.lower() for w in words)
