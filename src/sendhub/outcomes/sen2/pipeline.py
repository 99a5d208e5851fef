"""Read a SEN2 file into minimised rows and problems: the whole import but the database. No Django.

``read_rows`` streams the file (``parser``), takes each person through the fast path (``rows.RowBuilder.build``)
or, when that declines, through the exact path (``parser.person_from_element`` → ``validate.check_person`` →
``RowBuilder.rows_from_checked``), collects every problem in ``Problems`` and hands the rows of a valid file to a
``Sink`` in batches. The importer runs it in its own process, or, for big files, in forked parser processes
(``parser_process``, one for the file or one for each half, see ``split``) whose sinks send the batches down
pipes while the importer writes them.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field

from .codes import code_lists
from .parser import HashingReader, Header, Sen2FileError, iter_sen2_elements, person_from_element
from .rows import PersonRows, RowBuilder
from .validate import ERROR, WARNING, HeaderInfo, check_header, check_person, unknown_item_problem, unknown_items
from .validate import unknown_item_rule as unknown_item_rule  # the importer merges a two-part read's warnings by it

BATCH_PERSONS = 5000
MAX_PROBLEMS = 1000


class Problems:
    """Keeps the first ``MAX_PROBLEMS`` errors and warnings and counts them all."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.errors: list[dict] = []
        self.warnings: list[dict] = []
        self.error_count = 0
        self.warning_count = 0

    def extend(self, problems: list[dict]) -> None:
        for item in problems:
            if item["severity"] == ERROR:
                self.error_count += 1
                if len(self.errors) < MAX_PROBLEMS:
                    self.errors.append(item)
            else:
                self.warning_count += 1
                if len(self.warnings) < MAX_PROBLEMS:
                    self.warnings.append(item)


class Sink:
    """Where ``read_rows`` sends a valid file's rows: ``open`` once (before any rows), then ``write`` per batch."""

    def open(self, info: HeaderInfo) -> None:
        raise NotImplementedError

    def write(self, batch: list[PersonRows]) -> None:
        raise NotImplementedError


def file_error(error: Sen2FileError) -> dict:
    item = {"position": 0, "path": "Message", "rule": error.message, "severity": ERROR}
    if error.line:
        item["line"] = error.line
    return item


@dataclass
class ReadSummary:
    """What ``read_rows`` found besides the problems: whether the file can be stored, and about its persons."""

    ok: bool = False
    persons: int = 0
    unknown_items: set[str] = field(default_factory=set)  # as reported, once each ("first seen here")
    file_error: bool = False  # the file could not be read to the end (``Sen2FileError``)


def read_rows(
    reader: HashingReader,
    *,
    expected_la: str,
    secret: str,
    sink: Sink,
    problems: Problems,
    batch_persons: int = BATCH_PERSONS,
    first_position: int = 1,
    checksum_hint: str | None = None,
    report_header: bool = True,
) -> ReadSummary:
    """Parse, check and minimise the whole file, sending the rows of a valid file to ``sink`` in batches.

    Every problem goes to ``problems``. ``summary.ok`` says whether the file can be stored (``sink.open`` was
    called and no error was found). Touches no database, so it can run in a separate process. For the second part
    of a file read in two (``split``): ``first_position`` numbers its persons, ``checksum_hint`` is the whole
    file's head digest, and ``report_header=False`` leaves the header's problems to the first part.
    """
    summary = ReadSummary()
    checksum_hint = reader.head_digest if checksum_hint is None else checksum_hint
    header: Header | None = None
    info = HeaderInfo()
    builder: RowBuilder | None = None
    lists = None
    storing = False
    batch: list[PersonRows] = []
    unknown_seen = summary.unknown_items
    try:
        for item in iter_sen2_elements(reader, first_position):
            if isinstance(item, Header):
                if header is not None or storing:
                    problems.extend([{"position": 0, "path": "Message/Header",
                                      "rule": "A second Header, or a Header after the persons, was ignored",
                                      "severity": WARNING}])  # fmt: skip
                    continue
                header = item
                info, header_problems = check_header(header, expected_la=expected_la)
                if report_header:
                    problems.extend(header_problems)
                continue
            position, element = item
            summary.persons += 1
            if builder is None:
                if header is None:
                    _, header_problems = check_header(None)
                    problems.extend(header_problems)
                lists = code_lists(info.year)
                builder = RowBuilder(reference_date=info.reference_date, lists=lists, secret=secret,
                                     checksum_hint=checksum_hint, namespace=_namespace(element.tag))
                if not problems.error_count:
                    storing = True
                    sink.open(info)
            rows = builder.build(element, position)
            if rows is None:
                rows = _exact_path(element, position, info, lists, builder, problems, unknown_seen, storing)
            if storing:
                if problems.error_count:
                    storing, batch = False, []  # stop writing: this file will be rolled back
                    continue
                batch.append(rows)
                if len(batch) >= batch_persons:
                    sink.write(batch)
                    batch = []
        reader.drain()
    except Sen2FileError as error:
        problems.extend([file_error(error)])
        summary.file_error = True
        return summary
    if builder is None:  # no persons at all
        summary.ok = _no_persons(header, info, sink, problems)
        return summary
    if storing and batch:
        sink.write(batch)
    summary.ok = storing
    return summary


def _namespace(tag: str) -> str:
    return tag[1 : tag.index("}")] if tag[:1] == "{" else ""


def _exact_path(element, position: int, info: HeaderInfo, lists, builder: RowBuilder, problems: Problems,
                unknown_seen: set[str], storing: bool) -> PersonRows | None:
    """A person the fast path declined: every problem worded (names not in the specification once per file), and
    its rows when the file is still being stored."""
    person = person_from_element(element, position)
    checked = check_person(person, info, lists)
    unknown = unknown_items(person)
    new_unknown = unknown.keys() - unknown_seen
    if new_unknown:
        unknown_seen |= new_unknown
        problems.extend([unknown_item_problem(position, unknown[name], name) for name in sorted(new_unknown)])
    problems.extend(checked.problems)
    if storing and not problems.error_count:
        return builder.rows_from_checked(checked)
    return None


def _no_persons(header: Header | None, info: HeaderInfo, sink: Sink, problems: Problems) -> bool:
    """A file with no Person records: stored (empty, with a warning) unless the header has an error."""
    if header is None:
        _, header_problems = check_header(None)
        problems.extend(header_problems)
    if problems.error_count:
        return False
    sink.open(info)
    problems.extend([{"position": 0, "path": "Message/Persons", "rule": "The return has no Person records",
                      "severity": WARNING}])  # fmt: skip
    return True


# The parser process ---------------------------------------------------------------------------------------------


class PipeSink(Sink):
    """In the parser process: sends the rows to the importing process.

    Messages are ``marshal``-ed (rows hold only strings, numbers, booleans and ``None``): it is about twice as
    fast as pickle, and both ends are the same interpreter.
    """

    def __init__(self, conn):
        self.conn = conn

    def send(self, *message) -> None:
        self.conn.send_bytes(marshal.dumps(message))

    def open(self, info: HeaderInfo) -> None:
        reference_date = info.reference_date.isoformat() if info.reference_date else None
        self.send("open", info.year, reference_date, info.lea, info.software)

    def write(self, batch: list[PersonRows]) -> None:
        self.send("rows", batch)


def receive(conn) -> tuple:
    """The next message from a ``PipeSink`` (``EOFError`` when the parser process has gone)."""
    return marshal.loads(conn.recv_bytes())  # noqa: S302 # nosec B302 - bytes from our own forked parser process


def parser_process(conn, reader: HashingReader, *, expected_la: str, secret: str, **options) -> None:
    """The parser process's whole life: read the file (or a part), send its rows, then the problems and the rest.

    ``options`` go to ``read_rows``.
    """
    problems = Problems()
    sink = PipeSink(conn)
    try:
        summary = read_rows(reader, expected_la=expected_la, secret=secret, sink=sink, problems=problems, **options)
        sink.send("done", summary.ok, problems.errors, problems.warnings, problems.error_count,
                  problems.warning_count, reader.checksum, summary.persons, sorted(summary.unknown_items),
                  summary.file_error)  # fmt: skip
    except BaseException as error:  # anything: it is reported to, and raised in, the importing process
        sink.send("failed", f"{type(error).__name__}: {error}")
    finally:
        conn.close()
