"""The private directory where large uploads are spooled while a request reads them (``FILE_UPLOAD_TEMP_DIR``).

Django deletes a spooled upload when its request ends, but a worker killed mid-request (SIGKILL, the out-of-memory
killer, gunicorn's timeout) never reaches that, and a SEN2 return left in a shared temporary directory is children's
names, dates of birth and UPNs readable by whoever can list it. So uploads go to a directory of ours that only this
service's user can open, and every process that starts sweeps it of leftovers (``WebConfig.ready``).

Only files untouched for ``STALE_AFTER`` are removed: several gunicorn workers share the directory and start at
different times (one is recycled every couple of thousand requests), and another worker's upload in progress is
written to continuously, so it is never that old.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

# Far longer than any upload or request can take (gunicorn kills a request after two minutes).
STALE_AFTER = timedelta(hours=3)
PRIVATE_MODE = 0o700


def prepare_upload_temp_dir(directory: Path | str | None = None) -> Path | None:
    """Create the directory (owner only), tighten it if it was made wider, and sweep it; the directory, or None when
    Django spools to the system default."""
    path = directory or getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if not path:
        return None
    path = Path(path)
    try:
        path.mkdir(mode=PRIVATE_MODE, parents=True, exist_ok=True)
        if stat.S_IMODE(path.stat().st_mode) != PRIVATE_MODE:
            path.chmod(PRIVATE_MODE)
    except OSError as error:
        raise ImproperlyConfigured(
            f"The upload directory {path} (FILE_UPLOAD_TEMP_DIR, under SENDHUB_DATA_DIR) must be a directory that "
            f"this service's user owns and can write: {error.strerror or error}."
        ) from error
    sweep(path)
    return path


def sweep(directory: Path, *, older_than: timedelta = STALE_AFTER, now: float | None = None) -> int:
    """Delete the regular files in ``directory`` not modified for ``older_than``; the number deleted.

    Another process may delete the same file at the same moment: that is not an error.
    """
    cutoff = (now if now is not None else time.time()) - older_than.total_seconds()
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                continue
            os.unlink(entry.path)
            removed += 1
        except FileNotFoundError:
            continue
        except OSError as error:  # one undeletable file must not stop the server starting
            logger.warning("Could not remove an old upload from %s: %s", directory, type(error).__name__)
    if removed:
        logger.info("Removed %d upload(s) left behind by stopped requests from %s", removed, directory)
    return removed
