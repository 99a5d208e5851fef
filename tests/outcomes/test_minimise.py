"""Data minimisation helpers: keyed hash, pseudonymous reference, ages and postcode districts."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sendhub.outcomes.sen2.minimise import age_in_years, person_key, postcode_district, reference


def test_person_key_is_keyed_and_normalised():
    key = person_key(" a888123456789 ", "secret")
    assert key == person_key("A888123456789", "secret")
    assert key != person_key("A888123456789", "other-secret")
    assert len(key) == 64 and "A888123456789" not in key
    assert person_key("", "secret") == "" and person_key(None, "secret") == ""


def test_reference_from_key_or_checksum_and_position():
    key = person_key("A888123456789", "secret")
    assert reference(key) == "P-" + key[:8].upper()
    assert reference(checksum="abc", position=1) != reference(checksum="abc", position=2)
    assert reference(checksum="abc", position=1) == reference(checksum="abc", position=1)
    assert len(reference(key)) <= 12


def test_age_examples():
    assert age_in_years(date(2014, 5, 6), date(2025, 1, 18)) == 10
    assert age_in_years(date(2014, 5, 6), date(2025, 5, 6)) == 11
    assert age_in_years(date(2012, 2, 29), date(2025, 2, 28)) == 12
    assert age_in_years(date(2012, 2, 29), date(2025, 3, 1)) == 13
    assert age_in_years(date(2025, 1, 19), date(2025, 1, 18)) is None
    assert age_in_years(None, date(2025, 1, 18)) is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 30 * 366))
def test_age_properties(birth, days):
    on = birth + timedelta(days=days)
    age = age_in_years(birth, on)
    assert age is not None and age >= 0
    # The last birthday is on or before ``on`` and the next one after it.
    assert age == days // 365 or age == (days // 365) - 1 or age == days // 366
    try:
        last_birthday = birth.replace(year=birth.year + age)
    except ValueError:  # 29 February
        last_birthday = date(birth.year + age, 3, 1)
    assert last_birthday <= on


def test_postcode_district_examples():
    assert postcode_district("PR1 2HE") == "PR1"
    assert postcode_district("pr12he") == "PR1"
    assert postcode_district(" BB18  6AB ") == "BB18"
    assert postcode_district("L39 4QD") == "L39"
    assert postcode_district("EC1A 1BB") == "EC1A"
    assert postcode_district("OL13") == "OL13"
    assert postcode_district("not a postcode") == ""
    assert postcode_district("") == "" and postcode_district(None) == ""


_OUTWARD = st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]?", fullmatch=True)
_INWARD = st.from_regex(r"[0-9][A-Z]{2}", fullmatch=True)


@given(_OUTWARD, _INWARD, st.sampled_from(["", " ", "  "]))
def test_postcode_district_is_the_outward_code(outward, inward, space):
    assert postcode_district(f"{outward}{space}{inward}".lower()) == outward


@given(st.text(max_size=12))
def test_postcode_district_is_short_and_never_the_full_postcode(text):
    district = postcode_district(text)
    assert len(district) <= 4
    assert " " not in district
