"""Hostile input for the fuzz suite: strings, numbers, dates, files and byte mutations, as hypothesis strategies.

Every strategy mixes hand-picked nasty values (the ones that have broken real systems: NULs, RTL overrides,
formula and SQL injection, 30 February, numbers past 64 bits) with generated ones, so a bounded number of
examples still reaches the classic failures while shrinking keeps reports short.
"""

from __future__ import annotations

import codecs
import io
import zipfile

from hypothesis import strategies as st

# Text -------------------------------------------------------------------------------------------------------

NUL = "\x00"
RTL_OVERRIDE = "\u202e"
LONG = 100_000

INJECTIONS = (
    "' OR '1'='1' --",
    "1; DROP TABLE accounts_user; --",
    "\" OR \"\"=\"",
    "<script>alert(document.cookie)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${jndi:ldap://127.0.0.1/a}",
    "=HYPERLINK(\"http://127.0.0.1/?\"&A1,\"Click\")",
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "-2+3",
    "@SUM(1)",
    "../../../../etc/passwd",
    "%s%s%s%n",
    "\\x00\\u0000",
    "javascript:alert(1)",
)

ODD_TEXT = (
    "",
    " ",
    "\t\r\n",
    NUL,
    f"Name{NUL}with NUL",
    f"{RTL_OVERRIDE}fdp.exe",
    "\u200b\u200c\u200d\ufeff",
    "Zalgo z\u0351\u0352\u0353\u0354\u0355\u0356\u0357a\u0358\u0359\u035al\u035b\u035cg\u035do",
    "👨‍👩‍👧‍👦🏳️‍🌈🧒🏽",
    "ﷺ مرحبا بالعالم",
    "日本語のテキスト",
    "\x1b[31mred\x1b[0m",
    "\x07\x08\x0b\x0c\x7f",
    "line\u2028separator\u2029paragraph",
    "\ud7ff\ue000\uffff",
    "A" * 1000,
    "é" * 300,
)

# Characters that are valid Unicode but can be encoded (no lone surrogates: those cannot be sent as UTF-8).
_CHARS = st.characters(exclude_categories=("Cs",))


def hostile_text(*, long: bool = True) -> st.SearchStrategy[str]:
    """Anything a person or a robot might type or paste, including a 100,000-character string."""
    options = [
        st.sampled_from(INJECTIONS),
        st.sampled_from(ODD_TEXT),
        st.text(_CHARS, max_size=40),
        st.text(st.characters(codec="ascii"), max_size=20).map(lambda s: s + NUL),
    ]
    if long:
        options.append(st.sampled_from(["x", "é", "🙂", "<", "'", NUL]).map(lambda c: c * LONG))
    return st.one_of(*options)


def plausible_text() -> st.SearchStrategy[str]:
    """Text a form should accept: odd, but printable and short (so the example can succeed)."""
    return st.one_of(
        st.just("Fuzz test value"),
        st.sampled_from(INJECTIONS),
        st.sampled_from(["👨‍👩‍👧 Family support", "ﷺ مرحبا", "日本語", "Zoë O'Brien-Smith", "a" * 60]),
        st.text(st.characters(categories=("L", "N", "P", "Zs", "So")), min_size=1, max_size=30).filter(
            lambda s: s.strip()
        ),
    )


# Numbers and dates --------------------------------------------------------------------------------------------

ODD_NUMBERS = (
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "0x10",
    "١٢",
    "１２",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999999999999999",
    "1,000",
    " 7 ",
    "7e2",
    "½",
)

ODD_DATES = (
    "2026-02-30",
    "2025-02-29",
    "2025-13-01",
    "2025-00-10",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2025-01-01",
    "31/12/2025",
    "2025-1-1",
    "２０２５-０１-０１",
    "2025-01-01T00:00:00",
    "2025-W01-1",
    "20250101",
    "yesterday",
    "1e5",
)

ODD_TIMES = ("24:00", "25:61", "9:3", "-01:00", "12:00:60", "noon", "12:00+05:00", "99999999:00")


def hostile_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(ODD_NUMBERS),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


def hostile_date() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(ODD_DATES),
        st.tuples(st.integers(-10, 10050), st.integers(-1, 14), st.integers(-1, 33)).map(
            lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
        ),
    )


def hostile_time() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(ODD_TIMES), st.tuples(st.integers(-5, 99), st.integers(-5, 99)).map(
        lambda t: f"{t[0]:02d}:{t[1]:02d}"
    ))


def hostile_scalar() -> st.SearchStrategy[str]:
    """Any hostile value, whatever the field: a date box may receive an injection and a text box a number."""
    return st.one_of(hostile_text(), hostile_number(), hostile_date(), hostile_time())


# Encodings ----------------------------------------------------------------------------------------------------

ENCODINGS = (
    ("utf-16", b""),  # Python adds the BOM
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-32", b""),
    ("latin-1", b""),
    ("cp1252", b""),
    ("utf-8", codecs.BOM_UTF8 * 2),  # a doubled BOM
)


def reencode(text: str, encoding: str, bom: bytes) -> bytes:
    return bom + text.encode(encoding, errors="replace")


# Files ----------------------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
HTML = b"<html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


FILE_NAMES = (
    "report.pdf",
    "REPORT.PDF",
    "report.pdf.exe",
    "report.exe",
    "report",
    ".pdf",
    "../../../etc/passwd.pdf",
    "..\\..\\boot.ini.pdf",
    f"{RTL_OVERRIDE}fdp.exe",
    "a" * 300 + ".pdf",
    "résumé 👪.pdf",
    "report.csv",
    "report.xml",
    "data.txt",
    "sheet.xlsx",
    "CON.pdf",
    "name with ; and \" quote.pdf",
)

# Larger than the upload limits the fuzz tests set (tests/fuzz/test_forms.py), so "too large" is reached cheaply.
OVERSIZED_PDF = PDF + b"%" + b"0" * 70_000 + b"\n"

FILE_CONTENTS = (
    b"",
    PDF,
    OVERSIZED_PDF,
    PNG,
    EXE,
    ELF,
    HTML,
    SVG,
    b"\x00" * 64,
    b"\xff\xfe" + "period_end,value\n2025-01-31,3\n".encode("utf-16-le"),
    b"period_end,value,note\n2025-01-31,3,=HYPERLINK(\"x\")\n",
    b"period_end,value\n2026-02-30,1e309\n",
    "period_end,value\n2025-01-31,3\n".encode("latin-1") + b"\xe9\xff",
    b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY b 'c'>]><Message/>",
    zip_of({"word/document.xml": b"<w/>"}),
)


@st.composite
def hostile_file(draw, accept_hint: str = "") -> tuple[str, bytes, str]:
    """(name, bytes, declared content type): any of the names with any of the contents."""
    name = draw(st.sampled_from(FILE_NAMES))
    content = draw(st.one_of(st.sampled_from(FILE_CONTENTS), st.binary(max_size=200)))
    content_type = draw(
        st.sampled_from(["application/pdf", "text/csv", "application/octet-stream", "text/html", "image/png", ""])
    )
    return name, content, content_type


# Byte mutations (for imports) ------------------------------------------------------------------------------


@st.composite
def mutated_bytes(draw, data: bytes) -> bytes:
    """A valid file damaged the ways files are damaged: cut short, bytes flipped, re-encoded, chunks repeated."""
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "reencode", "duplicate", "nul"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, max(0, len(data) - 1)))]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            if not out:
                break
            pos = draw(st.integers(0, len(out) - 1))
            out[pos] = draw(st.integers(0, 255))
        return bytes(out)
    if kind == "insert":
        pos = draw(st.integers(0, len(data)))
        return data[:pos] + draw(st.binary(min_size=1, max_size=32)) + data[pos:]
    if kind == "delete":
        start = draw(st.integers(0, max(0, len(data) - 1)))
        return data[:start] + data[start + draw(st.integers(1, 64)) :]
    if kind == "reencode":
        encoding, bom = draw(st.sampled_from(ENCODINGS))
        return reencode(data.decode("utf-8", errors="replace"), encoding, bom)
    if kind == "duplicate":
        start = draw(st.integers(0, max(0, len(data) - 1)))
        end = draw(st.integers(start, len(data)))
        return data[:end] + data[start:end] + data[end:]
    pos = draw(st.integers(0, len(data)))
    return data[:pos] + b"\x00" + data[pos:]
