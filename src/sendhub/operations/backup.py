"""Back up and restore the whole service: the database and the uploaded files, in one ``.tar.gz``.

The archive holds:

- ``manifest.json``: format and version, when and by which SEND Hub it was made, the database engine, the
  migrations applied to the database, and the size and SHA-256 of every other file in the archive;
- ``database.sqlite3`` (SQLite, copied with SQLite's online backup API, so it is consistent while the service
  runs) or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``, one consistent snapshot);
- ``uploads/...``: every file under the upload directory (evidence, board papers, issued packs).

Restoring checks everything before it changes anything: the archive's shape, every file's size and checksum
against the manifest (which must give both: each file is unpacked only up to its declared size, and all of them
only when they fit on the disk), the engine, and that the backup's migrations are exactly those of the code now
installed (a backup from another version would load tables of the wrong shape). Then the database is replaced in
one transaction (SQLite's backup API writes the live file under its own lock and journal; ``pg_restore
--single-transaction``), and only then the upload directory's contents are swapped, by renames within the same
file system. A failure at any step leaves a message naming what
was and was not changed.

Uploads kept in S3-compatible storage (``SENDHUB_FILE_STORAGE=s3``) are not copied: the bucket's own versioning
or replication backs them up, and the manifest says they were left out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with an argument list, never a shell
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from sendhub.voice import access

FORMAT = "sendhub-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"
_COPY_CHUNK = 1024 * 1024
PG_LIB_DIR = Path("/usr/lib/postgresql")  # Debian and Ubuntu keep each version's client tools here
_STAGING_PREFIX = ".sendhub-restore-"
_ASIDE_PREFIX = ".sendhub-before-restore-"


class BackupError(Exception):
    """Something an operator must know: the message says what happened and what was (not) changed."""


@dataclass
class BackupResult:
    path: Path
    engine: str
    size: int
    uploads: int
    uploads_included: bool
    seconds: float
    warnings: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    created_at: str
    engine: str
    uploads: int
    uploads_included: bool
    seconds: float
    warnings: list[str] = field(default_factory=list)
    erased_again: int = 0  # feedback deleted at its writer's request after the backup was made, deleted again


# Where things are ---------------------------------------------------------------------------------------------


def _connection():
    return connections["default"]


def engine_of(settings_dict: dict) -> str:
    engine = settings_dict.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"SEND Hub can back up SQLite and PostgreSQL databases, not {engine!r}.")


def upload_root() -> Path | None:
    """The directory holding the uploads, or None when they are kept elsewhere (S3-compatible storage)."""
    if isinstance(default_storage, FileSystemStorage):  # the lazy object answers for the storage it wraps
        return Path(default_storage.location)
    return None


def find_pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: from ``SENDHUB_PG_BIN_DIR``, the PATH, or the newest
    ``/usr/lib/postgresql/<version>/bin`` (Debian and Ubuntu put them there)."""
    configured = getattr(settings, "SENDHUB_PG_BIN_DIR", "")
    if configured:
        candidate = Path(configured) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise BackupError(f"SENDHUB_PG_BIN_DIR is {configured}, but there is no {name} there.")
    found = shutil.which(name)
    if found:
        return found

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.parent.name)) or (0,)

    candidates = sorted(PG_LIB_DIR.glob(f"*/bin/{name}"), key=version, reverse=True)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"{name} was not found on the PATH or in {PG_LIB_DIR}/*/bin. Install the PostgreSQL client "
        f"(Debian/Ubuntu: apt-get install postgresql-client) in the version of the server or newer, or set "
        f"SENDHUB_PG_BIN_DIR to the directory holding it."
    )


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """Connection details for pg_dump/pg_restore as PG* variables (the password never appears in ``ps``)."""
    from django.db.backends.postgresql.client import DatabaseClient

    _args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(env or {})}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout or "").strip()
        raise BackupError(f"{what} failed (exit code {completed.returncode}): {detail[-2000:]}")


# Migrations ----------------------------------------------------------------------------------------------------


def code_migrations() -> list[list[str]]:
    """Every migration of the installed code, as [app, name], sorted."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted([app, name] for app, name in loader.graph.nodes)


def database_migrations(connection) -> list[list[str]]:
    """The migrations applied to the database, as the code names them (squashed ones counted as the squash)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = set(MigrationRecorder(connection).applied_migrations())
    for key, migration in loader.replacements.items():
        if all(tuple(r) in applied for r in migration.replaces):
            applied -= {tuple(r) for r in migration.replaces}
            applied.add(key)
    known_apps = {app for app, _ in loader.graph.nodes}
    return sorted([app, name] for app, name in applied if app in known_apps)


def migration_difference(backup: list[list[str]], code: list[list[str]]) -> str:
    """An empty string when they match, otherwise what differs, for the operator."""
    only_backup = sorted({tuple(m) for m in backup} - {tuple(m) for m in code})
    only_code = sorted({tuple(m) for m in code} - {tuple(m) for m in backup})
    if not only_backup and not only_code:
        return ""

    def names(items: list[tuple]) -> str:
        shown = ", ".join(f"{app}.{name}" for app, name in items[:8])
        return shown + (f" and {len(items) - 8} more" if len(items) > 8 else "")

    parts = []
    if only_backup:
        parts.append(f"only in the backup: {names(only_backup)}")
    if only_code:
        parts.append(f"not in the backup: {names(only_code)}")
    return "; ".join(parts)


# Backing up ----------------------------------------------------------------------------------------------------


def default_backup_path() -> Path:
    folder = Path(getattr(settings, "DATA_DIR", Path.cwd())) / "backups"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / f"sendhub-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


def _target(path: Path | None) -> Path:
    if path is None:
        return default_backup_path()
    path = Path(path)
    if path.is_dir():
        return path / f"sendhub-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    if path.exists():
        raise BackupError(f"{path} already exists: choose another name, or move the old backup away first.")
    if not path.parent.is_dir():
        raise BackupError(f"There is no directory {path.parent} to write the backup into.")
    return path


class _HashingReader:
    """Reads a file for tarfile while computing its SHA-256, so each upload is read once."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_COPY_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dump_sqlite(settings_dict: dict, out: Path) -> None:
    source_path = Path(settings_dict["NAME"])
    if not source_path.is_file():
        raise BackupError(f"There is no SQLite database at {source_path}.")
    source = sqlite3.connect(source_path, timeout=60)
    target = sqlite3.connect(out)
    try:
        # One step: a consistent copy of the whole database as it stood at one moment, while others keep working
        # (writers wait for the copy, as for any reader).
        source.backup(target)
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as error:
        raise BackupError(f"Copying the SQLite database {source_path} failed: {error}") from error
    finally:
        target.close()
        source.close()
    if result != "ok":
        raise BackupError(f"The copy of {source_path} fails SQLite's integrity check: {result}")


def _dump_postgresql(settings_dict: dict, out: Path) -> None:
    pg_dump = find_pg_tool("pg_dump")
    _run(
        [pg_dump, "--format=custom", "--no-password", "--file", str(out), "--dbname", settings_dict["NAME"]],
        _pg_env(settings_dict),
        "pg_dump",
    )


def _upload_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under ``root`` with its path relative to it, in a stable order; links are skipped."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((_STAGING_PREFIX, _ASIDE_PREFIX)))
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            yield path, path.relative_to(root).as_posix()


def create_backup(path: Path | None = None) -> BackupResult:
    """Write a backup of the database and the uploads to ``path`` (a new file, or a directory to put it in)."""
    started = time.monotonic()
    connection = _connection()
    settings_dict = connection.settings_dict
    engine = engine_of(settings_dict)
    target = _target(path)
    warnings: list[str] = []
    migrations = database_migrations(connection)
    if migration_difference(migrations, code_migrations()):
        warnings.append(
            "The database is not migrated to this version of SEND Hub ('sendhub migrate'); the backup can only be "
            "restored by a version with the same migrations."
        )
    root = upload_root()
    try:
        uploads = _write_backup(settings_dict, engine, target, root, migrations)
    except OSError as error:
        raise BackupError(f"The backup could not be written to {target}: {error}. No backup was made.") from error
    if root is None:
        warnings.append("Uploads are in S3-compatible storage and were not copied: back up the bucket itself.")
    return BackupResult(
        path=target,
        engine=engine,
        size=target.stat().st_size,
        uploads=len(uploads),
        uploads_included=root is not None,
        seconds=time.monotonic() - started,
        warnings=warnings,
    )


def _write_backup(settings_dict: dict, engine: str, target: Path, root: Path | None, migrations: list) -> list[dict]:
    """Dump the database and pack it with the uploads into ``target``, which appears whole or not at all."""
    with tempfile.TemporaryDirectory(prefix=".sendhub-backup-", dir=target.parent) as work:
        dump = Path(work) / DATABASE_FILES[engine]
        (_dump_sqlite if engine == "sqlite" else _dump_postgresql)(settings_dict, dump)
        partial = Path(work) / "backup.tar.gz"
        uploads: list[dict] = []
        # Owner-only from the first byte: the backup holds personal and special category data.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(dump, arcname=DATABASE_FILES[engine], recursive=False)
            for file, relative in _upload_files(root) if root else ():
                try:
                    handle = file.open("rb")
                except FileNotFoundError:  # deleted since the walk: it is no longer part of the service
                    continue
                with handle:
                    info = archive.gettarinfo(fileobj=handle, arcname=f"{UPLOADS}/{relative}")
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    reader = _HashingReader(handle)
                    archive.addfile(info, reader)
                    uploads.append({"path": relative, "size": info.size, "sha256": reader.digest.hexdigest()})
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "sendhub_version": _version("sendhub"),
                "django_version": django.get_version(),
                "database": {
                    "engine": engine,
                    "file": DATABASE_FILES[engine],
                    "size": dump.stat().st_size,
                    "sha256": _sha256(dump),
                },
                "migrations": migrations,
                "uploads": {"included": root is not None, "files": uploads},
            }
            body = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
            archive.addfile(info, _BytesReader(body))
        os.replace(partial, target)
    return uploads


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk = self.data[self.offset : end]
        self.offset += len(chunk)
        return chunk


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


# Restoring -----------------------------------------------------------------------------------------------------


def _safe_relative(value: object) -> str:
    """A manifest's upload path, checked: relative, no ``..``, nothing hidden in it."""
    if not isinstance(value, str) or not value or "\\" in value or "\x00" in value:
        raise BackupError(
            f"The backup's manifest lists an upload with an invalid path: {value!r}. Nothing was changed."
        )
    path = PurePosixPath(value)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts) or path.as_posix() != value:
        raise BackupError(f"The backup's manifest lists an upload with an unsafe path: {value!r}. Nothing was changed.")
    return value


def read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise BackupError(f"{path} is not a SEND Hub backup: it has no {MANIFEST}. Nothing was changed.") from None
    handle = archive.extractfile(member) if member.isfile() and member.size < 50 * 1024 * 1024 else None
    try:
        manifest = json.loads(handle.read()) if handle else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a SEND Hub backup: its {MANIFEST} is not ours. Nothing was changed.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"{path} was written in backup format {version!r}; this SEND Hub reads format {FORMAT_VERSION} and "
            "older. Restore it with the version that made it. Nothing was changed."
        )
    database, uploads = manifest.get("database"), manifest.get("uploads")
    if (
        not isinstance(database, dict)
        or database.get("engine") not in DATABASE_FILES
        or database.get("file") != DATABASE_FILES.get(database.get("engine"))
        or not isinstance(uploads, dict)
        or not isinstance(uploads.get("files"), list)
        or not isinstance(manifest.get("migrations"), list)
        or not all(isinstance(f, dict) for f in uploads["files"])
    ):
        raise BackupError(f"{path} has a damaged {MANIFEST}. Nothing was changed.")
    _require_size_and_checksum(path, database["file"], database)
    for item in uploads["files"]:
        _require_size_and_checksum(path, f"{UPLOADS}/{_safe_relative(item.get('path'))}", item)
    return manifest


def _require_size_and_checksum(path: Path, name: str, entry: dict) -> None:
    """Every file is checked against its size as it is unpacked (so a huge entry stops at the size declared) and
    against its checksum after: an entry without both could be anything, of any size."""
    size, sha256 = entry.get("size"), entry.get("sha256")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise BackupError(
            f"{path}: its {MANIFEST} gives no size for {name} (a whole number of bytes), so {name} cannot be checked "
            "as it is unpacked. Nothing was changed."
        )
    if not isinstance(sha256, str) or not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise BackupError(
            f"{path}: its {MANIFEST} gives no SHA-256 checksum for {name} (64 hexadecimal digits), so {name} cannot "
            "be checked. Nothing was changed."
        )


def _copy_member(
    archive: tarfile.TarFile, member: tarfile.TarInfo, destination: Path, *, path: Path, size: int, sha256: str
) -> None:
    """Write a member to ``destination`` (a path we chose, never the archive's), stopping as soon as it passes
    ``size`` bytes, then check its checksum against ``sha256``."""
    source = archive.extractfile(member)
    if source is None:
        raise BackupError(f"The backup's entry {member.name} is not a file. Nothing was changed.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest, written = hashlib.sha256(), 0
    with source, destination.open("xb") as out:
        for chunk in iter(lambda: source.read(_COPY_CHUNK), b""):
            written += len(chunk)
            if written > size:
                raise BackupError(
                    f"{path} is damaged: {member.name} is longer than the {size:,} bytes its manifest gives. Nothing "
                    "was changed."
                )
            digest.update(chunk)
            out.write(chunk)
    if written != size:
        raise BackupError(f"{path} is damaged: {member.name} is not the size its manifest gives. Nothing was changed.")
    if digest.hexdigest() != sha256:
        raise BackupError(
            f"{path} is damaged: {member.name} does not match the checksum in its manifest. Nothing was changed."
        )


def _check_space(path: Path, needs: list[tuple[Path, int]]) -> None:
    """Refuse before unpacking when the files the manifest lists cannot fit where they are unpacked."""
    by_device: dict[int, list] = {}  # folders on one file system share its free space
    for folder, size in needs:
        by_device.setdefault(folder.stat().st_dev, [folder, 0])[1] += size
    for folder, size in by_device.values():
        free = shutil.disk_usage(folder).free
        if size > free:
            raise BackupError(
                f"{path} holds {size:,} bytes to unpack into {folder}, where only {free:,} bytes are free. Nothing "
                "was changed."
            )


def _unpack(archive: tarfile.TarFile, manifest: dict, path: Path, work: Path, staging: Path | None) -> None:
    """Copy every file the manifest lists out of the archive, checking sizes and checksums; refuse anything else."""
    database = manifest["database"]
    expected = {database["file"]: (work / database["file"], database["size"], database["sha256"])}
    for item in manifest["uploads"]["files"]:
        relative = _safe_relative(item["path"])
        if staging is not None:
            expected[f"{UPLOADS}/{relative}"] = (staging / relative, item["size"], item["sha256"])
    needs = [(work, database["size"])]
    if staging is not None:
        needs.append((staging, sum(size for _, size, _ in expected.values()) - database["size"]))
    _check_space(path, needs)
    seen = set()
    for member in archive:
        if member.name == MANIFEST:
            continue
        if member.name not in expected and not (staging is None and member.name.startswith(f"{UPLOADS}/")):
            raise BackupError(f"{path} holds {member.name!r}, which its manifest does not list. Nothing was changed.")
        if member.name not in expected:
            continue
        if not member.isfile() or member.name in seen:
            raise BackupError(f"{path}: the entry {member.name!r} is not a single plain file. Nothing was changed.")
        seen.add(member.name)
        destination, size, sha256 = expected[member.name]
        if member.size != size:  # checked before copying: no unpacking of a padded entry
            raise BackupError(
                f"{path} is damaged: {member.name} is not the size its manifest gives. Nothing was changed."
            )
        _copy_member(archive, member, destination, path=path, size=size, sha256=sha256)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(
            f"{path} is incomplete: {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''} listed in its "
            "manifest are missing. Nothing was changed."
        )


def _restore_sqlite(settings_dict: dict, dump: Path) -> None:
    live = Path(settings_dict["NAME"])
    source = sqlite3.connect(dump)
    target = sqlite3.connect(live, timeout=60)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The database in the backup fails SQLite's integrity check. Nothing was changed.")
        # The backup API replaces the live database's pages inside one write transaction on it, under SQLite's
        # lock and journal: other processes see the old data or the new, and a crash mid-way is rolled back.
        source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(
            f"Restoring the database into {live} failed, and SQLite rolled the database back: {error}. The uploads "
            "were not changed."
        ) from error
    finally:
        target.close()
        source.close()


def _restore_postgresql(settings_dict: dict, dump: Path) -> None:
    pg_restore = find_pg_tool("pg_restore")
    try:
        _run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                "--dbname",
                settings_dict["NAME"],
                str(dump),
            ],
            _pg_env(settings_dict),
            "pg_restore",
        )
    except BackupError as error:
        raise BackupError(
            f"{error}\nThe restore ran in one transaction, so the database was left as it was. The uploads were "
            "not changed."
        ) from error


def _swap_uploads(root: Path, staging: Path, stamp: str) -> None:
    """Replace the contents of ``root`` with those of ``staging`` (inside it) by renames, putting it back on error.

    The entries are moved rather than the directory itself, which may be a mount point."""
    aside = root / f"{_ASIDE_PREFIX}{stamp}"
    aside.mkdir()
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        for entry in sorted(os.listdir(root)):
            if entry in (aside.name, staging.name):
                continue
            os.replace(root / entry, aside / entry)
            moved_aside.append(entry)
        for entry in sorted(os.listdir(staging)):
            os.replace(staging / entry, root / entry)
            moved_in.append(entry)
    except OSError as error:
        for entry in moved_in:
            os.replace(root / entry, staging / entry)
        for entry in moved_aside:
            os.replace(aside / entry, root / entry)
        raise BackupError(
            f"The database was restored, but the uploads in {root} could not be replaced ({error}) and were put back "
            "as they were, so files and database do not match. Fix the problem and run the restore again."
        ) from error
    shutil.rmtree(aside, ignore_errors=True)


def restore_backup(path: Path, *, confirm: Callable[[str], bool]) -> RestoreResult:
    """Restore a backup over the current database and uploads, after every check and ``confirm(summary)``."""
    started = time.monotonic()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such file: {path}. Nothing was changed.")
    connection = _connection()
    settings_dict = connection.settings_dict
    engine = engine_of(settings_dict)
    root = upload_root()
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="sendhub-restore-", dir=getattr(settings, "DATA_DIR", None)))
    staging: Path | None = None
    try:
        try:
            archive = tarfile.open(path, mode="r:gz")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(
                f"{path} is not a SEND Hub backup (not a readable .tar.gz: {error}). Nothing was changed."
            ) from error
        with archive:
            manifest = read_manifest(archive, path)
            backup_engine = manifest["database"]["engine"]
            if backup_engine != engine:
                raise BackupError(
                    f"{path} is a backup of a {backup_engine} database, and this SEND Hub uses {engine}: it can only "
                    "be restored into the same kind of database. Nothing was changed."
                )
            difference = migration_difference(manifest["migrations"], code_migrations())
            if difference:
                raise BackupError(
                    f"{path} was made by a version of SEND Hub {manifest.get('sendhub_version') or ''} with other "
                    f"database migrations ({difference}), so its tables do not fit this version. Restore it with the "
                    "version that made it, then upgrade and run 'sendhub migrate'. Nothing was changed."
                )
            if engine == "postgresql":
                find_pg_tool("pg_restore")  # before unpacking: a missing tool should not cost a long wait
            included = bool(manifest["uploads"].get("included")) and root is not None
            if included:
                root.mkdir(parents=True, exist_ok=True)
                staging = root / f"{_STAGING_PREFIX}{stamp}"
                staging.mkdir()
            try:
                _unpack(archive, manifest, path, work, staging)
            except (tarfile.TarError, OSError, EOFError) as error:
                raise BackupError(f"{path} could not be read to the end ({error}). Nothing was changed.") from error
        uploads = len(manifest["uploads"]["files"])
        where = settings_dict["NAME"]
        summary = (
            f"This replaces ALL data in the {engine} database {where} with the backup made at "
            f"{manifest.get('created_at')}"
            + (f", and every uploaded file in {root} with the backup's {uploads} files." if included else ".")
        )
        if not confirm(summary):
            raise BackupError("Restore cancelled. Nothing was changed.")
        # Deletions people asked for after the backup was made must not come back with it.
        erasures = access.erasure_log()
        connection.close()  # our own connection must hold no lock on what is about to be replaced
        dump = work / manifest["database"]["file"]
        (_restore_sqlite if engine == "sqlite" else _restore_postgresql)(settings_dict, dump)
        if included:
            _swap_uploads(root, staging, stamp)
        erased_again = access.reapply_erasures(erasures)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    from django.core.cache import cache

    cache.clear()  # cached results name ids of the data that was replaced
    warnings = []
    if not manifest["uploads"].get("included"):
        warnings.append(
            "The backup holds no uploads (they were in S3-compatible storage): the uploads were left as they were."
        )
    elif root is None:
        warnings.append(
            "Uploads are now kept in S3-compatible storage, so the backup's uploads were not restored: "
            "copy them into the bucket from the archive's uploads/ folder if they are needed."
        )
    return RestoreResult(
        created_at=str(manifest.get("created_at")),
        engine=engine,
        uploads=uploads,
        uploads_included=included,
        seconds=time.monotonic() - started,
        warnings=warnings,
        erased_again=erased_again,
    )
