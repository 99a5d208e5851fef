"""Upload rules: the extension must be allowed and match the file's own bytes; text must be UTF-8."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from sendhub.improvement.uploads import FileRejected, allowed_types_sentence, check_upload

MB = 1024 * 1024
LIMIT = 10 * MB
ALL_TYPES = "CSV, DOCX, JPG, ODS, ODT, PDF, PNG, PPTX, TXT or XLSX"

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def office_zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


DOCX = office_zip(
    {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document/>",
    }
)
XLSX = office_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def check(name: str, content: bytes, **kwargs):
    kwargs.setdefault("max_bytes", LIMIT)
    return check_upload(name, len(content), io.BytesIO(content), **kwargs)


def rejection(name: str, content: bytes, **kwargs) -> str:
    with pytest.raises(FileRejected) as caught:
        check(name, content, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "extension", "content_type"),
    [
        ("minutes.pdf", PDF, "pdf", "application/pdf"),
        ("Minutes.PDF", PDF, "pdf", "application/pdf"),
        ("chart.png", png(), "png", "image/png"),
        ("photo.jpg", JPEG, "jpg", "image/jpeg"),
        ("photo.jpeg", JPEG, "jpeg", "image/jpeg"),
        ("plan.docx", DOCX, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("plan.xlsx", XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("waits.csv", "school,weeks\nSt Mary’s,12\n".encode(), "csv", "text/csv"),
        ("notes.txt", b"Plain notes\n", "txt", "text/plain"),
    ],
)
def test_accepts_real_files(name, content, extension, content_type):
    checked = check(name, content)

    assert (checked.extension, checked.content_type, checked.size_bytes) == (extension, content_type, len(content))


def test_check_leaves_the_stream_at_the_start():
    stream = io.BytesIO(PDF)
    check_upload("a.pdf", len(PDF), stream, max_bytes=LIMIT)
    assert stream.tell() == 0


def test_the_allowed_types_sentence_lists_each_type_once():
    assert allowed_types_sentence() == ALL_TYPES


@pytest.mark.parametrize("name", ["setup.exe", "report", "archive.zip", "report.pdf.exe", ".pdf", ""])
def test_rejects_a_type_that_is_not_allowed(name):
    assert rejection(name, PDF) == f"The selected file must be a {ALL_TYPES}"


def test_rejects_a_type_outside_the_fields_own_list():
    assert rejection("chart.png", png(), allowed={"pdf"}) == "The selected file must be a PDF"


def test_rejects_an_empty_file():
    assert rejection("minutes.pdf", b"") == "The selected file is empty"


def test_rejects_a_file_over_the_limit():
    content = PDF + b"0" * (LIMIT - len(PDF) + 1)
    assert rejection("minutes.pdf", content) == "The selected file must be smaller than 10MB"


def test_accepts_a_file_exactly_at_the_limit():
    content = PDF + b"0" * (LIMIT - len(PDF))
    assert check("minutes.pdf", content).size_bytes == LIMIT


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.pdf", png(), "The selected file is not a real PDF: its contents do not match the .pdf extension"),
        ("chart.png", PDF, "The selected file is not a real PNG image: its contents do not match the .png extension"),
        (
            "plan.docx",
            png(),
            "The selected file is not a real Word document: its contents do not match the .docx extension",
        ),
        (
            "plan.xlsx",
            DOCX,
            "The selected file is not a real Excel spreadsheet: its contents do not match the .xlsx extension",
        ),
        (
            "minutes.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,
            "The selected file is not a real PDF: its contents do not match the .pdf extension",
        ),
        (
            "minutes.pdf",
            b"<script>alert(1)</script>",
            "The selected file is not a real PDF: its contents do not match the .pdf extension",
        ),
    ],
)
def test_rejects_contents_that_do_not_match_the_extension(name, content, message):
    assert rejection(name, content) == message


def test_rejects_a_csv_that_is_not_utf8():
    content = "school,weeks\nSt Mary’s,12\n".encode("cp1252") + b"more,rows\n" * 5
    assert rejection("waits.csv", content) == "The selected file is not a valid CSV file (it is not UTF-8 text)"


def test_rejects_a_csv_with_binary_data():
    assert rejection("waits.csv", b"school,weeks\n\x00\x00,1\n") == (
        "The selected file is not a valid CSV file (it contains binary data)"
    )


def test_rejects_a_binary_file_renamed_as_text():
    assert rejection("notes.txt", png()) == "The selected file is not a valid text file (it is not UTF-8 text)"


def test_accepts_a_character_cut_at_the_end_of_the_sniffed_block():
    content = b"a" * 8191 + "é".encode() + b"\n"
    assert check("notes.txt", content).extension == "txt"


def test_rejects_a_short_csv_whose_last_bytes_are_not_utf8():
    assert rejection("waits.csv", b"school\r\ncaf\xe9\r\n") == (
        "The selected file is not a valid CSV file (it is not UTF-8 text)"
    )
