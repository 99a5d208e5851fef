"""Reads for the monitors' overview: each area's latest issued pack and its headline figures side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sendhub.accounts.models import LocalArea
from sendhub.reports.models import MonitoringReport

# DfE's headline timeliness figure: new EHC plans issued within 20 weeks, excluding exceptions. The area's figure
# and England's are shown in separate, labelled columns.
HEADLINE_MEASURE = "PC_plans_issued_20_weeks_ex"


@dataclass(frozen=True)
class ComparisonRow:
    area: LocalArea
    latest: MonitoringReport | None
    issued: list[MonitoringReport]
    summary: dict[str, Any]
    timeliness: float | None
    timeliness_period: str | None
    england: float | None
    trust_index: float | None


def _latest_point(content: dict[str, Any], measure: str) -> tuple[str | None, float | None, float | None]:
    for row in content.get("outcomes", {}).get("measures", []):
        if row["measure"] == measure:
            for point in reversed(row["series"]):
                if point["value"] is not None:
                    return point["period"], point["value"], point.get("england")
    return None, None, None


def comparison_rows(areas: list[LocalArea]) -> list[ComparisonRow]:
    """One row per area, from its latest issued pack (issued figures only: what the area signed off)."""
    issued = MonitoringReport.objects.filter(area__in=areas, status=MonitoringReport.Status.ISSUED).order_by(
        "-as_at", "-issued_at"
    )
    by_area: dict[int, list[MonitoringReport]] = {}
    for report in issued.only("pk", "area_id", "title", "as_at", "issued_at", "content", "period_start",
                              "period_end", "status", "pdf_sha256"):
        by_area.setdefault(report.area_id, []).append(report)
    rows = []
    for area in areas:
        reports = by_area.get(area.pk, [])
        latest = reports[0] if reports else None
        content = latest.content if latest and latest.content else {}
        period, value, england = _latest_point(content, HEADLINE_MEASURE)
        waves = content.get("voice", {}).get("waves", [])
        rows.append(ComparisonRow(
            area=area, latest=latest, issued=reports, summary=content.get("summary", {}),
            timeliness=value, timeliness_period=period, england=england,
            trust_index=waves[-1]["index"] if waves else None,
        ))
    return rows
