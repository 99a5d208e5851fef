"""Outcomes data for the Lancashire demo: generated SEN2 returns, DfE's release, partners' measures, targets.

The SEN2 returns are synthetic (``sendhub sen2 generate``): no real child's data is ever part of the demo. Their
placements name schools by URN from a fictional county's GIAS extract, which is imported first (as a council
imports Get Information About Schools' extract), so the placement mix is resolved as a real return's would be.
DfE's published release and the statistical neighbours list are real, and loaded when the shared data folder
is present (OGL v3.0).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from sendhub.accounts.models import LocalArea, Organisation, User
from sendhub.demo import calibration
from sendhub.demo.calibrated_return import write_planned_sen2
from sendhub.establishments.fictional import county_establishments, write_extract
from sendhub.establishments.gias import GiasFileError
from sendhub.establishments.services import gias_extract_import
from sendhub.improvement.models import Action, Finding
from sendhub.outcomes import dfe, services
from sendhub.outcomes.models import (
    DfeRelease,
    ManualMeasure,
    ManualMeasureValue,
    Sen2Return,
    StatisticalNeighbour,
    SuccessMeasure,
)
from sendhub.outcomes.sen2.generate import census_date, generate_sen2

SHARED_DATA = settings.PROJECT_DIR.parent / "shared" / "data"
DFE_RELEASE = SHARED_DATA / "dfe-ehcp-plans-2025.zip"
NEIGHBOURS = SHARED_DATA / "statistical-neighbours.csv"


@dataclass
class OutcomesSummary:
    returns: list[str] = field(default_factory=list)
    dfe: str = ""
    notes: list[str] = field(default_factory=list)


def latest_collection_year(today: date) -> int:
    """SEN2 is collected each January: by late January this year's return exists."""
    return today.year if (today.month, today.day) >= (1, 25) else today.year - 1


def load(area: LocalArea, *, today: date, persons: int, dfe_release: Path | None, admin: User) -> OutcomesSummary:
    """The returns, DfE's release and the partners' measures.

    DfE's release is imported first: when it holds the area's figures, each generated return is *calibrated*
    to them (``demo.calibration``), so every figure SEND Hub computes for a period DfE has published equals
    DfE's; a later year DfE has not published continues from the last one. Those returns have as many people as
    the figures need, whatever ``persons`` says; without the release (``--dfe-release none``, as the quick tests
    load the demo) the returns are drawn at random with ``persons`` people each.
    """
    summary = OutcomesSummary()
    latest = latest_collection_year(today)
    if dfe_release is not None:
        summary.dfe = _load_dfe(dfe_release, summary)
    if persons > 0:
        values = calibration.published_values(area.la_code)
        establishments = _import_gias(area, census_date(latest), admin, summary)
        for year in (latest - 1, latest):
            with tempfile.NamedTemporaryFile("w+b", suffix=".xml") as handle:
                targets = calibration.targets_for(values, year - 1)
                with open(handle.name, "w", encoding="utf-8") as text:
                    if targets is None:
                        generate_sen2(text, persons=persons, year=year, seed=year, la=area.la_code,
                                      establishments=establishments)
                    else:
                        plan = calibration.build_plan(targets, reference_date=census_date(year), seed=year)
                        write_planned_sen2(text, plan=plan, year=year, seed=year, la=area.la_code,
                                           establishments=establishments)
                handle.seek(0)
                result = services.sen2_import(
                    stream=handle, filename=f"lancashire-sen2-{year}-generated.xml", area=area, imported_by=admin
                )
            if result.sen2_return is None:
                problems = "; ".join(f"{e['path']}: {e['rule']}" for e in result.errors[:5])
                raise RuntimeError(f"The generated SEN2 {year} return did not import: {problems}")
            published = calibration.published_years(values)
            how = "" if targets is None else (f", calibrated to DfE's published {targets.year} figures"
                                              if targets.year in published
                                              else f", continuing DfE's {published[-1]} figures")  # fmt: skip
            summary.returns.append(f"SEN2 {year} ({result.sen2_return.person_count:,} generated people{how})")
            # Councils send the return in February: date the import then, so "as at" reports see each return
            # only from when it would have existed.
            sent = timezone.make_aware(datetime.combine(result.sen2_return.reference_date + timedelta(days=28),
                                                        time(9, 0)))
            Sen2Return.objects.filter(pk=result.sen2_return.pk).update(imported_at=min(sent, timezone.now()))
    _partners_measures_and_targets(area, today=today, admin=admin)
    return summary


def _import_gias(area: LocalArea, extract_date: date, admin: User, summary: OutcomesSummary) -> list:
    """Import the fictional county's GIAS extract (the schools the generated returns name); its establishments."""
    establishments = county_establishments(la_code=area.la_code)
    try:
        gias_extract_import(data=write_extract(establishments), filename=f"edubasealldata{extract_date:%Y%m%d}.csv",
                            imported_by=admin)
    except GiasFileError as error:  # a newer extract is already held: the returns' URNs resolve against it
        summary.notes.append(f"The fictional GIAS extract was not imported: {error}")
    return establishments


def _load_dfe(path: Path, summary: OutcomesSummary) -> str:
    if not path.exists():
        summary.notes.append(
            f"DfE release not found at {path}: benchmarking pages stay empty until 'sendhub dfe import PATH' is run."
        )
        return ""
    try:
        release = dfe.import_release(path)
    except dfe.DfeAlreadyImported:
        release = dfe.current_release()
    if isinstance(release, DfeRelease) and release.latest_year:
        # DfE publishes year Y's figures in June of Y+1.
        published = timezone.make_aware(datetime(release.latest_year + 1, 7, 1, 9, 0))
        DfeRelease.objects.filter(pk=release.pk).update(imported_at=min(published, timezone.now()))
    if NEIGHBOURS.exists() and not StatisticalNeighbour.objects.exists():
        dfe.import_neighbours(NEIGHBOURS)
    return str(release) if isinstance(release, DfeRelease) else ""


def _partners_measures_and_targets(area: LocalArea, *, today: date, admin: User) -> None:
    icb = Organisation.objects.get(area=area, kind=Organisation.Kind.HEALTH, name__icontains="ICB")
    wait = _created(
        ManualMeasure,
        _on=_month_end(today, 19),
        area=area,
        key="autism-assessment-wait",
        name="Median weeks waited for an autism assessment (under 18s)",
        description="Demonstration data. Median wait, in weeks, from referral to first assessment appointment, "
        "for children and young people seen in the month.",
        unit="weeks",
        direction="lower",
        owner=icb,
    )
    value = 104.0
    for months_ago in range(18, 0, -1):
        month_end = _month_end(today, months_ago)
        value = max(40.0, value - (2.5 if months_ago < 12 else -0.8))
        _created(
            ManualMeasureValue,
            _on=month_end + timedelta(days=7),
            measure=wait, period_end=month_end, value=round(value, 1), recorded_by=admin, note="Demonstration data"
        )
    baseline = date(today.year - 1, 1, 1)
    target = date(today.year + 1, 3, 31)
    pa2 = Finding.objects.filter(area=area, reference="PA2").first()
    pa3 = Finding.objects.filter(area=area, reference="PA3").first()
    if pa2:
        _created(
            SuccessMeasure,
            _on=baseline,
            area=area,
            finding=pa2,
            measure="PC_plans_issued_20_weeks_ex",
            direction="higher",
            baseline_value=17.3,
            baseline_date=baseline,
            target_value=60.0,
            target_date=target,
        )
        _created(
            SuccessMeasure,
            _on=baseline,
            area=area,
            finding=pa2,
            measure="request_outcome_six_weeks_pc",
            direction="higher",
            # DfE's published 2024 figure for Lancashire (and the calibrated return's): keep decisions on time while
            # plans catch up.
            baseline_value=96.4,
            baseline_date=baseline,
            target_value=98.0,
            target_date=target,
        )
        action = Action.objects.filter(area=area, findings=pa2).order_by("reference").first()
        if action:
            _created(
            SuccessMeasure,
            _on=baseline,
                area=area,
                action=action,
                measure="PC_plans_issued_20_weeks_ex",
                direction="higher",
                baseline_value=17.3,
                baseline_date=baseline,
                target_value=60.0,
                target_date=target,
            )
    if pa3:
        _created(
            SuccessMeasure,
            _on=baseline,
            area=area,
            finding=pa3,
            manual_measure=wait,
            direction="lower",
            baseline_value=104.0,
            baseline_date=baseline,
            target_value=52.0,
            target_date=target,
        )


def _created(model, *, _on: date, **fields):
    """Create with the history dated ``_on`` (as it would have been recorded), so "as at" reports see it then."""
    obj = model(**fields)
    obj._history_date = min(timezone.make_aware(datetime.combine(_on, time(9, 0))), timezone.now())
    obj.save()
    return obj


def _month_end(today: date, months_ago: int) -> date:
    month_index = today.year * 12 + today.month - 1 - months_ago
    year, month = divmod(month_index, 12)
    following = date(year + (month == 11), (month + 1) % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
