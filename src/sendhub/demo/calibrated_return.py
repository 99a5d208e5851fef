"""Write a planned SEN2 return: each person exactly as a :class:`calibration.PersonSpec` says.

The random generator (``outcomes/sen2/generate.py``) draws its people; a calibrated return must not, or its
figures would drift from DfE's. This writer reuses the generator's structure (names, identifiers, reviews,
PlacementDetail items with URN/UKPRN/SENsetting, moves, dual placements, academy conversions) and takes from the
spec everything a measure counts: the dates and outcomes of the request, assessment and plan, the cease date and
reason, the caseload column of the placement at the census and the primary need. Randomness is kept only where
no published figure depends on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, TextIO

from sendhub.establishments.fictional import county_establishments
from sendhub.outcomes.sen2.generate import (
    FORENAMES_F,
    FORENAMES_M,
    OUTWARD,
    SETTING_OF_COLUMN,
    SURNAMES,
    _Generator,
    _Place,
    upn_check_letter,
)

from .calibration import PersonSpec

_MAINSTREAM_FOR_UNKNOWN = ("mainstream_la_maintained", "mainstream_academy", "special_la_maintained")


class PlanWriter(_Generator):
    """The generator, writing planned persons (:meth:`planned`)."""

    def planned(self, out: list[str], spec: PersonSpec) -> None:
        self.counts["persons"] += 1
        self.header(out, spec.birth)
        r = spec.request
        if r.outcome == "H":
            self.historical_request(out, spec)
        else:
            self.flow_request(out, spec)
        out.append("</Person>\n")

    def header(self, out: list[str], birth: date) -> None:
        """The person's details, as the generator writes them, for a given birth date."""
        rng = self.rng
        ref = self.reference_date
        age = ref.year - birth.year - ((ref.month, ref.day) < (birth.month, birth.day))
        roll = rng.random()
        sex = "M" if roll < 0.72 else ("F" if roll < 0.995 else "U")
        forename = rng.choice(FORENAMES_M if sex == "M" else FORENAMES_F)
        postcode = f"{rng.choice(OUTWARD)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
                   f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"  # fmt: skip
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

    def settle(self, spec: PersonSpec) -> _Place:
        """A setting in the spec's column; an error rather than a silent fallback to another column."""
        column = spec.column
        if column == "placement_unknown":
            column = self.rng.choice(_MAINSTREAM_FOR_UNKNOWN)
        place = self.place(column)
        if column not in SETTING_OF_COLUMN and column != "ukrlp_provider" \
                and not self.directory.by_column.get(column.removesuffix("_senunit")
                                                     .removesuffix("_resourced_provision")):  # fmt: skip
            raise ValueError(f"the GIAS directory has no establishment for the caseload column {column}")
        return place

    def historical_request(self, out: list[str], spec: PersonSpec) -> None:
        r = spec.request
        rng = self.rng
        self.counts["requests"] += 1
        out.append(
            f"<Requests>\n<ReceivedDate>{r.received.isoformat()}</ReceivedDate>\n"
            f"<RequestSource>{rng.choice('1112223345')}</RequestSource>\n<RYA>0</RYA>\n"
            f"<RequestOutcome>H</RequestOutcome>\n<RequestMediation>0</RequestMediation>\n"
            f"<RequestTribunal>0</RequestTribunal>\n<Exported>0</Exported>\n"
            f"<Assessment>\n<AssessmentOutcome>H</AssessmentOutcome>\n<Week20>0</Week20>\n"
            f"<NamedPlan>\n<StartDate>{r.plan_start.isoformat()}</StartDate>\n"
        )
        self.plan_items(out, 0.07)
        if r.cease is not None:
            out.append(f"<CeaseDate>{r.cease.isoformat()}</CeaseDate>\n")
            if r.cease_reason:
                out.append(f"<CeaseReason>{r.cease_reason}</CeaseReason>\n")
        place = self.settle(spec)
        out.append(place.plan_detail() + "</NamedPlan>\n</Assessment>\n")
        self.active_plan(out, spec, place, new_plan=False)
        out.append("</Requests>\n")

    def flow_request(self, out: list[str], spec: PersonSpec) -> None:
        r = spec.request
        rng = self.rng
        self.counts["requests"] += 1
        out.append(
            f"<Requests>\n<ReceivedDate>{r.received.isoformat()}</ReceivedDate>\n"
            f"<RequestSource>{rng.choice('1111122234')}</RequestSource>\n<RYA>0</RYA>\n"
        )
        if r.decided is not None:
            out.append(f"<RequestOutcomeDate>{r.decided.isoformat()}</RequestOutcomeDate>\n")
        out.append(f"<RequestOutcome>{r.outcome}</RequestOutcome>\n"
                   f"<RequestMediation>{int(r.mediation)}</RequestMediation>\n"
                   f"<RequestTribunal>{int(r.tribunal)}</RequestTribunal>\n<Exported>0</Exported>\n")
        place = None
        if r.assessment is not None:
            out.append("<Assessment>\n")
            if r.assessment and r.assessed is not None:
                out.append(f"<AssessmentOutcome>{r.assessment}</AssessmentOutcome>\n"
                           f"<AssessmentOutcomeDate>{r.assessed.isoformat()}</AssessmentOutcomeDate>\n")
            else:
                out.append("<AssessmentOutcome></AssessmentOutcome>\n")
            out.append(
                f"<AssessmentMediation>{int(r.assess_mediation)}</AssessmentMediation>\n"
                f"<AssessmentTribunal>{int(r.assess_tribunal)}</AssessmentTribunal>\n"
                f"<OtherMediation>{int(r.other_mediation)}</OtherMediation>\n"
                f"<OtherTribunal>{int(r.other_tribunal)}</OtherTribunal>\n<Week20>{int(r.week20)}</Week20>\n"
            )
            if r.plan_start is not None:
                self.counts["plans_issued"] += 1
                out.append(f"<NamedPlan>\n<StartDate>{r.plan_start.isoformat()}</StartDate>\n")
                self.plan_items(out, 0.05)
                place = self.settle(spec)
                out.append(place.plan_detail() + "</NamedPlan>\n")
            out.append("</Assessment>\n")
        if place is not None:
            self.active_plan(out, spec, place, new_plan=True)
        out.append("</Requests>\n")

    def active_plan(self, out: list[str], spec: PersonSpec, place: _Place, *, new_plan: bool) -> None:
        """An ActivePlans item whose placement at the census is in the spec's column and whose rank-1 need is the
        spec's (none when the spec has none)."""
        rng = self.rng
        r = spec.request
        ref = self.reference_date
        cease = r.cease
        until = cease or ref
        self.counts["active_plans"] += 1
        if cease is None or cease > ref:
            self.counts["in_caseload"] += 1
        out.append("<ActivePlans>\n")
        if not new_plan and spec.review is not None and spec.review < until:
            # The planned review: DfE counts the decisions sent within 4 weeks of a meeting (annual_reviews.csv).
            out.append(f"<ReviewMeeting>{spec.review.isoformat()}</ReviewMeeting>\n")
            if spec.review_draft is not None and spec.review_draft <= ref:
                out.append(f"<ReviewDraft>{spec.review_draft.isoformat()}</ReviewDraft>\n")
            out.append(f"<LastReview>{spec.review.isoformat()}</LastReview>\n")
        ncy = self.age_at_start_of_year(spec.birth) - 4
        if ncy in (6, 11) and cease is None:
            due = date(self.year, 2, 15) if ncy == 6 else date(self.year, 3, 31)
            out.append(f"<PhaseTransferDueDate>{due.isoformat()}</PhaseTransferDueDate>\n")
            if rng.random() < 0.4:
                out.append(f"<PhaseTransferFinalDate>{(ref - self.days(1, 60)).isoformat()}</PhaseTransferFinalDate>\n")
        out.append(self.placement_items(spec, place))
        if spec.need:
            out.append(f"<SENneed>\n<SENtype>{spec.need}</SENtype>\n<SENtypeRank>1</SENtypeRank>\n</SENneed>\n")
            if rng.random() < 0.4:
                second = self.pick(self.needs)
                if second != spec.need:
                    out.append(f"<SENneed>\n<SENtype>{second}</SENtype>\n<SENtypeRank>2</SENtypeRank>\n</SENneed>\n")
        out.append("</ActivePlans>\n")

    def placement_items(self, spec: PersonSpec, place: _Place) -> str:
        """PlacementDetail items ending in ``place`` at the census (or the cease date). ``placement_unknown``: the
        placement ended before the census with none after it, or (1 in 20) a URN GIAS does not know."""
        rng = self.rng
        ref = self.reference_date
        r = spec.request
        cease = r.cease
        entry = min(max(r.plan_start, spec.birth + timedelta(days=365 * 2)) + self.days(0, 30), cease or ref)
        if spec.column == "placement_unknown" and cease is None:
            if rng.random() < 0.05:
                urn = str(999_000 + rng.randint(0, 999))
                if urn not in self.directory.urns:
                    return _Place(urn=urn).xml(1, entry, None)
            entry = min(entry, ref - timedelta(days=20))
            leaving = entry + timedelta(days=rng.randint(0, (ref - entry).days - 1))
            return place.xml(1, entry, leaving)
        parts = []
        roll = rng.random()
        latest_move = (cease or ref) - timedelta(days=7)
        earliest_move = max(entry + timedelta(days=30), self.year_start)
        if roll < 0.07 and earliest_move < latest_move:
            # Moved during the year: the earlier placement ends the day before the new one starts.
            moved = earliest_move + timedelta(days=rng.randint(0, (latest_move - earliest_move).days))
            before = self.place(self.column_for(spec.birth))
            parts.append(before.xml(1, entry, moved - timedelta(days=1)))
            entry = moved
        converted = self.directory.conversions.get(place.urn)
        if converted is not None and entry < converted[1] and (cease is None or cease >= converted[1]):
            old, opened = converted
            before = _Place(urn=str(old.urn), sen_unit=place.sen_unit, resourced_provision=place.resourced_provision)
            parts.append(before.xml(1, entry, opened - timedelta(days=1)))
            entry = opened
        parts.append(place.xml(1, entry, cease))
        if cease is None and 0.07 <= roll < 0.09:
            second = self.place(rng.choice(("ap_pru_la_maintained", "mainstream_la_maintained")))
            parts.append(second.xml(2, max(entry, ref - self.days(20, 200)), None))
        return "".join(parts)


def write_planned_sen2(out: TextIO, *, plan: Sequence[PersonSpec], year: int, seed: int = 1, la: str = "888",
                       establishments: Iterable[Any] | None = None) -> dict[str, int]:
    """Write the SEN2 return of collection year ``year`` holding exactly the persons of ``plan``."""
    if establishments is None:
        establishments = county_establishments(la_code=la)
    gen = PlanWriter(year=year, seed=seed, la=la, establishments=establishments)
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header>\n<CollectionDetails>\n'
        f"<Collection>SEN2</Collection>\n<Year>{year}</Year>\n"
        f"<ReferenceDate>{gen.reference_date.isoformat()}</ReferenceDate>\n</CollectionDetails>\n<Source>\n"
        f"<SourceLevel>L</SourceLevel>\n<LEA>{la}</LEA>\n<SoftwareCode>SENDHUB-GENERATOR</SoftwareCode>\n"
        f"<Release>1.0</Release>\n<SerialNo>{seed % 1000:03d}</SerialNo>\n"
        f"<DateTime>{gen.reference_date + timedelta(days=1)}T09:00:00</DateTime>\n</Source>\n</Header>\n<Persons>\n"
    )
    chunk: list[str] = []
    for spec in plan:
        gen.planned(chunk, spec)
        if len(chunk) > 4000:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))
    out.write("</Persons>\n</Message>\n")
    return gen.counts
