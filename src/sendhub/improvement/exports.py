"""The improvement plan as rows, for CSV and XLSX export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sendhub.accounts.models import LocalArea
from sendhub.improvement.models import Action, Finding, ProgressUpdate

COLUMNS = [
    "Reference",
    "Title",
    "Findings",
    "Owning organisation",
    "Named lead",
    "Start date",
    "Due date",
    "Status",
    "RAG",
    "Reason for RAG",
    "Overdue",
    "Milestones",
    "Milestones met",
    "Evidence items",
    "Last update",
    "Last update commentary",
    "Success criteria",
]
# Spreadsheet programs run cells starting with these as formulas: a CSV must not carry a live formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def plan_queryset(area: LocalArea) -> QuerySet[Action]:
    latest = ProgressUpdate.objects.order_by("action_id", "-created_at", "-pk")
    return (
        Action.objects.filter(area=area)
        .select_related("owner", "lead")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.only("pk", "reference").order_by("reference")),
            Prefetch("updates", queryset=latest, to_attr="ordered_updates"),
        )
        .annotate(
            milestone_count=Count("milestones", distinct=True),
            milestones_met=Count("milestones", filter=Q(milestones__completed_on__isnull=False), distinct=True),
            evidence_count=Count("evidence", distinct=True),
            last_update_at=Max("updates__created_at"),
        )
        .order_by("reference")
    )


def plan_rows(actions: Iterable[Action], today: date) -> Iterator[list]:
    for action in actions:
        last = action.ordered_updates[0] if action.ordered_updates else None
        yield [
            action.reference,
            action.title,
            "; ".join(f.reference for f in action.findings.all()),
            str(action.owner),
            action.lead.full_name if action.lead else "",
            action.start_date,
            action.due_date,
            action.get_status_display(),
            action.get_rag_display(),
            action.rag_reason,
            "Yes" if action.status not in {"complete", "cancelled"} and action.due_date < today else "No",
            action.milestone_count,
            action.milestones_met,
            action.evidence_count,
            last.created_at.date() if last else None,
            last.commentary if last else "",
            action.success_criteria,
        ]


def _safe_text(value) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def plan_csv(area: LocalArea, today: date) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in plan_rows(plan_queryset(area), today):
        writer.writerow([_safe_text(v) for v in row])
    return buffer.getvalue()


def plan_xlsx(area: LocalArea, today: date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in plan_rows(plan_queryset(area), today):
        # openpyxl writes strings as text cells, never formulas, unless they start with "=": guard that too.
        sheet.append([_safe_text(v) if isinstance(v, str) else v for v in row])
    for index, width in enumerate([10, 50, 16, 30, 24, 12, 12, 12, 10, 40, 9, 11, 14, 14, 12, 60, 50], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for column in ("F", "G", "O"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "C2"
    about = workbook.create_sheet("About")
    about.append(["Improvement plan export"])
    about.append(["Local area", area.name])
    about.append(["LA code", area.la_code])
    about.append(["Exported on", today])
    about["A1"].font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
