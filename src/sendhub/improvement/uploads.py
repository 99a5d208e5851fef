"""Rules for evidence and report files: which types are accepted and how large they may be.

The declared extension must match what the file's own bytes say it is, so a renamed executable or a
script disguised as a PDF is refused. Plain-text formats are checked for being valid UTF-8 text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

import filetype

# extension -> (description, the MIME type the bytes must show; None = text, checked as UTF-8)
ALLOWED_TYPES: dict[str, tuple[str, str | None]] = {
    "pdf": ("PDF", "application/pdf"),
    "docx": ("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("Excel spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("PowerPoint presentation", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": ("OpenDocument text", "application/vnd.oasis.opendocument.text"),
    "ods": ("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
    "png": ("PNG image", "image/png"),
    "jpg": ("JPEG image", "image/jpeg"),
    "jpeg": ("JPEG image", "image/jpeg"),
    "csv": ("CSV file", None),
    "txt": ("text file", None),
}
# Office Open XML and OpenDocument files are zip containers; some writers produce zips that only show as zip.
_ZIP_CONTAINERS = {"docx", "xlsx", "pptx", "odt", "ods"}
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str
    size_bytes: int


class FileRejected(ValueError):
    """The file breaks an upload rule; the message says which, in plain words."""


def allowed_types_sentence(extensions: set[str] | None = None) -> str:
    names = sorted({ext.upper() for ext in (extensions or ALLOWED_TYPES) if ext != "jpeg"} or {"JPEG"})
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _size_words(size: int) -> str:
    return f"{size // (1024 * 1024)}MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)}KB"


def check_upload(
    name: str, size: int, stream: BinaryIO, *, max_bytes: int, allowed: set[str] | None = None
) -> CheckedFile:
    """Check a file's name, size and content. Raise FileRejected with a specific message."""
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    permitted = allowed or set(ALLOWED_TYPES)
    if not extension or extension not in permitted:
        kinds = allowed_types_sentence(permitted)
        raise FileRejected(f"The selected file must be a {kinds}")
    if size == 0:
        raise FileRejected("The selected file is empty")
    if size > max_bytes:
        raise FileRejected(f"The selected file must be smaller than {_size_words(max_bytes)}")
    head = stream.read(_SNIFF_BYTES)
    stream.seek(0)
    description, expected_mime = ALLOWED_TYPES[extension]
    if expected_mime is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character may be cut where the sample ends, but only if the file goes on.
            cut_at_sample_end = size > len(head) and exc.reason == "unexpected end of data"
            if not cut_at_sample_end:
                raise FileRejected(f"The selected file is not a valid {description} (it is not UTF-8 text)") from None
        if b"\x00" in head:
            raise FileRejected(f"The selected file is not a valid {description} (it contains binary data)")
        return CheckedFile(extension, "text/csv" if extension == "csv" else "text/plain", size)
    kind = filetype.guess(head)
    actual = kind.mime if kind else None
    if actual == expected_mime or (extension in _ZIP_CONTAINERS and actual == "application/zip"):
        return CheckedFile(extension, expected_mime, size)
    raise FileRejected(
        f"The selected file is not a real {description}: its contents do not match the .{extension} extension"
    )
