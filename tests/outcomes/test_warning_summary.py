"""Import warnings summarised in words (``sendhub.outcomes.sen2.summary``): what they are, not "1 warnings"."""

from __future__ import annotations

from sendhub.outcomes.sen2.summary import plural, warnings_summary

POSTCODE = "PostCode is not a valid UK postcode"
URN = "Placement URN 999999 is not in Get Information About Schools"


def test_none():
    assert warnings_summary([]) == "no warnings"


def test_one_warning_says_what_it_is():
    assert warnings_summary([{"position": 2, "rule": POSTCODE}]) == f"1 warning: {POSTCODE}"


def test_many_of_one_kind():
    assert warnings_summary([{"rule": URN}] * 3) == f"3 warnings: {URN}"


def test_kinds_most_frequent_first_and_the_rest_counted():
    warnings = [{"rule": POSTCODE}] * 2 + [{"rule": URN}] * 5 + [{"rule": "a"}, {"rule": "b"}]
    assert warnings_summary(warnings, kinds_shown=2) == (
        f"9 warnings of 4 kinds: {URN} (5); {POSTCODE} (2); and 2 other kinds"
    )


def test_a_total_beyond_those_kept_is_said():
    text = warnings_summary([{"rule": URN}] * 2, total=1200)
    assert text == f"1,200 warnings (kinds counted among the first 2): {URN}"


def test_plural():
    assert (plural(1, "error"), plural(2, "error"), plural(1500, "error")) == ("1 error", "2 errors", "1,500 errors")
