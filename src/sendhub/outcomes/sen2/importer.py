"""Import a SEN2 return: stream → parse → validate → minimise → store, in one pass and one transaction.

``import_sen2(stream=..., filename=..., area=...)`` returns an ``ImportResult``. The design, and why:

- **One pass, constant memory.** The file is read once with ``iterparse`` (``parser.iter_sen2_elements``) while
  its SHA-256 is computed (``pipeline.read_rows``). Each person becomes minimised rows at once and rows are
  written in batches, so memory does not grow with the file.
- **A fast path for valid persons.** Most persons have no problem at all: ``rows.RowBuilder.build`` reads such a
  person in one pass and certifies it against every rule; anything else (a warning, an error, an odd value) goes
  through the exact path (``parser.person_from_element`` → ``validate.check_person``), which words every
  problem. The rules and messages are one table (``rules``); the fast path only accepts persons it passes cleanly.
- **Parsing overlaps writing.** Files of ``PARSER_PROCESS_MIN_BYTES`` or more are read in a forked parser process
  that sends minimised rows down a pipe while this process writes them (``_read_in_parser_processes``); from
  ``TWO_PARTS_MIN_BYTES``, when the file allows it, in two, each reading half of the file (``split``), so that
  parsing uses both cores of a two-core machine while this process writes. The database connection and the
  transaction never leave this process, so atomicity is unchanged; if the two parts do not fit together as the
  whole file (a file error, say), what they wrote is rolled back to a savepoint and the file is read in one.
- **A file with any error stores nothing.** Everything happens inside one transaction. At the first error the
  importer stops writing but keeps reading to report *every* problem (the lists kept are capped at
  ``MAX_PROBLEMS`` each, with the total counted); at the end the transaction is rolled back. Reading the file
  twice (validate, then store) would cost a second parse on every good file; rolling back costs only on bad ones.
  If the parser process fails or dies, the import raises and rolls back too.
- **Fast inserts.** Rows are tuples written with one multi-row statement per batch and table: ``executemany`` on
  SQLite, ``COPY`` on PostgreSQL, with primary keys assigned by the importer (from the table's maximum under
  SQLite's write lock; on PostgreSQL from the identity sequence, a block of 1,000 per ``nextval``) so that
  requests can point at persons and active plans at requests without reading anything back. Columns are checked
  against the models' ``_meta``. The tables have no foreign-key constraints (per-row triggers were a fifth of a
  PostgreSQL import): before committing, ``writer._check_links`` checks with one query per table that every row
  links to a parent in the same return, and raises ``LinkError`` (so nothing is stored) if not.
- **Supersede.** When the new return is stored, the area's previous current return for the same collection
  year is marked superseded (``is_current`` false, ``superseded_at`` now); its ``MeasureValue`` rows stay as
  history. Its person-level rows (persons, requests, active plans) are deleted only once the new return has
  committed (``transaction.on_commit``, ``writer.sen2_superseded_rows_delete``), so that nothing of the old
  return is gone until the new one is really there; if that deletion fails or the process dies first, the next
  import for the year, or the retention rule for superseded returns, deletes them.
- **A much smaller return needs confirming.** A return with no persons, or with fewer than half the persons of
  the current return it would supersede, is refused (``ShrinkRefusal``, with both counts) and rolled back unless
  the caller passes ``allow_shrink=True`` (``--allow-shrink``, or the confirmation step of the upload page): an
  export cut short by the case management system would otherwise replace a whole return at once.
- **Minimisation.** Names are never read into the rows; birth date, postcode, UPN and ULN become ages, the
  postcode district and a keyed hash (``settings.SENDHUB_PERSON_KEY``) in the process that parses, so only
  minimised rows cross the pipe. Logs carry counts and timings only.
"""

from __future__ import annotations

import gc
import io
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sendhub.accounts.models import LocalArea
from sendhub.outcomes.models import Sen2Return

from .parser import HashingReader
from .pipeline import MAX_PROBLEMS, Problems, Sink, parser_process, read_rows, receive, unknown_item_rule
from .rows import PersonRows
from .split import CLOSING, FileView, PartReader, count_persons, file_view, find_cut
from .validate import ERROR, WARNING, HeaderInfo
from .writer import LinkError as LinkError  # raised from here: callers catch importer.LinkError
from .writer import _check_links, _Writer, sen2_superseded_rows_delete

logger = logging.getLogger(__name__)

# Files at least this big are parsed in a second process (``None``: never); smaller ones gain too little to pay
# for starting it.
PARSER_PROCESS_MIN_BYTES: int | None = 4 * 1024 * 1024
# Files at least this big are read as two parts in two parser processes, when they allow it (see ``split``).
TWO_PARTS_MIN_BYTES: int | None = 8 * 1024 * 1024
# Persons per message from the parser process: small enough that writing starts soon after parsing does.
PIPE_BATCH_PERSONS = 500
_GC_THRESHOLD = 50_000  # allocations between collections while rows stream (Python's default is 700)
PIPE_BYTES = 1 << 20  # the pipe's buffer (Linux's default most); a message of 500 persons is about 130 kB


# A return with fewer persons than this share of the current return's is refused unless confirmed.
SHRINK_SHARE = 0.5


@dataclass(frozen=True)
class ShrinkRefusal:
    """Why a return with no errors was not stored: it has no persons, or fewer than ``SHRINK_SHARE`` of the
    persons of the area's current return for its year (``current_*`` are ``None`` when there is none)."""

    collection_year: int
    persons: int
    current_return_id: int | None = None
    current_persons: int | None = None
    current_filename: str = ""
    current_imported_at: datetime | None = None

    @property
    def message(self) -> str:
        if self.current_return_id is None:
            return (
                f"This {self.collection_year} return has no Person records. A return with no persons is imported "
                "only when you confirm it. Nothing was stored."
            )
        imported = timezone.localtime(self.current_imported_at)
        current = (
            f"the current {self.collection_year} return ({self.current_filename}, imported "
            f"{imported.day} {imported:%B %Y}) has {self.current_persons:,}"
        )
        if self.persons == 0:
            found = f"This return has no Person records, and {current}."
        else:
            found = f"This return has {self.persons:,} persons, fewer than half as many as {current}."
        return (
            f"{found} Importing it would supersede the current return and delete its person-level records, "
            "so it is imported only when you confirm it; a superseded return can be restored only from a backup "
            "(sendhub restore). Nothing was stored."
        )

    def as_problem(self) -> dict:
        return {"position": 0, "path": "Message/Persons", "rule": self.message, "severity": ERROR}


def shrink_refusal(*, area: LocalArea, collection_year: int, persons: int) -> ShrinkRefusal | None:
    """The refusal for a return of ``persons`` persons for ``area`` and the year, or ``None`` if it may be stored."""
    current = (
        Sen2Return.objects.filter(area=area, collection_year=collection_year, is_current=True)
        .only("pk", "person_count", "filename", "imported_at")
        .first()
    )
    if persons and (current is None or persons >= current.person_count * SHRINK_SHARE):
        return None
    if current is None:
        return ShrinkRefusal(collection_year, persons)
    return ShrinkRefusal(
        collection_year, persons, current.pk, current.person_count, current.filename, current.imported_at
    )


@dataclass
class ImportResult:
    sen2_return: Sen2Return | None = None
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    shrink: ShrinkRefusal | None = None  # refused as much smaller than the current return (not confirmed)

    @property
    def ok(self) -> bool:
        return self.sen2_return is not None

    @property
    def error_count(self) -> int:
        return self.counts.get("errors", len(self.errors))

    @property
    def warning_count(self) -> int:
        return self.counts.get("warnings", len(self.warnings))


class _Rollback(Exception):
    """Raised inside the transaction to undo everything written for a file with errors."""


class _Shrunk(_Rollback):
    """Raised inside the transaction to undo a return refused as much smaller than the current one."""

    def __init__(self, refusal: ShrinkRefusal):
        super().__init__(refusal.message)
        self.refusal = refusal


class _DatabaseSink(Sink):
    """Creates the ``Sen2Return`` and writes the rows, in the caller's transaction."""

    def __init__(self, *, area: LocalArea, filename: str, imported_by, progress: Callable[[int], None] | None = None):
        self.area = area
        self.filename = filename
        self.imported_by = imported_by
        self.progress = progress
        self.sen2_return: Sen2Return | None = None
        self.writer: _Writer | None = None
        self.counts = {"persons": 0, "requests": 0, "active_plans": 0}

    def open(self, info: HeaderInfo) -> None:
        self.sen2_return = Sen2Return.objects.create(
            area=self.area,
            collection_year=info.year,
            reference_date=info.reference_date,
            source_software=info.software[:100],
            filename=self.filename[:255],
            checksum="",
            imported_by=self.imported_by,
            is_current=False,
        )
        self.writer = _Writer(self.sen2_return.pk)

    def write(self, batch: list[PersonRows]) -> None:
        persons, requests, plans = self.writer.write_persons(batch)
        self.counts["persons"] += persons
        self.counts["requests"] += requests
        self.counts["active_plans"] += plans
        if self.progress is not None:
            self.progress(self.counts["persons"])


def import_sen2(
    *,
    stream: BinaryIO,
    filename: str,
    area: LocalArea,
    imported_by=None,
    progress: Callable[[int], None] | None = None,
    allow_shrink: bool = False,
) -> ImportResult:
    """Import one SEN2 XML file for ``area``; a file with any error stores nothing (see the module docstring).

    ``progress`` is called with the number of persons written so far (not yet committed) after each batch.
    ``allow_shrink`` stores a return with no persons, or fewer than half those of the current return, which is
    otherwise refused (``result.shrink`` says why, and ``result.errors`` has it as a problem).
    """
    started = time.perf_counter()
    problems = Problems()
    result = ImportResult()
    reader = HashingReader(stream)
    try:
        with transaction.atomic():
            stored = _import(reader, filename, area, imported_by, problems, started, progress, allow_shrink)
            if problems.error_count:
                raise _Rollback
            result.sen2_return = stored
    except _Shrunk as shrunk:
        result.shrink = shrunk.refusal
        problems.extend([shrunk.refusal.as_problem()])
    except _Rollback:
        result.sen2_return = None
    result.errors, result.warnings = problems.errors, problems.warnings
    if result.sen2_return is not None:
        ret = result.sen2_return
        result.counts = {
            "persons": ret.person_count,
            "requests": ret.request_count,
            "active_plans": ret.active_plan_count,
        }
    result.counts.update(errors=problems.error_count, warnings=problems.warning_count)
    result.seconds = time.perf_counter() - started
    logger.info(
        "SEN2 import for area %s: %s persons, %s requests, %s active plans, %s errors, %s warnings in %.2f s",
        area.la_code,
        result.counts.get("persons", 0),
        result.counts.get("requests", 0),
        result.counts.get("active_plans", 0),
        problems.error_count,
        problems.warning_count,
        result.seconds,
    )
    return result


def _import(reader, filename, area, imported_by, problems: Problems, started: float, progress,
            allow_shrink: bool) -> Sen2Return | None:  # fmt: skip
    # Serialise imports for one area (a no-op on SQLite, whose writer lock does the same).
    LocalArea.objects.select_for_update().filter(pk=area.pk).first()
    sink = _DatabaseSink(area=area, filename=filename, imported_by=imported_by, progress=progress)
    options = {"expected_la": area.la_code, "secret": settings.SENDHUB_PERSON_KEY}
    read = None
    if _use_parser_process(reader):
        parts = _plan_parts(reader)
        if parts is not None:
            view, cut, opening = parts
            try:
                with transaction.atomic():  # a savepoint: undone when the parts do not fit together
                    read = _read_in_two_parts(reader, view, cut, opening, sink=sink, problems=problems, **options)
                    if read is None:
                        raise _PartsDoNotFit
            except _PartsDoNotFit:
                sink = _DatabaseSink(area=area, filename=filename, imported_by=imported_by, progress=progress)
                problems.clear()
            finally:
                view.close()
        if read is None:
            read = _read_in_parser_processes([_Parser(reader, **options)], sink, problems)
    else:
        read = read_rows(reader, sink=sink, problems=problems, **options).ok, reader.checksum
    ok, checksum = read
    if not ok or problems.error_count or sink.sen2_return is None:
        return None
    _check_links(sink.sen2_return.pk, sink.counts)
    if not allow_shrink:
        # Checked last, when the file is known to be good: the count is only known at its end, and a file with
        # errors needs correcting before anyone is asked to confirm it.
        refusal = shrink_refusal(area=area, collection_year=sink.sen2_return.collection_year,
                                 persons=sink.counts["persons"])  # fmt: skip
        if refusal is not None:
            raise _Shrunk(refusal)
    return _finish(sink.sen2_return, sink.writer, sink.counts, checksum, problems, started)


# Reading in parser processes ---------------------------------------------------------------------------------


class _PartsDoNotFit(Exception):
    """The two parts of a file could not be read as the whole file would be: it is read in one part instead."""


def _stream_size(stream) -> int | None:
    """The number of bytes left in ``stream`` when that can be known without reading it."""
    size = getattr(stream, "size", None)  # Django's uploaded files
    if isinstance(size, int):
        return size
    try:
        return os.fstat(stream.fileno()).st_size - stream.tell()
    except (AttributeError, OSError, ValueError):
        pass
    if isinstance(stream, io.BytesIO):
        return len(stream.getbuffer()) - stream.tell()
    return None


def _use_parser_process(reader: HashingReader) -> bool:
    """Whether to parse in a forked process: the file must be big enough to gain, and fork safe.

    Fork is only used on Linux and from a process with a single thread: a thread of a threaded web server
    could hold a lock at the moment of the fork that the parser process would then wait for forever.
    """
    if PARSER_PROCESS_MIN_BYTES is None or sys.platform != "linux" or threading.active_count() != 1:
        return False
    size = _stream_size(reader.stream)
    return size is not None and size + len(reader.head) >= PARSER_PROCESS_MIN_BYTES


class _Parser:
    """A forked parser process (``pipeline.parser_process``) reading ``reader``, and the pipe it sends on.

    The parser process never touches the database connection or the transaction, and leaves with ``os._exit``
    so that nothing it inherited is closed or flushed.
    """

    def __init__(self, reader: HashingReader, **options):
        import fcntl  # Linux only, as is the parser process

        receiver, sender = multiprocessing.Pipe(duplex=False)
        try:  # room for several messages, so that a slow moment on this side does not stop the parser at once
            fcntl.fcntl(sender.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except OSError:
            pass
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                # The garbage collector would otherwise walk (and so copy, page by page) everything inherited; and
                # the rows make no cycles, so it need seldom run.
                gc.freeze()
                gc.set_threshold(_GC_THRESHOLD)
                receiver.close()
                parser_process(sender, reader, batch_persons=PIPE_BATCH_PERSONS, **options)
                status = 0
            finally:
                os._exit(status)
        sender.close()
        self.pid, self.conn = pid, receiver
        self.exit_code: int | None = None
        self.done: tuple | None = None  # its last message: ("done", ok, errors, warnings, ...)

    def receive(self) -> tuple:
        try:
            message = receive(self.conn)
        except EOFError:
            self.exit_code = _wait(self.pid)
            raise RuntimeError(f"The SEN2 parser process stopped unexpectedly (exit code {self.exit_code})") from None
        if message[0] == "failed":
            raise RuntimeError(f"The SEN2 parser process failed: {message[1]}")
        if message[0] == "done":
            self.done = message
        return message

    def stop(self) -> None:
        self.conn.close()  # a parser process still sending gets an error and stops
        if self.exit_code is None:
            self.exit_code = _wait(self.pid, seconds=5.0 if self.done else 0.0)


def _read_in_parser_processes(parsers: list[_Parser], sink: _DatabaseSink, problems: Problems) -> tuple[bool, str]:
    """Write the rows the parser processes send while they read: parsing overlaps the inserts.

    This process keeps the transaction, so the import stays atomic: if a parser process fails or dies, this
    raises and everything written rolls back. Messages are batches of ``PIPE_BATCH_PERSONS`` persons and a pipe
    blocks its parser when this side falls behind, so memory stays constant. Only minimised rows, problem
    messages, counts and the checksum cross the pipes. With one parser, its problems become ``problems``; with
    more, the caller merges them (``_read_in_two_parts``). Returns (storable, checksum).
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(_GC_THRESHOLD, *thresholds[1:])  # the rows received make no cycles: collect seldom
    try:
        _pump(parsers, sink)
    finally:
        gc.set_threshold(*thresholds)
        for parser in parsers:
            parser.stop()
    # ("done", ok, errors, warnings, error count, warning count, checksum, persons, unknown items, file error)
    done = parsers[0].done
    if len(parsers) == 1:
        problems.errors, problems.warnings, problems.error_count, problems.warning_count = done[2:6]
    return all(parser.done[1] for parser in parsers), done[6]


def _pump(parsers: list[_Parser], sink: _DatabaseSink) -> None:
    opened = discard = False
    while any(parser.done is None for parser in parsers):
        # Rows need the return, which the first parser opens: until it has (or has finished), listen to it only.
        listening = [
            parser.conn
            for index, parser in enumerate(parsers)
            if parser.done is None and (index == 0 or opened or parsers[0].done is not None)
        ]
        for conn in multiprocessing.connection.wait(listening):
            parser = next(parser for parser in parsers if parser.conn is conn)
            message = parser.receive()
            kind = message[0]
            if kind == "rows":
                if opened and not discard:
                    sink.write(message[1])
            elif kind == "open":
                if parser is parsers[0]:  # the others open with the same header
                    year, reference_date, lea, software = message[1:]
                    reference_date = date.fromisoformat(reference_date) if reference_date else None
                    sink.open(HeaderInfo(year, reference_date, lea, software))
                    opened = True
            elif kind == "done" and not message[1]:
                discard = True  # the file will not be stored: writing more is wasted


def _plan_parts(reader: HashingReader) -> tuple[FileView, int, bytes] | None:
    """Where to cut a file to read it as two parts (see ``split``), if it is big and plain enough."""
    if TWO_PARTS_MIN_BYTES is None:
        return None
    view = file_view(reader.stream)
    if view is None:
        return None
    cut = None
    head = reader.head
    # The parts are read from the file's start: it must be where the stream was when it was given.
    if view.size >= TWO_PARTS_MIN_BYTES and reader.size == len(head) and view.read_at(0, len(head)) == head:
        cut = find_cut(view)
    if cut is None:
        view.close()
        return None
    return view, *cut


def _read_in_two_parts(reader: HashingReader, view: FileView, cut: int, opening: bytes, *, sink: _DatabaseSink,
                       problems: Problems, **options) -> tuple[bool, str] | None:  # fmt: skip
    """Read the file as two parts in two parser processes (see ``split``); ``None`` if the parts do not fit."""
    # Persons without an identifier are named from the head of the whole file (``minimise.reference``).
    options["checksum_hint"] = reader.head_digest
    first = _Parser(PartReader(view, [(0, cut), CLOSING], rest=(cut, view.size)), **options)
    parsers = [first]
    try:
        before = count_persons(view, cut)
        if not before:
            return None
        second = PartReader(view, [opening, (cut, view.size)])
        options.update(first_position=before + 1, report_header=False)
        parsers.append(_Parser(second, **options))
    finally:
        if len(parsers) == 1:
            first.stop()
    ok, checksum = _read_in_parser_processes(parsers, sink, problems)
    _, _, errors, warnings, error_count, warning_count, _, persons, unknown, file_error = first.done
    _, _, errors_2, warnings_2, error_count_2, warning_count_2, _, _, unknown_2, file_error_2 = parsers[1].done
    if file_error or file_error_2 or persons != before:
        return None
    # Each part reports an unknown item the first time it sees it: the second part's repeats of the first's go.
    repeated = {unknown_item_rule(name) for name in set(unknown) & set(unknown_2)}
    warnings_2 = [warning for warning in warnings_2 if warning["rule"] not in repeated]
    problems.errors = (errors + errors_2)[:MAX_PROBLEMS]
    problems.warnings = (warnings + warnings_2)[:MAX_PROBLEMS]
    problems.error_count = error_count + error_count_2
    problems.warning_count = warning_count + warning_count_2 - len(repeated)
    return ok, checksum


def _wait(pid: int, seconds: float = 5.0) -> int:
    """Wait for the parser process to end (killing it after ``seconds``); its exit code."""
    deadline = time.monotonic() + seconds
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        time.sleep(0.005)


def _finish(sen2_return: Sen2Return, writer: _Writer, counts: dict, checksum: str, problems: Problems,
            started: float) -> Sen2Return:  # fmt: skip
    """Supersede the area's previous return for the year and complete the new one."""
    previous = list(
        Sen2Return.objects.filter(
            area=sen2_return.area_id, collection_year=sen2_return.collection_year, is_current=True
        ).values_list("pk", flat=True)
    )
    now = timezone.now()
    Sen2Return.objects.filter(pk__in=previous).update(is_current=False, superseded_at=now)
    area_id, year = sen2_return.area_id, sen2_return.collection_year

    def delete_superseded_rows() -> None:  # a named function: Django logs a failed callback by its __qualname__
        sen2_superseded_rows_delete(area_id=area_id, collection_year=year)

    # The superseded rows go only after the commit (see the module docstring); robust: the import has committed
    # by then, so a failure to delete is logged, not raised to the caller, and cleared up later.
    transaction.on_commit(delete_superseded_rows, robust=True)
    warnings = list(problems.warnings)
    if problems.warning_count > len(warnings):
        warnings.append({"position": 0, "path": "", "severity": WARNING,
                         "rule": f"… and {problems.warning_count - len(warnings)} more warnings"})  # fmt: skip
    sen2_return.checksum = checksum
    sen2_return.person_count = counts["persons"]
    sen2_return.request_count = counts["requests"]
    sen2_return.active_plan_count = counts["active_plans"]
    sen2_return.warnings = warnings
    sen2_return.is_current = True
    sen2_return.import_seconds = round(time.perf_counter() - started, 3)
    sen2_return.save()
    return sen2_return
