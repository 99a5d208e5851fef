"""SEN2 code lists as data, per collection year, so that a new DfE guide is a change of data, not of code.

``CODE_LISTS[year]`` holds the lists for the return collected in January of ``year``; ``code_lists(year)`` picks
that year's lists, or the latest earlier year's (a new return year reuses the previous guide until its own
lists are added here), or the earliest one for years before any list.

Sources: DfE's "Special educational needs person level survey" guides (2023 v1.0 to 2026), as summarised by
MastodonC/witan.sen2's dictionary (items 4.6 CeaseReason, 4.7c/5.7c SENsetting and 5.8a SENtype of the 2025
guide) and the research notes behind issue 14. ``SENsetting`` holds one of eight codes, and only for a placement
with no establishment: a school or college is named by its URN (Get Information About Schools) or UKPRN, and
its caseload column comes from what GIAS says it is (``outcomes/placements.py``). ``DS`` (Down syndrome) is a
SENtype from the 2025 collection (DfE: "first year of collection for 2024/25").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sendhub.outcomes.placements import SETTING_CODES

FLAG_VALUES = {"1": True, "0": False, "true": True, "false": False}


@dataclass(frozen=True)
class CodeLists:
    year: int
    request_outcome: frozenset[str]
    assessment_outcome: frozenset[str]
    request_source: frozenset[str]
    cease_reason: frozenset[str]
    sex: frozenset[str]
    sen_type: frozenset[str]
    settings: frozenset[str] = field(default_factory=frozenset)  # SENsetting: placements with no URN or UKPRN
    plan_res: frozenset[str] = frozenset({"A", "B"})  # PlanRes: A 38 to 51 weeks, B 52 weeks (absent: none)
    flags: frozenset[str] = frozenset(FLAG_VALUES)


_BASE = CodeLists(
    year=2023,
    # Empty RequestOutcome = pending; empty AssessmentOutcome = ongoing (checked by the validator, not listed).
    request_outcome=frozenset({"A", "B", "W", "H"}),
    assessment_outcome=frozenset({"Y", "N", "W", "S", "H"}),
    request_source=frozenset({"1", "2", "3", "4", "5"}),
    cease_reason=frozenset({str(n) for n in range(1, 10)}),
    sex=frozenset({"M", "F", "U"}),
    sen_type=frozenset({"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH"}),
    settings=frozenset(SETTING_CODES),
)
_2025 = replace(_BASE, year=2025, sen_type=_BASE.sen_type | {"DS"})

CODE_LISTS: dict[int, CodeLists] = {
    2023: _BASE,
    2024: replace(_BASE, year=2024),
    2025: _2025,
    2026: replace(_2025, year=2026),
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


def parse_flag(value: str | None) -> bool | None:
    """``True``/``False`` for 1/0/true/false (any case, spaces ignored); ``None`` when absent or not a flag."""
    if value is None:
        return None
    return FLAG_VALUES.get(value.strip().lower())
