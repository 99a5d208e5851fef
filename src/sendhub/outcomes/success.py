"""Success measures with their latest value, where the trajectory says they should be, and the RAG."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sendhub.accounts.models import LocalArea
from sendhub.outcomes import selectors
from sendhub.outcomes.measures import MEASURES
from sendhub.outcomes.models import SuccessMeasure
from sendhub.outcomes.targets import expected_value, trajectory_rag

RAG_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track", None: "No value yet"}


@dataclass(frozen=True)
class SuccessStatus:
    success: SuccessMeasure
    title: str
    unit: str
    latest_value: float | None
    latest_date: date | None
    expected: float | None
    rag: str | None

    @property
    def rag_label(self) -> str:
        return RAG_LABELS[self.rag]


def _latest(success: SuccessMeasure, partial_year: int | None) -> tuple[float | None, date | None]:
    if success.manual_measure_id:
        value = success.manual_measure.values.order_by("-period_end").first()
        return (value.value, value.period_end) if value else (None, None)
    measure = MEASURES.get(success.measure)
    kind = "year" if measure is None or "year" in measure.period_kinds else measure.period_kinds[0]
    partial = str(partial_year) if partial_year and kind == "year" else None
    for point in reversed(selectors.measure_series(success.area, success.measure, period_kind=kind)):
        if point.value is not None and point.period != partial:
            on = date.fromisoformat(point.period) if len(point.period) == 10 else date(int(point.period[:4]), 12, 31)
            return point.value, on
    return None, None


def _partial_year(area: LocalArea) -> int | None:
    """The collection year of the area's latest return: its year so far is partial, so never a 'latest' value."""
    latest = area.sen2_returns.filter(is_current=True).order_by("-collection_year").first()
    return latest.collection_year if latest else None


def status_of(success: SuccessMeasure, *, partial_year: int | None = None) -> SuccessStatus:
    latest_value, latest_date = _latest(success, partial_year)
    if success.manual_measure_id:
        title, unit = success.manual_measure.name, success.manual_measure.unit
    else:
        measure = MEASURES.get(success.measure)
        title, unit = (measure.title, measure.unit) if measure else (success.measure, "")
    trajectory = dict(
        baseline_value=success.baseline_value,
        baseline_date=success.baseline_date,
        target_value=success.target_value,
        target_date=success.target_date,
    )
    return SuccessStatus(
        success=success,
        title=title,
        unit=unit,
        latest_value=latest_value,
        latest_date=latest_date,
        expected=expected_value(**trajectory, on=latest_date) if latest_date else None,
        rag=trajectory_rag(
            **trajectory, direction=success.direction, latest_value=latest_value, latest_date=latest_date
        ),
    )


def statuses(area: LocalArea, *, action=None, finding=None) -> list[SuccessStatus]:
    measures = SuccessMeasure.objects.filter(area=area).select_related("area", "manual_measure", "action", "finding")
    if action is not None:
        measures = measures.filter(action=action)
    if finding is not None:
        measures = measures.filter(finding=finding)
    measures = list(measures.order_by("target_date", "pk"))
    partial_year = _partial_year(area) if measures else None
    return [status_of(m, partial_year=partial_year) for m in measures]
