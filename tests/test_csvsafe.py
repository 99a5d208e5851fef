"""csvsafe.csv_rows: the rows csv.reader gives, in bounded memory whatever the file holds."""

from __future__ import annotations

import csv
import io
import tracemalloc

import pytest

from sendhub.csvsafe import CsvLimitError, csv_rows


class EndlessCommas(io.TextIOBase):
    """A text stream of one line of commas that never ends, counting what was read from it."""

    def __init__(self) -> None:
        self.read_chars = 0

    def readable(self) -> bool:
        return True

    def readline(self, size: int = -1) -> str:
        if size is None or size < 0:
            raise AssertionError("a line was read without a length limit")
        self.read_chars += size
        return "," * size


ORDINARY = (
    'name,"address, with comma",note\r\n'
    '"Sam ""Sammy"" Smith","1 High Street\nPreston",\r\n'
    "plain,row,here\n"
    "\n"
    "last,row,without newline"
)


def rows(text: str, **limits) -> list[list[str]]:
    return list(csv_rows(io.StringIO(text, newline=""), source="test.csv", **limits))


def test_gives_what_csv_reader_gives():
    assert rows(ORDINARY) == list(csv.reader(io.StringIO(ORDINARY, newline="")))


def test_a_line_longer_than_the_limit_is_refused_with_its_number_before_it_is_read_whole():
    stream = EndlessCommas()
    with pytest.raises(CsvLimitError) as raised:
        list(csv_rows(stream, source="dfe.zip", max_line_chars=1000))
    assert str(raised.value) == (
        "dfe.zip: line 1 is longer than 1,000 characters, so it was not read (no file of this kind has lines that "
        "long)."
    )
    assert stream.read_chars <= 1002


def test_a_line_of_exactly_the_limit_is_read_whatever_its_ending():
    line = "a" * 8 + "," + "b"
    for ending in ("\r\n", "\n", "\r", ""):
        assert rows(f"x,y\n{line}{ending}", max_line_chars=10) == [["x", "y"], ["aaaaaaaa", "b"]]
    with pytest.raises(CsvLimitError, match="line 2 is longer than 10 characters"):
        rows(f"x,y\n{line}b\n", max_line_chars=10)


def test_a_row_spread_over_many_short_lines_is_refused():
    # Each line is short, but an open quote carries one row on across all of them.
    text = "a,b\n" + '"x\ny",' * 1000
    with pytest.raises(CsvLimitError) as raised:
        rows(text, max_line_chars=100, max_row_chars=500)
    assert "the row starting on line 2 runs past 500 characters" in str(raised.value)
    assert "quoted field left open" in str(raised.value)


def test_the_row_count_starts_again_at_each_row():
    text = "".join(f'{n},"two\nlines"\n' for n in range(200))
    assert len(rows(text, max_row_chars=20)) == 200


def test_a_field_csv_refuses_is_reported_with_its_line_and_where_its_row_began():
    limit = csv.field_size_limit()
    text = 'a,b\nc,"d\n' + ("e" * 1000 + "\n") * (limit // 1000 + 1) + '"\n'
    with pytest.raises(CsvLimitError) as raised:
        rows(text, max_line_chars=limit, max_row_chars=limit * 2)
    assert str(raised.value) == (
        f"test.csv: line {limit // 1000 + 2} (in the row starting on line 2): field larger than field limit ({limit})"
    )


def test_a_field_csv_refuses_is_reported_with_its_line():
    limit = csv.field_size_limit()
    text = "a,b\nc,d\n" + "e," + "f" * (limit + 1) + "\n"
    with pytest.raises(CsvLimitError, match=r"^test\.csv: line 3: field larger than field limit"):
        rows(text, max_line_chars=limit * 2, max_row_chars=limit * 4)


def test_a_hostile_line_costs_little_memory():
    # 20 million commas: csv.reader over the file would hold a 20 MB line and a list of 20 million fields.
    text = io.StringIO("," * 20_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(CsvLimitError):
            list(csv_rows(text, source="big.csv"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000  # the first million characters, never the whole line
