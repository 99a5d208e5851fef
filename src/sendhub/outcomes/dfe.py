"""Import DfE's published "Education, health and care plans" release and its statistical neighbours.

The release is a zip (or its unpacked folder) of CSV files in the explore-education-statistics layout: the
standard columns below, then one column per measure. Every (row, measure column) becomes one ``DfeValue``.

Decisions, so the stored figures can be checked against the published ones:

- **Missing is not zero.** ``x`` (unavailable), ``z`` (not applicable) and any other non-numeric text
  (``c``, ``low``, ``:`` ...) are stored as ``value=None`` with the text in ``marker`` (cut to the field's
  ten characters); an empty cell is ``None`` with an empty marker. ``1,234`` is 1234.
- **Which rows.** National and Regional rows are kept with every breakdown (age, sex, placement ... for
  comparing local breakdowns with England); Local authority rows only for the file's total breakdown (see
  ``is_total_breakdown``). All breakdowns of all LAs would be about 4.1 million values for the 2025 release,
  ten times more than benchmarking needs; what is kept is about 450,000. ``all_breakdowns=True`` keeps every
  LA breakdown too. Rows at other geographic levels are skipped.
- **Which year.** ``time_period`` ``2024`` (calendar year) is stored as 2024. An academic-year period
  ``202425`` is stored as **2025**: DfE's academic-year figures (caseload, needs, personal budgets,
  residential and work-based placements) are counts "as at January" of the academic year, i.e. the January
  census of 2025, the year the domain guide and DfE's headlines name (EHC plans in England, January 2025:
  638,745). Any other shape is an error naming the file and line.
- **Columns.** The header must hold ``REQUIRED_COLUMNS``, and ``breakdown_topic`` with ``breakdown`` unless
  it has neither: a file without them (``phase_transfers.csv``, new in 2026) has one row per area and period,
  stored as its total (``BREAKDOWN_TOTAL`` in both). The other standard columns are optional; every remaining
  column is a measure. A measure column repeated in one header (``review_meeting_prior_24`` in
  annual_reviews.csv) keeps its first occurrence, with a warning. Rows are read as lists (``csv.reader``'s
  rows) rather than dicts, which would silently keep the last of such repeated columns.
- **Names, whatever the release.** File and column names are matched in any letter case and stored under
  SEND Hub's names, the 2025 release's spellings, through the alias table in ``dfe_layouts`` (the 2026
  release's ``sen_needs_caseload.csv`` is stored as ``sen_needs_all_plans.csv``, its
  ``pc_plans_issued_20_weeks_ex`` as ``PC_plans_issued_20_weeks_ex``); a column not in the table is stored under
  its own name in lower case, so a new column is kept, never dropped.
- **Bounded reading.** Lines are read through ``csvsafe.csv_rows``: a line longer than ``MAX_LINE_CHARS`` (a
  300 KB zip can hold a line of 300 million commas) is refused, naming the file and line, before it is held in
  memory.
- **All or nothing.** One transaction; a file with a problem stores nothing from any file. Importing a
  release whose checksum is already stored is refused (``DfeAlreadyImported``; ``sendhub dfe import`` reports
  "already imported, nothing changed" and exits 0, so a scheduled import raises no alarm). The newest import is the
  current release; older ones are kept with ``is_current=False``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.db import IntegrityError, connection, transaction

from sendhub.csvsafe import MAX_LINE_CHARS, CsvLimitError, csv_rows
from sendhub.outcomes import dfe_layouts
from sendhub.outcomes.models import DfeRelease, DfeValue, StatisticalNeighbour

REQUIRED_COLUMNS = ("time_period", "geographic_level")
BREAKDOWN_COLUMNS = ("breakdown_topic", "breakdown")  # both, or neither
BREAKDOWN_TOTAL = "Total"  # breakdown_topic and breakdown of the rows of a file without breakdowns
OPTIONAL_COLUMNS = (
    "time_identifier",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
)
STANDARD_COLUMNS = frozenset(REQUIRED_COLUMNS + BREAKDOWN_COLUMNS + OPTIONAL_COLUMNS)
LEVELS = ("National", "Regional", "Local authority")
LOCAL_AUTHORITY = "Local authority"
BATCH_SIZE = 5000
NEIGHBOURS_PER_LA = 10

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")
_META_FIELDS = ("region_code", "region_name", "new_la_code", "old_la_code", "la_name")
# DfeValue's columns in the order _values yields them.
_INSERT_COLUMNS = (
    *("release_id", "source_file", "time_period", "geographic_level"),
    *_META_FIELDS,
    *("breakdown_topic", "breakdown", "measure", "value", "marker"),
)
_MAX = {f.name: f.max_length for f in DfeValue._meta.get_fields() if getattr(f, "max_length", None)}
# What a damaged zip raises while it is opened or a member is read: zipfile's own error, zlib's, a read past the
# end of the file, a seek to a nonsense offset, or a compression method Python cannot read.
_DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)
# PostgreSQL's text columns cannot hold it (SQLite's can), so it is refused everywhere, naming where it is.
NUL = "\x00"


class DfeImportError(Exception):
    """The release (or neighbours file) cannot be imported; the message names the file, row and column."""


class DfeAlreadyImported(DfeImportError):
    """A release with the same checksum is already stored."""

    def __init__(self, release: DfeRelease):
        self.release = release
        super().__init__(
            f"This release is already imported (release #{release.pk}, {release.filename}, imported "
            f"{release.imported_at:%Y-%m-%d %H:%M}); nothing was changed."
        )


@dataclass
class ImportSummary:
    """What one import stored; attached to the returned release as ``release.summary`` (not saved)."""

    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_kept: int = 0
    values: int = 0
    years: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # Names stored under SEND Hub's spelling rather than the release's, e.g. "sen_needs_caseload.csv ->
    # sen_needs_all_plans.csv", "timeliness_20_week.csv: pc_plans_issued_20_weeks_ex -> PC_plans_issued_20_weeks_ex".
    renamed: list[str] = field(default_factory=list)


# Values -------------------------------------------------------------------------------------------------


def parse_value(text: str) -> tuple[float | None, str]:
    """``(value, marker)`` for one published cell: a number, or None with DfE's symbol (``x``, ``z`` ...)."""
    s = text.strip()
    if _NUMBER.fullmatch(s):
        return float(s), ""
    if _THOUSANDS.fullmatch(s):
        return float(s.replace(",", "")), ""
    return None, s[: _MAX["marker"]]


def parse_time_period(text: str) -> int:
    """The year a DfE ``time_period`` names: ``2024`` -> 2024; academic year ``202425`` -> 2025 (January census)."""
    s = text.strip()
    if re.fullmatch(r"\d{4}", s):
        return int(s)
    if re.fullmatch(r"\d{6}", s) and int(s[4:]) == (int(s[:4]) + 1) % 100:
        return int(s[:4]) + 1
    raise ValueError(f"time_period {text!r} is neither a year (2024) nor an academic year (202425)")


def is_total_breakdown(topic: str, breakdown: str) -> bool:
    """True for a file's all-children row: the breakdown repeats its topic ("All EHC plans issued" twice;
    "New EHC plans" twice in newplans.csv), or is named "All ..." or "Total"."""
    b = breakdown.strip().casefold()
    return topic.strip().casefold() == b or b.startswith("all ") or b == "total"


# Reading the release ------------------------------------------------------------------------------------


@dataclass
class _Source:
    name: str  # the file's name, e.g. timeliness_20_week.csv
    label: str  # where it is, for messages, e.g. dfe.zip:data/timeliness_20_week.csv
    open_bytes: object  # () -> binary stream

    @property
    def stored_name(self) -> str:
        """SEND Hub's name for the file (``sen_needs_caseload.csv`` -> ``sen_needs_all_plans.csv``)."""
        return dfe_layouts.stored_file_name(self.name)[: _MAX["source_file"]]


class _CountedLines:
    """The text stream ``csv_rows`` reads, counting the lines it has handed over.

    ``csv_rows`` does not expose ``csv.reader``'s ``line_num``; once a row is yielded the reader has read exactly
    the lines of the rows so far, so the count is the line the row ends on, for messages.
    """

    __slots__ = ("_readline", "lines")

    def __init__(self, stream: io.TextIOBase):
        self._readline = stream.readline
        self.lines = 0

    def readline(self, size: int = -1) -> str:
        line = self._readline(size)
        if line:
            self.lines += 1
        return line


def _sources(path: Path, stack: ExitStack) -> tuple[list[_Source], str]:
    """The CSV files of a release (zip or folder) and the release's SHA-256 checksum; ``stack`` closes the zip."""
    if path.is_dir():
        folder = path / "data" if (path / "data").is_dir() else path
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
        if not files:
            raise DfeImportError(f"{path}: no CSV files in the folder (looked in {folder})")
        digest = hashlib.sha256()
        for p in files:
            digest.update(p.name.encode() + b"\0")
            with p.open("rb") as fh:
                for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    digest.update(chunk)
        return [_Source(p.name, str(p), lambda p=p: p.open("rb")) for p in files], digest.hexdigest()
    if not path.is_file():
        raise DfeImportError(f"{path}: no such file or folder")
    if not zipfile.is_zipfile(path):
        raise DfeImportError(f"{path}: not a zip file or a folder of CSV files")
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    try:
        archive = stack.enter_context(zipfile.ZipFile(path))
        names = [n for n in archive.namelist() if not n.endswith("/") and n.lower().endswith(".csv")]
    except _DAMAGED_ZIP as exc:
        raise DfeImportError(f"{path}: a damaged zip file ({exc})") from exc
    in_data = [n for n in names if PurePosixPath(n).parent.name == "data"]
    at_root = [n for n in names if "/" not in n]
    chosen = sorted(in_data or at_root)
    if not chosen:
        raise DfeImportError(f"{path}: no CSV files in the zip (looked for data/*.csv, then *.csv at the top)")
    encrypted = [n for n in chosen if archive.getinfo(n).flag_bits & 0x1]
    if encrypted:
        raise DfeImportError(f"{path}: {encrypted[0]} is encrypted; import the release as DfE publishes it")
    return [_Source(PurePosixPath(n).name, f"{path.name}:{n}", lambda n=n: archive.open(n)) for n in chosen], (
        digest.hexdigest()
    )


@dataclass
class _Header:
    index: dict[str, int]  # standard column -> position
    measures: list[tuple[str, int]]  # (stored measure name, position), first occurrence of each
    width: int


def _read_header(source: _Source, reader: Iterator[list[str]], summary: ImportSummary) -> _Header:
    try:
        header = next(reader)
    except StopIteration:
        raise DfeImportError(f"{source.label}: the file is empty (no header row)") from None
    header = [h.strip() for h in header]
    if any(NUL in h for h in header):
        raise DfeImportError(f"{source.label}: the header contains a NUL character, so this is not a CSV file")
    keys = [h.lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    if missing:
        raise DfeImportError(
            f"{source.label}: the header has no {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''} (needs {', '.join(REQUIRED_COLUMNS)})"
        )
    present = [c for c in BREAKDOWN_COLUMNS if c in keys]
    if len(present) == 1:
        absent = next(c for c in BREAKDOWN_COLUMNS if c not in keys)
        raise DfeImportError(
            f"{source.label}: the header has {present[0]} but no {absent} column (a file has both, or neither "
            "when each row is an area's total)"
        )
    file_name = source.stored_name
    if file_name != source.name:
        summary.renamed.append(f"{source.name} -> {file_name}")
    index: dict[str, int] = {}
    measures: list[tuple[str, int]] = []
    seen: dict[str, int] = {}
    for pos, (name, key) in enumerate(zip(header, keys, strict=True)):
        if key in STANDARD_COLUMNS:
            index.setdefault(key, pos)
            continue
        if not name:
            raise DfeImportError(f"{source.label}: header column {pos + 1} has no name")
        stored = dfe_layouts.stored_column_name(file_name, name)
        if len(stored) > _MAX["measure"]:
            raise DfeImportError(f"{source.label}: measure column {name!r} is longer than {_MAX['measure']} characters")
        if stored in seen:
            what = repr(name) if stored == key else f"{name!r} (SEND Hub's {stored})"
            summary.warnings.append(
                f"{source.label}: column {what} repeats column {seen[stored] + 1} (column {pos + 1}); the first is used"
            )
            continue
        if stored != name:
            summary.renamed.append(f"{file_name}: {name} -> {stored}")
        seen[stored] = pos
        measures.append((stored, pos))
    if not measures:
        raise DfeImportError(f"{source.label}: the header has no measure columns after the standard ones")
    return _Header(index, measures, len(header))


def _values(source: _Source, release: DfeRelease, summary: ImportSummary, all_breakdowns: bool) -> Iterator[tuple]:
    """Stream one CSV and yield a row of ``_INSERT_COLUMNS`` per kept (row, measure)."""
    try:
        with source.open_bytes() as raw:
            lines = _CountedLines(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
            reader = csv_rows(lines, source=source.label, max_line_chars=MAX_LINE_CHARS)
            header = _read_header(source, reader, summary)
            col = header.index
            pos_level, pos_topic, pos_breakdown = col["geographic_level"], *(col.get(c) for c in BREAKDOWN_COLUMNS)
            meta_pos = [(name, col[name], _MAX[name]) for name in _META_FIELDS if name in col]
            release_id, file_name = release.pk, source.stored_name
            rows = 0
            for row in reader:
                line = lines.lines
                if not any(cell.strip() for cell in row):
                    continue
                rows += 1
                if len(row) != header.width:
                    raise DfeImportError(
                        f"{source.label}, line {line}: {len(row)} fields where the header has {header.width}"
                    )
                if any(NUL in cell for cell in row):
                    raise DfeImportError(f"{source.label}, line {line}: a NUL character, which no published file has")
                level = row[pos_level].strip()
                if level not in LEVELS:
                    continue
                if pos_topic is None:
                    topic = breakdown = BREAKDOWN_TOTAL
                else:
                    topic, breakdown = row[pos_topic].strip(), row[pos_breakdown].strip()
                if level == LOCAL_AUTHORITY and not all_breakdowns and not is_total_breakdown(topic, breakdown):
                    continue
                try:
                    year = parse_time_period(row[col["time_period"]])
                except ValueError as exc:
                    raise DfeImportError(f"{source.label}, line {line}, column time_period: {exc}") from None
                meta = {"region_code": "", "region_name": "", "new_la_code": "", "old_la_code": "", "la_name": ""}
                for name, pos, limit in meta_pos:
                    value = row[pos].strip()
                    if len(value) > limit:
                        raise DfeImportError(
                            f"{source.label}, line {line}, column {name}: {value[:40]!r} is longer than "
                            f"{limit} characters"
                        )
                    meta[name] = value
                if len(topic) > _MAX["breakdown_topic"] or len(breakdown) > _MAX["breakdown"]:
                    raise DfeImportError(
                        f"{source.label}, line {line}: breakdown_topic or breakdown is longer than "
                        f"{_MAX['breakdown_topic']} / {_MAX['breakdown']} characters"
                    )
                if level == LOCAL_AUTHORITY and not (meta["old_la_code"] or meta["new_la_code"]):
                    raise DfeImportError(
                        f"{source.label}, line {line}: a Local authority row with neither old_la_code nor new_la_code"
                    )
                common = (release_id, file_name, year, level, *(meta[n] for n in _META_FIELDS), topic, breakdown)
                summary.rows_kept += 1
                summary.years.add(year)
                for measure, pos in header.measures:
                    value, marker = parse_value(row[pos])
                    yield (*common, measure, value, marker)
            if rows == 0:
                raise DfeImportError(f"{source.label}: the file has a header but no data rows")
            summary.rows_read += rows
    except UnicodeDecodeError as exc:
        raise DfeImportError(f"{source.label}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except CsvLimitError as exc:  # its message names the file and line
        raise DfeImportError(str(exc)) from None
    except csv.Error as exc:
        raise DfeImportError(f"{source.label}: not a readable CSV file ({exc})") from None
    except _DAMAGED_ZIP as exc:
        raise DfeImportError(f"{source.label}: the file could not be read, the zip may be damaged ({exc})") from None


def import_release(path: str | Path, *, all_breakdowns: bool = False) -> DfeRelease:
    """Import a DfE EHC plans release from its zip or folder; return the new, current ``DfeRelease``.

    Raises ``DfeImportError`` (``DfeAlreadyImported`` for a release already stored); on any error nothing is
    stored. The returned release carries an unsaved ``summary`` (``ImportSummary``) for reporting.
    """
    started = time.perf_counter()
    path = Path(path)
    with ExitStack() as stack:
        release = _import(path, stack, all_breakdowns)
    release.summary.seconds = time.perf_counter() - started
    return release


def _import(path: Path, stack: ExitStack, all_breakdowns: bool) -> DfeRelease:
    sources, checksum = _sources(path, stack)
    existing = DfeRelease.objects.filter(checksum=checksum).first()
    if existing is not None:
        raise DfeAlreadyImported(existing)
    stored: dict[str, _Source] = {}
    for source in sources:
        other = stored.setdefault(source.stored_name, source)
        if other is not source:  # e.g. 2025's sen_needs_all_plans.csv beside 2026's sen_needs_caseload.csv
            raise DfeImportError(
                f"{path}: {other.label} and {source.label} are the same DfE file under two releases' names "
                f"({source.stored_name}); import one release at a time"
            )
    summary = ImportSummary(files=[s.name for s in sources])
    try:
        with transaction.atomic():
            release = DfeRelease.objects.create(filename=path.name[:255], checksum=checksum, is_current=True)
            with connection.cursor() as cursor, _writer(cursor) as write:
                batch: list[tuple] = []
                for source in sources:
                    for value in _values(source, release, summary, all_breakdowns):
                        batch.append(value)
                        if len(batch) >= BATCH_SIZE:
                            write(batch)
                            summary.values += len(batch)
                            batch.clear()
                if batch:
                    write(batch)
                    summary.values += len(batch)
            if not summary.values:
                raise DfeImportError(f"{path}: no National, Regional or Local authority rows to import")
            release.latest_year = max(summary.years)
            release.row_count = summary.values
            release.save(update_fields=["latest_year", "row_count"])
            DfeRelease.objects.exclude(pk=release.pk).filter(is_current=True).update(is_current=False)
    except IntegrityError:
        existing = DfeRelease.objects.filter(checksum=checksum).first()
        if existing is not None:  # imported by someone else meanwhile
            raise DfeAlreadyImported(existing) from None
        raise
    release.summary = summary
    return release


@contextmanager
def _writer(cursor) -> Iterator[Callable[[list[tuple]], None]]:
    """A function that stores batches of ``_INSERT_COLUMNS`` rows in DfeValue's table.

    About 450,000 values are stored per release. bulk_create, which builds a model instance and compiles SQL
    for every value, took over 30 s for them on SQLite; plain rows take a few seconds: ``COPY`` on PostgreSQL,
    ``executemany`` elsewhere. Table and column names come from the model; DfeValue has no signals, history or
    defaults that this bypasses.
    """
    columns = {f.name: f.column for f in DfeValue._meta.concrete_fields}
    columns |= {f.attname: f.column for f in DfeValue._meta.concrete_fields}
    quote = connection.ops.quote_name
    table = quote(DfeValue._meta.db_table)
    names = ", ".join(quote(columns[name]) for name in _INSERT_COLUMNS)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:

            def write(rows: list[tuple]) -> None:
                for row in rows:
                    copy.write_row(row)

            yield write
        return
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS))})"  # noqa: S608 # nosec B608
    yield lambda rows: cursor.executemany(insert, rows)


def current_release() -> DfeRelease | None:
    """The newest imported release marked current, if any."""
    return DfeRelease.objects.filter(is_current=True).order_by("-imported_at", "-pk").first()


# Statistical neighbours ---------------------------------------------------------------------------------


def import_neighbours(path: str | Path) -> int:
    """Replace every StatisticalNeighbour with those in ``path``; return how many were stored.

    Layout (DfE's statistical neighbours, transposed): the header row names each LA, and the 10 rows below
    give its neighbours, closest first. Rows after the 10th must be empty.
    """
    path = Path(path)
    if not path.is_file():
        raise DfeImportError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv_rows(fh, source=str(path), max_line_chars=MAX_LINE_CHARS))
    except UnicodeDecodeError as exc:
        raise DfeImportError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except CsvLimitError as exc:  # its message names the file and line
        raise DfeImportError(str(exc)) from None
    except csv.Error as exc:
        raise DfeImportError(f"{path}: not a readable CSV file ({exc})") from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise DfeImportError(f"{path}: the file is empty (no header row of LA names)")
    for line, r in enumerate(rows, start=1):
        if any(NUL in c for c in r):
            raise DfeImportError(f"{path}, row {line}: a NUL character, so this is not a CSV file of LA names")
    header = [h.strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    name_max = StatisticalNeighbour._meta.get_field("la_name").max_length
    seen: dict[str, int] = {}
    objects: list[StatisticalNeighbour] = []
    for col, la_name in enumerate(header):
        where = f"column {col + 1} ({la_name!r})"
        if not la_name:
            raise DfeImportError(f"{path}: column {col + 1} has no LA name in the header")
        if la_name in seen:
            raise DfeImportError(f"{path}: {where} repeats column {seen[la_name] + 1}")
        if len(la_name) > name_max:
            raise DfeImportError(f"{path}: {where}: the name is longer than {name_max} characters")
        seen[la_name] = col
        cells = [(r[col].strip() if col < len(r) else "") for r in rows[1:]]
        names = cells[:NEIGHBOURS_PER_LA]
        for rank, name in enumerate(names, start=1):
            if not name:
                raise DfeImportError(
                    f"{path}: {where}, row {rank + 1}: no neighbour name; each LA needs {NEIGHBOURS_PER_LA}"
                )
            if len(name) > name_max:
                raise DfeImportError(f"{path}: {where}, row {rank + 1}: longer than {name_max} characters")
            if name in names[: rank - 1]:
                raise DfeImportError(f"{path}: {where}, row {rank + 1}: {name!r} is listed twice")
            objects.append(StatisticalNeighbour(la_name=la_name, neighbour_name=name, rank=rank))
        if len(names) < NEIGHBOURS_PER_LA:
            raise DfeImportError(
                f"{path}: {where} has {len(names)} neighbours (rows 2-{len(names) + 1}); "
                f"each LA needs {NEIGHBOURS_PER_LA}"
            )
        extra = [(i, c) for i, c in enumerate(cells[NEIGHBOURS_PER_LA:], start=NEIGHBOURS_PER_LA + 2) if c]
        if extra:
            raise DfeImportError(
                f"{path}: {where}, row {extra[0][0]}: {extra[0][1]!r} is an 11th neighbour; "
                f"each LA has exactly {NEIGHBOURS_PER_LA}"
            )
    for line, r in enumerate(rows[1:], start=2):
        stray = [c for c in r[len(header) :] if c.strip()]
        if stray:
            raise DfeImportError(f"{path}, row {line}: {stray[0]!r} is in a column with no LA name in the header")
    with transaction.atomic():
        StatisticalNeighbour.objects.all().delete()
        StatisticalNeighbour.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    return len(objects)
