"""Reading a big SEN2 file as two parts at once: where to cut it, and a reader for each part. No Django.

The file is cut just before a ``<Person>`` start tag near its middle. The first part is the file up to the cut,
then ``</Persons></Message>``; the second is the file's beginning up to the end of its ``<Persons>`` start tag
(XML declaration, root element with any namespace declaration, Header), then the file from the cut to its end.
When the cut falls between two persons, each part is well-formed exactly when the whole file is, and together
they hold every person once. The first part's closing tags only fit if it does, so the importer trusts the
second part only when the first part parsed without a file error, and reads the file in one piece whenever
either part has one.

Persons in the second part are numbered on from the number of ``<Person`` start tags before the cut, counted in
the bytes (``count_persons``). The count is only made where nothing else could hide or fake a start tag: no
comment, CDATA section, processing instruction (but the XML declaration), DOCTYPE or prefixed ``Person``; the
importer also checks it against the number of persons the first part read.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Callable
from typing import BinaryIO

from .parser import _SNIFF_BYTES, HashingReader

# Closes the first part (the cut is between two persons, inside Persons inside Message).
CLOSING = b"</Persons></Message>"
_WINDOW = 1 << 20  # bytes searched for a Person start tag from the middle of the file
_CHUNK = 1 << 22
_OVERLAP = 16  # longer than any match below
_PERSON = re.compile(rb"<Person[\s/>]")
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# Encodings in which the markup above is these very bytes.
_ASCII_BASED = re.compile(rb"(?i)(utf-?8|us-ascii|ascii|iso-8859-\d+|latin-?1|windows-125\d|cp125\d)")


class FileView:
    """The bytes of a file at any offset, without moving its read position (others read it at the same time)."""

    def __init__(self, read_at: Callable[[int, int], bytes], size: int, release: Callable[[], None] | None = None):
        self.read_at = read_at
        self.size = size
        self._release = release

    def close(self) -> None:
        if self._release is not None:
            self._release()
            self._release = None


def file_view(stream: BinaryIO) -> FileView | None:
    """A ``FileView`` of a regular file or an in-memory file (or of the one a Django ``File`` wraps)."""
    target = stream
    for _ in range(3):
        if isinstance(target, io.BytesIO):
            buffer = target.getbuffer()
            return FileView(lambda at, size, buffer=buffer: bytes(buffer[at : at + size]), len(buffer), buffer.release)
        try:
            fd = target.fileno()
            status = os.fstat(fd)
        except (AttributeError, OSError, ValueError):
            target = getattr(target, "file", None)  # Django's File objects keep the real file here
            if target is None:
                return None
            continue
        if not stat.S_ISREG(status.st_mode):
            return None
        return FileView(lambda at, size, fd=fd: os.pread(fd, size, at), status.st_size)
    return None


def find_cut(view: FileView) -> tuple[int, bytes] | None:
    """Where to cut the file, and the second part's opening; ``None`` if the file does not lend itself to it."""
    head = view.read_at(0, _SNIFF_BYTES)
    declaration = _DECLARATION.match(head)
    if b"\0" in head[:256]:
        return None  # UTF-16 or UTF-32
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and not _ASCII_BASED.fullmatch(encoding.group(1)):
            return None
    persons = re.search(rb"<Persons[\s>]", head)
    if persons is None or b"<Message" not in head[: persons.start()]:
        return None
    first = re.search(rb"<(?![?!])", head)
    if head[first.start() : first.start() + 9].rstrip(b" \t\r\n>") != b"<Message":
        return None  # the root is not an unprefixed Message
    header_end = head.find(b"</Header>")
    opening_end = head.find(b">", persons.start()) + 1
    if not 0 <= header_end < persons.start() or opening_end == 0 or head[opening_end - 2 : opening_end] == b"/>":
        return None
    middle = max(view.size // 2, opening_end)
    person = _PERSON.search(view.read_at(middle, _WINDOW))
    if person is None:
        return None
    return middle + person.start(), head[:opening_end]


def count_persons(view: FileView, end: int) -> int | None:
    """The number of ``<Person`` start tags before ``end``; ``None`` if the bytes there may hide or fake one.

    ``bytes.find`` and a regular expression that starts with a literal scan at memory speed; one alternation of
    every pattern would look at each byte in Python's regular expression engine, several times slower.
    """
    count = offset = 0
    tail = b""
    while offset < end:
        chunk = view.read_at(offset, min(_CHUNK, end - offset))
        if not chunk:
            return None
        data = tail + chunk
        base = offset - len(tail)
        offset += len(chunk)
        # Comments, CDATA sections, DOCTYPE and ENTITY declarations all start "<!"; only the XML declaration may
        # start "<?" (at the start of the file, after any byte order mark).
        if b"<!" in data or b":Person" in data:
            return None
        instruction = data.find(b"<?")
        while instruction != -1:
            if base + instruction not in (0, 3) or not data.startswith(b"<?xml", instruction):
                return None
            instruction = data.find(b"<?", instruction + 2)
        # Start tags that begin before ``limit`` are counted here, later ones with the next chunk.
        limit = len(data) if offset >= end else len(data) - _OVERLAP
        count += len(_PERSON.findall(data, 0, limit + 7))
        tail = data[limit:]
    return count


class PartReader(HashingReader):
    """Feeds the parser a part: pieces that are bytes (given) or ``(start, end)`` ranges of the file.

    Only the file's bytes are hashed, and ``drain`` also hashes ``rest`` (a range not fed), so the first part's
    checksum is the whole file's.
    """

    def __init__(self, view: FileView, pieces: list, *, rest: tuple[int, int] | None = None):
        self._view = view
        self._pieces = list(pieces)
        self._rest = rest
        super().__init__(None)

    def _read_raw(self, size: int) -> bytes:
        while self._pieces:
            piece = self._pieces[0]
            if isinstance(piece, bytes):
                data = piece[:size] if size >= 0 else piece
                rest = piece[len(data) :]
                if rest:
                    self._pieces[0] = rest
                else:
                    self._pieces.pop(0)
                if data:
                    return data
                continue
            start, end = piece
            data = self._view.read_at(start, end - start if size < 0 else min(size, end - start))
            if not data:
                self._pieces.pop(0)
                continue
            if start + len(data) >= end:
                self._pieces.pop(0)
            else:
                self._pieces[0] = (start + len(data), end)
            self._sha.update(data)
            self.size += len(data)
            return data
        return b""

    def drain(self) -> None:
        super().drain()
        if self._rest is not None:
            self._pieces, self._rest = [self._rest], None
            while self._read_raw(1 << 20):
                pass
