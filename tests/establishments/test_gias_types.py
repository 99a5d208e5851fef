"""Every establishment type GIAS publishes reaches the caseload.csv column DfE counts it in, worked out by hand.

``PUBLISHED`` is GIAS's "TypeOfEstablishment" code list as GIAS publishes it (code and "(name)" as written in
``edubasealldataYYYYMMDD.csv``; codes 4, 9, 13, 16, 17, 19 to 23 and 50 to 55 are not used). A type GIAS adds
later must be added here and to ``outcomes/placements.py``: this test fails until it is. The expected columns are
read from the caseload.csv variable titles and footnotes in DfE's data guidance (2025 release, and the 2026 one,
which splits special_academy_free): footnote 2 names the GIAS types in ``other_schools``, footnote 3 says
``other_placement_settings`` holds "all other settings not otherwise listed".
"""

from __future__ import annotations

import pytest

from sendhub.outcomes.placements import COLUMN_NAMES, KNOWN_TYPES, Placement, known_type, placement_column

PUBLISHED = {
    1: "Community school",
    2: "Voluntary aided school",
    3: "Voluntary controlled school",
    5: "Foundation school",
    6: "City technology college",
    7: "Community special school",
    8: "Non-maintained special school",
    10: "Other independent special school",
    11: "Other independent school",
    12: "Foundation special school",
    14: "Pupil referral unit",
    15: "Local authority nursery school",
    18: "Further education",
    24: "Secure units",
    25: "Offshore schools",
    26: "Service children's education",
    27: "Miscellaneous",
    28: "Academy sponsor led",
    29: "Higher education institutions",
    30: "Welsh establishment",
    31: "Sixth form centres",
    32: "Special post 16 institution",
    33: "Academy special sponsor led",
    34: "Academy converter",
    35: "Free schools",
    36: "Free schools special",
    37: "British schools overseas",
    38: "Free schools alternative provision",
    39: "Free schools 16 to 19",
    40: "University technical college",
    41: "Studio schools",
    42: "Academy alternative provision converter",
    43: "Academy alternative provision sponsor led",
    44: "Academy special converter",
    45: "Academy 16-19 converter",
    46: "Academy 16 to 19 sponsor led",
    47: "Children's centre",
    48: "Children's centre linked site",
    49: "Online provider",
    56: "Institution funded by other government department",
    57: "Academy secure 16 to 19",
}

# Hand-worked: the column of a plain place (no SEN unit, no resourced provision) in each type.
EXPECTED = {
    "Community school": "mainstream_la_maintained",
    "Voluntary aided school": "mainstream_la_maintained",
    "Voluntary controlled school": "mainstream_la_maintained",
    "Foundation school": "mainstream_la_maintained",
    "Local authority nursery school": "mainstream_la_maintained",
    "City technology college": "mainstream_independent",  # GIAS puts CTCs in the "Independent schools" group
    "Other independent school": "mainstream_independent",
    "Academy sponsor led": "mainstream_academy",
    "Academy converter": "mainstream_academy",
    "Academy 16-19 converter": "mainstream_academy",
    "Academy 16 to 19 sponsor led": "mainstream_academy",
    "Free schools": "mainstream_free_school",
    "Free schools 16 to 19": "mainstream_free_school",
    "University technical college": "mainstream_free_school",
    "Studio schools": "mainstream_free_school",
    "Community special school": "special_la_maintained",
    "Foundation special school": "special_la_maintained",
    "Academy special sponsor led": "special_academy",
    "Academy special converter": "special_academy",
    "Free schools special": "special_free_school",
    "Other independent special school": "special_independent",
    "Non-maintained special school": "special_non_maintained",
    "Pupil referral unit": "ap_pru_la_maintained",
    "Academy alternative provision converter": "ap_pru_academy",
    "Academy alternative provision sponsor led": "ap_pru_academy",
    "Free schools alternative provision": "ap_pru_free_school",
    "Further education": "general_fe_tertiary_colleges",
    "Sixth form centres": "general_fe_tertiary_colleges",
    "Higher education institutions": "general_fe_tertiary_colleges",
    "Special post 16 institution": "specialist_post_16_institutions",
    "Online provider": "online_provider",
    "Welsh establishment": "w_settings",
    # Footnote 2: service children's education, offshore schools, secure units, British schools overseas and
    # "Miscellaneous"; the secure 16 to 19 academy is a secure unit, and an institution another department funds
    # is another school type.
    "Secure units": "other_schools",
    "Academy secure 16 to 19": "other_schools",
    "Offshore schools": "other_schools",
    "Service children's education": "other_schools",
    "British schools overseas": "other_schools",
    "Miscellaneous": "other_schools",
    "Institution funded by other government department": "other_schools",
    # Footnote 3: all other settings not otherwise listed.
    "Children's centre": "other_placement_settings",
    "Children's centre linked site": "other_placement_settings",
}


def column_of(type_name: str, **indicators) -> str:
    return placement_column(Placement(urn="100001", **indicators), type_of_urn={"100001": type_name},
                            type_of_ukprn={}, age_at_start_of_year=10).column


def test_every_published_gias_type_is_mapped():
    unmapped = sorted(name for name in PUBLISHED.values() if name not in KNOWN_TYPES)
    assert unmapped == []
    assert set(EXPECTED) == set(PUBLISHED.values())  # the hand-worked table covers the whole list


@pytest.mark.parametrize("type_name", sorted(EXPECTED))
def test_each_type_lands_in_dfes_column(type_name):
    assert EXPECTED[type_name] in COLUMN_NAMES
    assert column_of(type_name) == EXPECTED[type_name]


@pytest.mark.parametrize(("type_name", "family"), [("Voluntary aided school", "la_maintained"),
                                                   ("Academy 16-19 converter", "academy"),
                                                   ("Studio schools", "free_school")])
def test_the_indicators_divide_every_mainstream_family(type_name, family):
    assert column_of(type_name, resourced_provision=True) == f"mainstream_{family}_resourced_provision"
    assert column_of(type_name, sen_unit=True) == f"mainstream_{family}_senunit"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("COMMUNITY SCHOOL", "mainstream_la_maintained"),  # letter case
        ("Academy Special Converter", "special_academy"),  # Edubase's Title Case
        ("Service children\u2019s education", "other_schools"),  # a typographic apostrophe
        ("  Free schools   special ", "special_free_school"),  # spacing
        ("LA Nursery School", "mainstream_la_maintained"),  # Edubase's older names
        ("Free Schools - Alternative Provision", "ap_pru_free_school"),
        ("Academy 16-19 Sponsor Led", "mainstream_academy"),
    ],
)
def test_other_spellings_of_a_type_are_read_as_gias_names_it(written, expected):
    assert column_of(written) == expected


def test_a_type_that_is_not_gias_s_is_still_reported_not_guessed():
    assert known_type("Community schools and more") is None
    placed = placement_column(Placement(urn="1"), type_of_urn={"1": "Community schools and more"}, type_of_ukprn={},
                              age_at_start_of_year=10)
    assert placed.column == "placement_unknown" and placed.unknown_type == "Community schools and more"
