"""The self-evaluation as the document an inspection team is sent: standalone HTML, a tagged PDF (PDF/UA-1, by
WeasyPrint as the monitoring pack is made) and an XLSX workbook. Text cells go through the plan export's
formula-injection guard, as the pack's XLSX annex does."""

from __future__ import annotations

import io
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from sendhub.improvement.exports import _safe_text as safe_text
from sendhub.inspection import frameworks, selectors
from sendhub.inspection.models import SelfEvaluation


def context(sef: SelfEvaluation, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    rows = selectors.self_evaluation_view(sef, today)
    strands: dict[str, list] = {}
    for row in rows:
        strands.setdefault(row.entry.criterion_info.strand, []).append(row)
    return {
        "sef": sef,
        "area": sef.area,
        "framework": frameworks.framework(sef.framework),
        "strands": strands,
        "rows": rows,
        "today": today,
        "ready_count": sum(r.readiness.ready for r in rows),
    }


def render_html(sef: SelfEvaluation, *, for_pdf: bool = False, today: date | None = None) -> str:
    return render_to_string("inspection/sef_document.html", {**context(sef, today), "for_pdf": for_pdf})


def render_pdf(sef: SelfEvaluation, today: date | None = None) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which pages that never make a PDF don't need

    html = render_html(sef, for_pdf=True, today=today)
    return HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def _cell(value):
    return safe_text(value) if isinstance(value, str) else value


def render_xlsx(sef: SelfEvaluation, today: date | None = None) -> bytes:
    ctx = context(sef, today)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Self-evaluation"
    header = ["Criterion", "Strand", "Evaluation criterion", "Partnership's judgement", "Reasoning", "Gaps",
              "Review date", "Council's view", "ICB's view", "Forum's view", "Evidence linked", "Readiness issues"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in ctx["rows"]:
        e = row.entry
        views = {v.partner: v.get_grade_display() for v in row.partner_views}
        sheet.append([_cell(v) for v in [
            e.criterion, e.criterion_info.strand, e.criterion_info.text, e.get_grade_display() if e.grade else "",
            e.reasoning, e.gaps, e.review_date, views.get("council", ""), views.get("icb", ""), views.get("forum", ""),
            len(row.readiness.evidence), "; ".join(row.readiness.issues),
        ]])
    evidence = workbook.create_sheet("Evidence")
    evidence.append(["Criterion", "Kind", "Evidence", "Latest value", "Dated", "Stale"])
    for cell in evidence[1]:
        cell.font = Font(bold=True)
    for row in ctx["rows"]:
        for item in row.readiness.evidence:
            evidence.append([_cell(v) for v in [
                row.entry.criterion, item.kind, item.label, item.value, item.dated,
                "Yes" if item in row.readiness.stale else "No",
            ]])
    for ws, widths in ((sheet, [10, 30, 50, 30, 60, 50, 12, 25, 25, 25, 10, 60]), (evidence, [10, 25, 50, 30, 12, 8])):
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
