"""Reading manual measure values from a CSV file: every problem names its row, column and rule."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sendhub.csvsafe import CsvLimitError, csv_rows

REQUIRED_COLUMNS = ("period_end", "value")
MAX_ROWS = 5000
# A row is a date, a number and a note of at most 300 characters: far longer rows are not a manual values file.
MAX_LINE_CHARS = 10_000


@dataclass(frozen=True)
class ManualRow:
    period_end: date
    value: float
    note: str


def parse_manual_csv(content: bytes) -> tuple[list[ManualRow], list[str]]:
    """Rows and errors. Columns: period_end (YYYY-MM-DD), value (a number), note (optional)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The file is not UTF-8 text: save it as 'CSV UTF-8' and try again"]
    if not text.strip():
        return [], ["The file is empty"]
    try:
        stream = io.StringIO(text, newline="")
        return _parse(
            csv_rows(stream, source="The file", max_line_chars=MAX_LINE_CHARS, max_row_chars=MAX_LINE_CHARS)
        )
    except CsvLimitError as error:
        return [], [str(error)]


def _parse(reader: Iterator[list[str]]) -> tuple[list[ManualRow], list[str]]:
    header = []
    for first in reader:
        if first:  # blank lines before the header are skipped
            header = [h.strip().lower() for h in first]
            break
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [
            f"The first row must name the columns period_end, value and (optionally) note: missing {', '.join(missing)}"
        ]
    rows: list[ManualRow] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    records = (dict(zip(header, cells, strict=False)) for cells in reader if cells)
    for number, raw in enumerate(records, start=2):
        if number - 1 > MAX_ROWS:
            errors.append(f"The file has more than {MAX_ROWS} rows: split it into smaller files")
            break
        period_text = (raw.get("period_end") or "").strip()
        value_text = (raw.get("value") or "").strip().replace(",", "")
        note = (raw.get("note") or "").strip()
        try:
            period_end = date.fromisoformat(period_text)
        except ValueError:
            errors.append(
                f"Row {number}, column period_end: must be a date in the form YYYY-MM-DD (got {period_text!r})"
            )
            period_end = None
        try:
            value = float(value_text)
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            errors.append(f"Row {number}, column value: must be a number (got {value_text[:30]!r})")
            value = None
        if len(note) > 300:
            errors.append(f"Row {number}, column note: must be 300 characters or fewer")
        if period_end and period_end in seen:
            errors.append(f"Row {number}, column period_end: {period_end} is already given in row {seen[period_end]}")
        if period_end:
            seen[period_end] = number
        if period_end and value is not None:
            rows.append(ManualRow(period_end, value, note[:300]))
    if not rows and not errors:
        errors.append("The file has a header row but no values")
    return rows, errors
