"""Helpers shared by the outcomes tests."""

from __future__ import annotations


def record_two_part_reads(monkeypatch) -> list:
    """Spy on the importer's reading of a file as two parts: the returned list gets each read's result (``None``
    when the parts did not fit and the file was read again in one)."""
    from sendhub.outcomes.sen2 import importer

    read_in_two_parts, reads = importer._read_in_two_parts, []

    def spy(*args, **kwargs):
        reads.append(read_in_two_parts(*args, **kwargs))
        return reads[-1]

    monkeypatch.setattr(importer, "_read_in_two_parts", spy)
    return reads
