"""Reading ONS's sub-national population projections (the CSV as published, e.g. "2018 SNPP Population
persons.csv"): one row per area, sex and age group, one column per mid-year.

Columns used: ``AREA_CODE`` (the nine-character ONS code, matched to ``LocalArea.ons_code``), ``SEX`` (``persons``
is used when present, else males and females are added), ``AGE_GROUP`` (single years ``0`` .. ``89``; ``90 and
over`` and ``All ages`` are skipped) and every column named by a four-digit year. ``AREA_NAME`` and ``COMPONENT``
may be present (only ``Population`` rows are read when ``COMPONENT`` is). Only ages 0-25 of areas SEND Hub holds are
kept.
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sendhub.csvsafe import CsvLimitError, csv_rows

MAX_AGE = 25
MAX_LINE_CHARS = 5000
REQUIRED = ("area_code", "sex", "age_group")


@dataclass
class PopulationFile:
    # (ONS code, year, age) -> people
    values: dict[tuple[str, int, int], float] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _cell(cells: list[str], index: dict[str, int], name: str) -> str:
    position = index[name]
    return cells[position].strip() if position < len(cells) else ""


def parse_population_csv(content: bytes, *, codes: set[str]) -> PopulationFile:
    out = PopulationFile()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.errors.append("The file is not UTF-8 text: save it as 'CSV UTF-8' and try again")
        return out
    if not text.strip():
        out.errors.append("The file is empty")
        return out
    try:
        rows = csv_rows(io.StringIO(text, newline=""), source="The file", max_line_chars=MAX_LINE_CHARS,
                        max_row_chars=MAX_LINE_CHARS)
        header = next((r for r in rows if r), [])
        names = [h.strip().lower() for h in header]
        missing = [c.upper() for c in REQUIRED if c not in names]
        year_columns = [(i, int(h)) for i, h in enumerate(names) if re.fullmatch(r"\d{4}", h)]
        if missing or not year_columns:
            out.errors.append(
                "This is not ONS's sub-national population projections CSV: the first row must name AREA_CODE, SEX, "
                "AGE_GROUP and the years (e.g. 2025)"
                + (f"; missing {', '.join(missing)}" if missing else "; no year columns")
            )
            return out
        out.years = [y for _, y in year_columns]
        index = {n: i for i, n in enumerate(names)}
        sums: dict[tuple[str, str, int, int], float] = defaultdict(float)
        for number, cells in enumerate(rows, start=2):
            if not any(c.strip() for c in cells):
                continue
            if "component" in index and _cell(cells, index, "component").lower() not in ("", "population"):
                continue
            code = _cell(cells, index, "area_code")
            sex = _cell(cells, index, "sex").lower()
            age_text = _cell(cells, index, "age_group")
            if code not in codes or not age_text.isdigit() or int(age_text) > MAX_AGE:
                continue
            if sex not in ("persons", "males", "females", "male", "female", "all"):
                out.errors.append(f"Row {number}, column SEX: {sex[:20]!r} is not persons, males or females")
                continue
            kind = "persons" if sex in ("persons", "all") else "parts"
            for i, year in year_columns:
                raw = cells[i].strip().replace(",", "") if i < len(cells) else ""
                try:
                    value = float(raw)
                    if not math.isfinite(value) or value < 0:
                        raise ValueError
                except ValueError:
                    out.errors.append(f"Row {number}, column {year}: must be a number of people (got {raw[:20]!r})")
                    break
                sums[code, kind, year, int(age_text)] += value
        for (code, kind, year, age), value in sums.items():
            if kind == "persons" or (code, "persons", year, age) not in sums:
                out.values[code, year, age] = value
    except CsvLimitError as error:
        out.errors.append(str(error))
    if not out.errors and not out.values:
        out.errors.append("The file has no ages 0 to 25 for any area SEND Hub holds (matched by ONS code, e.g. "
                          "E10000017)")
    return out


def joiner_scale(population: dict[tuple[int, int], float], *, base_year: int, year: int) -> dict[int, float]:
    """{age: population in ``year`` / population in ``base_year``} for the person-level model's joiners."""
    out = {}
    for (y, age), people in population.items():
        if y == year and population.get((base_year, age)):
            out[age] = people / population[base_year, age]
    return out
