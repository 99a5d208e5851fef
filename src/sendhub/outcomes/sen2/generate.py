"""Write a synthetic but realistic SEN2 person-level XML return (fake people; deterministic for a seed).

``generate_sen2(out, persons=N, year=Y, seed=S, la="888")`` streams the file with plain string writes (about
100,000 persons a second... fast enough for England-sized files) and returns counts.

Time frame (our choice, following how DfE collects SEN2): the return collected in January of year ``Y`` has
ReferenceDate 18 January ``Y``. It holds the caseload at that date (plans active, with their last reviews and
placements), plans ceased in calendar year ``Y-1``, and the requests for assessment received in ``Y-1`` (with a
few received in the last weeks of ``Y-2`` or the first weeks of ``Y``), so measures for calendar year ``Y-1``
(``requests_received_in_year``, ``plans_issued_den`` …) are meaningful.

Mix of persons (shares of N):
- 70% an established caseload: a historical request (RequestOutcome/AssessmentOutcome ``H``) whose plan was
  issued before ``Y-1`` and is active at the reference date; about 15% have their last annual review more than
  12 months before the reference date (overdue); children in year 6 or year 11 have phase transfer dates.
- 4% a plan that ceased during ``Y-1`` (CeaseDate and CeaseReason, no ActivePlans).
- 26% requesters: about 1.2 requests each (a second, earlier request for about 20%). Outcomes: decided to assess
  about 75%, not to assess 20%, withdrawn 3%, pending 2% (and any decision after the reference date is pending);
  about 70% decided within 6 weeks. After an assessment: plan about 88%, no plan 9%, withdrawn 3%; about 46%
  of plans issued within 20 weeks of the request (England 2024: 46.4%) and about 3% after more than 52 weeks;
  about 8% of assessments have a Week20 exception. A plan issued by the reference date is active there too.

Other distributions follow the published national figures roughly: primary need ASD 33%, SLCN 21%, SEMH 17%,
MLD 9% and the rest; placements about 42% mainstream, 40% special, 8% independent, 10% other; ages 0-25 mostly
5-15; about 72% boys. Postcodes use Lancashire outward codes. Names are drawn from short lists; UPNs have a valid
check letter; ULNs are 10 digits for young people of 14 and over.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TextIO

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
SETTINGS = (("MMS", 16), ("ACD", 18), ("RAC", 3), ("SUMM", 2), ("MFS", 1), ("FEC", 5), ("EYP", 1),
            ("MSS", 22), ("SAC", 16), ("NMSS", 2), ("INSS", 6), ("OINS", 1), ("SPI", 1),
            ("PRU", 2), ("APA", 1), ("EHE", 1.5), ("OLA", 1), ("NEET", 1), ("HOSP", 0.2), ("OTH", 0.3))  # fmt: skip
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


class _Generator:
    def __init__(self, *, year: int, seed: int, la: str):
        self.rng = random.Random(seed)
        self.year = year
        self.la = la
        self.reference_date = date(year, 1, 18)
        self.ethnicity = _cumulative(ETHNICITY)
        self.needs = _cumulative(NEEDS)
        self.settings = _cumulative(SETTINGS)
        self.ages = _cumulative(list(enumerate(AGE_WEIGHTS)))
        self.cease = _cumulative(CEASE_REASONS)
        self.counts = {"persons": 0, "requests": 0, "active_plans": 0, "plans_issued": 0}

    def pick(self, table):
        values, cum = table
        return self.rng.choices(values, cum_weights=cum)[0]

    def days(self, lo: int, hi: int) -> timedelta:
        return timedelta(days=self.rng.randint(lo, hi))

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

    def active_plans(self, out: list[str], birth: date, plan_start: date, *, new_plan: bool) -> None:
        rng = self.rng
        ref = self.reference_date
        self.counts["active_plans"] += 1
        out.append("<ActivePlans>\n")
        if not new_plan:
            months = rng.uniform(0.5, 11.8) if rng.random() < 0.85 else rng.uniform(12.2, 20)
            last = max(plan_start + timedelta(days=300), ref - timedelta(days=int(months * 30.4)))
            if last < ref:
                out.append(f"<ReviewMeeting>{last.isoformat()}</ReviewMeeting>\n")
                if rng.random() < 0.8:
                    draft = last + self.days(5, 40)
                    if draft <= ref:
                        out.append(f"<ReviewDraft>{draft.isoformat()}</ReviewDraft>\n")
                out.append(f"<LastReview>{last.isoformat()}</LastReview>\n")
        # National curriculum year from age on 31 August before the reference date.
        aug31 = date(self.year - 1, 8, 31)
        age_aug = aug31.year - birth.year - ((aug31.month, aug31.day) < (birth.month, birth.day))
        ncy = age_aug - 4
        if ncy in (6, 11):
            due = date(self.year, 2, 15) if ncy == 6 else date(self.year, 3, 31)
            out.append(f"<PhaseTransferDueDate>{due.isoformat()}</PhaseTransferDueDate>\n")
            if rng.random() < 0.4:
                done = ref - self.days(1, 60)
                out.append(f"<PhaseTransferFinalDate>{done.isoformat()}</PhaseTransferFinalDate>\n")
        setting = self.pick(self.settings)
        entry = max(plan_start, birth + timedelta(days=365 * 2)) + self.days(0, 30)
        entry = min(entry, ref)
        out.append(
            f"<PlacementDetail>\n<URN>{rng.randint(100000, 149999)}</URN>\n<SENSetting>{setting}</SENSetting>\n"
            f"<EntryDate>{entry.isoformat()}</EntryDate>\n</PlacementDetail>\n"
        )
        primary = self.pick(self.needs)
        out.append(f"<SENneed>\n<SENtype>{primary}</SENtype>\n<SENtypeRank>1</SENtypeRank>\n</SENneed>\n")
        if rng.random() < 0.4:
            second = self.pick(self.needs)
            if second != primary:
                out.append(f"<SENneed>\n<SENtype>{second}</SENtype>\n<SENtypeRank>2</SENtypeRank>\n</SENneed>\n")
        out.append("</ActivePlans>\n")

    @staticmethod
    def flags(out: list[str], rng, names: tuple[str, ...], chance: float) -> None:
        for name in names:
            out.append(f"<{name}>{1 if rng.random() < chance else 0}</{name}>\n")

    def historical(self, out: list[str], birth: date, age: int, *, ceased: bool) -> None:
        rng = self.rng
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
        self.flags(out, rng, ("PlanRes", "PlanWBP"), 0.02)
        out.append(f"<PB>{1 if rng.random() < 0.07 else 0}</PB>\n")
        if ceased:
            first = max(date(self.year - 1, 1, 1), start + timedelta(days=60))
            cease = first + self.days(0, max(0, (date(self.year - 1, 12, 31) - first).days))
            reason = "1" if age >= 24 else self.pick(self.cease)
            out.append(f"<CeaseDate>{cease.isoformat()}</CeaseDate>\n<CeaseReason>{reason}</CeaseReason>\n")
        out.append(
            f"<PlanDetail>\n<URN>{rng.randint(100000, 149999)}</URN>\n<SENSetting>{self.pick(self.settings)}"
            "</SENSetting>\n<PlacementRank>1</PlacementRank>\n</PlanDetail>\n</NamedPlan>\n</Assessment>\n"
        )
        if not ceased:
            self.active_plans(out, birth, start, new_plan=False)
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
                self.flags(out, rng, ("PlanRes", "PlanWBP"), 0.02)
                out.append(f"<PB>{1 if rng.random() < 0.05 else 0}</PB>\n")
                out.append(
                    f"<PlanDetail>\n<URN>{rng.randint(100000, 149999)}</URN>\n<SENSetting>"
                    f"{self.pick(self.settings)}</SENSetting>\n<PlacementRank>1</PlacementRank>\n</PlanDetail>\n"
                    "</NamedPlan>\n"
                )
            out.append("</Assessment>\n")
            if issued:
                self.active_plans(out, birth, issue, new_plan=True)
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


def generate_sen2(out: TextIO, *, persons: int, year: int, seed: int = 1, la: str = "888") -> dict[str, int]:
    """Write a SEN2 return with ``persons`` fake persons for collection year ``year`` to the text stream ``out``."""
    gen = _Generator(year=year, seed=seed, la=la)
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header>\n<CollectionDetails>\n'
        f"<Collection>SEN2</Collection>\n<Year>{year}</Year>\n"
        f"<ReferenceDate>{gen.reference_date.isoformat()}</ReferenceDate>\n</CollectionDetails>\n<Source>\n"
        f"<SourceLevel>L</SourceLevel>\n<LEA>{la}</LEA>\n<SoftwareCode>SENDHUB-GENERATOR</SoftwareCode>\n"
        f"<Release>1.0</Release>\n<SerialNo>{seed % 1000:03d}</SerialNo>\n"
        f"<DateTime>{year}-01-19T09:00:00</DateTime>\n</Source>\n</Header>\n<Persons>\n"
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
