"""Check a parsed SEN2 header and each person against the rules, and give back typed values.

Every problem is a dict ``{"position", "path", "rule", "severity", "rule_id"}``: ``position`` is the person's
1-based place in the file (0 for the header), ``path`` the element path
(``Message/Persons/Person[12]/Requests[1]/ReceivedDate``), ``rule`` a message for people, ``severity``
``"error"`` (the file is not imported) or ``"warning"`` (imported; shown to the user), ``rule_id`` the rule of
``rules.RULES`` that found it, whose message, severity and source in DfE's guide are written there, once. Messages
never repeat personal values (names, birth date, postcode, UPN, ULN): only codes, flags and other dates may be
echoed.

``check_person`` returns a ``CheckedPerson`` whose requests and active plans are dicts keyed by the model's field
names, ready for the importer, which minimises the person's identifiers at once.

The importer first tries ``rows.RowBuilder.build``, a fast path that certifies that a person has no problem at all
(and sends any other person here). It takes its checks from the same table; ``tests/outcomes/test_sen2_rules.py``
breaks each rule in turn and checks that this module reports it and the fast path declines the person.

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
  A PlacementRank other than 1 or 2 is a warning (the specification has only those two) and still orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .codes import FLAG_VALUES, CodeLists, code_lists
from .minimise import postcode_district
from .parser import Header, Person
from .rules import _DATE_CACHE as _DATES
from .rules import BY_ID, ERROR, parse_date
from .rules import WARNING as WARNING  # read from here too
from .rules import problem as rule_problem
from .spec import KNOWN, canonical_items

PERSON_PATH = "Message/Persons/Person[{}]"
_CHECK = {rule_id: BY_ID[rule_id].check for rule_id in ("ethnicity", "upn", "uln", "transfer-la", "urn", "ukprn",
                                                         "placement-rank", "plan-res", "personal-budget")}

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
    """A problem worded outside the rule table (the file's shape, its size): see ``rules.problem`` for the rest."""
    return {"position": position, "path": path, "rule": rule, "severity": severity}


class _Checker:
    """Collects one person's problems; each method reads one item and returns its typed value."""

    __slots__ = ("position", "problems", "lists")

    def __init__(self, position: int, lists: CodeLists):
        self.position = position
        self.problems: list[dict] = []
        self.lists = lists

    def add(self, rule_id: str, path: str, **fields) -> None:
        """A problem found by the rule ``rule_id`` (``rules.RULES``) at ``path``, worded from the table."""
        self.problems.append(rule_problem(rule_id, self.position, path, **fields))

    def canon(self, items: dict, element: str, path: str) -> dict:
        """``items`` under the specification's names (unknown names are reported by ``unknown_items``)."""
        out, twice, _unknown = canonical_items(element, items)
        for name, spellings in twice:
            self.add("item-twice", f"{path}/{name}", item=name, spellings=spellings)
        return out

    def date(self, items: dict, name: str, path: str, *, required: bool = False, personal: bool = False):
        value = items.get(name)
        if not value:
            if required:
                self.add("required", f"{path}/{name}", item=name)
            return None
        parsed = _DATES.get(value) or parse_date(value)
        if parsed is None:
            self.add("date", f"{path}/{name}", item=name, value=None if personal else value)
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
            self.add("flag", f"{path}/{name}", item=name, value=value)
            return False
        return parsed

    def code(self, items: dict, name: str, path: str, rule_id: str) -> str:
        """A code from one of the lists (``rule_id`` names the list's rule); upper case is accepted. A code not in
        the list is dropped when the rule is an error, kept (and warned about) when it is a warning."""
        value = items.get(name) or ""
        allowed = getattr(self.lists, BY_ID[rule_id].check.list_name)
        if not value or value in allowed:
            return value
        value = value.upper()
        if value not in allowed:
            listed = ", ".join(sorted(allowed, key=lambda c: (len(c), c)))
            self.add(rule_id, f"{path}/{name}", item=name, listed=listed, value=value)
            return "" if BY_ID[rule_id].severity == ERROR else value
        return value

    def placement_rank(self, items: dict, path: str) -> None:
        """PlacementRank: a whole number (an error), and 1 or 2 (a warning; the placements are still ordered by it)."""
        rank = items.get("PlacementRank", "")
        if rank and not rank.isdecimal():
            self.add("rank-whole", f"{path}/PlacementRank", item="PlacementRank", value=rank)
        elif rank and not _CHECK["placement-rank"](rank):
            self.add("placement-rank", f"{path}/PlacementRank", value=int(rank))

    def in_order(self, earlier, later, path: str, later_name: str, earlier_name: str) -> None:
        if earlier is not None and later is not None and later < earlier:
            self.add("date-order", f"{path}/{later_name}", item=later_name, value=later, earlier=earlier_name,
                     earlier_value=earlier)


def check_header(header: Header | None, *, expected_la: str | None = None) -> tuple[HeaderInfo, list[dict]]:
    """Check ``Message/Header``: CollectionDetails Year and ReferenceDate are required; LEA must match."""
    info = HeaderInfo()
    problems: list[dict] = []

    def add(rule_id: str, path: str, **fields) -> None:
        problems.append(rule_problem(rule_id, 0, path, **fields))

    if header is None:
        add("header-missing", "Message/Header")
        return info, problems
    base = "Message/Header/CollectionDetails"
    year = header.collection.get("Year", "")
    if not year:
        add("header-required", f"{base}/Year", item="Year")
    elif not (year.isdecimal() and len(year) == 4 and 2000 <= int(year) <= 2100):
        add("header-year", f"{base}/Year", value=year)
    else:
        info.year = int(year)
    reference = header.collection.get("ReferenceDate", "")
    if not reference:
        add("header-required", f"{base}/ReferenceDate", item="ReferenceDate")
    else:
        info.reference_date = parse_date(reference)
        if info.reference_date is None:
            add("header-reference-date", f"{base}/ReferenceDate", value=reference)
    collection = header.collection.get("Collection", "")
    if collection and collection.upper() != "SEN2":
        add("header-collection", f"{base}/Collection", value=collection)
    for part, items in (("CollectionDetails", header.collection), ("Source", header.source)):
        for name in sorted(items.keys() - HEADER_ITEMS[part]):
            problems.append(unknown_item_problem(0, f"Message/Header/{part}/{name[:40]}", f"{part}/{name}"))
    for name in sorted(header.other.keys() - HEADER_ITEMS["Header"]):
        problems.append(unknown_item_problem(0, f"Message/Header/{name[:40]}", f"Header/{name}"))
    info.lea = header.source.get("LEA", "")
    info.software = header.source.get("SoftwareCode", "")
    if expected_la is not None:
        if not info.lea:
            add("header-required", "Message/Header/Source/LEA", item="LEA")
        elif info.lea != expected_la:
            add("header-la", "Message/Header/Source/LEA", value=info.lea, expected=expected_la)
    return info, problems


def unknown_item_rule(name: str) -> str:
    """The warning for a name that is not in the specification (``name`` is ``Element/Item``)."""
    element, _, item = name.rpartition("/")
    return BY_ID["item-unknown"].word(item=item, element=element)


def unknown_item_problem(position: int, path: str, name: str) -> dict:
    """The problem for a name that is not in the specification, first seen at ``path``."""
    element, _, item = name.rpartition("/")
    return rule_problem("item-unknown", position, path, item=item, element=element)


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
            c.add("birth-after-reference", f"{path}/PersonBirthDate")
        elif reference_date.year - birth.year > 26:
            c.add("over-25", f"{path}/PersonBirthDate")
    out.birth_date = birth
    sex = items.get("Sex", "")
    if not sex:
        c.add("sex-missing", f"{path}/Sex")
    else:
        out.sex = c.code(items, "Sex", path, "sex")
    ethnicity = items.get("Ethnicity", "").upper()
    if ethnicity:
        if _CHECK["ethnicity"](ethnicity):
            out.ethnicity = ethnicity
        else:
            c.add("ethnicity", f"{path}/Ethnicity", value=ethnicity)
    postcode = items.get("PostCode", "")
    if postcode:
        out.postcode_district = postcode_district(postcode)
        if not out.postcode_district:
            c.add("postcode", f"{path}/PostCode")
    upn = items.get("UPN", "").replace(" ", "").upper()
    uln = items.get("UniqueLearnerNumber", "").replace(" ", "")
    if upn and not _CHECK["upn"](upn):
        c.add("upn", f"{path}/UPN")
    if uln and not _CHECK["uln"](uln):
        c.add("uln", f"{path}/UniqueLearnerNumber")
    out.identifier = upn or uln
    if not (upn or uln or items.get("UPNunknown")):
        c.add("no-identifier", path)
    if not person.requests:
        c.add("no-requests", f"{path}/Requests")

    for r_index, request in enumerate(person.requests, 1):
        out.requests.append(_check_request(c, request, f"{path}/Requests[{r_index}]", reference_date))
    return out


def _check_request(c: _Checker, request, path: str, reference_date: date | None) -> dict:
    items = c.canon(request.items, "Requests", path)
    received = c.date(items, "ReceivedDate", path, required=True)
    outcome_date = c.date(items, "RequestOutcomeDate", path)
    outcome = c.code(items, "RequestOutcome", path, "request-outcome")
    c.in_order(received, outcome_date, path, "RequestOutcomeDate", "ReceivedDate")
    if received is not None and reference_date is not None and received > reference_date:
        c.add("received-after-reference", f"{path}/ReceivedDate", value=received, reference_date=reference_date)
    if outcome and outcome != "H" and outcome_date is None and "RequestOutcomeDate" not in items:
        c.add("request-outcome-undated", f"{path}/RequestOutcomeDate", value=outcome)
    source = c.code(items, "RequestSource", path, "request-source")
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
        c.add("assessments-many", f"{path}/Assessment")
    if request.assessments:
        _check_assessment(c, request.assessments[0], f"{path}/Assessment", row, outcome)
    for a_index, active in enumerate(request.active_plans, 1):
        a_path = f"{path}/ActivePlans" if len(request.active_plans) == 1 else f"{path}/ActivePlans[{a_index}]"
        row["active_plans"].append(_check_active(c, active, a_path, reference_date, row))
    return row


def _check_assessment(c: _Checker, assessment, path: str, row: dict, request_outcome: str) -> None:
    items = c.canon(assessment.items, "Assessment", path)
    received = row["received_date"]
    row["assessment_outcome"] = c.code(items, "AssessmentOutcome", path, "assessment-outcome")
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
        c.add("plans-many", f"{path}/NamedPlan")
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
        c.add("over-52-weeks", f"{p_path}/StartDate")
    row["plan_start_date"] = start
    # PlanRes is A or B (absent: not residential); 0 and 1, as some systems write it, are read as no and yes.
    # PlanWBP and DP hold codes the sources do not list: they are not checked (and not stored).
    plan_res = p_items.get("PlanRes", "")
    if plan_res and not _CHECK["plan-res"](plan_res, c.lists):
        c.add("plan-res", f"{p_path}/PlanRes", value=plan_res)
    c.flag(p_items, "OA", p_path)
    budget = p_items.get("PB", "")
    if budget:
        flag = FLAG_VALUES.get(budget.lower())
        if flag is not None:
            row["personal_budget"] = "1" if flag else "0"
        elif len(budget) <= 2:
            row["personal_budget"] = budget.upper()
        else:
            c.add("personal-budget", f"{p_path}/PB", value=budget)
    cease = c.date(p_items, "CeaseDate", p_path)
    c.in_order(start, cease, p_path, "CeaseDate", "StartDate")
    row["plan_cease_date"] = cease
    reason = c.code(p_items, "CeaseReason", p_path, "cease-reason")
    row["plan_cease_reason"] = int(reason) if reason else None
    if cease is not None and not reason and "CeaseReason" not in p_items:
        c.add("cease-unexplained", f"{p_path}/CeaseReason")
    if plan.plan_details:
        details = []
        for d_index, detail in enumerate(plan.plan_details, 1):
            d_path = f"{p_path}/PlanDetail[{d_index}]"
            detail = c.canon(detail, "PlanDetail", d_path)
            code = c.code(detail, "SENsetting", d_path, "setting")
            c.placement_rank(detail, d_path)
            c.flag(detail, "SENunitIndicator", d_path)
            c.flag(detail, "ResourcedProvisionIndicator", d_path)
            details.append((_rank(detail, "PlacementRank"), d_index, code))
        row["plan_setting"] = min(details)[2][:10]


def start_of_academic_year(reference_date: date) -> date:
    """31 August before ``reference_date`` (the day ages are taken for DfE's "age at start of academic year")."""
    year = reference_date.year if (reference_date.month, reference_date.day) > (8, 31) else reference_date.year - 1
    return date(year, 8, 31)


def _check_active(c: _Checker, active, path: str, reference_date: date | None, request: dict) -> dict:
    items = c.canon(active.items, "ActivePlans", path)
    transfer = items.get("TransferLA", "")
    if transfer and not _CHECK["transfer-la"](transfer):
        c.add("transfer-la", f"{path}/TransferLA", value=transfer)
        transfer = ""
    review_meeting = c.date(items, "ReviewMeeting", path)
    review_draft = c.date(items, "ReviewDraft", path)
    last_review = c.date(items, "LastReview", path)
    review_outcome = items.get("ReviewOutcome", "").upper()
    if len(review_outcome) > 2:
        c.add("review-outcome", f"{path}/ReviewOutcome", value=review_outcome)
        review_outcome = ""
    if last_review is not None and reference_date is not None and last_review > reference_date:
        c.add("last-review-after-reference", f"{path}/LastReview", value=last_review, reference_date=reference_date)
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
    current = _current_placement(c, active.placements, path, reference_date)
    if current is not None:
        code, urn, ukprn, sen_unit, resourced = current
        row["setting"] = code[:10]
        row["setting_urn"] = urn if _CHECK["urn"](urn) else ""
        row["setting_ukprn"] = ukprn if _CHECK["ukprn"](ukprn) else ""
        row["sen_unit"] = sen_unit
        row["resourced_provision"] = resourced
    if active.needs:
        needs = []
        for n_index, need in enumerate(active.needs, 1):
            n_path = f"{path}/SENneed[{n_index}]"
            need = c.canon(need, "SENneed", n_path)
            code = c.code(need, "SENtype", n_path, "sen-type")
            rank = need.get("SENtypeRank", "")
            if rank and not rank.isdecimal():
                c.add("rank-whole", f"{n_path}/SENtypeRank", item="SENtypeRank", value=rank)
            if code:
                needs.append((_rank(need, "SENtypeRank"), n_index, code))
        needs.sort()
        if needs:
            row["primary_need"] = needs[0][2]
            row["other_needs"] = " ".join(code for _r, _i, code in needs[1:])[:60]
    else:
        c.add("no-need", f"{path}/SENneed")
    return row


def _current_placement(c: _Checker, placements: list, path: str, reference_date: date | None) -> tuple | None:
    """Check each PlacementDetail; the one at the reference date as (code, URN, UKPRN, SEN unit, resourced)."""
    current = None
    for p_index, placement in enumerate(placements, 1):
        p_path = f"{path}/PlacementDetail[{p_index}]"
        placement = c.canon(placement, "PlacementDetail", p_path)
        code = c.code(placement, "SENsetting", p_path, "setting")
        urn = placement.get("URN", "")
        if urn and not _CHECK["urn"](urn):
            c.add("urn", f"{p_path}/URN", value=urn)
        ukprn = placement.get("UKPRN", "")
        if ukprn and not _CHECK["ukprn"](ukprn):
            c.add("ukprn", f"{p_path}/UKPRN", value=ukprn)
        if not (urn or ukprn or code):
            c.add("placement-unnamed", p_path)
        c.placement_rank(placement, p_path)
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
    return current[1:] if current is not None else None
