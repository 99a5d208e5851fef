"""Write a synthetic but realistic SEN2 person-level XML return (fake people; deterministic for a seed).

``generate_sen2(out, persons=N, year=Y, seed=S, la="888")`` streams the file with plain string writes and returns
counts. It writes the structure of DfE's person-level specification for collection year ``Y``: element names as
the specification spells them (``SENsetting``), a school or college named by its URN from a GIAS directory (the
fictional county of ``sendhub.establishments.fictional`` for ``la`` by default, or ``establishments=`` read from
a real extract), colleges and training providers by UKPRN, and one of the eight SENsetting codes only for
placements with no establishment; ``PlacementRank``, ``EntryDate``/``LeavingDate``, ``SENunitIndicator`` and
``ResourcedProvisionIndicator``.

Time frame (following how DfE collects SEN2): the return collected in January of year ``Y`` has the census day as
ReferenceDate (the third Thursday of January: 16 January 2025, 15 January 2026). ActivePlans holds every plan
active at any time in calendar year ``Y-1`` up to the census: the caseload at that date, and the plans that ceased
during ``Y-1`` or before the census (CeaseDate and CeaseReason, and placements that end on the cease date), which
DfE's January caseload does not count. Requests for assessment received in ``Y-1`` (with a few received in the
last weeks of ``Y-2`` or the first weeks of ``Y``) make the flow measures for ``Y-1`` meaningful.

Mix of persons (shares of N):
- 70% an established caseload: a historical request (RequestOutcome/AssessmentOutcome ``H``) whose plan was
  issued before ``Y-1`` and is active at the reference date; about 15% have their last annual review more than
  12 months before the reference date (overdue); children in year 6 or year 11 have phase transfer dates.
- 4% a plan that ceased during ``Y-1`` or in January ``Y`` before the census.
- 26% requesters: about 1.2 requests each (a second, earlier request for about 20%). Outcomes: decided to assess
  about 75%, not to assess 20%, withdrawn 3%, pending 2% (and any decision after the reference date is pending);
  about 70% decided within 6 weeks. After an assessment: plan about 88%, no plan 9%, withdrawn 3%; about 46%
  of plans issued within 20 weeks of the request (England 2024: 46.4%) and about 3% after more than 52 weeks;
  about 8% of assessments have a Week20 exception. A plan issued by the reference date is active there too.

Placements follow Lancashire's published caseload at January 2025 by age (``PLACEMENTS``): the column is drawn
first, then an establishment GIAS puts in that column. Of the plans in the caseload, about 7% moved setting
during the year (a PlacementDetail that ended, then the one at the census), 2% have a dual placement (rank 1 and
rank 2 both covering the census), pupils of a school that converted to an academy during the year have the old
URN until the conversion and the academy's new URN after it, about 1.5% have no placement covering the census
(``placement_unknown``) and about 0.3% a URN that is not in GIAS (one warning at import). Other distributions
follow the published national figures roughly: primary need ASD 33%, SLCN 21%, SEMH 17%, MLD 9% and the rest;
ages 0-25 mostly 5-15; about 72% boys. Postcodes use Lancashire outward codes. Names are drawn from short lists;
UPNs have a valid check letter; ULNs are 10 digits for young people of 14 and over.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TextIO

from sendhub.establishments.fictional import county_establishments
from sendhub.outcomes.placements import Placement, placement_column

from .codes import code_lists

SURNAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Robinson Thompson Evans Walker White "
    "Roberts Green Hall Wood Jackson Clarke Hussain Khan Ali Ahmed Lewis Harris Martin Cooper Hill Ward Moore "
    "Turner Parker Kelly Edwards Baker Mitchell Shaw Hughes Lee Holmes Barnes Kaur Singh Begum Ashworth Nuttall"
).split()
FORENAMES_M = (
    "Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Freddie Alfie Theo William "
    "Henry Archie Joshua Lucas Isaac Ethan Finley Mason Logan Ibrahim Zain Riley Alexander Max"
).split()
FORENAMES_F = (
    "Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella Grace Daisy Sienna Poppy "
    "Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte Aria Maryam Ruby Harper Zara"
).split()
OUTWARD = (
    "PR1 PR2 PR3 PR4 PR5 PR6 PR7 PR25 PR26 BB1 BB2 BB3 BB4 BB5 BB6 BB7 BB8 BB9 BB10 BB11 BB12 BB18 "
    "LA1 LA2 LA3 LA4 LA5 LA6 FY1 FY2 FY3 FY4 FY5 FY6 FY7 FY8 L39 L40 OL13 WN8"
).split()
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

ETHNICITY = (("WBRI", 74), ("WOTH", 4), ("AIND", 2), ("APKN", 6), ("ABAN", 1), ("BAFR", 2), ("MWBC", 2),
             ("MWAS", 2), ("MOTH", 2), ("OOTH", 1), ("WIRT", 1), ("REFU", 1), ("NOBT", 2))  # fmt: skip
NEEDS = (("ASD", 33), ("SLCN", 21), ("SEMH", 17), ("MLD", 9), ("SPLD", 4), ("SLD", 4), ("PD", 3.5),
         ("PMLD", 1), ("HI", 1.5), ("VI", 0.8), ("MSI", 0.2), ("DS", 1.5), ("OTH", 3.5))  # fmt: skip
# The caseload column a plan's placement is drawn in, by age at the start of the academic year: Lancashire's
# published caseload at January 2025 (caseload.csv; special_academy_free split about 3:1), with a few UKRLP
# providers and parent arrangements more than Lancashire had, so that every kind of placement occurs.
PLACEMENTS = {
    "early": (("nm_early_years", 62), ("mainstream_la_maintained", 18), ("special_la_maintained", 12),
              ("other_arrangements_parents", 2), ("elective_home_education", 1), ("other_arrangements_la", 2),
              ("other_placement_settings", 1), ("neet_other", 2)),
    "school": (("mainstream_la_maintained", 3159), ("mainstream_la_maintained_resourced_provision", 27),
               ("mainstream_la_maintained_senunit", 119), ("mainstream_academy", 1435),
               ("mainstream_academy_resourced_provision", 10), ("mainstream_academy_senunit", 20),
               ("mainstream_free_school", 46), ("mainstream_independent", 185), ("special_la_maintained", 3300),
               ("special_academy", 250), ("special_free_school", 87), ("special_independent", 650),
               ("special_non_maintained", 24), ("ap_pru_academy", 11), ("ap_pru_la_maintained", 76),
               ("elective_home_education", 75), ("other_arrangements_la", 88), ("other_arrangements_parents", 12),
               ("other_placement_settings", 20), ("neet_ntci", 5), ("neet_other_csa", 48)),
    "post16": (("general_fe_tertiary_colleges", 1000), ("specialist_post_16_institutions", 100),
               ("ukrlp_provider", 20), ("special_la_maintained", 450), ("special_academy", 40),
               ("special_independent", 120), ("mainstream_academy", 150), ("mainstream_la_maintained", 60),
               ("neet", 220), ("neet_ntci", 12), ("neet_other", 20), ("other_arrangements_la", 20),
               ("elective_home_education", 8), ("other_placement_settings", 5)),
    "adult": (("general_fe_tertiary_colleges", 300), ("specialist_post_16_institutions", 60), ("ukrlp_provider", 15),
              ("special_independent", 15), ("neet", 140), ("neet_ntci", 8), ("neet_other", 10),
              ("other_arrangements_la", 8), ("other_placement_settings", 3)),
}  # fmt: skip
# Columns of placements with no establishment, and their SENsetting code.
SETTING_OF_COLUMN = {
    "nm_early_years": "EYP", "elective_home_education": "EHE", "other_arrangements_la": "OLA",
    "other_arrangements_parents": "OPA", "other_placement_settings": "OTH", "neet": "NEET", "neet_ntci": "NIEC",
    "neet_other": "NIEO", "neet_other_csa": "NIEO",
}  # fmt: skip
# Where a column has no establishment in the directory, the plan is placed in the next one that has.
_FALLBACK = ("special_la_maintained", "mainstream_la_maintained", "general_fe_tertiary_colleges")
# Ages (years at the reference date) 0-25, skewed to 5-15.
AGE_WEIGHTS = [0.3, 0.6, 1.2, 2.0, 3.5, 5.5, 6.5, 7.0, 7.5, 7.8, 8.0, 8.2, 8.0, 7.8, 7.5, 7.0, 5.5, 4.0, 3.0,
               2.0, 1.3, 0.9, 0.6, 0.4, 0.25, 0.15]  # fmt: skip
CEASE_REASONS = (("1", 10), ("2", 15), ("3", 3), ("4", 8), ("5", 25), ("6", 12), ("7", 3), ("8", 1), ("9", 23))


def upn_check_letter(digits12: str) -> str:
    """The DfE UPN check letter for the 12 characters after it (weights 2-13, modulo 23)."""
    total = sum(int(ch) * weight for weight, ch in zip(range(2, 14), digits12, strict=True))
    return UPN_LETTERS[total % 23]


def _cumulative(pairs):
    values = [v for v, _w in pairs]
    weights, running = [], 0.0
    for _v, w in pairs:
        running += w
        weights.append(running)
    return values, weights


def census_date(year: int) -> date:
    """The SEN2 census day of collection year ``year``: the third Thursday of January (19 January 2023, 18 January
    2024, 16 January 2025, 15 January 2026, 21 January 2027, as DfE's guides give them)."""
    first = date(year, 1, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 14)


@dataclass(frozen=True)
class _Place:
    """How a PlacementDetail names its setting: a URN, a UKPRN, or a SENsetting code."""

    urn: str = ""
    ukprn: str = ""
    setting: str = ""
    sen_unit: bool = False
    resourced_provision: bool = False
    other: str = ""  # SENSettingOther

    def xml(self, rank: int, entry: date, leaving: date | None) -> str:
        parts = ["<PlacementDetail>\n"]
        if self.urn:
            parts.append(f"<URN>{self.urn}</URN>\n")
        elif self.ukprn:
            parts.append(f"<UKPRN>{self.ukprn}</UKPRN>\n")
        else:
            parts.append(f"<SENsetting>{self.setting}</SENsetting>\n")
            if self.other:
                parts.append(f"<SENSettingOther>{self.other}</SENSettingOther>\n")
        parts.append(f"<PlacementRank>{rank}</PlacementRank>\n<EntryDate>{entry.isoformat()}</EntryDate>\n")
        if leaving is not None:
            parts.append(f"<LeavingDate>{leaving.isoformat()}</LeavingDate>\n")
        if self.urn or self.ukprn:
            parts.append(f"<SENunitIndicator>{int(self.sen_unit)}</SENunitIndicator>\n<ResourcedProvisionIndicator>"
                         f"{int(self.resourced_provision)}</ResourcedProvisionIndicator>\n")
        parts.append("</PlacementDetail>\n")
        return "".join(parts)

    def plan_detail(self) -> str:
        named = (f"<URN>{self.urn}</URN>" if self.urn else f"<UKPRN>{self.ukprn}</UKPRN>" if self.ukprn
                 else f"<SENsetting>{self.setting}</SENsetting>")  # fmt: skip
        return f"<PlanDetail>\n{named}\n<PlacementRank>1</PlacementRank>\n</PlanDetail>\n"


class _Directory:
    """The establishments open at the reference date, by the caseload column GIAS puts them in, and the academy
    conversions of the collection year (new URN → the school it converted from)."""

    def __init__(self, establishments: Iterable[Any], *, reference_date: date, year_start: date):
        listed = sorted(establishments, key=lambda e: e.urn)
        type_of_urn = {str(e.urn): e.type_name for e in listed}
        self.urns = {str(e.urn) for e in listed}
        self.ukprns = {e.ukprn for e in listed if e.ukprn}
        self.by_column: dict[str, list[Any]] = {}
        self.conversions: dict[str, tuple[Any, date]] = {}
        closed = {}
        for e in listed:
            if e.close_date is not None:
                closed.setdefault((e.name, e.la_code), []).append(e)
        for e in listed:
            if (e.open_date and e.open_date > reference_date) or (e.close_date and e.close_date <= reference_date) \
                    or (e.status.startswith("Closed") and e.close_date is None):  # fmt: skip
                continue
            column = placement_column(Placement(urn=str(e.urn)), type_of_urn=type_of_urn, type_of_ukprn={},
                                      age_at_start_of_year=None).column  # fmt: skip
            if column != "placement_unknown":
                self.by_column.setdefault(column, []).append(e)
            if e.open_date and year_start <= e.open_date <= reference_date:
                for old in closed.get((e.name, e.la_code), ()):
                    if e.open_date - timedelta(days=62) <= old.close_date <= e.open_date:
                        self.conversions[str(e.urn)] = (old, e.open_date)


class _Generator:
    def __init__(self, *, year: int, seed: int, la: str, establishments: Iterable[Any]):
        self.rng = random.Random(seed)
        self.year = year
        self.la = la
        self.reference_date = census_date(year)
        self.year_start = date(year - 1, 1, 1)
        self.ethnicity = _cumulative(ETHNICITY)
        self.needs = _cumulative([(code, w) for code, w in NEEDS if code in code_lists(year).sen_type])
        self.placements = {band: _cumulative(weights) for band, weights in PLACEMENTS.items()}
        self.ages = _cumulative(list(enumerate(AGE_WEIGHTS)))
        self.cease = _cumulative(CEASE_REASONS)
        self.directory = _Directory(establishments, reference_date=self.reference_date, year_start=self.year_start)
        self.counts = {"persons": 0, "requests": 0, "active_plans": 0, "plans_issued": 0, "in_caseload": 0}

    def pick(self, table):
        values, cum = table
        return self.rng.choices(values, cum_weights=cum)[0]

    def days(self, lo: int, hi: int) -> timedelta:
        return timedelta(days=self.rng.randint(lo, hi))

    # -- placements ----------------------------------------------------------------------------------------------

    def age_at_start_of_year(self, birth: date) -> int:
        aug31 = date(self.year - 1, 8, 31)
        return aug31.year - birth.year - ((aug31.month, aug31.day) < (birth.month, birth.day))

    def column_for(self, birth: date) -> str:
        age = self.age_at_start_of_year(birth)
        band = "early" if age < 4 else "school" if age < 16 else "post16" if age < 19 else "adult"
        return self.pick(self.placements[band])

    def place(self, column: str) -> _Place:
        """A setting in ``column``: a school or college of that kind from the directory, a UKPRN for a UKRLP
        provider, or the SENsetting code of a placement with no establishment."""
        rng = self.rng
        if column in SETTING_OF_COLUMN:
            code = SETTING_OF_COLUMN[column]
            other = {"OTH": "Special school named by type, no school named", "NIEO": "Awaiting a placement"}
            return _Place(setting=code, other=other.get(code, "") if rng.random() < 0.5 else "")
        if column == "ukrlp_provider":
            ukprn = str(10_080_000 + rng.randint(0, 9_999))
            return _Place(ukprn=ukprn) if ukprn not in self.directory.ukprns else _Place(setting="OTH")
        unit = column.endswith("_senunit")
        resourced = column.endswith("_resourced_provision")
        base = column.removesuffix("_senunit").removesuffix("_resourced_provision")
        for name in (base, *_FALLBACK):
            candidates = self.directory.by_column.get(name)
            if candidates:
                break
        else:
            return _Place(setting="OTH")
        if unit or resourced:  # prefer a school GIAS lists with a unit or resourced provision
            wanted = "SEN unit" if unit else "Resourced provision"
            with_provision = [e for e in candidates if wanted in (e.resourced_provision or "")]
            candidates = with_provision or candidates
        chosen = rng.choice(candidates)
        if chosen.ukprn and rng.random() < 0.8:  # colleges are usually named by UKPRN
            return _Place(ukprn=chosen.ukprn)
        return _Place(urn=str(chosen.urn), sen_unit=unit, resourced_provision=resourced)

    def placement_details(self, birth: date, plan_start: date, place: _Place, *, cease: date | None) -> str:
        """The PlacementDetail items of one plan: the placement at the census (or at the cease date), with the
        moves, dual placements, academy conversions and gaps described in the module docstring."""
        rng = self.rng
        ref = self.reference_date
        entry = min(max(plan_start, birth + timedelta(days=365 * 2)) + self.days(0, 30), cease or ref)
        roll = rng.random()
        parts = []
        latest_move = (cease or ref) - timedelta(days=7)
        earliest_move = max(entry + timedelta(days=30), self.year_start)
        if cease is None and roll < 0.015:
            # The placement ended before the census and no other is recorded: placement_unknown.
            leaving = max(entry, ref - self.days(5, 60))
            return place.xml(1, entry, leaving)
        if cease is None and roll < 0.018:
            urn = str(999_000 + rng.randint(0, 999))  # a school outside the directory: an unknown URN
            place = _Place(urn=urn) if urn not in self.directory.urns else place
        elif roll < 0.088 and earliest_move < latest_move:
            # Moved setting during the year: the earlier placement ends the day before the new one starts.
            moved = earliest_move + timedelta(days=rng.randint(0, (latest_move - earliest_move).days))
            before = self.place(self.column_for(birth))
            parts.append(before.xml(1, entry, moved - timedelta(days=1)))
            entry = moved
        converted = self.directory.conversions.get(place.urn)
        if converted is not None and entry < converted[1] and (cease is None or cease >= converted[1]):
            # The school became an academy during the year: its new URN from the day it converted.
            old, opened = converted
            before = _Place(urn=str(old.urn), sen_unit=place.sen_unit, resourced_provision=place.resourced_provision)
            parts.append(before.xml(1, entry, opened - timedelta(days=1)))
            entry = opened
        parts.append(place.xml(1, entry, cease))
        if cease is None and 0.088 <= roll < 0.108:
            # A dual placement: part of the week at a pupil referral unit or another school, ranked 2.
            second = self.place(rng.choice(("ap_pru_la_maintained", "mainstream_la_maintained")))
            parts.append(second.xml(2, max(entry, ref - self.days(20, 200)), None))
        return "".join(parts)

    # -- pieces --------------------------------------------------------------------------------------------------

    def person_header(self, out: list[str], age: int) -> date:
        rng = self.rng
        ref = self.reference_date
        birth = ref - timedelta(days=age * 365 + rng.randint(1, 364) + age // 4)
        roll = rng.random()
        sex = "M" if roll < 0.72 else ("F" if roll < 0.995 else "U")
        forename = rng.choice(FORENAMES_M if sex == "M" else FORENAMES_F)
        postcode = f"{rng.choice(OUTWARD)} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        out.append(
            f"<Person>\n<Surname>{rng.choice(SURNAMES)}</Surname>\n<Forename>{forename}</Forename>\n"
            f"<PersonBirthDate>{birth.isoformat()}</PersonBirthDate>\n<Sex>{sex}</Sex>\n"
            f"<Ethnicity>{self.pick(self.ethnicity)}</Ethnicity>\n<PostCode>{postcode}</PostCode>\n"
        )
        identified = False
        if age <= 19 and rng.random() < 0.97:
            body = f"{self.la}{rng.randint(1000, 7999)}{(self.year - age + 5) % 100:02d}{rng.randint(0, 999):03d}"
            out.append(f"<UPN>{upn_check_letter(body)}{body}</UPN>\n")
            identified = True
        if age >= 14 and rng.random() < 0.8:
            out.append(f"<UniqueLearnerNumber>{rng.randint(1_000_000_000, 9_999_999_999)}</UniqueLearnerNumber>\n")
            identified = True
        if not identified:
            out.append("<UPNunknown>UN2</UPNunknown>\n")
        return birth

    def active_plans(self, out: list[str], birth: date, plan_start: date, place: _Place, *, new_plan: bool,
                     cease: date | None = None) -> None:
        """An ActivePlans item: reviews, phase transfer dates, the placements and the needs. ``cease``: the plan
        ceased then (it was active during the year, not at the census)."""
        rng = self.rng
        ref = self.reference_date
        until = cease or ref
        self.counts["active_plans"] += 1
        if cease is None or cease > ref:
            self.counts["in_caseload"] += 1
        out.append("<ActivePlans>\n")
        if not new_plan:
            months = rng.uniform(0.5, 11.8) if rng.random() < 0.85 else rng.uniform(12.2, 20)
            last = max(plan_start + timedelta(days=300), ref - timedelta(days=int(months * 30.4)))
            if last < until:
                out.append(f"<ReviewMeeting>{last.isoformat()}</ReviewMeeting>\n")
                if rng.random() < 0.8:
                    draft = last + self.days(5, 40)
                    if draft <= ref:
                        out.append(f"<ReviewDraft>{draft.isoformat()}</ReviewDraft>\n")
                out.append(f"<LastReview>{last.isoformat()}</LastReview>\n")
        # National curriculum year from age on 31 August before the reference date.
        ncy = self.age_at_start_of_year(birth) - 4
        if ncy in (6, 11) and cease is None:
            due = date(self.year, 2, 15) if ncy == 6 else date(self.year, 3, 31)
            out.append(f"<PhaseTransferDueDate>{due.isoformat()}</PhaseTransferDueDate>\n")
            if rng.random() < 0.4:
                done = ref - self.days(1, 60)
                out.append(f"<PhaseTransferFinalDate>{done.isoformat()}</PhaseTransferFinalDate>\n")
        out.append(self.placement_details(birth, plan_start, place, cease=cease))
        primary = self.pick(self.needs)
        out.append(f"<SENneed>\n<SENtype>{primary}</SENtype>\n<SENtypeRank>1</SENtypeRank>\n</SENneed>\n")
        if rng.random() < 0.4:
            second = self.pick(self.needs)
            if second != primary:
                out.append(f"<SENneed>\n<SENtype>{second}</SENtype>\n<SENtypeRank>2</SENtypeRank>\n</SENneed>\n")
        out.append("</ActivePlans>\n")

    def plan_items(self, out: list[str], chance_of_budget: float) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.02:  # a residential placement named in the plan: A 38 to 51 weeks, B 52 weeks
            out.append(f"<PlanRes>{'A' if roll < 0.012 else 'B'}</PlanRes>\n")
        out.append(f"<PB>{1 if rng.random() < chance_of_budget else 0}</PB>\n")

    @staticmethod
    def flags(out: list[str], rng, names: tuple[str, ...], chance: float) -> None:
        for name in names:
            out.append(f"<{name}>{1 if rng.random() < chance else 0}</{name}>\n")

    def historical(self, out: list[str], birth: date, age: int, *, ceased: bool) -> None:
        rng = self.rng
        ref = self.reference_date
        earliest = max(birth + timedelta(days=400), date(self.year - 12, 1, 1))
        latest = date(self.year - 2, 12, 31) - timedelta(days=200)
        if earliest >= latest:
            earliest = latest - timedelta(days=30)
        received = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
        start = received + self.days(70, 300)
        self.counts["requests"] += 1
        out.append(
            f"<Requests>\n<ReceivedDate>{received.isoformat()}</ReceivedDate>\n"
            f"<RequestSource>{rng.choice('1112223345')}</RequestSource>\n<RYA>0</RYA>\n"
            f"<RequestOutcome>H</RequestOutcome>\n<RequestMediation>0</RequestMediation>\n"
            f"<RequestTribunal>0</RequestTribunal>\n<Exported>0</Exported>\n"
            f"<Assessment>\n<AssessmentOutcome>H</AssessmentOutcome>\n<Week20>0</Week20>\n"
            f"<NamedPlan>\n<StartDate>{start.isoformat()}</StartDate>\n"
        )
        self.plan_items(out, 0.07)
        cease = None
        if ceased:
            # Most in the calendar year before the census; some in its first weeks, before the census.
            first = max(self.year_start, start + timedelta(days=60))
            last = date(self.year - 1, 12, 31) if rng.random() < 0.85 else ref - timedelta(days=1)
            cease = first + self.days(0, max(0, (last - first).days))
            reason = "1" if age >= 24 else self.pick(self.cease)
            out.append(f"<CeaseDate>{cease.isoformat()}</CeaseDate>\n<CeaseReason>{reason}</CeaseReason>\n")
        place = self.place(self.column_for(birth))
        out.append(place.plan_detail() + "</NamedPlan>\n</Assessment>\n")
        self.active_plans(out, birth, start, place, new_plan=False, cease=cease)
        out.append("</Requests>\n")

    def new_request(self, out: list[str], birth: date, received: date, *, final: bool) -> None:
        """A request received recently; ``final`` is the person's latest request (earlier ones did not lead on)."""
        rng = self.rng
        ref = self.reference_date
        self.counts["requests"] += 1
        out.append(
            f"<Requests>\n<ReceivedDate>{received.isoformat()}</ReceivedDate>\n"
            f"<RequestSource>{rng.choice('1111122234')}</RequestSource>\n<RYA>0</RYA>\n"
        )
        roll = rng.random()
        outcome = "A" if roll < 0.75 else "B" if roll < 0.95 else "W" if roll < 0.98 else ""
        if not final and outcome == "A":
            outcome = "B"
        decided = received + (self.days(18, 42) if rng.random() < 0.70 else self.days(43, 110))
        if decided > ref:
            outcome = ""
        if outcome:
            out.append(f"<RequestOutcomeDate>{decided.isoformat()}</RequestOutcomeDate>\n")
        out.append(f"<RequestOutcome>{outcome}</RequestOutcome>\n")
        self.flags(out, rng, ("RequestMediation", "RequestTribunal"), 0.01 if outcome == "B" else 0.0)
        out.append("<Exported>0</Exported>\n")
        if outcome == "A":
            roll = rng.random()
            week20 = rng.random() < 0.08
            if roll < 0.46:
                issue_days = rng.randint(max(60, (decided - received).days + 28), 140)
            elif roll < 0.97:
                issue_days = rng.randint(141, 364)
            else:
                issue_days = rng.randint(365, 480)
            issue = received + timedelta(days=max(issue_days, (decided - received).days + 14))
            roll = rng.random()
            a_outcome = "Y" if roll < 0.88 else "N" if roll < 0.97 else "W"
            a_date = min(issue - self.days(14, 30), received + timedelta(days=112)) if a_outcome == "Y" else (
                received + self.days(max(60, (decided - received).days + 7), 120))  # fmt: skip
            a_date = max(a_date, decided)
            out.append("<Assessment>\n")
            if a_date <= ref:
                out.append(
                    f"<AssessmentOutcome>{a_outcome}</AssessmentOutcome>\n"
                    f"<AssessmentOutcomeDate>{a_date.isoformat()}</AssessmentOutcomeDate>\n"
                )
            else:
                out.append("<AssessmentOutcome></AssessmentOutcome>\n")
            self.flags(out, rng, ("AssessmentMediation", "AssessmentTribunal", "OtherMediation", "OtherTribunal"),
                       0.01)  # fmt: skip
            out.append(f"<Week20>{1 if week20 else 0}</Week20>\n")
            issued = a_outcome == "Y" and a_date <= ref and issue <= ref
            if issued:
                self.counts["plans_issued"] += 1
                out.append(f"<NamedPlan>\n<StartDate>{issue.isoformat()}</StartDate>\n")
                self.plan_items(out, 0.05)
                place = self.place(self.column_for(birth))
                out.append(place.plan_detail() + "</NamedPlan>\n")
            out.append("</Assessment>\n")
            if issued:
                self.active_plans(out, birth, issue, place, new_plan=True)
        out.append("</Requests>\n")

    def person(self, out: list[str]) -> None:
        rng = self.rng
        ref = self.reference_date
        self.counts["persons"] += 1
        kind = rng.random()
        if kind < 0.26:  # requester
            age = min(self.pick(self.ages), 24)
            age = max(age, 1) if rng.random() < 0.9 else age
            birth = self.person_header(out, age)
            window_start = date(self.year - 2, 11, 1)
            span = (ref - window_start).days
            received = window_start + timedelta(days=int(span * rng.betavariate(2.2, 1.6)))
            received = max(received, birth + timedelta(days=30))
            if rng.random() < 0.2:
                earlier = max(received - self.days(120, 400), birth + timedelta(days=20))
                self.new_request(out, birth, earlier, final=False)
            self.new_request(out, birth, received, final=True)
        else:
            age = max(self.pick(self.ages), 2)
            birth = self.person_header(out, age)
            self.historical(out, birth, age, ceased=kind < 0.30)
        out.append("</Person>\n")


def generate_sen2(out: TextIO, *, persons: int, year: int, seed: int = 1, la: str = "888",
                 establishments: Iterable[Any] | None = None, gias_seed: int | None = None) -> dict[str, int]:
    """Write a SEN2 return with ``persons`` fake persons for collection year ``year`` to the text stream ``out``.

    Placements name establishments of ``establishments`` (anything with GIAS's fields: ``urn``, ``type_name``,
    ``ukprn``, ``name``, ``la_code``, ``status``, ``open_date``, ``close_date``, ``resourced_provision``), by
    default the fictional county ``fictional.county_establishments(la_code=la, seed=gias_seed)``; import the same
    establishments (``fictional.write_extract``, ``sendhub gias import``) and every URN but the deliberately unknown
    ones resolves.
    """
    if establishments is None:
        establishments = county_establishments(la_code=la, **({"seed": gias_seed} if gias_seed is not None else {}))
    gen = _Generator(year=year, seed=seed, la=la, establishments=establishments)
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header>\n<CollectionDetails>\n'
        f"<Collection>SEN2</Collection>\n<Year>{year}</Year>\n"
        f"<ReferenceDate>{gen.reference_date.isoformat()}</ReferenceDate>\n</CollectionDetails>\n<Source>\n"
        f"<SourceLevel>L</SourceLevel>\n<LEA>{la}</LEA>\n<SoftwareCode>SENDHUB-GENERATOR</SoftwareCode>\n"
        f"<Release>1.0</Release>\n<SerialNo>{seed % 1000:03d}</SerialNo>\n"
        f"<DateTime>{gen.reference_date + timedelta(days=1)}T09:00:00</DateTime>\n</Source>\n</Header>\n<Persons>\n"
    )
    chunk: list[str] = []
    for _ in range(persons):
        gen.person(chunk)
        if len(chunk) > 4000:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))
    out.write("</Persons>\n</Message>\n")
    return gen.counts
