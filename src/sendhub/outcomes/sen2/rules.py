"""The SEN2 validation rules, as one table: each rule written once, with its words and where it comes from.

A ``Rule`` names the items it applies to (``Element/Item`` paths, or ``Element`` for a rule about a whole element),
its ``severity`` (``error``: the file is not imported; ``warning``: imported, and shown), the ``check`` on one
item's text when the rule is about one item alone (``None`` when it relates several items or the ReferenceDate:
``validate`` applies those, at the line the rule's id is named), the ``message`` it is worded with, and its
``source`` in DfE's guide and specification (or in SEND Hub's own decisions where the guide is silent).

Both ways of reading a person use this table. ``validate`` words every problem from it (a problem carries the
rule's id as ``rule_id``, beside the position and path of the Person and element). ``rows``, the fast path, takes
its checks from it (``check_of``: patterns, code lists and the placement ranks) and sends any person that breaks a
rule to ``validate``; ``tests/outcomes/test_sen2_rules.py`` breaks each person-level rule in turn and checks that
``validate`` reports it by id and the fast path declines the person. Messages never repeat personal values (names,
birth date, postcode, UPN, ULN): the values echoed are codes, flags and other dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .codes import FLAG_VALUES, CodeLists
from .minimise import postcode_district

ERROR, WARNING = "error", "warning"

UPN = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")
ULN = re.compile(r"[0-9]{10}")
LA = re.compile(r"[0-9]{3}")
ETHNICITY = re.compile(r"[A-Z]{4}")
URN = re.compile(r"[0-9]{6,7}")
UKPRN = re.compile(r"1[0-9]{7}")
# PlacementRank: 1 the main placement, 2 a second one (a dual placement). The guide's PlanDetail and
# PlacementDetail modules allow no other rank; the MastodonC/witan.sen2 template for the return heads the column
# "Placement Rank (1=Primary, 2=Secondary)".
PLACEMENT_RANKS = frozenset({1, 2})

_GUIDE = "DfE SEN2 person level survey guide 2025 v1.4 and technical specification"
_M1, _M2, _M3 = f"{_GUIDE}, module 1 (Person)", f"{_GUIDE}, module 2 (Requests)", f"{_GUIDE}, module 3 (Assessment)"
_M4A, _M4B = f"{_GUIDE}, module 4a (NamedPlan)", f"{_GUIDE}, module 4b (PlanDetail)"
_M5A, _M5B = f"{_GUIDE}, module 5a (ActivePlans)", f"{_GUIDE}, module 5b (PlacementDetail)"
_M5C = f"{_GUIDE}, module 5c (SENneed)"
_HEADER = f"{_GUIDE}, Header (CollectionDetails and Source)"
_HUB = "SEND Hub decision (docs/decisions.md, SEN2 validation): the guide is silent"


_DATE_CACHE: dict[str, date] = {}  # dates repeat a great deal in a return: each text is parsed once


def parse_date(value: str) -> date | None:
    """A date written exactly ``YYYY-MM-DD``; ``None`` otherwise."""
    parsed = _DATE_CACHE.get(value)
    if parsed is not None:
        return parsed
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    if len(_DATE_CACHE) < 200_000:
        _DATE_CACHE[value] = parsed
    return parsed


def _is_date(value: str, lists: CodeLists | None = None) -> bool:
    return parse_date(value) is not None


def _is_flag(value: str, lists: CodeLists | None = None) -> bool:
    return value.lower() in FLAG_VALUES


def _matches(pattern: re.Pattern) -> Callable[..., bool]:
    def check(value: str, lists: CodeLists | None = None) -> bool:
        return pattern.fullmatch(value) is not None

    return check


def _in_list(name: str) -> Callable[..., bool]:
    def check(value: str, lists: CodeLists) -> bool:
        return value in getattr(lists, name)

    check.list_name = name  # type: ignore[attr-defined]
    return check


def _whole(value: str, lists: CodeLists | None = None) -> bool:
    return value.isdecimal()  # not isdigit: that accepts superscripts, which int() cannot read


def _rank_allowed(value: str, lists: CodeLists | None = None) -> bool:
    return not value.isdecimal() or int(value) in PLACEMENT_RANKS


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    items: tuple[str, ...]  # "Element/Item" paths, or "Element" (a rule about the element), or "*" (any item)
    severity: str
    check: Callable[..., bool] | None  # (text, code lists) → True when the rule holds; None: applied in validate
    message: str  # str.format template; {got} is " (got 'value')" for a value that may be shown, else ""
    source: str
    cut: int = 10  # how much of a value the message shows

    def word(self, **fields) -> str:
        """The message, with ``value`` shown (cut short) as ``{got}`` unless it is ``None``."""
        value = fields.get("value")
        fields["got"] = "" if value is None else f" (got {str(value)[: self.cut]!r})"
        if isinstance(value, str):
            fields["value"] = value[: self.cut]
        return self.message.format(**fields)


_DATES = (
    "Person/PersonBirthDate", "Requests/ReceivedDate", "Requests/RequestOutcomeDate",
    "Assessment/AssessmentOutcomeDate", "NamedPlan/StartDate", "NamedPlan/CeaseDate", "ActivePlans/ReviewMeeting",
    "ActivePlans/ReviewDraft", "ActivePlans/LastReview", "ActivePlans/PhaseTransferDueDate",
    "ActivePlans/PhaseTransferFinalDate", "PlacementDetail/EntryDate", "PlacementDetail/LeavingDate",
)  # fmt: skip
_FLAGS = (
    "Requests/RYA", "Requests/RequestMediation", "Requests/RequestTribunal", "Requests/Exported",
    "Assessment/AssessmentMediation", "Assessment/AssessmentTribunal", "Assessment/OtherMediation",
    "Assessment/OtherTribunal", "Assessment/Week20", "NamedPlan/OA", "PlanDetail/SENunitIndicator",
    "PlanDetail/ResourcedProvisionIndicator", "PlacementDetail/SENunitIndicator",
    "PlacementDetail/ResourcedProvisionIndicator",
)  # fmt: skip
_CODE = "{item} must be one of {listed}{got}"

RULES: tuple[Rule, ...] = (
    # Any element ---------------------------------------------------------------------------------------------
    Rule("item-unknown", ("*",), WARNING, None,
         "{item} is not an item of {element} in the SEN2 specification; it was ignored (first seen here; later ones "
         "are not listed)", f"{_GUIDE}: the items of each module"),
    Rule("item-twice", ("*",), WARNING, None, "{item} is given twice ({spellings}); the last one is used",
         f"{_GUIDE}: each item once per element"),
    Rule("required", ("Person/PersonBirthDate", "Requests/ReceivedDate"), ERROR, None,
         "{item} is missing: it is required", f"{_M1}; {_M2}"),
    Rule("date", _DATES, ERROR, _is_date, "{item} is not a date in the form YYYY-MM-DD{got}", f"{_GUIDE}: dates",
         cut=20),
    Rule("flag", _FLAGS, ERROR, _is_flag, "must be 1, 0, true or false{got}", f"{_GUIDE}: indicators"),
    Rule("date-order", ("Requests/RequestOutcomeDate", "Assessment/AssessmentOutcomeDate", "NamedPlan/StartDate",
                        "NamedPlan/CeaseDate", "PlacementDetail/LeavingDate"), ERROR, None,
         "{item} ({value}) is before {earlier} ({earlier_value})", _GUIDE),
    # Module 1: Person ------------------------------------------------------------------------------------------
    Rule("birth-after-reference", ("Person/PersonBirthDate",), ERROR, None,
         "PersonBirthDate is after the ReferenceDate", _M1),
    Rule("over-25", ("Person/PersonBirthDate",), WARNING, None, "The person is over 25 at the ReferenceDate",
         f"{_M1}: EHC plans run to age 25"),
    Rule("sex-missing", ("Person/Sex",), WARNING, None, "Sex is missing", _M1),
    Rule("sex", ("Person/Sex",), ERROR, _in_list("sex"), _CODE, _M1),
    Rule("ethnicity", ("Person/Ethnicity",), WARNING, _matches(ETHNICITY),
         "Ethnicity must be a four-letter code{got}", f"{_M1}; DfE common basic data set"),
    Rule("postcode", ("Person/PostCode",), WARNING, lambda value, lists=None: bool(postcode_district(value)),
         "PostCode is not a UK postcode; no district is kept", _M1),
    Rule("upn", ("Person/UPN",), WARNING, _matches(UPN),
         "UPN is not 13 characters (a letter, 11 digits and a digit or letter)", f"{_M1}; DfE common basic data set"),
    Rule("uln", ("Person/UniqueLearnerNumber",), WARNING, _matches(ULN), "UniqueLearnerNumber is not 10 digits",
         _M1),
    Rule("no-identifier", ("Person",), WARNING, None,
         "None of UPN, UniqueLearnerNumber or UPNunknown is given: the person cannot be linked across returns", _M1),
    Rule("no-requests", ("Person/Requests",), WARNING, None,
         "The person has no Requests: nothing about them can be counted", _M2),
    # Module 2: Requests ----------------------------------------------------------------------------------------
    Rule("received-after-reference", ("Requests/ReceivedDate",), WARNING, None,
         "ReceivedDate ({value}) is after the ReferenceDate ({reference_date})", _M2),
    Rule("request-outcome", ("Requests/RequestOutcome",), ERROR, _in_list("request_outcome"), _CODE, _M2),
    Rule("request-outcome-undated", ("Requests/RequestOutcomeDate",), WARNING, None,
         "RequestOutcome is {value!r} but RequestOutcomeDate is missing", _M2),
    Rule("request-source", ("Requests/RequestSource",), ERROR, _in_list("request_source"), _CODE, _M2),
    Rule("assessments-many", ("Requests/Assessment",), WARNING, None,
         "More than one Assessment in one request: only the first is used", _M3),
    # Module 3: Assessment; module 4a: NamedPlan ----------------------------------------------------------------
    Rule("assessment-outcome", ("Assessment/AssessmentOutcome",), ERROR, _in_list("assessment_outcome"), _CODE,
         _M3),
    Rule("plans-many", ("Assessment/NamedPlan",), WARNING, None,
         "More than one NamedPlan in one assessment: only the first is used", _M4A),
    Rule("over-52-weeks", ("NamedPlan/StartDate",), WARNING, None,
         "The plan was issued more than 52 weeks after the request", _HUB),
    Rule("plan-res", ("NamedPlan/PlanRes",), WARNING, lambda value, lists: value in lists.plan_res or _is_flag(value),
         "PlanRes must be A (38 to 51 weeks) or B (52 weeks){got}", _M4A),
    Rule("personal-budget", ("NamedPlan/PB",), WARNING, lambda value, lists=None: _is_flag(value) or len(value) <= 2,
         "PB must be a flag or a code of up to 2 characters{got}", _M4A),
    Rule("cease-reason", ("NamedPlan/CeaseReason",), ERROR, _in_list("cease_reason"), _CODE,
         f"{_GUIDE}, item 4.6 (CeaseReason)"),
    Rule("cease-unexplained", ("NamedPlan/CeaseReason",), WARNING, None,
         "CeaseDate is given but CeaseReason is missing", f"{_GUIDE}, item 4.6 (CeaseReason)"),
    # Modules 4b and 5b: PlanDetail and PlacementDetail ---------------------------------------------------------
    Rule("setting", ("PlanDetail/SENsetting", "PlacementDetail/SENsetting"), WARNING, _in_list("settings"), _CODE,
         f"{_GUIDE}, items 4.7c and 5.7c (SENsetting: eight codes, for placements with no URN or UKPRN)"),
    Rule("rank-whole", ("PlanDetail/PlacementRank", "PlacementDetail/PlacementRank", "SENneed/SENtypeRank"), ERROR,
         _whole, "{item} must be a whole number{got}", f"{_M4B}; {_M5B}; {_M5C}"),
    Rule("placement-rank", ("PlanDetail/PlacementRank", "PlacementDetail/PlacementRank"), WARNING, _rank_allowed,
         "PlacementRank is {value} for person {position}: the specification allows 1 (main placement) or 2 (second "
         "placement) only; the placements are still ordered by it", f"{_M4B}; {_M5B} (PlacementRank 1 or 2)"),
    Rule("urn", ("PlacementDetail/URN",), WARNING, _matches(URN), "URN must be 6 or 7 digits{got}",
         f"{_M5B}; Get Information About Schools (URN)"),
    Rule("ukprn", ("PlacementDetail/UKPRN",), WARNING, _matches(UKPRN), "UKPRN must be 8 digits starting with 1{got}",
         f"{_M5B}; UK Register of Learning Providers (UKPRN)"),
    Rule("placement-unnamed", ("PlacementDetail",), WARNING, None,
         "None of URN, UKPRN or SENsetting is given: the placement cannot be counted in a setting", _M5B),
    # Module 5a: ActivePlans; 5c: SENneed -----------------------------------------------------------------------
    Rule("transfer-la", ("ActivePlans/TransferLA",), ERROR, _matches(LA),
         "TransferLA must be a three-digit LA code{got}", _M5A),
    Rule("review-outcome", ("ActivePlans/ReviewOutcome",), WARNING, lambda value, lists=None: len(value.strip()) <= 2,
         "ReviewOutcome must be a code of up to 2 characters{got}", _M5A),
    Rule("last-review-after-reference", ("ActivePlans/LastReview",), WARNING, None,
         "LastReview ({value}) is after the ReferenceDate ({reference_date})", _M5A),
    Rule("sen-type", ("SENneed/SENtype",), ERROR, _in_list("sen_type"), _CODE, f"{_GUIDE}, item 5.8a (SENtype)"),
    Rule("no-need", ("ActivePlans/SENneed",), WARNING, None, "No SENneed is given for this active plan", _M5C),
    # Header ----------------------------------------------------------------------------------------------------
    Rule("header-missing", ("Header",), ERROR, None, "The Header is missing (it must come before the persons)",
         _HEADER),
    Rule("header-required", ("CollectionDetails/Year", "CollectionDetails/ReferenceDate", "Source/LEA"), ERROR, None,
         "{item} is missing: it is required", _HEADER),
    Rule("header-year", ("CollectionDetails/Year",), ERROR, None, "Year must be a four-digit year{got}", _HEADER),
    Rule("header-reference-date", ("CollectionDetails/ReferenceDate",), ERROR, _is_date,
         "ReferenceDate is not a date in the form YYYY-MM-DD{got}", _HEADER, cut=20),
    Rule("header-collection", ("CollectionDetails/Collection",), WARNING, None,
         "Collection is {value!r}, not 'SEN2'", _HEADER, cut=20),
    Rule("header-la", ("Source/LEA",), ERROR, None,
         "The file is for LA {value!r} but is being imported into an area with LA code {expected!r}", _HEADER),
)  # fmt: skip

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
assert len(BY_ID) == len(RULES), "rule ids are unique"


def check_of(rule_id: str) -> Callable[..., bool]:
    """The check a rule makes on one item's text, for the fast path (which must decline what it refuses)."""
    check = BY_ID[rule_id].check
    if check is None:
        raise ValueError(f"rule {rule_id!r} relates several items: validate applies it")
    return check


def problem(rule_id: str, position: int, path: str, **fields) -> dict:
    """A problem found by rule ``rule_id`` at ``path`` in the person at ``position`` (0: the header)."""
    rule = BY_ID[rule_id]
    fields.setdefault("position", position)
    return {"position": position, "path": path, "rule": rule.word(**fields), "severity": rule.severity,
            "rule_id": rule.id}
