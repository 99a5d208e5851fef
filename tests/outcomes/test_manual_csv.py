"""Manual measure values from CSV: bounded reading of what partners upload."""

from __future__ import annotations

from datetime import date

from sendhub.outcomes.manual import ManualRow, parse_manual_csv


def test_values_are_read_with_their_notes():
    content = '\ufeffPeriod_End,Value,Note\n\n2025-03-31,"1,234",Quarter end\n2025-06-30,12.5,\n'.encode()
    assert parse_manual_csv(content) == (
        [ManualRow(date(2025, 3, 31), 1234.0, "Quarter end"), ManualRow(date(2025, 6, 30), 12.5, "")],
        [],
    )


def test_an_endless_line_is_refused_with_its_number_and_nothing_read():
    content = b"period_end,value,note\n2025-03-31,1,\n" + b"," * 1_500_000 + b"\n2025-06-30,2,\n"
    assert parse_manual_csv(content) == (
        [],
        [
            "The file: line 3 is longer than 10,000 characters, so it was not read (no file of this kind has lines "
            "that long)."
        ],
    )


def test_an_open_quote_that_swallows_the_file_is_refused():
    content = b'period_end,value,note\n2025-03-31,1,"never closed\n' + b"2025-06-30,2,more\n" * 200_000
    rows, errors = parse_manual_csv(content)
    assert rows == []
    assert errors == [
        "The file: the row starting on line 2 runs past 10,000 characters (by line 557), so it was not read: is a "
        "quoted field left open?"
    ]
