"""Reading CSV files that come from outside (DfE releases, postcode lists, directory imports) in bounded memory.

``csv.reader`` over a file object reads a whole physical line before it splits it, so one line of 300 million
commas (a 300 KB zip) becomes a 300 MB string and then a list of 300 million strings. Here each line is read with a
length limit first and refused, with its number, once it passes the limit.

A quoted field may run over several lines, so a row can also be built from many short lines (``"a<newline>b","c
<newline>d",...``): the characters of one row are counted across its lines and refused past ``max_row_chars``.
``csv``'s own per-field limit (``csv.field_size_limit``, 131,072 characters by default) still applies to each
field, and its refusal is reported with the line number like the others.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

# No published file we read comes near these: DfE's widest CSV row is under 4,000 characters.
MAX_LINE_CHARS = 1_000_000
MAX_ROW_CHARS = 2_000_000


class CsvLimitError(ValueError):
    """The file is not a CSV we can read safely: a line or row too long, or a field csv itself refuses."""


class _BoundedLines:
    """The stream's lines, each read with a length limit, counting the characters of the row being read."""

    def __init__(self, stream: IO[str], *, source: str, max_line_chars: int, max_row_chars: int) -> None:
        self.stream = stream
        self.source = source
        self.max_line_chars = max_line_chars
        self.max_row_chars = max_row_chars
        self.number = 0  # physical lines read so far
        self.row_start = 1  # the line the row being read started on
        self.row_chars = 0

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        # Two more than the limit, so a line of exactly the limit with its "\r\n" is read whole.
        line = self.stream.readline(self.max_line_chars + 2)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line.rstrip("\r\n")) > self.max_line_chars:
            raise CsvLimitError(
                f"{self.source}: line {self.number:,} is longer than {self.max_line_chars:,} characters, so it was "
                "not read (no file of this kind has lines that long)."
            )
        self.row_chars += len(line)
        if self.row_chars > self.max_row_chars:
            raise CsvLimitError(
                f"{self.source}: the row starting on line {self.row_start:,} runs past {self.max_row_chars:,} "
                f"characters (by line {self.number:,}), so it was not read: is a quoted field left open?"
            )
        return line

    def next_row(self) -> None:
        self.row_start = self.number + 1
        self.row_chars = 0


def csv_rows(
    stream: IO[str],
    *,
    source: str,
    max_line_chars: int = MAX_LINE_CHARS,
    max_row_chars: int = MAX_ROW_CHARS,
) -> Iterator[list[str]]:
    """Yield the rows of ``stream`` as ``csv.reader`` would, refusing any line longer than ``max_line_chars`` and
    any row (which quoted fields may spread over several lines) longer than ``max_row_chars``.

    ``source`` names the file in messages (e.g. ``"caseload.csv"``). Open files with ``newline=""``, as ``csv``
    asks. Raises :class:`CsvLimitError`, whose message names the source and the line.
    """
    lines = _BoundedLines(stream, source=source, max_line_chars=max_line_chars, max_row_chars=max_row_chars)
    reader = csv.reader(lines)
    try:
        for row in reader:
            lines.next_row()
            yield row
    except csv.Error as error:
        where = f"line {reader.line_num:,}"
        if lines.row_start < reader.line_num:
            where += f" (in the row starting on line {lines.row_start:,})"
        raise CsvLimitError(f"{source}: {where}: {error}") from error
