"""From a ``Person`` element to minimised table rows: a fast path for the common valid person, and the exact path.

The import spends most of its time on persons that have no problem at all. For them ``RowBuilder.build`` reads
the ``Person`` element in one pass (a dict of each element's children, built by a comprehension, rather than a
search per item), checks that every rule of ``validate.check_person`` holds, and returns the minimised rows as
tuples. It never says *what* is wrong: as soon as anything differs from the plain valid case (a missing or
unknown item, a code in lower case, spaces around a value, a date out of order, anything that would give a
warning) it returns ``None``, and the importer runs the exact path instead (``parser.person_from_element`` →
``validate.check_person`` → ``rows_from_checked``), which finds and words every problem. So the rules and
messages live in ``validate`` alone; this module must accept only persons that ``validate`` passes with no
problem at all, and must compute the same values (``tests/outcomes/test_sen2_rows.py`` compares both paths on
generated and altered persons). The checks come from ``rules.RULES`` (its patterns, code lists and placement
ranks); ``tests/outcomes/test_sen2_rules.py`` breaks each rule of the table in turn and checks that this path
declines the person. A new rule goes in the table, with a case in that test; if this path cannot check it cheaply,
it must send the case to the exact path.

Rows leave this module without their ids and foreign keys (the writer adds those): a person is
``(person_row, [(request_row, [plan_row, ...]), ...])`` with the fields named in ``PERSON_FIELDS``,
``REQUEST_FIELDS`` and ``PLAN_FIELDS``. Dates are ISO ``YYYY-MM-DD`` text, which is what SQLite stores and what
PostgreSQL's ``COPY`` reads, so a valid date from the file is stored as its own text; flags are 1 and 0.
Minimisation happens here:
the person row holds the keyed hash, the pseudonymous reference, ages and the postcode district, never the raw
items. No Django: the import can run this in a separate process.
"""

from __future__ import annotations

import hashlib
from datetime import date
from operator import attrgetter

from lxml import etree

from . import minimise, rules
from .codes import FLAG_VALUES, CodeLists
from .rules import PLACEMENT_RANKS, parse_date
from .spec import KNOWN, canonical
from .validate import CheckedPerson, start_of_academic_year

PERSON_FIELDS = (
    "position", "person_key", "reference", "sex", "ethnicity", "postcode_district", "age_at_reference_date",
)  # fmt: skip
# In the order the fast path puts them together (groups of items it checks as one, see ``RowBuilder``).
REQUEST_FIELDS = (
    "received_date", "request_outcome_date", "age_at_request",
    "request_outcome", "request_source", "rya", "request_mediation", "request_tribunal", "exported",
    "assessment_outcome", "assessment_mediation", "assessment_tribunal", "other_mediation", "other_tribunal", "week20",
    "assessment_outcome_date",
    "plan_start_date", "age_at_plan_start", "personal_budget", "plan_cease_reason", "plan_cease_date", "plan_setting",
)  # fmt: skip
PLAN_FIELDS = (
    "transfer_la", "review_outcome", "review_meeting", "review_draft", "phase_transfer_due_date",
    "phase_transfer_final_date", "last_review", "setting", "setting_urn", "setting_ukprn", "sen_unit",
    "resourced_provision", "in_caseload", "placement_column", "primary_need", "other_needs", "age_at_reference_date",
    "age_at_start_of_year",
)  # fmt: skip
# Each table's full column list: the writer puts these ids in front of the fields above.
PERSON_COLUMNS = ("id", "sen2_return_id", *PERSON_FIELDS)
REQUEST_COLUMNS = ("id", "sen2_return_id", "person_id", *REQUEST_FIELDS)
PLAN_COLUMNS = ("id", "sen2_return_id", "request_id", *PLAN_FIELDS)

PersonRows = tuple[tuple, list[tuple[tuple, list[tuple]]]]
# The patterns of the rules "ethnicity", "transfer-la", "ukprn", "uln", "upn" and "urn"; the dates already parsed.
_ETHNICITY, _LA, _UKPRN, _ULN, _UPN, _URN = rules.ETHNICITY, rules.LA, rules.UKPRN, rules.ULN, rules.UPN, rules.URN
_DATES = rules._DATE_CACHE

# Exact item texts the fast path accepts for a flag (absent or empty reads as false, as in ``validate``); "TRUE",
# " 1" and the like are valid too, but the exact path handles them. (An item's text is ``None`` when it is empty,
# or "" for an empty CDATA section: both mean empty everywhere below.) Flags are stored as 1 and 0, as SQLite
# stores booleans anyway: sqlite3 binds an int as it is but looks for an adapter for every bool.
_FLAGS: dict[str | None, int] = {None: 0, "": 0, **{text: int(value) for text, value in FLAG_VALUES.items()}}
_BUDGET = {k: ("1" if v else "0") for k, v in FLAG_VALUES.items()}
# The pattern ``minimise.postcode_district`` matches after upper-casing and collapsing spaces: a postcode that
# already matches it is unchanged by those steps, so its district is the first group.
_POSTCODE = minimise._FULL_POSTCODE
_DIGITS = frozenset("0123456789")

# Items read from each element, in the order unpacked below; an absent item reads as ``None`` (the text of _NONE).
_PERSON_ITEMS = ("PersonBirthDate", "Sex", "Ethnicity", "PostCode", "UPN", "UniqueLearnerNumber", "UPNunknown")
_REQUEST_DATES = ("ReceivedDate", "RequestOutcomeDate")
_REQUEST_CODES = ("RequestOutcome", "RequestSource", "RYA", "RequestMediation", "RequestTribunal", "Exported")
_ASSESSMENT_CODES = ("AssessmentOutcome", "AssessmentMediation", "AssessmentTribunal", "OtherMediation",
                     "OtherTribunal", "Week20")  # fmt: skip
_PLAN_DATES = ("StartDate", "CeaseDate")
_PLAN_CODES = ("PlanRes", "OA", "PB", "CeaseReason")
_ACTIVE_CODES = ("TransferLA", "ReviewOutcome")
_ACTIVE_DATES = ("ReviewMeeting", "ReviewDraft", "PhaseTransferDueDate", "PhaseTransferFinalDate", "LastReview")
_PLACEMENT_ITEMS = ("SENsetting", "URN", "UKPRN", "EntryDate", "LeavingDate", "PlacementRank", "SENunitIndicator",
                    "ResourcedProvisionIndicator")  # fmt: skip
_DETAIL_ITEMS = ("SENsetting", "PlacementRank", "SENunitIndicator", "ResourcedProvisionIndicator")
_NONE = etree.Element("none")
_NONES = (_NONE,) * 8
_TEXT = attrgetter("text")

_PERSON_OK, _REQUEST_OK, _ASSESSMENT_OK = KNOWN["Person"], KNOWN["Requests"], KNOWN["Assessment"]
_PLAN_OK, _DETAIL_OK, _ACTIVE_OK = KNOWN["NamedPlan"], KNOWN["PlanDetail"], KNOWN["ActivePlans"]
_PLACEMENT_OK, _NEED_OK = KNOWN["PlacementDetail"], KNOWN["SENneed"]
_PLAN_RES = frozenset({None, "", "A", "B", *FLAG_VALUES})
_NO_ASSESSMENT = ("", 0, 0, 0, 0, 0, None)
_NO_PLAN = (None, None, "", None, None, "")
_CACHE_SIZE = 10_000  # per kind of group; a hostile file cannot make the caches grow beyond this


def _respell(items: dict, element: str) -> dict | None:
    """``items`` under the specification's names (``SENSetting`` → ``SENsetting``, see ``spec``); ``None`` when a
    name is not in the specification or two names are spellings of one item (the exact path words both)."""
    out = {}
    for name, value in items.items():
        canon = canonical(element, name)
        if canon is None or canon in out:
            return None
        out[canon] = value
    return out


def _valid_date(text: str) -> bool:
    return text in _DATES or parse_date(text) is not None


def _rank(text: str | None) -> int | None:
    """A rank as ``validate`` orders it (999 when absent); ``None`` when it is not plain ASCII digits."""
    if not text:
        return 999
    return int(text) if _DIGITS.issuperset(text) else None


def _placement_rank(text: str | None) -> int | None:
    """As ``_rank``; ``None`` also for a rank given other than 1 or 2 (the rule "placement-rank": a warning)."""
    rank = _rank(text)
    return rank if not text or rank in PLACEMENT_RANKS else None


class RowBuilder:
    """Builds one return's person rows; ``build`` is the fast path, ``rows_from_checked`` the exact one.

    Codes and flags come in small groups whose texts repeat across persons (a request's outcome, source and four
    flags, say): each distinct group of texts is checked once and its typed values cached, so most groups cost
    one dictionary look-up. Dates are checked against a set of texts already found valid.
    """

    def __init__(
        self,
        *,
        reference_date: date | None,
        lists: CodeLists,
        secret: str | bytes,
        checksum_hint: str,
        namespace: str = "",
    ):
        self.reference_date = reference_date
        self.lists = lists
        self.secret = secret.encode("utf-8") if isinstance(secret, str) else secret
        self.checksum_hint = checksum_hint
        self.namespace = namespace
        ns = f"{{{namespace}}}" if namespace else ""
        self._ns = ns
        self._tags = {name: ns + name for name in ("Requests", "Assessment", "NamedPlan", "PlanDetail",
                                                    "ActivePlans", "PlacementDetail", "SENneed")}  # fmt: skip
        # {tag: name without the file's namespace}, filled as tags are met; ``None`` when the file has no namespace
        # (the common case, read without it). A tag in another namespace (or in none, in a file with one) is
        # given a name that is never known, so the person goes to the exact path.
        self._local: dict[str, str] | None = {} if namespace else None
        self._ethnicities: set[str] = set()  # texts seen to match _ETHNICITY
        self._valid_dates: set[str | None] = {None}  # texts seen to be valid dates (and None: absent)
        self._urns: set[str] = set()  # texts seen to match _URN
        self._request_codes: dict[tuple, tuple | bool] = {}
        self._assessment_codes: dict[tuple, tuple | bool] = {}
        self._plan_codes: dict[tuple, tuple | bool] = {}
        self._active_codes: dict[tuple, tuple | bool] = {}
        self._need_codes: dict[tuple, tuple | bool] = {}
        # Without a reference date the header has an error: nothing is stored, so only the exact path runs.
        self.build = self._fast_path() if reference_date is not None else _no_fast_path

    # Checks of the texts not seen before (their results are cached) ------------------------------------------

    def _name(self, tag: str) -> str:
        name = self._local.get(tag)
        if name is None:
            ns = self._ns
            name = tag[len(ns) :] if tag.startswith(ns) else "\0" + tag  # never a known name
            if len(self._local) < _CACHE_SIZE:
                self._local[tag] = name
        return name

    def _check_dates(self, texts: tuple) -> bool:
        """Whether each text is absent, empty or a valid date (remembering the valid ones)."""
        for text in texts:
            if text and not _valid_date(text):
                return False
        if len(self._valid_dates) < 200_000:
            self._valid_dates.update(text for text in texts if text)
        return True

    def _check_ethnicity(self, text: str) -> bool:
        if not _ETHNICITY.fullmatch(text):
            return False
        if len(self._ethnicities) < _CACHE_SIZE:
            self._ethnicities.add(text)
        return True

    def _check_urn(self, urn: str) -> bool:
        if not _URN.fullmatch(urn):
            return False
        if len(self._urns) < 100_000:
            self._urns.add(urn)
        return True

    def _cache(self, cache: dict, texts: tuple, typed: tuple | bool) -> tuple | bool:
        if len(cache) < _CACHE_SIZE:
            cache[texts] = typed
        return typed

    def _check_request_codes(self, codes: tuple) -> tuple | bool:
        outcome, source, *flags = codes
        lists = self.lists
        typed: tuple | bool = False
        flag_values = [_FLAGS.get(flag) for flag in flags]
        if (not outcome or outcome in lists.request_outcome) and (not source or source in lists.request_source):
            if None not in flag_values:
                typed = (outcome or "", int(source) if source else None, *flag_values)
        return self._cache(self._request_codes, codes, typed)

    def _check_assessment_codes(self, codes: tuple) -> tuple | bool:
        outcome, *flags = codes
        flag_values = [_FLAGS.get(flag) for flag in flags]
        typed: tuple | bool = False
        if (not outcome or outcome in self.lists.assessment_outcome) and None not in flag_values:
            typed = (outcome or "", *flag_values)
        return self._cache(self._assessment_codes, codes, typed)

    def _check_plan_codes(self, codes: tuple) -> tuple | bool:
        plan_res, oa, budget, reason = codes
        typed: tuple | bool = False
        if plan_res in _PLAN_RES and _FLAGS.get(oa) is not None:
            budget = _BUDGET.get(budget) if budget else ""
            if budget is not None and (not reason or reason in self.lists.cease_reason):
                typed = (budget, int(reason) if reason else None)
        return self._cache(self._plan_codes, codes, typed)

    def _check_active_codes(self, codes: tuple) -> tuple | bool:
        transfer, outcome = codes
        outcome = outcome.strip().upper() if outcome else ""
        typed: tuple | bool = False
        if (not transfer or _LA.fullmatch(transfer)) and len(outcome) <= 2:
            typed = (transfer or "", outcome)
        return self._cache(self._active_codes, codes, typed)

    def _check_need_codes(self, codes: tuple) -> tuple | bool:
        code, rank = codes
        rank = _rank(rank)
        valid = rank is not None and (not code or code in self.lists.sen_type)
        return self._cache(self._need_codes, codes, (rank, code or "") if valid else False)

    # The fast path -------------------------------------------------------------------------------------------

    def _fast_path(self):
        """The function ``build(element, position)``: the rows of a ``Person`` element that has no problem at all,
        or ``None`` for anything else.

        One function, with everything it uses bound once in its closure: it runs for every person, and calls and
        attribute look-ups are a good part of its cost. The comments give the ``validate`` rule behind each check.
        """
        reference_date = self.reference_date
        ref = reference_date.isoformat()
        ref_year, ref_day = reference_date.year, ref[5:]
        lists = self.lists
        sexes, settings = lists.sex, lists.settings
        checksum_hint = self.checksum_hint
        # HMAC-SHA256 as in ``minimise.person_key``, with the keyed inner and outer states hashed once.
        block = self.secret if len(self.secret) <= 64 else hashlib.sha256(self.secret).digest()
        block = block.ljust(64, b"\0")
        inner_state = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        outer_state = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        plain = self._local is None
        name_of = self._name
        aug31 = start_of_academic_year(reference_date)
        aug_year, aug_text = aug31.year, aug31.isoformat()
        valid_dates, check_dates, dates_get = self._valid_dates, self._check_dates, _DATES.get
        ethnicities, check_ethnicity = self._ethnicities, self._check_ethnicity
        urns, check_urn = self._urns, self._check_urn
        request_codes, check_request_codes = self._request_codes, self._check_request_codes
        assessment_codes, check_assessment_codes = self._assessment_codes, self._check_assessment_codes
        plan_codes, check_plan_codes = self._plan_codes, self._check_plan_codes
        active_codes, check_active_codes = self._active_codes, self._check_active_codes
        need_codes, check_need_codes = self._need_codes, self._check_need_codes
        tags = self._tags
        requests_tag, assessment_tag, plan_tag = tags["Requests"], tags["Assessment"], tags["NamedPlan"]
        detail_tag, active_tag = tags["PlanDetail"], tags["ActivePlans"]
        placement_tag, need_tag = tags["PlacementDetail"], tags["SENneed"]
        text_of, nones = _TEXT, _NONES

        def build(element, position: int) -> PersonRows | None:
            k = {c.tag: c for c in element} if plain else {name_of(c.tag): c for c in element}
            if not k.keys() <= _PERSON_OK and (k := _respell(k, "Person")) is None:
                return None  # an item not in the specification (a warning)
            if "Requests" not in k:
                return None  # no request (a warning)
            birth_text, sex, ethnicity, postcode, upn, uln, unknown = map(text_of, map(k.get, _PERSON_ITEMS, nones))
            if not birth_text or sex not in sexes:
                return None  # birth date missing (an error); sex missing (a warning) or not in the list
            birth = dates_get(birth_text) or parse_date(birth_text)
            if birth is None or birth_text > ref or ref_year - birth.year > 26:
                return None  # not a date, after the reference date (errors), over 25 (a warning)
            if not ethnicity:
                ethnicity = ""
            elif ethnicity not in ethnicities and not check_ethnicity(ethnicity):
                return None
            district = ""
            if postcode:
                match = _POSTCODE.fullmatch(postcode)
                district = match.group(1) if match else minimise.postcode_district(postcode)
                if not district:
                    return None  # not a postcode (a warning)
            if (upn and not _UPN.fullmatch(upn)) or (uln and not _ULN.fullmatch(uln)):
                return None  # warnings
            identifier = upn or uln
            if identifier:
                inner = inner_state.copy()
                inner.update(identifier.encode())
                outer = outer_state.copy()
                outer.update(inner.digest())
                key = outer.hexdigest()
                reference = "P-" + key[:8].upper()
            elif not unknown or not unknown.strip():
                return None  # no identifier at all (a warning)
            else:
                key = ""
                reference = minimise.reference(checksum=checksum_hint, position=position)
            birth_year = birth.year
            birth_day = birth_text[5:]  # "MM-DD" compares as (month, day) does
            age_now = ref_year - birth_year - (ref_day < birth_day)
            age_at_start = aug_year - birth_year - ("08-31" < birth_day) if birth_text <= aug_text else None

            requests = []
            for request in (k["Requests"],) if len(k) == len(element) else element.iterchildren(requests_tag):
                r = {c.tag: c for c in request} if plain else {name_of(c.tag): c for c in request}
                if not r.keys() <= _REQUEST_OK and (r := _respell(r, "Requests")) is None:
                    return None
                start_text = cease_text = None
                codes = tuple(map(text_of, map(r.get, _REQUEST_CODES, nones)))
                typed = request_codes.get(codes) or check_request_codes(codes)
                if typed is False:
                    return None
                received_text, outcome_date = map(text_of, map(r.get, _REQUEST_DATES, nones))
                if not received_text or received_text > ref:
                    return None  # missing (an error), after the reference date (a warning)
                received = dates_get(received_text) or parse_date(received_text)
                if received is None:
                    return None
                if outcome_date:
                    if outcome_date < received_text or (
                        outcome_date not in valid_dates and not check_dates((outcome_date,))
                    ):
                        return None
                else:
                    if typed[0] not in ("", "H") and "RequestOutcomeDate" not in r:
                        return None  # an outcome without its date (a warning)
                    outcome_date = None
                age = (
                    received.year - birth_year - (received_text[5:] < birth_day)
                    if received_text >= birth_text
                    else None
                )
                single = len(r) == len(request)
                if single:
                    assessment = r.get("Assessment")
                else:  # a name is repeated: several active plans, say
                    assessments = list(request.iterchildren(assessment_tag))
                    if len(assessments) > 1:
                        return None  # only the first is used (a warning)
                    assessment = assessments[0] if assessments else None

                if assessment is None:
                    row = (received_text, outcome_date, age, *typed, *_NO_ASSESSMENT, *_NO_PLAN)
                else:
                    a = {c.tag: c for c in assessment} if plain else {name_of(c.tag): c for c in assessment}
                    if not a.keys() <= _ASSESSMENT_OK and (a := _respell(a, "Assessment")) is None:
                        return None
                    codes = tuple(map(text_of, map(a.get, _ASSESSMENT_CODES, nones)))
                    a_typed = assessment_codes.get(codes) or check_assessment_codes(codes)
                    if a_typed is False:
                        return None
                    a_date = a.get("AssessmentOutcomeDate")
                    if a_date is not None:
                        a_date = a_date.text
                        if not a_date:
                            a_date = None
                        elif a_date < received_text or (a_date not in valid_dates and not check_dates((a_date,))):
                            return None
                    plan = a.get("NamedPlan")
                    if plan is None:
                        row = (received_text, outcome_date, age, *typed, *a_typed, a_date, *_NO_PLAN)
                    else:
                        if len(a) != len(assessment) and sum(1 for _ in assessment.iterchildren(plan_tag)) > 1:
                            return None  # only the first is used (a warning)
                        n = {c.tag: c for c in plan} if plain else {name_of(c.tag): c for c in plan}
                        if not n.keys() <= _PLAN_OK and (n := _respell(n, "NamedPlan")) is None:
                            return None
                        codes = tuple(map(text_of, map(n.get, _PLAN_CODES, nones)))
                        p_typed = plan_codes.get(codes) or check_plan_codes(codes)
                        if p_typed is False:
                            return None
                        start_text, cease_text = map(text_of, map(n.get, _PLAN_DATES, nones))
                        age_start = None
                        if start_text:
                            start = dates_get(start_text) or parse_date(start_text)
                            if start is None or start_text < received_text:
                                return None
                            if typed[0] != "H" and (start - received).days > 364:
                                return None  # issued more than 52 weeks after the request (a warning)
                            if start_text >= birth_text:
                                age_start = start.year - birth_year - (start_text[5:] < birth_day)
                        else:
                            start_text = None
                        if cease_text:
                            if (cease_text not in valid_dates and not check_dates((cease_text,))) or (
                                start_text and cease_text < start_text
                            ):
                                return None
                            if p_typed[1] is None and "CeaseReason" not in n:
                                return None  # a cease date without its reason (a warning)
                        else:
                            cease_text = None
                        setting = ""
                        if "PlanDetail" in n:
                            best = None
                            for detail in (n["PlanDetail"],) if len(n) == len(plan) else plan.iterchildren(detail_tag):
                                d = (
                                    {c.tag: c.text for c in detail if not len(c)}
                                    if plain
                                    else {name_of(c.tag): c.text for c in detail if not len(c)}
                                )
                                if len(d) != len(detail):
                                    return None  # an item given twice, or holding elements: the exact path reads it
                                if not d.keys() <= _DETAIL_OK and (d := _respell(d, "PlanDetail")) is None:
                                    return None
                                code, rank, unit, resourced = map(d.get, _DETAIL_ITEMS)
                                if code and code not in settings:
                                    return None  # an unknown setting (a warning)
                                rank = _placement_rank(rank)
                                if rank is None or unit not in _FLAGS or resourced not in _FLAGS:
                                    return None
                                if best is None or rank < best:  # the first of the best rank
                                    best, setting = rank, code or ""
                        row = (
                            received_text, outcome_date, age, *typed, *a_typed, a_date, start_text, age_start,
                            *p_typed, cease_text, setting,
                        )  # fmt: skip

                plans = []
                if "ActivePlans" in r:
                    for active in (r["ActivePlans"],) if single else request.iterchildren(active_tag):
                        ap = {c.tag: c for c in active} if plain else {name_of(c.tag): c for c in active}
                        if not ap.keys() <= _ACTIVE_OK and (ap := _respell(ap, "ActivePlans")) is None:
                            return None  # an item not in the specification (a warning)
                        if "SENneed" not in ap:
                            return None  # no need given (a warning)
                        codes = tuple(map(text_of, map(ap.get, _ACTIVE_CODES, nones)))
                        ap_typed = active_codes.get(codes) or check_active_codes(codes)
                        if ap_typed is False:
                            return None
                        dates = tuple(map(text_of, map(ap.get, _ACTIVE_DATES, nones)))
                        if not valid_dates.issuperset(dates):
                            if not check_dates(dates):
                                return None
                            dates = tuple(text or None for text in dates)
                        if dates[4] and dates[4] > ref:
                            return None  # last review after the reference date (a warning)
                        one = len(ap) == len(active)
                        setting = urn = ukprn = ""
                        unit = resourced = 0
                        if "PlacementDetail" in ap:
                            best = None
                            for placement in (ap["PlacementDetail"],) if one else active.iterchildren(placement_tag):
                                d = (
                                    {c.tag: c.text for c in placement if not len(c)}
                                    if plain
                                    else {name_of(c.tag): c.text for c in placement if not len(c)}
                                )
                                if len(d) != len(placement):
                                    return None  # an item given twice, or holding elements: the exact path reads it
                                if not d.keys() <= _PLACEMENT_OK and (d := _respell(d, "PlacementDetail")) is None:
                                    return None
                                code, this_urn, this_ukprn, entry, leaving, rank, this_unit, this_resourced = map(
                                    d.get, _PLACEMENT_ITEMS
                                )
                                if (
                                    (code and code not in settings)
                                    or (this_urn and this_urn not in urns and not check_urn(this_urn))
                                    or (this_ukprn and not _UKPRN.fullmatch(this_ukprn))
                                    or not (code or this_urn or this_ukprn)
                                ):
                                    return None  # warnings
                                rank = _placement_rank(rank)
                                this_unit, this_resourced = _FLAGS.get(this_unit), _FLAGS.get(this_resourced)
                                if rank is None or this_unit is None or this_resourced is None:
                                    return None
                                if not (entry in valid_dates and leaving in valid_dates):
                                    if not check_dates((entry, leaving)):
                                        return None
                                    entry, leaving = entry or None, leaving or None
                                if leaving and entry and leaving < entry:
                                    return None
                                # As ``validate``: of the placements covering the reference date, the lowest rank,
                                # then the latest entry date (none sorts first), then the first listed.
                                if (not entry or entry <= ref) and (not leaving or leaving >= ref):
                                    entry = entry or ""
                                    if best is None or rank < best[0] or (rank == best[0] and entry > best[1]):
                                        best = (rank, entry)
                                        setting, urn, ukprn = code or "", this_urn or "", this_ukprn or ""
                                        unit, resourced = this_unit, this_resourced
                        in_caseload = 1 if (not start_text or start_text <= ref) and (
                            not cease_text or cease_text > ref) else 0  # fmt: skip
                        needs = []
                        for index, need in enumerate((ap["SENneed"],) if one else active.iterchildren(need_tag)):
                            d = (
                                {c.tag: c.text for c in need if not len(c)}
                                if plain
                                else {name_of(c.tag): c.text for c in need if not len(c)}
                            )
                            if len(d) != len(need):
                                return None  # an item given twice, or holding elements: the exact path reads it
                            if not d.keys() <= _NEED_OK and (d := _respell(d, "SENneed")) is None:
                                return None
                            codes = (d.get("SENtype"), d.get("SENtypeRank"))
                            n_typed = need_codes.get(codes) or check_need_codes(codes)
                            if n_typed is False:
                                return None
                            if n_typed[1]:  # a need without a SENtype is not counted
                                needs.append((n_typed[0], index, n_typed[1]))
                        primary = others = ""
                        if needs:
                            if len(needs) > 1:
                                needs.sort()
                                others = " ".join(code for _r, _i, code in needs[1:])[:60]
                            primary = needs[0][2]
                        plans.append((*ap_typed, *dates, setting, urn, ukprn, unit, resourced, in_caseload, "", primary,
                                      others, age_now, age_at_start))  # fmt: skip
                requests.append((row, plans))
            return (position, key, reference, sex, ethnicity, district, age_now), requests

        return build

    # The exact path ------------------------------------------------------------------------------------------

    def rows_from_checked(self, checked: CheckedPerson) -> PersonRows:
        """The rows of a person checked by ``validate.check_person`` (a person with warnings, say).

        Its raw birth date and identifier are minimised here and dropped from ``checked``.
        """
        birth = checked.birth_date
        reference_date = self.reference_date
        key = minimise.person_key(checked.identifier, self.secret) if checked.identifier else ""
        age_now = minimise.age_in_years(birth, reference_date)
        person = (
            checked.position,
            key,
            minimise.reference(key, checksum=self.checksum_hint, position=checked.position),
            checked.sex,
            checked.ethnicity,
            checked.postcode_district,
            age_now,
        )
        age_at_start = (
            minimise.age_in_years(birth, start_of_academic_year(reference_date)) if reference_date else None
        )
        checked.birth_date = None
        checked.identifier = ""
        requests = []
        for row in checked.requests:
            values = {
                **row,
                "age_at_request": minimise.age_in_years(birth, row["received_date"]),
                "age_at_plan_start": minimise.age_in_years(birth, row["plan_start_date"]),
            }
            plans = [
                tuple(
                    _text(value)
                    for value in map(
                        {**plan, "age_at_reference_date": age_now, "age_at_start_of_year": age_at_start}.get,
                        PLAN_FIELDS,
                    )
                )
                for plan in row["active_plans"]
            ]
            requests.append((tuple(_text(values[name]) for name in REQUEST_FIELDS), plans))
        return person, requests


def _text(value):
    """A value as the fast path gives it: dates as ISO text, flags as 1 and 0."""
    if isinstance(value, date):
        return value.isoformat()
    return int(value) if isinstance(value, bool) else value


def _no_fast_path(element, position: int) -> None:
    return None
