"""The elements of the SEN2 person-level return, as data: what each element holds, and the other spellings.

The importer must never drop an item silently. Every name it meets is looked up here: a name of the
specification (or one of its other spellings) is read under its one canonical name; anything else is reported
as a warning naming the element and where it was first seen (``validate.unknown_items``). Both ways of reading a
person, the fast path (``rows``) and the exact one (``validate``), use these tables.

Spellings. The canonical name is the one DfE's specification uses, as far as the sources can tell (research notes
to issue 14, §1): ``SENsetting`` (items 4.7c and 5.5c/5.7c; the D2I converter and many case-management exports
write ``SENSetting``), ``PostCode`` (one reader exports ``Postcode``). Where the sources disagree on letter case,
or could not be checked, the name is matched whatever its case (``ANY_CASE``); other spellings seen in sources are
listed in ``SPELLINGS``. Names not listed are matched exactly, as XML names are.

Elements of every year's specification are known in every year (``GenderCurrent`` was replaced by ``Sex`` in
2024; ``Res`` and ``WBP`` moved from ActivePlans to PlacementDetail): an item of another year's guide in a return
is not an unknown element. Which codes an item may hold does depend on the year (``codes.py``).
"""

from __future__ import annotations

# The elements that hold other elements, and the elements each holds.
CHILDREN: dict[str, tuple[str, ...]] = {
    "Person": ("Requests",),
    "Requests": ("Assessment", "ActivePlans"),
    "Assessment": ("NamedPlan",),
    "NamedPlan": ("PlanDetail",),
    "PlanDetail": (),
    "ActivePlans": ("PlacementDetail", "SENneed"),
    "PlacementDetail": (),
    "SENneed": (),
}

# The simple items of each element (modules 1 to 5 of the person-level return).
ITEMS: dict[str, tuple[str, ...]] = {
    "Person": ("Surname", "Forename", "PersonBirthDate", "GenderCurrent", "Sex", "Ethnicity", "PostCode", "UPN",
               "UniqueLearnerNumber", "UPNunknown"),
    "Requests": ("ReceivedDate", "RequestSource", "RYA", "RequestOutcomeDate", "RequestOutcome", "RequestMediation",
                 "RequestTribunal", "Exported"),
    "Assessment": ("AssessmentOutcome", "AssessmentOutcomeDate", "AssessmentMediation", "AssessmentTribunal",
                   "OtherMediation", "OtherTribunal", "Week20"),
    "NamedPlan": ("StartDate", "PlanRes", "PlanWBP", "PB", "OA", "DP", "CeaseDate", "CeaseReason"),
    "PlanDetail": ("URN", "UKPRN", "SENsetting", "SENSettingOther", "PlacementRank", "SENunitIndicator",
                   "ResourcedProvisionIndicator"),
    "ActivePlans": ("TransferLA", "Res", "WBP", "ReviewMeeting", "ReviewOutcome", "ReviewDraft",
                    "PhaseTransferDueDate", "PhaseTransferFinalDate", "LastReview"),
    "PlacementDetail": ("URN", "UKPRN", "SENsetting", "SENSettingOther", "PlacementRank", "EntryDate", "LeavingDate",
                        "AttendancePattern", "SENunitIndicator", "ResourcedProvisionIndicator", "Res", "WBP"),
    "SENneed": ("SENtype", "SENtypeRank"),
}  # fmt: skip

# Matched whatever their letter case: the sources disagree on it, or it could not be checked against the PDF.
ANY_CASE = frozenset({
    "PostCode", "SENsetting", "SENSettingOther", "SENunitIndicator", "ResourcedProvisionIndicator", "ReviewDraft",
    "PhaseTransferDueDate", "PhaseTransferFinalDate", "UPNunknown", "PlanWBP", "WBP",
})  # fmt: skip
# Other spellings found in sources (matched whatever their case): spelling → canonical name.
SPELLINGS = {"PlanWPB": "PlanWBP", "WPB": "WBP"}

# {element: every name it holds (items and elements)}.
KNOWN: dict[str, frozenset[str]] = {name: frozenset(ITEMS[name] + CHILDREN[name]) for name in ITEMS}
_FOLDED: dict[str, dict[str, str]] = {
    element: {
        **{name.lower(): name for name in names if name in ANY_CASE},
        **{other.lower(): name for other, name in SPELLINGS.items() if name in names},
    }
    for element, names in KNOWN.items()
}


def canonical(element: str, name: str) -> str | None:
    """The specification's name for ``name`` inside ``element`` (``SENSetting`` → ``SENsetting``); ``None`` when
    it is not an item or element of the specification there."""
    if name in KNOWN[element]:
        return name
    return _FOLDED[element].get(name.lower())


def canonical_items(element: str, items: dict[str, str]) -> tuple[dict[str, str], list[tuple[str, str]], list[str]]:
    """``items`` under their canonical names, the items given twice under two spellings (``(canonical name,
    "SENsetting and SENSetting")``: the last given is used), and the names that are not in the specification."""
    if items.keys() <= KNOWN[element]:
        return items, [], []
    out: dict[str, str] = {}
    spelled: dict[str, list[str]] = {}
    unknown: list[str] = []
    for name, value in items.items():
        canon = canonical(element, name)
        if canon is None:
            unknown.append(name)
            continue
        spelled.setdefault(canon, []).append(name)
        out[canon] = value
    twice = [(canon, " and ".join(names)) for canon, names in spelled.items() if len(names) > 1]
    return out, twice, unknown
