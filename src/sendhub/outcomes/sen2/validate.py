"""Check a parsed SEN2 header and each person against the rules, and give back typed values.

Every problem is a dict ``{"position", "path", "rule", "severity"}``: ``position`` is the person's 1-based place
in the file (0 for the header), ``path`` the element path (``Message/Persons/Person[12]/Requests[1]/ReceivedDate``),
``rule`` a message for people, ``severity`` ``"error"`` (the file is not imported) or ``"warning"`` (imported;
shown to the user). Messages never repeat personal values (names, birth date, postcode, UPN, ULN): only codes,
flags and other dates may be echoed.

``check_person`` returns a ``CheckedPerson`` whose requests and active plans are dicts keyed by the model's field
names, ready for the importer, which minimises the person's identifiers at once.

The importer first tries ``rows.RowBuilder.build``, a fast path that repeats these rules to certify that a person
has no problem at all (and sends any other person here): a change of rule here must be made there too.

Element names are read through ``spec`` (one canonical name per item, other spellings such as ``SENSetting`` for
the specification's ``SENsetting`` accepted); a name that is not in the specification is reported once per file
by ``unknown_items``, with the path where it was first seen.

Decisions:
- ``ReceivedDate`` is required on every request; ``PersonBirthDate`` is required (ages are needed).
- A person with none of UPN, UniqueLearnerNumber and UPNunknown is a warning: they are imported but cannot be
  linked across returns.
- Codes outside the lists are errors, except ``SENsetting``, ``PlanRes``, ``ReviewOutcome`` and ``PB``: an
  unknown SENsetting is a warning (that placement is counted as not recorded, never guessed), and the lists of
  the others are less settled between guides.
- A plan issued more than 52 weeks after the request (not historical) is a warning: allowed, but unusual.
- ``in_caseload``: ActivePlans holds every plan active at any time in the calendar year; the January caseload
  counts a plan when its NamedPlan StartDate is on or before the ReferenceDate (or not given) and it has no
  CeaseDate or a CeaseDate after the ReferenceDate (a plan ceasing on the day is not maintained that day).
- The placement at the ReferenceDate is a PlacementDetail with EntryDate <= ReferenceDate <= LeavingDate (no
  EntryDate: from before; no LeavingDate: continuing): of several, the lowest PlacementRank (1 before 2, an
  absent rank last), then the latest EntryDate, then the first listed. None covering the date: no placement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .codes import FLAG_VALUES, CodeLists, code_lists
from .minimise import postcode_district
from .parser import Header, Person
from .spec import KNOWN, canonical_items

ERROR, WARNING = "error", "warning"
PERSON_PATH = "Message/Persons/Person[{}]"

_UPN = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")
_ULN = re.compile(r"[0-9]{10}")
_LA = re.compile(r"[0-9]{3}")
_ETHNICITY = re.compile(r"[A-Z]{4}")
_URN = re.compile(r"[0-9]{6,7}")
_UKPRN = re.compile(r"1[0-9]{7}")

# Header items: CollectionDetails and Source (the LA-level DMO, DCO and DSCO items are accepted in either: where
# the specification puts them could not be checked).
HEADER_ITEMS = {
    "CollectionDetails": frozenset({"Collection", "Year", "ReferenceDate", "DMO", "DCO", "DSCO"}),
    "Source": frozenset({"SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime", "DMO", "DCO",
                         "DSCO"}),
    "Header": frozenset({"DMO", "DCO", "DSCO"}),
}  # fmt: skip


@dataclass(slots=True)
class HeaderInfo:
    year: int | None = None
    reference_date: date | None = None
    lea: str = ""
    software: str = ""


@dataclass(slots=True)
class CheckedPerson:
    """A person's checked values. ``birth_date`` and ``identifier`` are raw: minimise them at once.

    The postcode is cut to its district here, so the full postcode goes no further than the parser's object.
    """

    position: int
    birth_date: date | None = None
    identifier: str = ""
    postcode_district: str = ""
    sex: str = ""
    ethnicity: str = ""
    requests: list[dict] = field(default_factory=list)  # model field values, plus "active_plans": [dict]
    problems: list[dict] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(p["severity"] == ERROR for p in self.problems)


def problem(position: int, path: str, rule: str, severity: str = ERROR) -> dict:
    return {"position": position, "path": path, "rule": rule, "severity": severity}


_DATES: dict[str, date] = {}  # dates repeat a great deal in a return: each text is parsed once


def parse_date(value: str) -> date | None:
    """A date written exactly ``YYYY-MM-DD``; ``None`` otherwise."""
    parsed = _DATES.get(value)
    if parsed is not None:
        return parsed
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    if len(_DATES) < 200_000:
        _DATES[value] = parsed
    return parsed


class _Checker:
    """Collects one person's problems; each method reads one item and returns its typed value."""

    __slots__ = ("position", "problems", "lists")

    def __init__(self, position: int, lists: CodeLists):
        self.position = position
        self.problems: list[dict] = []
        self.lists = lists

    def add(self, path: str, rule: str, severity: str = ERROR) -> None:
        self.problems.append({"position": self.position, "path": path, "rule": rule, "severity": severity})

    def canon(self, items: dict, element: str, path: str) -> dict:
        """``items`` under the specification's names (unknown names are reported by ``unknown_items``)."""
        out, twice, _unknown = canonical_items(element, items)
        for name, spellings in twice:
            self.add(f"{path}/{name}", f"{name} is given twice ({spellings}); the last one is used", WARNING)
        return out

    def date(self, items: dict, name: str, path: str, *, required: bool = False, personal: bool = False):
        value = items.get(name)
        if not value:
            if required:
                self.add(f"{path}/{name}", f"{name} is missing: it is required")
            return None
        parsed = _DATES.get(value) or parse_date(value)
        if parsed is None:
            shown = "" if personal else f" (got {value[:20]!r})"
            self.add(f"{path}/{name}", f"{name} is not a date in the form YYYY-MM-DD{shown}")
        return parsed

    def flag(self, items: dict, name: str, path: str) -> bool:
        value = items.get(name)
        if not value:
            return False
        parsed = FLAG_VALUES.get(value)
        if parsed is not None:
            return parsed
        parsed = FLAG_VALUES.get(value.lower())
        if parsed is None:
            self.add(f"{path}/{name}", f"must be 1, 0, true or false (got {value[:10]!r})")
            return False
        return parsed

    def code(self, items: dict, name: str, path: str, allowed, *, severity: str = ERROR, upper=True) -> str:
        value = items.get(name) or ""
        if not value or value in allowed:
            return value
        if upper:
            value = value.upper()
        if value not in allowed:
            listed = ", ".join(sorted(allowed, key=lambda c: (len(c), c)))
            self.add(f"{path}/{name}", f"{name} must be one of {listed} (got {value[:10]!r})", severity)
            return "" if severity == ERROR else value
        return value

    def in_order(self, earlier, later, path: str, later_name: str, earlier_name: str) -> None:
        if earlier is not None and later is not None and later < earlier:
            self.add(f"{path}/{later_name}", f"{later_name} ({later}) is before {earlier_name} ({earlier})")


def check_header(header: Header | None, *, expected_la: str | None = None) -> tuple[HeaderInfo, list[dict]]:
    """Check ``Message/Header``: CollectionDetails Year and ReferenceDate are required; LEA must match."""
    info = HeaderInfo()
    problems: list[dict] = []
    if header is None:
        problems.append(problem(0, "Message/Header", "The Header is missing (it must come before the persons)"))
        return info, problems
    base = "Message/Header/CollectionDetails"
    year = header.collection.get("Year", "")
    if not year:
        problems.append(problem(0, f"{base}/Year", "Year is missing: it is required"))
    elif not (year.isdecimal() and len(year) == 4 and 2000 <= int(year) <= 2100):
        problems.append(problem(0, f"{base}/Year", f"Year must be a four-digit year (got {year[:10]!r})"))
    else:
        info.year = int(year)
    reference = header.collection.get("ReferenceDate", "")
    if not reference:
        problems.append(problem(0, f"{base}/ReferenceDate", "ReferenceDate is missing: it is required"))
    else:
        info.reference_date = parse_date(reference)
        if info.reference_date is None:
            rule = f"ReferenceDate is not a date in the form YYYY-MM-DD (got {reference[:20]!r})"
            problems.append(problem(0, f"{base}/ReferenceDate", rule))
    collection = header.collection.get("Collection", "")
    if collection and collection.upper() != "SEN2":
        problems.append(problem(0, f"{base}/Collection", f"Collection is {collection[:20]!r}, not 'SEN2'", WARNING))
    for part, items in (("CollectionDetails", header.collection), ("Source", header.source)):
        for name in sorted(items.keys() - HEADER_ITEMS[part]):
            problems.append(problem(0, f"Message/Header/{part}/{name[:40]}", unknown_item_rule(f"{part}/{name}"),
                                    WARNING))
    for name in sorted(header.other.keys() - HEADER_ITEMS["Header"]):
        problems.append(problem(0, f"Message/Header/{name[:40]}", unknown_item_rule(f"Header/{name}"), WARNING))
    info.lea = header.source.get("LEA", "")
    info.software = header.source.get("SoftwareCode", "")
    if expected_la is not None:
        if not info.lea:
            problems.append(problem(0, "Message/Header/Source/LEA", "LEA is missing: it is required"))
        elif info.lea != expected_la:
            problems.append(
                problem(
                    0,
                    "Message/Header/Source/LEA",
                    f"The file is for LA {info.lea[:10]!r} but is being imported into an area with LA code "
                    f"{expected_la!r}",
                )
            )
    return info, problems


def unknown_item_rule(name: str) -> str:
    """The warning for a name that is not in the specification (``name`` is ``Element/Item``)."""
    element, _, item = name.rpartition("/")
    return (f"{item} is not an item of {element} in the SEN2 specification; it was ignored (first seen here; "
            "later ones are not listed)")


def unknown_items(person: Person) -> dict[str, str]:
    """Names (as ``Element/Item``) that are not in the specification, each with the path where the person first
    has it. Alternative spellings (``spec.SPELLINGS``, ``spec.ANY_CASE``) are not unknown."""
    unknown: dict[str, str] = {}
    path = PERSON_PATH.format(person.position)

    def look(element: str, items: dict, at: str) -> None:
        if items.keys() <= KNOWN[element]:
            return
        for name in canonical_items(element, items)[2]:
            unknown.setdefault(f"{element}/{name}", f"{at}/{name[:40]}")

    look("Person", person.items, path)
    for r_index, request in enumerate(person.requests, 1):
        r_path = f"{path}/Requests[{r_index}]"
        look("Requests", request.items, r_path)
        for assessment in request.assessments:
            look("Assessment", assessment.items, f"{r_path}/Assessment")
            for plan in assessment.named_plans:
                look("NamedPlan", plan.items, f"{r_path}/Assessment/NamedPlan")
                for d_index, detail in enumerate(plan.plan_details, 1):
                    look("PlanDetail", detail, f"{r_path}/Assessment/NamedPlan/PlanDetail[{d_index}]")
        for a_index, active in enumerate(request.active_plans, 1):
            a_path = f"{r_path}/ActivePlans" if len(request.active_plans) == 1 else f"{r_path}/ActivePlans[{a_index}]"
            look("ActivePlans", active.items, a_path)
            for p_index, placement in enumerate(active.placements, 1):
                look("PlacementDetail", placement, f"{a_path}/PlacementDetail[{p_index}]")
            for n_index, need in enumerate(active.needs, 1):
                look("SENneed", need, f"{a_path}/SENneed[{n_index}]")
    return unknown


def _rank(item: dict, name: str) -> int:
    # isdecimal, not isdigit: isdigit accepts superscripts and the like, which int() cannot read.
    value = item.get(name, "")
    return int(value) if value.isdecimal() else 999


def check_person(person: Person, header: HeaderInfo, lists: CodeLists | None = None) -> CheckedPerson:
    """Check one person; return typed values and every problem found."""
    lists = lists or code_lists(header.year)
    reference_date = header.reference_date
    c = _Checker(person.position, lists)
    path = PERSON_PATH.format(person.position)
    items = c.canon(person.items, "Person", path)
    out = CheckedPerson(position=person.position, problems=c.problems)

    birth = c.date(items, "PersonBirthDate", path, required=True, personal=True)
    if birth is not None and reference_date is not None:
        if birth > reference_date:
            c.add(f"{path}/PersonBirthDate", "PersonBirthDate is after the ReferenceDate")
        elif reference_date.year - birth.year > 26:
            c.add(f"{path}/PersonBirthDate", "The person is over 25 at the ReferenceDate", WARNING)
    out.birth_date = birth
    sex = items.get("Sex", "")
    if not sex:
        c.add(f"{path}/Sex", "Sex is missing", WARNING)
    else:
        out.sex = c.code(items, "Sex", path, lists.sex)
    ethnicity = items.get("Ethnicity", "").upper()
    if ethnicity:
        if _ETHNICITY.fullmatch(ethnicity):
            out.ethnicity = ethnicity
        else:
            c.add(f"{path}/Ethnicity", f"Ethnicity must be a four-letter code (got {ethnicity[:10]!r})", WARNING)
    postcode = items.get("PostCode", "")
    if postcode:
        out.postcode_district = postcode_district(postcode)
        if not out.postcode_district:
            c.add(f"{path}/PostCode", "PostCode is not a UK postcode; no district is kept", WARNING)
    upn = items.get("UPN", "").replace(" ", "").upper()
    uln = items.get("UniqueLearnerNumber", "").replace(" ", "")
    if upn and not _UPN.fullmatch(upn):
        c.add(f"{path}/UPN", "UPN is not 13 characters (a letter, 11 digits and a digit or letter)", WARNING)
    if uln and not _ULN.fullmatch(uln):
        c.add(f"{path}/UniqueLearnerNumber", "UniqueLearnerNumber is not 10 digits", WARNING)
    out.identifier = upn or uln
    if not (upn or uln or items.get("UPNunknown")):
        c.add(
            path,
            "None of UPN, UniqueLearnerNumber or UPNunknown is given: the person cannot be linked across returns",
            WARNING,
        )
    if not person.requests:
        c.add(f"{path}/Requests", "The person has no Requests: nothing about them can be counted", WARNING)

    for r_index, request in enumerate(person.requests, 1):
        out.requests.append(_check_request(c, request, f"{path}/Requests[{r_index}]", reference_date))
    return out


def _check_request(c: _Checker, request, path: str, reference_date: date | None) -> dict:
    lists = c.lists
    items = c.canon(request.items, "Requests", path)
    received = c.date(items, "ReceivedDate", path, required=True)
    outcome_date = c.date(items, "RequestOutcomeDate", path)
    outcome = c.code(items, "RequestOutcome", path, lists.request_outcome)
    c.in_order(received, outcome_date, path, "RequestOutcomeDate", "ReceivedDate")
    if received is not None and reference_date is not None and received > reference_date:
        c.add(f"{path}/ReceivedDate", f"ReceivedDate ({received}) is after the ReferenceDate ({reference_date})",
              WARNING)  # fmt: skip
    if outcome and outcome != "H" and outcome_date is None and "RequestOutcomeDate" not in items:
        c.add(f"{path}/RequestOutcomeDate", f"RequestOutcome is {outcome!r} but RequestOutcomeDate is missing",
              WARNING)  # fmt: skip
    source = c.code(items, "RequestSource", path, lists.request_source)
    row = {
        "received_date": received,
        "request_source": int(source) if source else None,
        "rya": c.flag(items, "RYA", path),
        "request_outcome_date": outcome_date,
        "request_outcome": outcome,
        "request_mediation": c.flag(items, "RequestMediation", path),
        "request_tribunal": c.flag(items, "RequestTribunal", path),
        "exported": c.flag(items, "Exported", path),
        "assessment_outcome": "",
        "assessment_outcome_date": None,
        "assessment_mediation": False,
        "assessment_tribunal": False,
        "other_mediation": False,
        "other_tribunal": False,
        "week20": False,
        "plan_start_date": None,
        "plan_setting": "",
        "personal_budget": "",
        "plan_cease_date": None,
        "plan_cease_reason": None,
        "active_plans": [],
    }
    if len(request.assessments) > 1:
        c.add(f"{path}/Assessment", "More than one Assessment in one request: only the first is used", WARNING)
    if request.assessments:
        _check_assessment(c, request.assessments[0], f"{path}/Assessment", row, outcome)
    for a_index, active in enumerate(request.active_plans, 1):
        a_path = f"{path}/ActivePlans" if len(request.active_plans) == 1 else f"{path}/ActivePlans[{a_index}]"
        row["active_plans"].append(_check_active(c, active, a_path, reference_date, row))
    return row


def _check_assessment(c: _Checker, assessment, path: str, row: dict, request_outcome: str) -> None:
    lists = c.lists
    items = c.canon(assessment.items, "Assessment", path)
    received = row["received_date"]
    row["assessment_outcome"] = c.code(items, "AssessmentOutcome", path, lists.assessment_outcome)
    outcome_date = c.date(items, "AssessmentOutcomeDate", path)
    c.in_order(received, outcome_date, path, "AssessmentOutcomeDate", "ReceivedDate")
    row["assessment_outcome_date"] = outcome_date
    for name, key in (
        ("AssessmentMediation", "assessment_mediation"),
        ("AssessmentTribunal", "assessment_tribunal"),
        ("OtherMediation", "other_mediation"),
        ("OtherTribunal", "other_tribunal"),
        ("Week20", "week20"),
    ):
        row[key] = c.flag(items, name, path)
    if len(assessment.named_plans) > 1:
        c.add(f"{path}/NamedPlan", "More than one NamedPlan in one assessment: only the first is used", WARNING)
    if not assessment.named_plans:
        return
    plan = assessment.named_plans[0]
    p_path = f"{path}/NamedPlan"
    p_items = c.canon(plan.items, "NamedPlan", p_path)
    start = c.date(p_items, "StartDate", p_path)
    c.in_order(received, start, p_path, "StartDate", "ReceivedDate")
    if (
        start is not None
        and received is not None
        and request_outcome != "H"
        and (start - received).days > 364
        and start >= received
    ):
        c.add(f"{p_path}/StartDate", "The plan was issued more than 52 weeks after the request", WARNING)
    row["plan_start_date"] = start
    # PlanRes is A or B (absent: not residential); 0 and 1, as some systems write it, are read as no and yes.
    # PlanWBP and DP hold codes the sources do not list: they are not checked (and not stored).
    plan_res = p_items.get("PlanRes", "")
    if plan_res and plan_res not in lists.plan_res and plan_res.lower() not in FLAG_VALUES:
        c.add(f"{p_path}/PlanRes", f"PlanRes must be A (38 to 51 weeks) or B (52 weeks) (got {plan_res[:10]!r})",
              WARNING)  # fmt: skip
    c.flag(p_items, "OA", p_path)
    budget = p_items.get("PB", "")
    if budget:
        flag = FLAG_VALUES.get(budget.lower())
        if flag is not None:
            row["personal_budget"] = "1" if flag else "0"
        elif len(budget) <= 2:
            row["personal_budget"] = budget.upper()
        else:
            c.add(f"{p_path}/PB", f"PB must be a flag or a code of up to 2 characters (got {budget[:10]!r})", WARNING)
    cease = c.date(p_items, "CeaseDate", p_path)
    c.in_order(start, cease, p_path, "CeaseDate", "StartDate")
    row["plan_cease_date"] = cease
    reason = c.code(p_items, "CeaseReason", p_path, lists.cease_reason)
    row["plan_cease_reason"] = int(reason) if reason else None
    if cease is not None and not reason and "CeaseReason" not in p_items:
        c.add(f"{p_path}/CeaseReason", "CeaseDate is given but CeaseReason is missing", WARNING)
    if plan.plan_details:
        details = []
        for d_index, detail in enumerate(plan.plan_details, 1):
            d_path = f"{p_path}/PlanDetail[{d_index}]"
            detail = c.canon(detail, "PlanDetail", d_path)
            code = c.code(detail, "SENsetting", d_path, lists.settings, severity=WARNING)
            rank = detail.get("PlacementRank", "")
            if rank and not rank.isdecimal():
                c.add(f"{d_path}/PlacementRank", f"PlacementRank must be a whole number (got {rank[:10]!r})")
            c.flag(detail, "SENunitIndicator", d_path)
            c.flag(detail, "ResourcedProvisionIndicator", d_path)
            details.append((_rank(detail, "PlacementRank"), d_index, code))
        row["plan_setting"] = min(details)[2][:10]


def start_of_academic_year(reference_date: date) -> date:
    """31 August before ``reference_date`` (the day ages are taken for DfE's "age at start of academic year")."""
    year = reference_date.year if (reference_date.month, reference_date.day) > (8, 31) else reference_date.year - 1
    return date(year, 8, 31)


def _check_active(c: _Checker, active, path: str, reference_date: date | None, request: dict) -> dict:
    lists = c.lists
    items = c.canon(active.items, "ActivePlans", path)
    transfer = items.get("TransferLA", "")
    if transfer and not _LA.fullmatch(transfer):
        c.add(f"{path}/TransferLA", f"TransferLA must be a three-digit LA code (got {transfer[:10]!r})")
        transfer = ""
    review_meeting = c.date(items, "ReviewMeeting", path)
    review_draft = c.date(items, "ReviewDraft", path)
    last_review = c.date(items, "LastReview", path)
    review_outcome = items.get("ReviewOutcome", "").upper()
    if len(review_outcome) > 2:
        c.add(f"{path}/ReviewOutcome", f"ReviewOutcome must be a code of up to 2 characters (got "
              f"{review_outcome[:10]!r})", WARNING)  # fmt: skip
        review_outcome = ""
    if last_review is not None and reference_date is not None and last_review > reference_date:
        c.add(f"{path}/LastReview", f"LastReview ({last_review}) is after the ReferenceDate ({reference_date})",
              WARNING)  # fmt: skip
    start, cease = request["plan_start_date"], request["plan_cease_date"]
    row = {
        "transfer_la": transfer,
        "review_meeting": review_meeting,
        "review_outcome": review_outcome,
        "review_draft": review_draft,
        "phase_transfer_due_date": c.date(items, "PhaseTransferDueDate", path),
        "phase_transfer_final_date": c.date(items, "PhaseTransferFinalDate", path),
        "last_review": last_review,
        "primary_need": "",
        "other_needs": "",
        "setting": "",
        "setting_urn": "",
        "setting_ukprn": "",
        "sen_unit": False,
        "resourced_provision": False,
        "in_caseload": reference_date is not None
        and (start is None or start <= reference_date)
        and (cease is None or cease > reference_date),
        "placement_column": "",
    }
    current = None
    for p_index, placement in enumerate(active.placements, 1):
        p_path = f"{path}/PlacementDetail[{p_index}]"
        placement = c.canon(placement, "PlacementDetail", p_path)
        code = c.code(placement, "SENsetting", p_path, lists.settings, severity=WARNING)
        urn = placement.get("URN", "")
        if urn and not _URN.fullmatch(urn):
            c.add(f"{p_path}/URN", f"URN must be 6 or 7 digits (got {urn[:10]!r})", WARNING)
        ukprn = placement.get("UKPRN", "")
        if ukprn and not _UKPRN.fullmatch(ukprn):
            c.add(f"{p_path}/UKPRN", f"UKPRN must be 8 digits starting with 1 (got {ukprn[:10]!r})", WARNING)
        if not (urn or ukprn or code):
            c.add(p_path, "None of URN, UKPRN or SENsetting is given: the placement cannot be counted in a setting",
                  WARNING)  # fmt: skip
        rank = placement.get("PlacementRank", "")
        if rank and not rank.isdecimal():
            c.add(f"{p_path}/PlacementRank", f"PlacementRank must be a whole number (got {rank[:10]!r})")
        sen_unit = c.flag(placement, "SENunitIndicator", p_path)
        resourced = c.flag(placement, "ResourcedProvisionIndicator", p_path)
        entry = c.date(placement, "EntryDate", p_path)
        leaving = c.date(placement, "LeavingDate", p_path)
        c.in_order(entry, leaving, p_path, "LeavingDate", "EntryDate")
        covers = (
            reference_date is not None
            and (entry is None or entry <= reference_date)
            and (leaving is None or leaving >= reference_date)
        )
        if covers:
            # The lowest rank, then the latest entry (none: the earliest), then the first listed.
            key = (_rank(placement, "PlacementRank"), -(entry or date.min).toordinal(), p_index)
            if current is None or key < current[0]:
                current = (key, code, urn, ukprn, sen_unit, resourced)
    if current is not None:
        _key, code, urn, ukprn, sen_unit, resourced = current
        row["setting"] = code[:10]
        row["setting_urn"] = urn if _URN.fullmatch(urn) else ""
        row["setting_ukprn"] = ukprn if _UKPRN.fullmatch(ukprn) else ""
        row["sen_unit"] = sen_unit
        row["resourced_provision"] = resourced
    if active.needs:
        needs = []
        for n_index, need in enumerate(active.needs, 1):
            n_path = f"{path}/SENneed[{n_index}]"
            need = c.canon(need, "SENneed", n_path)
            code = c.code(need, "SENtype", n_path, c.lists.sen_type)
            rank = need.get("SENtypeRank", "")
            if rank and not rank.isdecimal():
                c.add(f"{n_path}/SENtypeRank", f"SENtypeRank must be a whole number (got {rank[:10]!r})")
            if code:
                needs.append((_rank(need, "SENtypeRank"), n_index, code))
        needs.sort()
        if needs:
            row["primary_need"] = needs[0][2]
            row["other_needs"] = " ".join(code for _r, _i, code in needs[1:])[:60]
    else:
        c.add(f"{path}/SENneed", "No SENneed is given for this active plan", WARNING)
    return row
