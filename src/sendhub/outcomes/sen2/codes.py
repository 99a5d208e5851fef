"""SEN2 code lists as data, per collection year, so that a new DfE guide is a change of data, not of code.

``CODE_LISTS[year]`` holds the lists for the return collected in January of ``year``; ``code_lists(year)`` picks
that year's lists, or the latest earlier year's (a new return year reuses the previous guide until its own
lists are added here), or the earliest one for years before any list.

Sources: the DfE "Special educational needs person level survey: technical specification" (2023-2025) as
summarised in ``SEND-DOMAIN.md``. The SENSetting codes are an assumption to be checked against the current
guide: DfE's own codes for placements without an establishment (EHE, EYP, NEET, NIEO, OLA, OTH) plus
establishment-type codes (as case management systems export them) so that the placement mix can be computed
without looking each URN up in Get Information About Schools.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FLAG_VALUES = {"1": True, "0": False, "true": True, "false": False}

MAINSTREAM, SPECIAL, INDEPENDENT, OTHER = "mainstream", "special", "independent", "other"
SETTING_GROUPS = (MAINSTREAM, SPECIAL, INDEPENDENT, OTHER)

# SENSetting code → (description, placement-mix group)
_SETTINGS_2023: dict[str, tuple[str, str]] = {
    # Mainstream
    "EYP": ("Early years provider (private, voluntary or independent)", MAINSTREAM),
    "MMS": ("Mainstream school: LA maintained", MAINSTREAM),
    "SUMM": ("Mainstream school: LA maintained, SEN unit", MAINSTREAM),
    "RPMM": ("Mainstream school: LA maintained, resourced provision", MAINSTREAM),
    "ACD": ("Mainstream school: academy", MAINSTREAM),
    "ACS": ("Mainstream school: academy, SEN unit", MAINSTREAM),
    "RAC": ("Mainstream school: academy, resourced provision", MAINSTREAM),
    "MFS": ("Mainstream school: free school", MAINSTREAM),
    "FSS": ("Mainstream school: free school, SEN unit", MAINSTREAM),
    "RFS": ("Mainstream school: free school, resourced provision", MAINSTREAM),
    "FEC": ("General further education college", MAINSTREAM),
    "SFC": ("Sixth form college", MAINSTREAM),
    "APP": ("Apprenticeship or traineeship", MAINSTREAM),
    # Special
    "MSS": ("Special school: LA maintained", SPECIAL),
    "SAC": ("Special school: academy or free school", SPECIAL),
    "NMSS": ("Special school: non-maintained", SPECIAL),
    # Independent
    "OINS": ("Independent mainstream school", INDEPENDENT),
    "INSS": ("Independent special school", INDEPENDENT),
    "SPI": ("Specialist post-16 institution (independent)", INDEPENDENT),
    # Other
    "PRU": ("Alternative provision / pupil referral unit: LA maintained", OTHER),
    "APA": ("Alternative provision: academy", OTHER),
    "AFS": ("Alternative provision: free school", OTHER),
    "HOSP": ("Hospital school", OTHER),
    "EHE": ("Elective home education", OTHER),
    "OLA": ("Other arrangements made by the LA (education otherwise than at school)", OTHER),
    "NEET": ("Not in education, employment or training", OTHER),
    "NIEO": ("Not in education: other (e.g. awaiting provision)", OTHER),
    "OTH": ("Other", OTHER),
}


@dataclass(frozen=True)
class CodeLists:
    year: int
    request_outcome: frozenset[str]
    assessment_outcome: frozenset[str]
    request_source: frozenset[str]
    cease_reason: frozenset[str]
    sex: frozenset[str]
    sen_type: frozenset[str]
    settings: dict[str, tuple[str, str]] = field(default_factory=dict)
    flags: frozenset[str] = frozenset(FLAG_VALUES)


_BASE = CodeLists(
    year=2023,
    # Empty RequestOutcome = pending; empty AssessmentOutcome = ongoing (checked by the validator, not listed).
    request_outcome=frozenset({"A", "B", "W", "H"}),
    assessment_outcome=frozenset({"Y", "N", "W", "S", "H"}),
    request_source=frozenset({"1", "2", "3", "4", "5"}),
    cease_reason=frozenset({str(n) for n in range(1, 10)}),
    sex=frozenset({"M", "F", "U"}),
    sen_type=frozenset({"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH"}),
    settings=_SETTINGS_2023,
)

CODE_LISTS: dict[int, CodeLists] = {
    2023: _BASE,
    2024: CodeLists(**{**_BASE.__dict__, "year": 2024}),
    2025: CodeLists(**{**_BASE.__dict__, "year": 2025}),
}
LATEST_YEAR = max(CODE_LISTS)

REQUEST_SOURCE_NAMES = {
    "1": "Parent or young person",
    "2": "Education setting",
    "3": "Health service",
    "4": "Social care",
    "5": "Other",
}
CEASE_REASON_NAMES = {
    "1": "Reached maximum age",
    "2": "Needs met without a plan",
    "3": "Moved on to higher education",
    "4": "Moved on to paid employment",
    "5": "Moved to another LA",
    "6": "Young person no longer wishes to engage",
    "7": "Left England",
    "8": "Deceased",
    "9": "Other",
}
SEN_TYPE_NAMES = {
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment",
    "VI": "Visual impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "ASD": "Autistic spectrum disorder",
    "DS": "Down syndrome",
    "OTH": "Other difficulty or disability",
}


def code_lists(year: int | None = None) -> CodeLists:
    """The code lists for the return collected in ``year`` (latest earlier year's if that year has none)."""
    if year is None:
        return CODE_LISTS[LATEST_YEAR]
    if year in CODE_LISTS:
        return CODE_LISTS[year]
    earlier = [y for y in CODE_LISTS if y <= year]
    return CODE_LISTS[max(earlier) if earlier else min(CODE_LISTS)]


def setting_group(code: str, year: int | None = None) -> str:
    """The placement-mix group of a SENSetting code: mainstream, special, independent or other."""
    entry = code_lists(year).settings.get((code or "").strip().upper())
    return entry[1] if entry else OTHER


def parse_flag(value: str | None) -> bool | None:
    """``True``/``False`` for 1/0/true/false (any case, spaces ignored); ``None`` when absent or not a flag."""
    if value is None:
        return None
    return FLAG_VALUES.get(value.strip().lower())
