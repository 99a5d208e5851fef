"""Placements into DfE's caseload.csv columns: each rule, hand-worked."""

from __future__ import annotations

import pytest

from sendhub.establishments.fictional import TYPES
from sendhub.outcomes.placements import (
    COLUMN_NAMES,
    COLUMNS,
    KNOWN_TYPES,
    SETTING_CODES,
    TOTALS,
    Placement,
    placement_column,
    total_of,
)

URNS = {
    "100001": "Community school",
    "100002": "Academy converter",
    "100003": "Free schools",
    "100004": "Other independent special school",
    "100005": "Non-maintained special school",
    "100006": "Academy special converter",
    "100007": "Free schools special",
    "100008": "Pupil referral unit",
    "100009": "Further education",
    "100010": "Special post 16 institution",
    "100011": "Other independent school",
    "100012": "Secure units",
    "100013": "A type GIAS has not had before",
}
UKPRNS = {"10001234": "Further education", "10005678": "Special post 16 institution"}


def column(placement=None, age=10, **kwargs):
    placed = placement_column(Placement(**kwargs) if placement is None and kwargs else placement,
                              type_of_urn=URNS, type_of_ukprn=UKPRNS, age_at_start_of_year=age)
    return placed.column


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"urn": "100001"}, "mainstream_la_maintained"),
        ({"urn": "100001", "resourced_provision": True}, "mainstream_la_maintained_resourced_provision"),
        ({"urn": "100001", "sen_unit": True}, "mainstream_la_maintained_senunit"),
        ({"urn": "100001", "sen_unit": True, "resourced_provision": True}, "mainstream_la_maintained_senunit"),
        ({"urn": "100002"}, "mainstream_academy"),
        ({"urn": "100002", "resourced_provision": True}, "mainstream_academy_resourced_provision"),
        ({"urn": "100003", "sen_unit": True}, "mainstream_free_school_senunit"),
        ({"urn": "100011"}, "mainstream_independent"),
        ({"urn": "100004"}, "special_independent"),
        ({"urn": "100005"}, "special_non_maintained"),
        ({"urn": "100006"}, "special_academy"),
        ({"urn": "100007"}, "special_free_school"),
        # The indicators only divide mainstream places: a special school's place stays a special school's.
        ({"urn": "100006", "resourced_provision": True}, "special_academy"),
        ({"urn": "100008"}, "ap_pru_la_maintained"),
        ({"urn": "100009"}, "general_fe_tertiary_colleges"),
        ({"urn": "100010"}, "specialist_post_16_institutions"),
        ({"urn": "100012"}, "other_schools"),
        ({"ukprn": "10001234"}, "general_fe_tertiary_colleges"),
        ({"ukprn": "10005678"}, "specialist_post_16_institutions"),
        ({"ukprn": "10009999"}, "ukrlp_provider"),
        ({"setting": "OLA"}, "other_arrangements_la"),
        ({"setting": "OPA"}, "other_arrangements_parents"),
        ({"setting": "EHE"}, "elective_home_education"),
        ({"setting": "EYP"}, "nm_early_years"),
        ({"setting": "OTH"}, "other_placement_settings"),
        ({"setting": "NEET"}, "neet"),
        ({"setting": "NIEC"}, "neet_ntci"),
        ({"setting": "niec"}, "neet_ntci"),
        ({"setting": "MMS"}, "placement_unknown"),
    ],
)
def test_each_kind_of_placement_lands_in_its_column(kwargs, expected):
    assert column(**kwargs) == expected


def test_the_urn_decides_before_the_ukprn_and_the_code():
    assert column(urn="100004", ukprn="10001234", setting="EHE") == "special_independent"
    assert column(ukprn="10001234", setting="EHE") == "general_fe_tertiary_colleges"


def test_an_unknown_urn_is_never_guessed():
    placed = placement_column(Placement(urn="999999", setting="EHE"), type_of_urn=URNS, type_of_ukprn=UKPRNS,
                              age_at_start_of_year=9)
    assert placed.column == "placement_unknown" and placed.unresolved_urn == "999999"


def test_a_type_gias_adds_later_is_reported_not_guessed():
    placed = placement_column(Placement(urn="100013"), type_of_urn=URNS, type_of_ukprn=UKPRNS,
                              age_at_start_of_year=9)
    assert placed.column == "placement_unknown" and placed.unknown_type == "A type GIAS has not had before"


def test_no_placement_at_the_reference_date_is_not_recorded():
    assert placement_column(None, type_of_urn=URNS, type_of_ukprn=UKPRNS, age_at_start_of_year=9).column == (
        "placement_unknown"
    )


@pytest.mark.parametrize(("age", "expected"), [(4, "neet_other"), (5, "neet_other_csa"), (15, "neet_other_csa"),
                                               (16, "neet_other"), (None, "neet_other")])
def test_not_in_education_other_splits_at_compulsory_school_age(age, expected):
    assert column(setting="NIEO", age=age) == expected


def test_every_column_is_in_exactly_one_total_and_totals_cover_all():
    members = [name for _title, cols in TOTALS.values() for name, _t in cols]
    assert sorted(members) == sorted(name for name, _t in COLUMNS)
    assert len(members) == len(set(members)) == len(COLUMN_NAMES)
    assert total_of("special_independent") == "special_total"
    assert total_of("mainstream_la_maintained_senunit") == "mainstream_total"


def test_every_gias_type_and_code_reaches_a_real_column():
    for type_name in TYPES:
        assert type_name in KNOWN_TYPES, type_name
    for code in SETTING_CODES:
        assert column(setting=code) in COLUMN_NAMES
    assert len(SETTING_CODES) == 8


def test_every_column_has_its_rule_in_words():
    from sendhub.outcomes.placements import column_rule

    for name, _title in COLUMNS:
        assert column_rule(name), name
    assert "Other independent special school" in column_rule("special_independent")
    assert "SENunitIndicator 1" in column_rule("mainstream_academy_senunit")
    assert column_rule("neet_ntci") == "SENsetting NIEC (no URN or UKPRN)"
    assert "5 to 15" in column_rule("neet_other_csa")
