"""Reading a GIAS "establishment fields" CSV (``edubasealldataYYYYMMDD.csv``) as GIAS publishes it.

Pure: rows in, checked ``EstablishmentFacts`` (or problems naming the line and column) out; the database writes
are in ``services.py``. GIAS encodes the file in Windows-1252 and writes dates as ``dd-mm-yyyy``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from datetime import date, datetime

from sendhub.csvsafe import CsvLimitError, csv_rows

ENCODING = "cp1252"
# Column name in GIAS's CSV → our field. The first six are required.
REQUIRED = {
    "URN": "urn",
    "LA (code)": "la_code",
    "EstablishmentName": "name",
    "TypeOfEstablishment (name)": "type_name",
    "EstablishmentTypeGroup (name)": "type_group",
    "EstablishmentStatus (name)": "status",
}
OPTIONAL = {
    "PhaseOfEducation (name)": "phase",
    "UKPRN": "ukprn",
    "OpenDate": "open_date",
    "CloseDate": "close_date",
    "Postcode": "postcode",
    "TypeOfResourcedProvision (name)": "resourced_provision",
}
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
_FILE_DATE = re.compile(r"(\d{8})")
MAX_PROBLEMS = 200
_LENGTHS = {"name": 200, "type_name": 80, "type_group": 80, "phase": 40, "status": 40, "postcode": 8,
            "resourced_provision": 80}


class GiasFileError(ValueError):
    """The file cannot be read as a GIAS extract; ``problems`` lists each one (line, column, rule)."""

    def __init__(self, problems: list[str], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__("; ".join(problems[:3]) + (f" (and {self.total - 3} more)" if self.total > 3 else ""))


@dataclass(frozen=True)
class EstablishmentFacts:
    urn: int
    la_code: str
    name: str
    type_name: str
    type_group: str
    status: str
    phase: str = ""
    ukprn: str = ""
    open_date: date | None = None
    close_date: date | None = None
    postcode: str = ""
    resourced_provision: str = ""

    def fingerprint(self) -> tuple:
        """What a new version is opened for when it changes (everything but the URN)."""
        return astuple(self)[1:]


def extract_date_from_filename(filename: str) -> date | None:
    """``edubasealldata20250103.csv`` → 3 January 2025; None when the name holds no valid YYYYMMDD."""
    for match in _FILE_DATE.finditer(filename):
        try:
            return datetime.strptime(match.group(1), "%Y%m%d").date()
        except ValueError:
            continue
    return None


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def read_extract(data: bytes, *, source: str) -> list[EstablishmentFacts]:
    """Every establishment in the file, or GiasFileError listing the problems (up to ``MAX_PROBLEMS``)."""
    text = data.decode(ENCODING, errors="strict") if not data.startswith(b"\xef\xbb\xbf") else data[3:].decode()
    try:
        return _facts(csv_rows(io.StringIO(text, newline=""), source=source), source=source)
    except CsvLimitError as error:
        raise GiasFileError([str(error)]) from error


def _facts(rows: Iterable[list[str]], *, source: str) -> list[EstablishmentFacts]:
    rows = iter(rows)
    header = next(rows, None)
    if not header:
        raise GiasFileError([f"{source}: the file is empty; expected GIAS's header line (URN, LA (code), ...)"])
    position = {name.strip(): index for index, name in enumerate(header)}
    missing = [name for name in REQUIRED if name not in position]
    if missing:
        raise GiasFileError([
            f"{source}: the header has no column {', '.join(repr(m) for m in missing)}; this is not a GIAS "
            "'establishment fields' extract (download 'all establishment data' from Get Information About Schools)"
        ])
    columns = {**REQUIRED, **OPTIONAL}
    present = {field: position[name] for name, field in columns.items() if name in position}
    names = {field: name for name, field in columns.items()}
    problems: list[str] = []
    total = 0
    seen: dict[int, int] = {}
    facts: list[EstablishmentFacts] = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {field: (row[index].strip() if index < len(row) else "") for field, index in present.items()}
        row_problems = _check(values, names)
        urn = values["urn"]
        if not row_problems and int(urn) in seen:
            row_problems.append(f"URN {urn} is also on line {seen[int(urn)]}; each establishment appears once")
        if row_problems:
            total += len(row_problems)
            problems += [f"{source} line {line}: {p}" for p in row_problems][: max(0, MAX_PROBLEMS - len(problems))]
            continue
        seen[int(urn)] = line
        facts.append(_build(values))
    if total:
        raise GiasFileError(problems, total)
    return facts


def _check(values: dict[str, str], names: dict[str, str]) -> list[str]:
    problems = []
    if not values["urn"].isdigit() or not 100000 <= int(values["urn"]) <= 9999999:
        problems.append(f"column 'URN' is {values['urn']!r}; a URN is a number of six or seven digits")
    if values["la_code"] and not (values["la_code"].isdigit() and len(values["la_code"]) == 3):
        problems.append(f"column 'LA (code)' is {values['la_code']!r}; an LA code is three digits")
    for field in ("name", "type_name", "type_group"):
        if not values[field]:
            problems.append(f"column {names[field]!r} is empty")
    ukprn = values.get("ukprn", "")
    if ukprn and not (ukprn.isdigit() and len(ukprn) == 8):
        problems.append(f"column 'UKPRN' is {ukprn!r}; a UKPRN is eight digits")
    for field in ("open_date", "close_date"):
        if values.get(field):
            try:
                _parse_date(values[field])
            except ValueError:
                problems.append(f"column {names[field]!r} is {values[field]!r}; expected a date as dd-mm-yyyy")
    for field, limit in _LENGTHS.items():
        if len(values.get(field, "")) > limit:
            problems.append(f"column {names[field]!r} is longer than {limit} characters")
    return problems


def _build(values: dict[str, str]) -> EstablishmentFacts:
    dates = {f: (_parse_date(values[f]) if values.get(f) else None) for f in ("open_date", "close_date")}
    return EstablishmentFacts(
        urn=int(values["urn"]),
        la_code=values["la_code"],
        name=values["name"],
        type_name=values["type_name"],
        type_group=values["type_group"],
        status=values["status"],
        phase=values.get("phase", ""),
        ukprn=values.get("ukprn", ""),
        postcode=values.get("postcode", "").upper(),
        resourced_provision=values.get("resourced_provision", ""),
        **dates,
    )
