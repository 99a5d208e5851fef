"""The specialist-provision forecast in the layout of the school capacity survey (SCAP), as an XLSX workbook.

SCAP asks each local authority for the number of resident children and young people with an EHC plan it expects to
need a specialist place, for each of the coming academic years, by type of provision, beside the capacity of its
state-funded special schools, SEN units and resourced provision. The workbook has one sheet in that shape
("Specialist provision forecast": one row per type of provision, one column per academic year, a total row), the
80% intervals of the totals DfE's figures were forecast with, the recorded capacity and gap, and a notes sheet with
the method and assumptions. An academic year 2025/26 is counted at its January census (January 2026).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from sendhub.forecasting.models import PlacementGroup
from sendhub.forecasting.scenarios import EHCPLANS
from sendhub.forecasting.selectors import STATE_FUNDED, Sufficiency

FORECAST_SHEET = "Specialist provision forecast"
INTERVAL_SHEET = "Intervals"
CAPACITY_SHEET = "Capacity and gap"
NOTES_SHEET = "Notes"
SCAP_ROWS = (
    (PlacementGroup.MAINTAINED_SPECIAL, "State-funded special schools: local authority maintained"),
    (PlacementGroup.ACADEMY_SPECIAL, "State-funded special schools: academies and free schools"),
    (PlacementGroup.RESOURCED, "SEN units and resourced provision in mainstream schools"),
    (PlacementGroup.INDEPENDENT_SPECIAL, "Independent and non-maintained special schools"),
    (PlacementGroup.AP, "Alternative provision (including pupil referral units)"),
)
TOTAL_LABEL = "Total specialist provision"


def academic_year(january: int) -> str:
    return f"{january - 1}/{january % 100:02d}"


def _header(sheet, title: str, data: Sufficiency) -> None:
    forecast = data.forecast
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Local authority", forecast.la_name])
    sheet.append(["LA code", forecast.la_code])
    sheet.append(["Forecast from", f"January {forecast.origin} census (DfE: Education, health and care plans)"])
    sheet.append(["Method", forecast.method])
    sheet.append([])


def _bold_row(sheet) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def build_workbook(data: Sufficiency) -> Workbook:
    book = Workbook()
    years = data.years
    heads = [f"{academic_year(y)} (January {y})" for y in years]

    sheet = book.active
    sheet.title = FORECAST_SHEET
    _header(sheet, "Forecast of resident children and young people with an EHC plan needing a specialist place", data)
    sheet.append(["Type of provision", *heads])
    _bold_row(sheet)
    for group, label in SCAP_ROWS:
        values = data.baseline.get(group, {})
        sheet.append([label, *[round(values[y]) if y in values else None for y in years]])
    sheet.append(
        [TOTAL_LABEL, *[round(sum(data.baseline.get(g, {}).get(y, 0.0) for g, _ in SCAP_ROWS)) for y in years]]
    )
    _bold_row(sheet)

    intervals = book.create_sheet(INTERVAL_SHEET)
    _header(intervals, "80% prediction intervals of the totals forecast", data)
    intervals.append(["Measure", "Academic year", "Forecast", "Lower (80%)", "Upper (80%)"])
    _bold_row(intervals)
    for measure, label in (
        (EHCPLANS, "All EHC plans"),
        ("special_total", "Special schools"),
        ("ap_pru_total", "Alternative provision and PRUs"),
    ):
        for year in years:
            band = data.forecast.interval(measure, year)
            if band is not None:
                intervals.append(
                    [label, academic_year(year), round(band.value), round(band.lower or 0), round(band.upper or 0)]
                )

    capacity = book.create_sheet(CAPACITY_SHEET)
    _header(capacity, "State-funded specialist places against the forecast", data)
    capacity.append(
        [
            "Academic year",
            "Children forecast to need a state-funded specialist place",
            "Places recorded",
            "Places minus children (negative: a shortfall)",
            "Places carried forward from an earlier year",
        ]
    )
    _bold_row(capacity)
    for row in data.state_funded_gap(data.baseline):
        capacity.append(
            [
                academic_year(row.year),
                round(row.demand),
                row.places,
                None if row.gap is None else round(row.gap),
                "yes" if row.carried_forward else "no",
            ]
        )

    notes = book.create_sheet(NOTES_SHEET)
    notes.append(["Notes"])
    notes["A1"].font = Font(bold=True, size=14)
    for text in notes_text(data):
        notes.append([text])
        notes.cell(notes.max_row, 1).alignment = Alignment(wrap_text=True)
    notes.column_dimensions["A"].width = 120
    for ws in (sheet, intervals, capacity):
        ws.column_dimensions["A"].width = 60
        for letter in "BCDEFG":
            ws.column_dimensions[letter].width = 22
    return book


def notes_text(data: Sufficiency) -> list[str]:
    state = ", ".join(dict(PlacementGroup.choices)[g].lower() for g in STATE_FUNDED)
    return [
        f"Forecast from DfE's published EHC plan figures for January {data.forecast.origin} and earlier, by the "
        f"'{data.forecast.method}' method chosen on SEND Hub's public backtest; intervals are 80% prediction "
        f"intervals calibrated on its errors at earlier origins.",
        "DfE forecasts the totals of special schools, mainstream schools and alternative provision; each type of "
        f"provision is its share of its total in January {data.forecast.origin}, held constant.",
        "Resourced provision and SEN units are the children DfE counts in mainstream schools' resourced provision "
        "and SEN units.",
        f"Capacity is what the local authority recorded in SEND Hub for {state}; a year without a figure carries "
        "the latest earlier figure forward.",
        "Phase (primary, secondary, post-16) is not split: DfE's local authority figures do not give placements by "
        "phase.",
        "This is the baseline forecast: no scenario is applied.",
    ]


def workbook_bytes(data: Sufficiency) -> bytes:
    buffer = io.BytesIO()
    build_workbook(data).save(buffer)
    return buffer.getvalue()
