"""Regressions found by the fuzz suite (tests/fuzz/test_imports.py): a damaged release zip is refused with a
message naming the file, and nothing is stored."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from sendhub.outcomes import dfe
from sendhub.outcomes.dfe import DfeImportError, import_neighbours, import_release
from sendhub.outcomes.models import DfeRelease, DfeValue, StatisticalNeighbour

CSV = (
    b"time_period,geographic_level,breakdown_topic,breakdown,PC_plans_issued_20_weeks_ex\r\n"
    b"2024,National,All EHC plans issued,All EHC plans issued,46.4\r\n"
)


def release_zip(compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("data/timeliness_20_week.csv", CSV * 20)
    return buffer.getvalue()


def damaged(data: bytes, at: int, byte: int) -> bytes:
    return data[:at] + bytes([byte]) + data[at + 1 :]


def header_offset(data: bytes) -> int:
    """Where the member's compressed data starts (after the local header and its file name)."""
    name_length = int.from_bytes(data[26:28], "little")
    extra_length = int.from_bytes(data[28:30], "little")
    return 30 + name_length + extra_length


def central_compression(data: bytes, method: int) -> bytes:
    """The member's compression method as the central directory (which zipfile reads) records it."""
    central = data.rfind(b"PK\x01\x02")
    return data[: central + 10] + method.to_bytes(2, "little") + data[central + 12 :]


def encrypted_flag(data: bytes) -> bytes:
    """The same zip with the member marked encrypted, in the local and the central directory headers."""
    data = bytearray(data)
    data[6] |= 0x1
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1
    return bytes(data)


CASES = {
    "data cut short": lambda z: z[: header_offset(z) + 5] + z[header_offset(z) + 40 :],
    "compressed data damaged": lambda z: damaged(z, header_offset(z) + 2, 0xFF),
    "local header magic number": lambda z: damaged(z, 0, 0),
    "unknown compression method": lambda z: central_compression(z, 99),
    "encrypted member": encrypted_flag,
}


@pytest.mark.parametrize("damage", CASES.values(), ids=CASES.keys())
def test_a_damaged_release_zip_is_refused_and_stores_nothing(db, tmp_path, damage):
    path = tmp_path / "release.zip"
    path.write_bytes(damage(release_zip()))

    with pytest.raises(DfeImportError) as refused:
        import_release(path)

    assert "release.zip" in str(refused.value)
    assert not DfeRelease.objects.exists() and not DfeValue.objects.exists()


def test_a_nul_character_is_refused_naming_the_line_on_every_database(db, tmp_path):
    """PostgreSQL cannot store NUL in text (SQLite can): the import refuses it before the database does."""
    folder = tmp_path / "release"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "t.csv").write_bytes(
        CSV + b"2024,Local authority,All EHC plans issued,All EHC plans issued,1\r\n".replace(b"Local", b"Lo\x00cal")
        + b"2024,National,All\x00 plans,All\x00 plans,2\r\n"
    )
    with pytest.raises(DfeImportError, match="line 3: a NUL character"):
        import_release(folder)
    assert not DfeRelease.objects.exists() and not DfeValue.objects.exists()


def test_a_nul_in_the_neighbours_file_is_refused_and_the_old_list_kept(db, tmp_path):
    path = tmp_path / "neighbours.csv"
    path.write_text("Lancashire\n" + "\n".join(f"Neighbour {n}" for n in range(1, 11)).replace("4", "\x00") + "\n")
    with pytest.raises(DfeImportError, match="row 5: a NUL character"):
        import_neighbours(path)
    assert not StatisticalNeighbour.objects.exists()


def test_the_undamaged_zip_imports(db, tmp_path):
    path = tmp_path / "release.zip"
    path.write_bytes(release_zip())
    assert import_release(path).row_count == 20


# Bounded reading (issue 13 item 7): one line of 300 million commas fits in a 300 KB zip and ran out of memory.


def test_a_zip_holding_one_enormous_line_is_refused_naming_the_file_in_bounded_memory(db, tmp_path):
    path = tmp_path / "release.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/timeliness_20_week.csv", CSV + b"," * 5_000_000 + b"\r\n")
    assert path.stat().st_size < 50_000  # the size of the attack, not of the line

    tracemalloc.start()
    try:
        with pytest.raises(DfeImportError) as refused:
            import_release(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert str(refused.value).startswith(
        "release.zip:data/timeliness_20_week.csv: line 3 is longer than 1,000,000 characters, so it was not read"
    )
    # Reading it whole was a 5 MB string and a list of 5 million cells (40 MB); now at most one limit's worth.
    assert peak < 16_000_000, f"peak {peak:,} bytes"
    assert not DfeRelease.objects.exists() and not DfeValue.objects.exists()


def test_a_neighbours_file_with_an_over_long_line_is_refused_and_the_old_list_kept(db, tmp_path, monkeypatch):
    monkeypatch.setattr(dfe, "MAX_LINE_CHARS", 1_000, raising=False)
    StatisticalNeighbour.objects.create(la_name="Old", neighbour_name="Kept", rank=1)
    path = tmp_path / "neighbours.csv"
    path.write_text("Lancashire\n" + "\n".join(f"Neighbour {n}" for n in range(1, 11)) + "\n" + "," * 5_000 + "\n")
    with pytest.raises(DfeImportError, match=r"neighbours\.csv: line 12 is longer than 1,000 characters"):
        import_neighbours(path)
    assert list(StatisticalNeighbour.objects.values_list("neighbour_name", flat=True)) == ["Kept"]
