"""Calibrate the demo's generated SEN2 return to the figures DfE published for the area.

The demo's return is synthetic, but every figure SEND Hub computes from it for a period DfE has published must
equal DfE's (issue 14: "a demo that tells one truth"). So the people of the return are not drawn at random: they
are *planned* to hit the published counts exactly.

Three steps, each a pure function except the first:

1. :func:`published_values` reads the release as imported (``DfeValue`` rows: the LA's all-children row of each
   file), never a copy of the figures: re-import another release and the demo follows it.
2. :func:`targets_from_values` turns those values into counts per category for one reporting year
   (:class:`Targets`), settling DfE's own inconsistencies in favour of the headline figure (see
   :attr:`Targets.notes`).
3. :func:`build_plan` turns targets into a list of :class:`PersonSpec`: each person's birth date, request,
   decision, assessment, plan, cease date and reason, annual review, placement column at the census and
   primary need, with every date chosen so that the measures of ``outcomes/measures.py`` count it where DfE
   does. ``demo.calibrated_return.write_planned_sen2`` writes them with the SEN2 generator's structure.

:func:`projected_targets` continues a year plausibly (DfE's later figures are not in the repository);
:func:`targets_for` picks DfE's own figures for a year, or projects from the latest published. :func:`tally`
counts what the measures will find in a plan, without writing or importing it.

What SEN2 cannot say is not calibrated: DfE's breakdowns (age, sex, ethnicity...), the annual-review columns
other than the 4-week decisions, and the figures of years before the return's reporting year.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sendhub.outcomes.measures import CEASE_COLUMNS, NEED_CODES, SIX_WEEKS, SIXTEEN_WEEKS, TWENTY_WEEKS, percent
from sendhub.outcomes.placements import COLUMNS, COMPULSORY_SCHOOL_AGES, SPECIAL_ACADEMY_FREE

# The files a return is calibrated to; flows are for a calendar year, the caseload and needs "as at January".
FLOW_FILES = ("requests.csv", "assessments.csv", "timeliness_20_week.csv", "ceased_plans.csv", "annual_reviews.csv")
STOCK_FILES = ("caseload.csv", "sen_needs_all_plans.csv", "sen_needs_caseload.csv")
PLACEMENT_COLUMNS = tuple(name for name, _title in COLUMNS)
# DfE's 2025 release publishes special academies and special free schools as one column; the return names each
# school, so the column is split. Lancashire's special free schools are fewer than its academies: about 1 in 4.
SPECIAL_FREE_SHARE = 0.26
CEASE_CODE = {column: str(code) for code, column in CEASE_COLUMNS.items()}
NO_NEED = ""  # a plan with no SENneed: DfE's number_need_unknown

Values = Mapping[tuple[str, int, str], float | None]


# 1. The published values ------------------------------------------------------------------------------------


def published_values(la_code: str, release=None) -> dict[tuple[str, int, str], float | None]:
    """``{(source_file, year, measure): value}`` of the LA's all-children rows in ``release`` (default: current).

    Measure names are lower-cased: the 2025 and 2026 layouts spell some differently (``PC_...`` / ``pc_...``).
    """
    from sendhub.outcomes.dfe import LOCAL_AUTHORITY, current_release, is_total_breakdown
    from sendhub.outcomes.models import DfeValue

    release = release or current_release()
    if release is None:
        return {}
    rows = DfeValue.objects.filter(
        release=release, geographic_level=LOCAL_AUTHORITY, old_la_code=la_code,
        source_file__in=FLOW_FILES + STOCK_FILES,
    ).values_list("source_file", "time_period", "measure", "value", "breakdown_topic", "breakdown")
    return {(f, year, m.lower()): v for f, year, m, v, topic, b in rows if is_total_breakdown(topic, b)}


# 2. Targets --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """Counts per category for one reporting year ``year`` (flows in calendar ``year``, caseload at January
    ``year + 1``), as the generated return must reproduce them."""

    year: int
    # requests.csv: by ReceivedDate in the year
    received: int
    decided_to_assess: int
    decided_not_to_assess: int
    withdrawn: int
    decision_not_made: int
    six_weeks: int  # decisions within 6 weeks; the other decided requests are over 6 weeks
    mediation: int
    tribunal: int
    tribunal_after_mediation: int
    # assessments.csv: by AssessmentOutcomeDate in the year
    assess_issued: int
    assess_not_issued: int
    not_issued_within_time: int  # of assess_not_issued, within 16 weeks of the request
    assess_mediation: int
    assess_tribunal: int
    assess_mediation_tribunal: int
    other_mediation: int
    other_tribunal: int
    other_mediation_tribunal: int
    # timeliness_20_week.csv: plans by StartDate in the year, in bands of days from the request; ``_exc`` bands
    # are the plans with a Week20 exception (included in the ``den`` figures, left out of the ``_ex`` ones)
    within_20: int
    gt20_lt_year: int
    gt_1_year: int
    within_20_exc: int
    gt20_lt_year_exc: int
    gt_1_year_exc: int
    # annual_reviews.csv: review meetings in the year whose decision was sent within 4 weeks, and after
    review_decisions_4w: int = 0
    review_decisions_gt_4w: int = 0
    # ceased_plans.csv: CeaseReason code -> plans ceased in the year ("" no reason recorded)
    ceased: dict[str, int] = field(default_factory=dict)
    # caseload.csv (placement column -> plans) and sen_needs_all_plans.csv (SENtype -> plans; "" none recorded)
    placements: dict[str, int] = field(default_factory=dict)
    needs: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def decided(self) -> int:
        return self.decided_to_assess + self.decided_not_to_assess + self.withdrawn

    @property
    def plans_issued(self) -> int:
        return self.within_20 + self.gt20_lt_year + self.gt_1_year

    @property
    def exceptions(self) -> int:
        return self.within_20_exc + self.gt20_lt_year_exc + self.gt_1_year_exc

    @property
    def caseload(self) -> int:
        return sum(self.placements.values())

    def expected(self) -> dict[str, float | int | None]:
        """The DfE measures (as ``outcomes/measures.py`` names them) a return built from these targets gives."""
        den, den_ex = self.plans_issued, self.plans_issued - self.exceptions
        within_ex = self.within_20 - self.within_20_exc
        gt1_ex = self.gt_1_year - self.gt_1_year_exc
        return {
            "requests_received_in_year": self.received,
            "requests_decided_to_assess": self.decided_to_assess,
            "requests_decided_not_to_assess": self.decided_not_to_assess,
            "requests_withdrawn": self.withdrawn,
            "requests_decision_not_made": self.decision_not_made,
            "request_outcome_six_weeks": self.six_weeks,
            "request_outcome_over_6_weeks": self.decided - self.six_weeks,
            "request_outcome_six_weeks_pc": percent(self.six_weeks, self.decided),
            "mediation_related_request": self.mediation,
            "tribunal_related_request": self.tribunal,
            "tribunal_after_mediation_request": self.tribunal_after_mediation,
            "assess_in_year": self.assess_issued + self.assess_not_issued,
            "assess_issued": self.assess_issued,
            "assess_not_issued": self.assess_not_issued,
            "outcome_decision_within_time": self.not_issued_within_time,
            "number_assess_mediation": self.assess_mediation,
            "number_assess_tribunal": self.assess_tribunal,
            "number_asssess_mediation_tribunal": self.assess_mediation_tribunal,
            "number_other_mediation": self.other_mediation,
            "number_other_tribunal": self.other_tribunal,
            "plans_issued_den": den,
            "plans_issued_den_ex": den_ex,
            "plans_issued_within_20_weeks": self.within_20,
            "plans_issued_20_weeks_ex": within_ex,
            "pc_plans_issued_within_20_weeks": percent(self.within_20, den),
            "PC_plans_issued_20_weeks_ex": percent(within_ex, den_ex),
            "plans_issued_gt20weeks_ltYear": self.gt20_lt_year,
            "plans_issued_gt_1_year": self.gt_1_year,
            "plans_issued_gt_1_year_ex": gt1_ex,
            "number_decsion_4weeks": self.review_decisions_4w,
            "number_decision_gt_4weeks": self.review_decisions_gt_4w,
            "total_ceased": sum(self.ceased.values()),
            **{CEASE_COLUMNS.get(int(code), "not_rec") if code else "not_rec": n for code, n in self.ceased.items()},
            **{f"number_{code.lower()}" if code else "number_need_unknown": n for code, n in self.needs.items()},
            "ehcplans": self.caseload,
            **{column: n for column, n in self.placements.items()},
        }


def _count(values: Values, file: str, year: int, measure: str) -> int | None:
    value = values.get((file, year, measure.lower()))
    return None if value is None else int(round(value))


def _largest_remainder(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """``total`` split in proportion to ``weights`` as whole numbers that add up to it exactly."""
    whole = sum(weights.values())
    if total <= 0 or whole <= 0:
        return {key: 0 for key in weights}
    raw = {key: total * w / whole for key, w in weights.items()}
    counts = {key: int(v) for key, v in raw.items()}
    for key in sorted(raw, key=lambda k: (counts[k] - raw[k], k))[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def six_week_count(decided: int, pc: float | None, fallback: int | None) -> int:
    """Decisions within 6 weeks out of ``decided`` that give DfE's percentage ``pc`` (the headline) when
    rounded as :func:`measures.percent` rounds; the published count when there is no percentage."""
    if pc is None:
        return min(decided, fallback or 0)
    best = round(decided * pc / 100)
    for n in sorted(range(max(0, best - 3), min(decided, best + 3) + 1), key=lambda n: abs(n - best)):
        if percent(n, decided) == round(pc, 1):
            return n
    return min(max(best, 0), decided)


def targets_from_values(values: Values, *, year: int) -> Targets:
    """Targets for reporting year ``year`` from :func:`published_values`.

    Where DfE's figures disagree with each other, the headline wins and the rest is derived from it (each
    adjustment is in ``notes``):

    - requests: ``requests_received_in_year`` and the outcome counts are kept; an outcome count that would not
      add up is absorbed by ``requests_decision_not_made``. The 6-week split is of the *decided* requests
      (SEN2 dates a decision only when one is made) and keeps ``request_outcome_six_weeks_pc``, whatever the
      published 6-week counts add up to.
    - timeliness: ``plans_issued_den``, ``plans_issued_den_ex``, the within-20-weeks and the over-a-year counts
      are kept; "over 20 weeks, within a year" is the rest (every plan falls in one band; DfE's bands may not).
    - caseload and needs: ``ehcplans`` is kept; columns that do not add up to it are absorbed by
      ``placement_unknown`` / no need recorded.
    """
    rq, asm, tl, ce, ar = FLOW_FILES
    notes: list[str] = []

    def flow(file: str, measure: str) -> int:
        return _count(values, file, year, measure) or 0

    received = flow(rq, "requests_received_in_year")
    assess, not_assess = flow(rq, "requests_decided_to_assess"), flow(rq, "requests_decided_not_to_assess")
    withdrawn = flow(rq, "requests_withdrawn")
    pending = received - assess - not_assess - withdrawn
    if pending != flow(rq, "requests_decision_not_made"):
        notes.append(f"requests_decision_not_made {flow(rq, 'requests_decision_not_made')} -> {max(pending, 0)}: "
                     "received minus the decided")
    pending = max(pending, 0)
    decided = assess + not_assess + withdrawn
    pc6 = values.get((rq, year, "request_outcome_six_weeks_pc"))
    six = six_week_count(decided, pc6, _count(values, rq, year, "request_outcome_six_weeks"))
    published_six = (flow(rq, "request_outcome_six_weeks"), flow(rq, "request_outcome_over_6_weeks"))
    if published_six != (six, decided - six):
        notes.append(f"6-week decisions {published_six[0]} + {published_six[1]} published for {decided} decided "
                     f"requests: {six} + {decided - six} keep request_outcome_six_weeks_pc {pc6}")
    mediation, tribunal = flow(rq, "mediation_related_request"), flow(rq, "tribunal_related_request")
    both = min(flow(rq, "tribunal_after_mediation_request"), mediation, tribunal)

    issued, not_issued = flow(asm, "assess_issued"), flow(asm, "assess_not_issued")
    within_time = min(flow(asm, "outcome_decision_within_time"), not_issued)

    den, den_ex = flow(tl, "plans_issued_den"), flow(tl, "plans_issued_den_ex")
    within, within_ex = flow(tl, "plans_issued_within_20_weeks"), flow(tl, "plans_issued_20_weeks_ex")
    gt1, gt1_ex = flow(tl, "plans_issued_gt_1_year"), flow(tl, "plans_issued_gt_1_year_ex")
    within_exc, gt1_exc = max(within - within_ex, 0), max(gt1 - gt1_ex, 0)
    gt20_exc = max(den - den_ex - within_exc - gt1_exc, 0)
    gt20 = den - within - gt1
    if gt20 != flow(tl, "plans_issued_gt20weeks_ltyear"):
        notes.append(f"plans_issued_gt20weeks_ltYear {flow(tl, 'plans_issued_gt20weeks_ltyear')} -> {gt20}: "
                     f"the published bands add up to {within + flow(tl, 'plans_issued_gt20weeks_ltyear') + gt1}, "
                     f"not plans_issued_den {den}")

    ceased: dict[str, int] = {}
    for column, code in CEASE_CODE.items():
        ceased[code] = flow(ce, column)
    rest = flow(ce, "total_ceased") - sum(ceased.values())
    ceased[""] = max(rest, 0)

    placements, needs = _stock_targets(values, year + 1, notes)
    return Targets(
        year=year, received=received, decided_to_assess=assess, decided_not_to_assess=not_assess,
        withdrawn=withdrawn, decision_not_made=pending, six_weeks=six, mediation=mediation, tribunal=tribunal,
        tribunal_after_mediation=both, assess_issued=issued, assess_not_issued=not_issued,
        not_issued_within_time=within_time, assess_mediation=flow(asm, "number_assess_mediation"),
        assess_tribunal=flow(asm, "number_assess_tribunal"),
        assess_mediation_tribunal=flow(asm, "number_asssess_mediation_tribunal"),
        other_mediation=flow(asm, "number_other_mediation"), other_tribunal=flow(asm, "number_other_tribunal"),
        other_mediation_tribunal=flow(asm, "number_other_mediation_tribunal"),
        within_20=within, gt20_lt_year=gt20, gt_1_year=gt1, within_20_exc=within_exc, gt20_lt_year_exc=gt20_exc,
        gt_1_year_exc=gt1_exc, review_decisions_4w=flow(ar, "number_decsion_4weeks"),
        review_decisions_gt_4w=flow(ar, "number_decision_gt_4weeks"), ceased=ceased, placements=placements,
        needs=needs, notes=tuple(notes),
    )  # fmt: skip


def _stock_targets(values: Values, year: int, notes: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    cl = "caseload.csv"
    total = _count(values, cl, year, "ehcplans") or 0
    placements = {column: _count(values, cl, year, column) or 0 for column in PLACEMENT_COLUMNS}
    combined = _count(values, cl, year, SPECIAL_ACADEMY_FREE[0])
    if combined is not None and not (placements["special_academy"] or placements["special_free_school"]):
        free = round(combined * SPECIAL_FREE_SHARE)
        placements["special_academy"], placements["special_free_school"] = combined - free, free
    rest = total - sum(placements.values())
    if rest:
        notes.append(f"placement columns add up to {total - rest}, ehcplans {total}: placement_unknown absorbs it")
        placements["placement_unknown"] = max(placements["placement_unknown"] + rest, 0)
    needs_file = "sen_needs_all_plans.csv" if (("sen_needs_all_plans.csv", year, "ehc_plans") in values) \
        else "sen_needs_caseload.csv"  # fmt: skip
    needs = {code: _count(values, needs_file, year, f"number_{code.lower()}") or 0 for code in NEED_CODES}
    needs[NO_NEED] = _count(values, needs_file, year, "number_need_unknown") or 0
    rest = sum(placements.values()) - sum(needs.values())
    if rest:
        notes.append(f"primary needs add up to {sum(needs.values())}, the caseload {sum(placements.values())}: "
                     "'no need recorded' absorbs it")
        needs[NO_NEED] = max(needs[NO_NEED] + rest, 0)
    return placements, needs


def projected_targets(targets: Targets, *, within_20_share: float = 0.28, growth: float = 1.07) -> Targets:
    """The following year, continued plausibly (DfE's figures for it are not held): requests and the caseload
    grow by ``growth``, more plans are issued on time (``within_20_share`` of them: the improvement plan's story),
    the mix of placements and needs stays, and the caseload adds the year's new plans less those that ceased."""

    def grown(n: int, factor: float = growth) -> int:
        return round(n * factor)

    received = grown(targets.received)
    assess = grown(targets.decided_to_assess)
    not_assess = grown(targets.decided_not_to_assess)
    withdrawn = grown(targets.withdrawn)
    pending = max(received - assess - not_assess - withdrawn, 0)
    decided = assess + not_assess + withdrawn
    den = grown(targets.plans_issued, growth + 0.05)
    within = round(den * within_20_share)
    gt1 = round(den * 0.08)
    ceased = {code: grown(n, 1.03) for code, n in targets.ceased.items()}
    caseload = targets.caseload + den - sum(ceased.values())
    placements = _largest_remainder(caseload, targets.placements)
    needs = _largest_remainder(caseload, targets.needs)
    return replace(
        targets, year=targets.year + 1, received=received, decided_to_assess=assess,
        decided_not_to_assess=not_assess, withdrawn=withdrawn, decision_not_made=pending,
        six_weeks=round(decided * min(0.99, targets.six_weeks / max(targets.decided, 1))),
        mediation=grown(targets.mediation), tribunal=grown(targets.tribunal),
        review_decisions_4w=grown(targets.review_decisions_4w, growth + 0.15),
        review_decisions_gt_4w=grown(targets.review_decisions_gt_4w, growth - 0.17),
        tribunal_after_mediation=grown(targets.tribunal_after_mediation),
        assess_issued=max(grown(targets.assess_issued), den), assess_not_issued=grown(targets.assess_not_issued),
        not_issued_within_time=min(grown(targets.not_issued_within_time), grown(targets.assess_not_issued)),
        within_20=within, gt20_lt_year=den - within - gt1, gt_1_year=gt1, within_20_exc=targets.within_20_exc,
        gt20_lt_year_exc=targets.gt20_lt_year_exc, gt_1_year_exc=min(targets.gt_1_year_exc, gt1),
        ceased=ceased, placements=placements, needs=needs,
        notes=(f"projected from {targets.year}: DfE's {targets.year + 1} figures are not held",),
    )  # fmt: skip


def published_years(values: Values) -> list[int]:
    """Reporting years with both the flows (timeliness) and the January caseload after them published."""
    flows = {year for (file, year, measure) in values if file == "timeliness_20_week.csv"
             and measure == "plans_issued_den"}  # fmt: skip
    return sorted(year for year in flows if ("caseload.csv", year + 1, "ehcplans") in values)


def targets_for(values: Values, year: int) -> Targets | None:
    """Targets for reporting year ``year``: DfE's own when published, else projected from the latest year
    published before it (:func:`projected_targets`, once per year); None when nothing before it is published."""
    published = [y for y in published_years(values) if y <= year]
    if not published:
        return None
    targets = targets_from_values(values, year=published[-1])
    while targets.year < year:
        targets = projected_targets(targets)
    return targets


# 3. The plan of persons --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """One request and what followed it. ``outcome``: RequestOutcome (A, B, W, "" pending, H historical);
    ``assessment``: None for no Assessment item, else AssessmentOutcome (Y, N, W, H, "" ongoing)."""

    received: date
    outcome: str
    decided: date | None = None
    mediation: bool = False
    tribunal: bool = False
    assessment: str | None = None
    assessed: date | None = None
    assess_mediation: bool = False
    assess_tribunal: bool = False
    other_mediation: bool = False
    other_tribunal: bool = False
    week20: bool = False
    plan_start: date | None = None  # NamedPlan StartDate (None: no plan issued by the reference date)
    cease: date | None = None
    cease_reason: str = ""


@dataclass(frozen=True, slots=True)
class PersonSpec:
    """One person of a calibrated return. ``column``: the caseload column of the placement at the census (or,
    for a ceased plan, at its cease date; "" when there is no plan); ``need``: rank-1 SENtype ("" none)."""

    birth: date
    request: RequestSpec
    column: str = ""
    need: str = ""
    review: date | None = None  # the latest annual review meeting (ReviewMeeting and LastReview)
    review_draft: date | None = None  # when its decision was sent (ReviewDraft); None: not yet

    @property
    def in_caseload(self) -> bool:
        return self.request.plan_start is not None and self.request.cease is None


# Ages at the start of the academic year (31 August) a column's placements have, lowest and highest.
_COLUMN_AGES = {
    "nm_early_years": (2, 3), "neet": (16, 24), "neet_ntci": (16, 24), "neet_other": (16, 24),
    "neet_other_csa": (5, 15), "general_fe_tertiary_colleges": (16, 24), "specialist_post_16_institutions": (16, 24),
    "ukrlp_provider": (16, 24), "ap_pru_academy": (5, 15), "ap_pru_free_school": (5, 15),
    "ap_pru_la_maintained": (5, 15), "online_provider": (10, 16), "placement_unknown": (4, 19),
    "elective_home_education": (5, 17), "other_arrangements_la": (5, 17), "other_arrangements_parents": (5, 17),
    "other_placement_settings": (5, 18), "w_settings": (5, 15), "other_schools": (5, 15),
}  # fmt: skip
_SPECIAL_AGES = (4, 18)
_MAINSTREAM_AGES = (4, 15)
# Age at the cease date by CeaseReason: 1 reached maximum age (25), 3 higher education, 4 employment, 6 no longer
# wishes to engage are young people's reasons; a transfer, a move or a death can happen at any age.
_CEASE_AGES = {"1": (24, 24), "2": (6, 22), "3": (17, 23), "4": (16, 23), "5": (4, 19), "6": (17, 24),
               "7": (4, 19), "8": (4, 19), "9": (5, 20), "": (5, 20)}  # fmt: skip
_CEASE_COLUMN = {"3": "general_fe_tertiary_colleges", "4": "general_fe_tertiary_colleges", "6": "neet_ntci"}


def _ages_of(column: str) -> tuple[int, int]:
    if column in _COLUMN_AGES:
        return _COLUMN_AGES[column]
    return _SPECIAL_AGES if column.startswith("special_") else _MAINSTREAM_AGES


class _Planner:
    def __init__(self, targets: Targets, reference_date: date, seed: int):
        self.t = targets
        self.rng = random.Random(seed)
        self.ref = reference_date
        self.year_start = date(targets.year, 1, 1)
        self.year_end = date(targets.year, 12, 31)
        self.aug31 = date(targets.year, 8, 31)

    def day(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randint(0, max((hi - lo).days, 0)))

    def birth(self, age_at_start: int) -> date:
        """A birth date giving ``age_at_start`` on 31 August of the reporting year."""
        latest = self.aug31.replace(year=self.aug31.year - age_at_start)
        return latest - timedelta(days=self.rng.randint(0, 364))

    def decision(self, received: date, *, within: bool) -> date:
        """A decision date within (or after) 6 weeks of ``received``, never after the census."""
        gap = self.rng.randint(15, SIX_WEEKS) if within else self.rng.randint(SIX_WEEKS + 1, 110)
        return min(received + timedelta(days=gap), self.ref) if within else received + timedelta(days=gap)

    # -- the caseload: placements and needs, then who has a new plan --------------------------------------

    def caseload(self) -> list[tuple[str, str, int]]:
        columns = [c for c, n in sorted(self.t.placements.items()) for _ in range(n)]
        needs = [code for code, n in sorted(self.t.needs.items()) for _ in range(n)]
        self.rng.shuffle(needs)
        out = []
        for column, need in zip(columns, needs, strict=True):
            lo, hi = _ages_of(column)
            out.append((column, need, self.rng.randint(lo, hi)))
        self.rng.shuffle(out)
        return out

    def build(self) -> list[PersonSpec]:
        t = self.t
        people = self.caseload()
        # New plans go to school-age children and young people (never a baby whose request predates them).
        new_slots = [i for i, (_c, _n, age) in enumerate(people) if 4 <= age <= 19][: t.plans_issued]
        if len(new_slots) < t.plans_issued:
            raise ValueError(f"the caseload ({len(people)}) is too small for {t.plans_issued} new plans")
        new = set(new_slots)
        specs: list[PersonSpec] = []
        plan_requests = self.plan_requests()
        for index, (column, need, age) in enumerate(people):
            birth = self.birth(age)
            if index in new:
                request = plan_requests.pop()
            else:
                request = self.historical(birth)
            specs.append(PersonSpec(birth=birth, request=request, column=column, need=need))
        specs = self.reviews(specs)
        specs += self.ceased()
        specs += [PersonSpec(birth=self.birth(self.rng.randint(3, 17)), request=r) for r in self.other_requests()]
        requests_in_year = [s.request for s in specs if self.year_start <= s.request.received <= self.year_end]
        flagged = self.flag(requests_in_year)
        return [replace(s, request=flagged.get(id(s.request), s.request)) for s in specs]

    def reviews(self, specs: list[PersonSpec]) -> list[PersonSpec]:
        """Annual reviews of the plans issued before the year: the published numbers of decisions within and
        after 4 weeks of a meeting in the year; of the rest, most met in the year and await the decision, a few
        last met the year before (overdue)."""
        t = self.t
        older = [i for i, s in enumerate(specs) if s.request.plan_start < self.year_start]
        wanted = t.review_decisions_4w + t.review_decisions_gt_4w
        if len(older) < wanted:
            raise ValueError(f"{wanted} review decisions but only {len(older)} plans older than the year")
        out = list(specs)
        for n, i in enumerate(older):
            start = specs[i].request.plan_start
            meeting = self.day(max(self.year_start, start + timedelta(days=30)), date(t.year, 10, 15))
            if n < wanted:
                gap = self.rng.randint(5, 28) if n < t.review_decisions_4w else self.rng.randint(29, 90)
                out[i] = replace(specs[i], review=meeting, review_draft=meeting + timedelta(days=gap))
            elif n % 4 and meeting < date(t.year, 10, 15):
                out[i] = replace(specs[i], review=meeting)
            elif start + timedelta(days=30) < self.year_start:
                out[i] = replace(specs[i], review=self.day(start + timedelta(days=30), self.year_start
                                                             - timedelta(days=1)))
        return out

    def historical(self, birth: date) -> RequestSpec:
        """A plan issued before the reporting year and still active at the census."""
        earliest = max(birth + timedelta(days=400), date(self.t.year - 12, 1, 1))
        latest = date(self.t.year - 1, 12, 31)
        start = self.day(min(earliest, latest), latest)
        received = max(start - timedelta(days=self.rng.randint(120, 330)), birth + timedelta(days=30))
        return RequestSpec(received=received, outcome="H", assessment="H", plan_start=start)

    def ceased(self) -> list[PersonSpec]:
        out = []
        for code, n in sorted(self.t.ceased.items()):
            lo, hi = _CEASE_AGES[code]
            for _ in range(n):
                age = self.rng.randint(lo, hi)
                birth = self.birth(age)
                request = self.historical(birth)
                cease = self.day(max(self.year_start, request.plan_start + timedelta(days=60)), self.year_end)
                column = _CEASE_COLUMN.get(code) or ("general_fe_tertiary_colleges" if age >= 16
                                                     else "mainstream_la_maintained")  # fmt: skip
                request = replace(request, cease=cease, cease_reason=code)
                need = self.rng.choices(list(self.t.needs), weights=list(self.t.needs.values()))[0]
                out.append(PersonSpec(birth=birth, request=request, column=column, need=need))
        return out

    # -- this year's flows -------------------------------------------------------------------------------------

    def plan_requests(self) -> list[RequestSpec]:
        """The requests of the plans issued in the year, in their timeliness bands (``_exc``: Week20 set)."""
        t = self.t
        y0, y1 = self.year_start, self.year_end
        out: list[RequestSpec] = []
        bands = (("within", t.within_20, t.within_20_exc), ("gt20", t.gt20_lt_year, t.gt20_lt_year_exc),
                 ("gt1", t.gt_1_year, t.gt_1_year_exc))  # fmt: skip
        for band, n, exc in bands:
            for i in range(n):
                if band == "within":
                    received = self.day(y0, y1 - timedelta(days=TWENTY_WEEKS))
                    decided = self.decision(received, within=True)
                    lo = max((decided - received).days + 28, 60)
                    start = received + timedelta(days=self.rng.randint(lo, TWENTY_WEEKS))
                elif band == "gt20":
                    # About half were received in the year, half the year before.
                    if i % 2:
                        received = self.day(y0, y1 - timedelta(days=TWENTY_WEEKS + 1))
                    else:
                        received = self.day(y0 - timedelta(days=300), y0 - timedelta(days=1))
                    # The year's late decisions are chosen together (``flag``); the year before's are free.
                    decided = self.decision(received, within=bool(i % 2) or self.rng.random() < 0.9)
                    lo = max(TWENTY_WEEKS + 1, (y0 - received).days, (decided - received).days + 28)
                    hi = min(364, (y1 - received).days)
                    start = received + timedelta(days=self.rng.randint(lo, max(lo, hi)))
                else:
                    received = self.day(y0 - timedelta(days=540), y0 - timedelta(days=366))
                    decided = self.decision(received, within=self.rng.random() < 0.9)
                    lo = max(365, (y0 - received).days)
                    start = received + timedelta(days=self.rng.randint(lo, max(lo, min(560, (y1 - received).days))))
                assessed = max(start - timedelta(days=self.rng.randint(7, 28)), decided, y0)
                out.append(RequestSpec(received=received, outcome="A", decided=decided, assessment="Y",
                                       assessed=assessed, week20=i < exc, plan_start=start))
        self.rng.shuffle(out)
        return out

    def other_requests(self) -> list[RequestSpec]:
        """This year's requests that did not lead to a plan issued in the year."""
        t = self.t
        y0, y1 = self.year_start, self.year_end
        # Requests received in the year among the plans issued in it: all "within", the odd-indexed "gt20".
        plans_from_year = t.within_20 + t.gt20_lt_year // 2
        extra_issued = max(t.assess_issued - t.plans_issued, 0)
        assess_rest = t.decided_to_assess - plans_from_year
        if assess_rest < extra_issued + t.assess_not_issued:
            raise ValueError("more assessments completed than requests decided to assess can explain")
        out: list[RequestSpec] = []
        for i in range(extra_issued):  # plan agreed, not yet issued at the census
            received = self.day(date(t.year, 5, 1), date(t.year, 8, 31))
            decided = self.decision(received, within=True)
            assessed = self.day(max(decided, date(t.year, 11, 1)), y1)
            out.append(RequestSpec(received=received, outcome="A", decided=decided, assessment="Y",
                                   assessed=assessed, week20=i % 25 == 0))
        for i in range(t.assess_not_issued):
            within = i < t.not_issued_within_time
            received = self.day(y0, date(t.year, 7, 31))
            decided = self.decision(received, within=True)
            gap = self.rng.randint((decided - received).days + 14, SIXTEEN_WEEKS) if within \
                else self.rng.randint(SIXTEEN_WEEKS + 1, 150)  # fmt: skip
            out.append(RequestSpec(received=received, outcome="A", decided=decided, assessment="N",
                                   assessed=received + timedelta(days=gap)))
        for _ in range(assess_rest - extra_issued - t.assess_not_issued):  # assessment still under way
            received = self.day(date(t.year, 4, 1), y1)
            out.append(RequestSpec(received=received, outcome="A", decided=self.decision(received, within=True),
                                   assessment=""))
        for outcome, n in (("B", t.decided_not_to_assess), ("W", t.withdrawn)):
            for _ in range(n):
                received = self.day(y0, y1)
                out.append(RequestSpec(received=received, outcome=outcome,
                                       decided=self.decision(received, within=True)))
        for _ in range(t.decision_not_made):
            out.append(RequestSpec(received=self.day(date(t.year, 12, 1), y1), outcome=""))
        return out

    def flag(self, requests: list[RequestSpec]) -> dict[int, RequestSpec]:
        """Decisions over 6 weeks, mediation and tribunal flags, on this year's requests; ``{id: new spec}``."""
        t = self.t
        changed: dict[int, RequestSpec] = {}
        # Late decisions: requests received early enough for a decision after 6 weeks before the census, and
        # (for a plan issued in the year) still leaving 4 weeks before the assessment's outcome.
        decided = [r for r in requests if r.decided is not None]
        over = t.decided - t.six_weeks
        late_ok = [r for r in decided if r.received + timedelta(days=110) <= self.ref
                   and (r.assessed is None or r.assessed >= r.received + timedelta(days=110))]  # fmt: skip
        for r in self.rng.sample(late_ok, min(over, len(late_ok))) if over > 0 else ():
            gap = self.rng.randint(SIX_WEEKS + 1, min(110, (self.ref - r.received).days))
            if r.assessed is not None:
                gap = min(gap, (r.assessed - r.received).days)
            changed[id(r)] = replace(r, decided=r.received + timedelta(days=max(gap, SIX_WEEKS + 1)))
        refused = [r for r in decided if r.outcome == "B"] + [r for r in decided if r.outcome == "A"]
        med_only = t.mediation - t.tribunal_after_mediation
        trib_only = t.tribunal - t.tribunal_after_mediation
        for i, r in enumerate(refused[: t.tribunal_after_mediation + med_only + trib_only]):
            current = changed.get(id(r), r)
            mediation = i < t.tribunal_after_mediation + med_only
            tribunal = i < t.tribunal_after_mediation or i >= t.tribunal_after_mediation + med_only
            changed[id(r)] = replace(current, mediation=mediation, tribunal=tribunal)
        # Assessment flags, on assessments completed in the year.
        assessed = [r for r in requests if r.assessed is not None and r.assessed.year == t.year]
        return self._assessment_flags(changed, assessed)

    def _assessment_flags(self, changed: dict[int, RequestSpec], assessed: list[RequestSpec]):
        t = self.t
        plan = ((t.assess_mediation_tribunal, (True, True, False, False)),
                (t.assess_mediation - t.assess_mediation_tribunal, (True, False, False, False)),
                (t.assess_tribunal - t.assess_mediation_tribunal, (False, True, False, False)),
                (t.other_mediation_tribunal, (False, False, True, True)),
                (t.other_mediation - t.other_mediation_tribunal, (False, False, True, False)),
                (t.other_tribunal - t.other_mediation_tribunal, (False, False, False, True)))  # fmt: skip
        pool = iter(assessed)
        for n, (am, at, om, ot) in plan:
            for _ in range(max(n, 0)):
                r = next(pool, None)
                if r is None:
                    return changed
                current = changed.get(id(r), r)
                changed[id(r)] = replace(current, assess_mediation=am, assess_tribunal=at, other_mediation=om,
                                         other_tribunal=ot)
        return changed


def build_plan(targets: Targets, *, reference_date: date, seed: int = 1) -> list[PersonSpec]:
    """The persons of a return whose measures equal ``targets``, deterministic for ``seed``, in a shuffled order
    (a real return lists people in no meaningful order)."""
    specs = _Planner(targets, reference_date, seed).build()
    random.Random(seed + 1).shuffle(specs)
    return specs


def tally(specs: Iterable[PersonSpec], *, year: int, reference_date: date) -> dict[str, int]:
    """What the measures will count from ``specs`` (for tests and a quick check before writing a return)."""
    counts: dict[str, int] = {}

    def add(key: str, n: int = 1) -> None:
        counts[key] = counts.get(key, 0) + n

    for s in specs:
        r = s.request
        if r.received.year == year:
            add("requests_received_in_year")
            add({"A": "requests_decided_to_assess", "B": "requests_decided_not_to_assess",
                 "W": "requests_withdrawn", "": "requests_decision_not_made"}[r.outcome])  # fmt: skip
            if r.decided is not None:
                within = (r.decided - r.received).days <= SIX_WEEKS
                add("request_outcome_six_weeks" if within else "request_outcome_over_6_weeks")
            add("mediation_related_request", r.mediation)
            add("tribunal_related_request", r.tribunal)
            add("tribunal_after_mediation_request", r.mediation and r.tribunal)
        if r.assessed is not None and r.assessed.year == year and r.assessment in ("Y", "N"):
            add("assess_in_year")
            add("assess_issued" if r.assessment == "Y" else "assess_not_issued")
            if r.assessment == "N" and (r.assessed - r.received).days <= SIXTEEN_WEEKS:
                add("outcome_decision_within_time")
            add("number_assess_mediation", r.assess_mediation)
            add("number_assess_tribunal", r.assess_tribunal)
            add("number_asssess_mediation_tribunal", r.assess_mediation and r.assess_tribunal)
            add("number_other_mediation", r.other_mediation)
            add("number_other_tribunal", r.other_tribunal)
        if r.plan_start is not None and r.plan_start.year == year:
            d = (r.plan_start - r.received).days
            band, band_ex = (("plans_issued_within_20_weeks", "plans_issued_20_weeks_ex") if d <= TWENTY_WEEKS
                             else ("plans_issued_gt_1_year", "plans_issued_gt_1_year_ex") if d > 364
                             else ("plans_issued_gt20weeks_ltYear", "plans_issued_gt20weeks_ltYear_ex"))
            add("plans_issued_den")
            add(band)
            if not r.week20:
                add("plans_issued_den_ex")
                add(band_ex)
        if r.cease is not None and r.cease.year == year:
            add("total_ceased")
            add(CEASE_COLUMNS.get(int(r.cease_reason), "not_rec") if r.cease_reason else "not_rec")
        if s.in_caseload and r.plan_start <= reference_date:
            add("ehcplans")
            add(s.column)
            add(f"number_{s.need.lower()}" if s.need else "number_need_unknown")
        if s.review is not None and s.review.year == year and s.review_draft is not None:
            within = (s.review_draft - s.review).days <= 28
            add("number_decsion_4weeks" if within else "number_decision_gt_4weeks")
    return counts


def compulsory_school_age(spec: PersonSpec, year: int) -> bool:
    """Whether the person is of compulsory school age at the start of the academic year (``neet_other_csa``)."""
    aug31 = date(year, 8, 31)
    age = aug31.year - spec.birth.year - ((aug31.month, aug31.day) < (spec.birth.month, spec.birth.day))
    return age in COMPULSORY_SCHOOL_AGES
