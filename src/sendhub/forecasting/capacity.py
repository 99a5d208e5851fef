"""Reading specialist capacity from a CSV file: every problem names its row, column and rule.

Columns (header row, any order, case-insensitive): ``year`` (the January the places are for), ``group`` (a
placement group's code or its name, e.g. ``maintained_special`` or "Maintained special schools"), ``places`` (a
whole number, 0 or more) and, optionally, ``note``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from sendhub.csvsafe import CsvLimitError, csv_rows
from sendhub.forecasting.models import PlacementGroup

REQUIRED_COLUMNS = ("year", "group", "places")
MAX_ROWS = 2000
MAX_LINE_CHARS = 2000
FIRST_YEAR, LAST_YEAR = 2015, 2045
MAX_PLACES = 100_000


@dataclass(frozen=True)
class CapacityRow:
    year: int
    group: str
    places: int
    note: str


def group_from_text(text: str) -> str | None:
    """The group code for a code or a name, ignoring case and surrounding space; None if it is neither."""
    wanted = text.strip().lower()
    for value, label in PlacementGroup.choices:
        if wanted in (value, label.lower()):
            return value
    return None


def check_year(year: int) -> str | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"must be a January from {FIRST_YEAR} to {LAST_YEAR}"
    return None


def check_places(places: int) -> str | None:
    if not 0 <= places <= MAX_PLACES:
        return f"must be a whole number from 0 to {MAX_PLACES:,}"
    return None


def parse_capacity_csv(content: bytes) -> tuple[list[CapacityRow], list[str]]:
    """Rows and errors; with any error the caller must save nothing."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The file is not UTF-8 text: save it as 'CSV UTF-8' and try again"]
    if not text.strip():
        return [], ["The file is empty"]
    try:
        reader = csv_rows(
            io.StringIO(text, newline=""),
            source="The file",
            max_line_chars=MAX_LINE_CHARS,
            max_row_chars=MAX_LINE_CHARS,
        )
        return _parse(reader)
    except CsvLimitError as error:
        return [], [str(error)]


def _parse(reader) -> tuple[list[CapacityRow], list[str]]:
    header: list[str] = []
    for first in reader:
        if first:
            header = [h.strip().lower() for h in first]
            break
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [
            f"The first row must name the columns year, group, places and (optionally) note: missing "
            f"{', '.join(missing)}"
        ]
    rows: list[CapacityRow] = []
    errors: list[str] = []
    seen: dict[tuple[int, str], int] = {}
    groups = "; ".join(f"{value} ({label})" for value, label in PlacementGroup.choices)
    for number, cells in enumerate((c for c in reader if any(x.strip() for x in c)), start=2):
        if number - 1 > MAX_ROWS:
            errors.append(f"The file has more than {MAX_ROWS} rows: split it into smaller files")
            break
        raw = dict(zip(header, cells, strict=False))
        year_text = (raw.get("year") or "").strip()
        group_text = (raw.get("group") or "").strip()
        places_text = (raw.get("places") or "").strip().replace(",", "")
        note = (raw.get("note") or "").strip()
        year = places = None
        try:
            year = int(year_text)
        except ValueError:
            errors.append(f"Row {number}, column year: must be a year such as 2026 (got {year_text[:20]!r})")
        else:
            if problem := check_year(year):
                errors.append(f"Row {number}, column year: {problem} (got {year})")
                year = None
        group = group_from_text(group_text)
        if group is None:
            errors.append(
                f"Row {number}, column group: {group_text[:60]!r} is not a placement group; use one of {groups}"
            )
        try:
            places = int(places_text)
        except ValueError:
            errors.append(f"Row {number}, column places: must be a whole number (got {places_text[:20]!r})")
        else:
            if problem := check_places(places):
                errors.append(f"Row {number}, column places: {problem} (got {places})")
                places = None
        if len(note) > 300:
            errors.append(f"Row {number}, column note: must be 300 characters or fewer")
        if year is not None and group is not None:
            if (year, group) in seen:
                errors.append(f"Row {number}: {group} for {year} is already given in row {seen[year, group]}")
            else:
                seen[year, group] = number
        if year is not None and group is not None and places is not None and len(note) <= 300:
            rows.append(CapacityRow(year, group, places, note))
    if not rows and not errors:
        errors.append("The file has a header row but no capacity rows")
    return rows, errors
