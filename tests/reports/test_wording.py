"""How packs write numbers and dates for people (pure functions)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from sendhub.reports import wording


@pytest.mark.parametrize(("value", "text"), [
    (date(2026, 12, 4), "4 December 2026"),
    ("2026-12-04", "4 December 2026"),
    ("2026-01-31T10:00:00+00:00", "31 January 2026"),
    (datetime(2026, 3, 1, 9), "1 March 2026"),
    ("2026-03", "March 2026"),
    ("2025", "2025"),
    (None, "–"),
])
def test_long_dates(value, text):
    assert wording.long_date(value) == text


@pytest.mark.parametrize(("value", "text"), [(1750.0, "1,750"), (1750, "1,750"), (0, "0"), (12345678, "12,345,678"),
                                             (None, "–")])
def test_counts_are_whole_numbers_with_separators(value, text):
    assert wording.count(value) == text


@pytest.mark.parametrize(("value", "unit", "text"), [
    (1750.0, "count", "1,750"), (62.54, "percent", "62.5%"), (2.25, "", "2.2"), (12500.5, "", "12,500.5"),
])
def test_measures_keep_their_unit(value, unit, text):
    assert wording.number(value, unit) == text


def test_changes_are_signed_and_say_percentage_points():
    assert wording.change(2.5, "percent") == "+2.5 percentage points"
    assert wording.change(-1, "percent") == "-1.0 percentage point"
    assert wording.change(-1200.0, "count") == "-1,200"
    assert wording.change(0) == "0"


def test_verbs_and_nouns_agree_with_the_count():
    assert f"{wording.count(1)} of 61 {wording.was_were(1)}" == "1 of 61 was"
    assert wording.was_were(0) == "were" and wording.was_were(2) == "were"
    assert wording.plural(1, "action") == "1 action" and wording.plural(1750, "action") == "1,750 actions"


def test_titles_in_a_sentence_keep_their_acronyms():
    assert wording.in_sentence("New EHC plans issued") == "new EHC plans issued"
    assert wording.in_sentence("Requests received in year") == "requests received in year"
    assert wording.in_sentence("SEN2 returns") == "SEN2 returns"
