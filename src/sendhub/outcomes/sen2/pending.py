"""SEN2 files kept while an administrator confirms them on the upload page.

A return with no persons, or fewer than half the persons of the area's current return, is refused until an
administrator confirms it (``importer.ShrinkRefusal``). The page must not ask them to upload the file again (a
browser cannot re-send it, and a 500 MB upload takes minutes), so the file is kept: ``keep`` stores it under a
random name and gives a signed token naming it, with the area, the user, the file's name and the counts that were
shown; the confirmation form sends the token back, and ``open_kept`` checks it and opens the file, which is then
imported again from the start (the import is a single pass that writes as it reads; keeping its rows across two
requests would mean a second, half-imported state for every table). ``discard`` deletes the file once imported
or cancelled, and ``sweep`` deletes any file older than ``KEEP_SECONDS``, whose token has expired with it.

A kept file is the raw return (names, dates of birth, UPNs), so it is kept out of the way: on disk, in the private
directory where uploads are spooled (``FILE_UPLOAD_TEMP_DIR``, see ``web.uploads``: only the service's user can
open it, it is outside the uploads directory that ``sendhub backup`` copies, and every start sweeps it of files
left for hours), named ``sen2-kept-…``; with S3 storage (several app servers, any of which may answer the
confirmation), in the private bucket under ``sen2-kept/``. The file is never served.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.utils import timezone

logger = logging.getLogger(__name__)

KEEP_SECONDS = 60 * 60  # time to read the counts and confirm; the file is deleted after it
_SALT = "sendhub.outcomes.sen2.pending"
_NAME = "sen2-kept-"  # kept files' names start so (``sweep`` leaves uploads in progress in the same directory alone)
_BUCKET_FOLDER = "sen2-kept/"


class KeptFileError(Exception):
    """The token is not valid for this area and user, has expired, or its file is gone (the message says which)."""


@dataclass(frozen=True)
class KeptFile:
    """A kept upload, as its token describes it."""

    name: str  # in ``storage()``
    filename: str  # as uploaded
    area_id: int
    user_id: int
    collection_year: int
    persons: int
    current_return_id: int | None
    current_persons: int | None


def storage() -> Storage:
    """Where kept files live: the private upload directory when uploads are on disk, else the bucket."""
    if isinstance(default_storage, FileSystemStorage):  # the lazy object answers for the storage it wraps
        location = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or Path(settings.DATA_DIR) / "upload-tmp"
        return FileSystemStorage(location=location, file_permissions_mode=0o600, directory_permissions_mode=0o700)
    return default_storage


def _folder(store: Storage) -> str:
    return "" if isinstance(store, FileSystemStorage) else _BUCKET_FOLDER


def keep(upload: BinaryIO, *, filename: str, area_id: int, user_id: int, refusal) -> str:
    """Store ``upload`` (from its start) and return the token that names it; ``refusal`` is the importer's
    ``ShrinkRefusal`` whose counts the page shows."""
    store = storage()
    upload.seek(0)
    # A Django upload on disk is moved, not copied (FileSystemStorage moves a file with a temporary path).
    name = store.save(f"{_folder(store)}{_NAME}{secrets.token_hex(16)}.xml", upload)
    return _token(name, filename=filename, area_id=area_id, user_id=user_id, refusal=refusal)


def renew(kept: KeptFile, *, refusal) -> str:
    """A new token for a kept file refused again with other counts (the current return changed meanwhile)."""
    return _token(kept.name, filename=kept.filename, area_id=kept.area_id, user_id=kept.user_id, refusal=refusal)


def _token(name: str, *, filename: str, area_id: int, user_id: int, refusal) -> str:
    return signing.dumps(
        {
            "n": name,
            "f": filename,
            "a": area_id,
            "u": user_id,
            "y": refusal.collection_year,
            "p": refusal.persons,
            "r": refusal.current_return_id,
            "c": refusal.current_persons,
        },
        salt=_SALT,
    )


def read_token(token: str, *, area_id: int, user_id: int) -> KeptFile:
    """The kept file a token names, if it was given to this user for this area less than ``KEEP_SECONDS`` ago and
    the file is still there."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=KEEP_SECONDS)
    except signing.SignatureExpired:
        raise KeptFileError(
            f"The file was kept for {KEEP_SECONDS // 60} minutes while you decided, and has been deleted. Upload it "
            "again."
        ) from None
    except signing.BadSignature:
        raise KeptFileError("This confirmation is not valid. Upload the file again.") from None
    kept = KeptFile(data["n"], data["f"], data["a"], data["u"], data["y"], data["p"], data["r"], data["c"])
    if (kept.area_id, kept.user_id) != (area_id, user_id):
        raise KeptFileError("This confirmation was for another upload. Upload the file again.")
    if not kept.name.rpartition("/")[2].startswith(_NAME) or not storage().exists(kept.name):
        raise KeptFileError("The file is no longer kept (it was imported, cancelled or expired). Upload it again.")
    return kept


def open_kept(kept: KeptFile):
    """The kept file, open for reading (a Django ``File``; close it after use)."""
    return storage().open(kept.name, "rb")


def discard(kept: KeptFile) -> None:
    storage().delete(kept.name)


def sweep(*, now=None) -> int:
    """Delete kept files older than ``KEEP_SECONDS`` (their tokens have expired); returns how many."""
    store = storage()
    folder = _folder(store)
    cutoff = (now or timezone.now()) - timedelta(seconds=KEEP_SECONDS)
    try:
        _dirs, files = store.listdir(folder.rstrip("/"))
    except FileNotFoundError:  # nothing kept yet
        return 0
    deleted = 0
    for filename in files:
        if not filename.startswith(_NAME):
            continue
        name = f"{folder}{filename}"
        try:
            if store.get_modified_time(name) < cutoff:
                store.delete(name)
                deleted += 1
        except FileNotFoundError:  # deleted meanwhile (by another request)
            continue
    if deleted:
        logger.info("Deleted %s expired SEN2 upload(s) kept for confirmation", deleted)
    return deleted
