"""A monitoring pack's content rendered three ways: an HTML page, an accessible tagged PDF and an XLSX data annex."""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import re
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import escape
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sendhub.improvement.exports import _safe_text as safe_text
from sendhub.outcomes.measures import MEASURES
from sendhub.web.charts import Series, line_chart, scaled_title

logger = logging.getLogger(__name__)

SOURCES = [
    ("Improvement plan", "Inspections, findings, judgements, actions, milestones, progress updates and evidence "
     "as recorded in SEND Hub, read from the audit history as it stood at the end of the as-at day."),
    ("Statutory EHC measures", "Computed by SEND Hub from the council's person-level SEN2 returns to DfE imported "
     "by the as-at date; definitions in docs/measures.md, named with DfE's column names."),
    ("England, region and statistical neighbours", "DfE, Education, health and care plans (official statistics), "
     "the release imported by the as-at date; neighbours' figure is the median of the area's statistical "
     "neighbours with a published value."),
    ("Parent carer voice", "Comments from the public feedback form and surveys received by the as-at date, with "
     "themes as suggested by SEND Hub's classifier or as confirmed by staff by then; trust index: the mean of "
     "respondents' answers to the trust questions on a 0-100 scale, with a 95% confidence interval."),
    ("Risks and issues", "The partnership's register as it stood on the as-at date; score = likelihood x impact "
     "(1-5 each): 1-4 low, 5-9 medium, 10-14 high, 15-25 very high."),
]


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:,.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _chart(series: list[Series], *, title: str, unit: str, chart_id: str, as_image: bool) -> str:
    svg = line_chart(series, title=title, unit=unit, chart_id=chart_id, width=600, height=240)
    if not as_image:
        return svg
    # In the PDF a chart is an image with alternative text, which WeasyPrint tags as a Figure with /Alt.
    description = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)
    alt = f"{title}. {description.group(1) if description else ''}".strip()
    data = base64.b64encode(svg.encode()).decode()
    return f'<img class="chart" src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}">'


def decorate(content: dict[str, Any], *, for_pdf: bool) -> dict[str, Any]:
    """The template context: the content plus charts and formatted figures (never stored)."""
    outcomes = []
    for row in content["outcomes"]["measures"]:
        unit = row["unit"]
        points = row["series"]
        series = [Series(content["area"]["name"], [(p["period"], p["value"]) for p in points])]
        if any(p.get("england") is not None for p in points):
            series.append(Series("England", [(p["period"], p.get("england")) for p in points]))
        if any(p.get("neighbours_median") is not None for p in points):
            series.append(Series("Statistical neighbours (median)",
                                 [(p["period"], p.get("neighbours_median")) for p in points]))
        # Counts for the area and England differ a hundredfold: drawn indexed (first year = 100), table beside.
        drawn, chart_title, chart_unit = scaled_title(row["title"], series, unit)
        outcomes.append(row | {
            "chart": _chart(drawn, title=chart_title, unit=chart_unit,
                            chart_id=f"outcome-{_slug(row['measure'])}", as_image=for_pdf),
            "rows": [p | {"value_text": _fmt(p["value"], unit), "england_text": _fmt(p.get("england"), unit),
                          "region_text": _fmt(p.get("region"), unit),
                          "neighbours_text": _fmt(p.get("neighbours_median"), unit)} for p in points],
        })
    findings = []
    for finding in content["findings"]:
        measures = []
        for n, m in enumerate(finding["success_measures"]):
            unit = m["unit"]
            series = [Series("Actual", [(p["period"], p["value"]) for p in m["series"]])]
            measures.append(m | {
                "chart": _chart(series, title=f"{m['title']} ({finding['reference']})", unit=unit,
                                chart_id=f"success-{finding['id']}-{n}", as_image=for_pdf) if m["series"] else "",
                "latest_text": _fmt(m["latest"], unit),
                "target_text": _fmt(m["target"], unit),
                "baseline_text": _fmt(m["baseline"], unit),
                "expected_text": _fmt(m["expected"], unit),
                "rows": [p | {"value_text": _fmt(p["value"], unit)} for p in m["series"]],
                "benchmark_rows": [b | {"area_text": _fmt(b["area"], unit), "england_text": _fmt(b["england"], unit),
                                        "neighbours_text": _fmt(b["neighbours_median"], unit)}
                                   for b in m["benchmark"]],
            })
        findings.append(finding | {"success_measures": measures, "anchor": f"finding-{_slug(finding['reference'])}"})
    return content | {
        "findings": findings,
        "outcome_rows": outcomes,
        "sources": SOURCES,
        "definitions": [(name, MEASURES[name].title, MEASURES[name].description)
                        for name in [r["measure"] for r in content["outcomes"]["measures"]] if name in MEASURES],
    }


def report_context(report, content: dict[str, Any], *, for_pdf: bool) -> dict[str, Any]:
    return {
        "report": report,
        "pack": decorate(content, for_pdf=for_pdf),
        "summary_paragraphs": [p.strip() for p in (report.executive_summary or "").split("\n\n") if p.strip()],
        "for_pdf": for_pdf,
    }


def render_document_html(report, content: dict[str, Any], *, for_pdf: bool = False) -> str:
    """The whole pack as one standalone HTML document (what the PDF is made from, and the HTML download)."""
    return render_to_string("reports/pack_document.html", report_context(report, content, for_pdf=for_pdf))


def render_pdf(report, content: dict[str, Any]) -> bytes:
    """A tagged PDF (PDF/UA-1): structure tree, headings, table headers, figure alternative text, language."""
    from weasyprint import HTML  # imported late: it loads Pango, which pages that never make a PDF don't need

    html = render_document_html(report, content, for_pdf=True)
    return HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def _cell(value):
    """Text cells go through the plan export's formula-injection guard; numbers and dates stay typed."""
    return safe_text(value) if isinstance(value, str) else value


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], widths: list[int] | None = None):
    sheet = workbook.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def render_xlsx(report, content: dict[str, Any]) -> bytes:
    """The data annex: one sheet per section of the pack, plain values (no formulas) for analysts."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "About"
    for row in (
        ["Monitoring pack", report.title],
        ["Local area", content["area"]["name"]],
        ["LA code", content["area"]["la_code"]],
        ["Period start", _d(content["period_start"])],
        ["Period end", _d(content["period_end"])],
        ["As at", _d(content["as_at"])],
        ["Status", report.get_status_display()],
        ["Signed off by", report.signed_off_by.full_name if report.signed_off_by else ""],
        ["Issued on", report.issued_at.date() if report.issued_at else None],
    ):
        cover.append([_cell(v) for v in row])
    cover.column_dimensions["A"].width = 18
    cover.column_dimensions["B"].width = 60
    s = content["summary"]
    _sheet(workbook, "Summary", ["Figure", "Value"], [[k.replace("_", " "), v] for k, v in s.items()
                                                      if not isinstance(v, list)], [40, 12])
    _sheet(workbook, "Findings", ["Reference", "Kind", "Title", "Inspection", "Status as at", "Actions",
                                  "Evidence items"],
           [[f["reference"], f["kind_label"], f["title"], f["inspection"], f["status_label"], len(f["actions"]),
             f["evidence_total"]] for f in content["findings"]], [10, 24, 60, 14, 24, 8, 10])
    _sheet(workbook, "Judgements", ["Finding", "Judged on", "Outcome", "Text"],
           [[f["reference"], _d(j["on"]), j["outcome_label"], j["text"]] for f in content["findings"]
            for j in f["judgements"]], [10, 12, 24, 80])
    action_rows = []
    seen = set()
    for f in content["findings"]:
        for a in f["actions"]:
            action_rows.append([f["reference"], a["reference"], a["title"], a["owner"], _d(a["start"]), _d(a["due"]),
                                a["status_label"], a["rag_label"], a["rag_at_start_label"], "Yes" if a["overdue"]
                                else "No", _d(a["completed_on"]), a["updates_in_period"],
                                a["latest_update"]["commentary"] if a["latest_update"] else ""])
            seen.add(a["id"])
    _sheet(workbook, "Actions", ["Finding", "Action", "Title", "Owner", "Start", "Due", "Status as at", "RAG as at",
                                 "RAG at period start", "Overdue", "Completed on", "Updates in period",
                                 "Latest update"], action_rows, [9, 8, 50, 30, 11, 11, 14, 10, 16, 8, 12, 9, 80])
    _sheet(workbook, "Milestones", ["Finding", "Action", "Milestone", "Due", "Completed", "Result"],
           [[f["reference"], a["reference"], m["title"], _d(m["due"]), _d(m["completed"]),
             "Met late" if m.get("late") else "Met" if m["completed"] else "Missed"]
            for f in content["findings"] for a in f["actions"]
            for m in a["milestones_met"] + a["milestones_missed"]], [9, 8, 50, 11, 11, 10])
    _sheet(workbook, "Evidence", ["Finding", "Action", "Title", "Added on", "Kind", "Added in period"],
           [[f["reference"], e["action"], e["title"], _d(e["added_on"]), e["kind"], "Yes" if e["in_period"] else "No"]
            for f in content["findings"] for e in f["evidence"]], [9, 8, 60, 11, 8, 10])
    _sheet(workbook, "Success measures", ["Finding", "For action", "Measure", "Unit", "Baseline", "Baseline date",
                                          "Target", "Target date", "Latest", "Latest period", "Trajectory",
                                          "RAG"],
           [[f["reference"], m["for_action"] or "", m["title"], m["unit"], m["baseline"], _d(m["baseline_date"]),
             m["target"], _d(m["target_date"]), m["latest"], m["latest_period"], m["expected"], m["rag_label"]]
            for f in content["findings"] for m in f["success_measures"]], [9, 9, 50, 9, 9, 12, 9, 12, 9, 12, 10, 12])
    outcome_rows = [[r["measure"], r["title"], p["period"], p["value"], p.get("england"), p.get("region"),
                     p.get("neighbours_median")] for r in content["outcomes"]["measures"] for p in r["series"]]
    _sheet(workbook, "Outcomes", ["Measure (DfE column)", "Title", "Year", content["area"]["name"], "England",
                                  "Region", "Statistical neighbours (median)"],
           outcome_rows, [32, 50, 8, 12, 12, 12, 14])
    deadlines = content["outcomes"]["deadlines"]
    _sheet(workbook, "Deadlines", ["Counted on", "Figure", "Cases"],
           ([[_d(deadlines["counted_on"]), "Overdue", deadlines["overdue"]]]
            + [[_d(deadlines["counted_on"]), f"Due within {w['weeks']} weeks", w["count"]]
               for w in deadlines["within_weeks"]]
            + [[_d(deadlines["counted_on"]), k["kind"], k["count"]] for k in deadlines["by_kind"]])
           if deadlines else [], [12, 50, 8])
    voice = content["voice"]
    _sheet(workbook, "Voice themes",
           ["Theme", "Comments in period", "Of which confirmed by staff", "Comments in previous period", "Change"],
           [[t["label"], t["count"], t.get("confirmed"), t["previous"], t["change"]] for t in voice["themes"]],
           [40, 12, 12, 12, 8])
    _sheet(workbook, "Trust index", ["Survey", "Wave", "Responses", "Trust index (0-100)", "95% CI low",
                                     "95% CI high"],
           [[w["survey"], w["wave"], w["responses"], w["index"], w["low"], w["high"]] for w in voice["waves"]],
           [40, 30, 10, 12, 10, 10])
    _sheet(workbook, "You said we did", ["Theme", "You said", "We did", "Published on"],
           [[y["theme"], y["you_said"], y["we_did"], _d(y["published_on"])] for y in voice["you_said_we_did"]],
           [24, 60, 60, 12])
    _sheet(workbook, "Risks", ["Reference", "Kind", "Title", "Owner", "Likelihood", "Impact", "Score", "Rating",
                               "Mitigation", "Status", "Review date"],
           [[r["reference"], r["kind"], r["title"], r["owner"], r["likelihood"], r["impact"], r["score"], r["rating"],
             r["mitigation"], r["status"], _d(r["review_date"])] for r in content["risks"]],
           [9, 7, 40, 28, 10, 8, 7, 10, 60, 8, 11])
    _sheet(workbook, "Sources", ["Source", "Notes"], [list(s) for s in SOURCES], [36, 120])
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    # Fixed workbook properties, so the same content makes the same file (checksums are stable).
    workbook.properties.creator = "SEND Hub"
    fixed = report.issued_at or report.created_at
    if fixed is not None:
        workbook.properties.created = workbook.properties.modified = fixed.replace(tzinfo=None, microsecond=0)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
