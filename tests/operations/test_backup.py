"""`sendhub backup` and `sendhub restore`: a round trip brings every row of every table and every uploaded file
back exactly, whatever changed in between; a backup that does not fit is refused before anything changes.

These run on whichever database the suite uses (SQLite, or PostgreSQL with DATABASE_URL), so `make test` proves
both. The data are committed (transactional tests): the backup reads the database from another connection.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import os
import shutil
import stat
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from sendhub.accounts.models import LocalArea, User
from sendhub.improvement.models import Action, Evidence
from sendhub.operations import backup
from sendhub.operations.retention import run_retention
from sendhub.outcomes.models import Sen2Return
from sendhub.voice.models import Comment, ErasedFeedback, Feedback
from tests.factories import InvitationFactory, LocalAreaFactory, UserFactory
from tests.operations.dbstate import differences, model_tables, snapshot, table_names

pytestmark = pytest.mark.django_db(transaction=True)


def media() -> Path:
    return Path(settings.MEDIA_ROOT)


def files() -> dict[str, bytes]:
    """Every uploaded file, by its path under the upload directory."""
    root = media()
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(*args: str, answer: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if answer is not None:
        monkeypatch.setattr(builtins, "input", lambda prompt="": answer)
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def small_world() -> None:
    area = LocalAreaFactory(name="Lancashire", slug="lancashire", la_code="888")
    Feedback.objects.create(area=area, respondent="parent_carer", contact_email="sam@example.org")
    default_storage.save("evidence/2026/01/minutes.pdf", ContentFile(b"%PDF-1.4 minutes"))
    default_storage.save("board-papers/2026/02/paper.pdf", ContentFile(b"%PDF-1.4 paper"))


def rewrite(source: Path, target: Path, *, manifest=None, members=None, drop=()) -> Path:
    """A copy of the backup ``source`` with its manifest changed by ``manifest(dict)``, members replaced or added
    from ``members`` {name: bytes}, and the members in ``drop`` left out."""
    members = dict(members or {})
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            if member.name in drop:
                continue
            data = old.extractfile(member).read()
            if member.name == backup.MANIFEST and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            data = members.pop(member.name, data)
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


# The round trip -------------------------------------------------------------------------------------------------


def rows_the_demo_does_not_make(area) -> None:
    """Rows in the tables the demo leaves empty (sign-in records, 2FA devices, DfE figures, binary models, queued
    tasks, history of comments, groups...), so that the round trip compares real rows in nearly every table."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group, Permission
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tasks_db.models import DBTaskResult

    from sendhub.accounts.models import SignInLink, SignInThrottle
    from sendhub.directory.models import Contact, Postcode, ReminderSent, Service
    from sendhub.forecasting.models import Population
    from sendhub.inspection.models import AuditCriterion, Moderation, SampledPlan
    from sendhub.outcomes.models import DfeRelease, DfeValue, StatisticalNeighbour
    from sendhub.reports.models import DutyOverride, MonitoringReport
    from sendhub.voice.models import ClassifierModel

    common = {"user_agent": "Firefox", "ip_address": "192.0.2.1", "username": "x@example.org", "http_accept": "*",
              "path_info": "/accounts/sign-in/"}  # fmt: skip
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common, locked_out=False)
    AccessAttempt.objects.create(**common, get_data="", post_data="", failures_since_start=1)
    user = User.objects.filter(memberships__area=area).first()
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    now = timezone.now()
    SignInThrottle.objects.create(key="0" * 64, failures=3, first_failure_at=now, last_attempt_at=now)
    SignInLink.objects.create(user=user, token_hash="1" * 64, expires_at=now)
    group = Group.objects.create(name="Operators")
    group.permissions.add(Permission.objects.first())
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.last())
    release = DfeRelease.objects.create(filename="ehcp.zip", checksum="1" * 64, latest_year=2025, row_count=1)
    DfeValue.objects.create(
        release=release, source_file="sen2_mi", time_period=2025, geographic_level="National",
        breakdown_topic="Total", breakdown="Total", measure="EHCP", value=None, marker="x",
    )  # fmt: skip
    StatisticalNeighbour.objects.create(la_name="Lancashire", neighbour_name="Cumbria", rank=1)
    Postcode.objects.create(postcode="PR1 2AB", latitude=53.76, longitude=-2.7, district="Preston")
    Contact.objects.create(service=Service.objects.filter(area=area).first(), name="Duty desk", email="d@example.org")
    ReminderSent.objects.create(service=Service.objects.filter(area=area).first(), recipient="0" * 64,
                                sent_on=timezone.localdate())
    ClassifierModel.objects.create(area=area, backend="tfidf", training_size=3, state=bytes(range(256)))
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="sendhub.operations.tasks.apply_retention",
        backend_name="default", queue_name="default", run_after=timezone.now(),
    )  # fmt: skip
    comment = Comment.objects.filter(area=area).first()
    comment.save()  # a history row, with its tags'
    comment.tags.first().save()
    InvitationFactory(area=area)
    Population.objects.create(area=area, year=2026, age=7, people=15234.5, source="ons.csv")
    Moderation.objects.create(  # through save(), so with a history row
        sampled=SampledPlan.objects.first(), criterion=AuditCriterion.objects.first(), agreed_grade=2,
        moderator=user, decided_on=timezone.localdate(),
    )  # fmt: skip
    DutyOverride.objects.create(
        report=MonitoringReport.objects.filter(area=area).first(), step="sign_off", by=user,
        earlier="sent it for review", reason="The other lead is on leave", at=now,
    )  # fmt: skip
    Feedback.objects.create(area=area, respondent="parent_carer", consent_to_contact=True, contact_email="a@b.org")


def test_a_round_trip_restores_every_table_and_every_upload(tmp_path, client_for):
    call_command("demo_load", "--sen2-persons", "150", "--dfe-release", "none", stdout=io.StringIO())
    area = LocalArea.objects.get(slug="lancashire")
    client_for(User.objects.filter(memberships__area=area).first()).get("/")  # a session
    rows_the_demo_does_not_make(area)
    run_retention()
    before, uploads = snapshot(), files()
    assert set(table_names()) >= model_tables(), "the snapshot must cover every model's table"
    empty = sorted(t for t, rows in before.items() if not rows and not t.startswith("("))
    assert len(empty) <= 8, f"most tables should hold rows to compare; empty: {empty}"
    assert len(uploads) >= 3, uploads

    out = run("backup", str(tmp_path / "sendhub.tar.gz"))
    assert "Backed up the" in out and f"{len(uploads)} uploaded files" in out

    # Change the data in every way: edit, delete (with cascades), add; and the files.
    Action.objects.filter(area=area).update(title="Changed")
    LocalArea.objects.filter(pk=area.pk).update(name="Renamed")
    Comment.objects.filter(pk__in=list(Comment.objects.filter(area=area).values_list("pk", flat=True)[:5])).delete()
    Feedback.objects.all().delete()
    Sen2Return.objects.all().delete()
    evidence = Evidence.objects.exclude(file="").first()
    evidence.file.delete(save=False)
    Evidence.objects.filter(pk=evidence.pk).delete()
    LocalAreaFactory(name="Cumbria", slug="cumbria", la_code="909")
    UserFactory(email="new@example.org")
    run_retention()
    changed_name = sorted(uploads)[-1]
    (media() / changed_name).write_bytes(b"overwritten")
    (media() / "evidence" / "new.pdf").write_bytes(b"%PDF-1.4 new")
    assert differences(before, snapshot()) and files() != uploads

    out = run("restore", str(tmp_path / "sendhub.tar.gz"), "--yes")

    assert "Restored the" in out and "sendhub retention run" in out
    assert differences(before, snapshot()) == []
    assert files() == uploads
    assert not list(media().glob(".sendhub-*")), "staging left behind"
    # The service goes on from the restored state: new rows are numbered after the restored ones.
    LocalAreaFactory(name="Cumbria", slug="cumbria", la_code="909")


def test_the_backup_is_private_and_has_a_manifest(tmp_path):
    small_world()
    run("backup", str(tmp_path / "b.tar.gz"))
    path = tmp_path / "b.tar.gz"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.loads(archive.extractfile(backup.MANIFEST).read())
        names = set(archive.getnames())
    engine = "sqlite" if connection.vendor == "sqlite" else "postgresql"
    assert manifest["format"] == "sendhub-backup" and manifest["format_version"] == 1
    assert manifest["database"]["engine"] == engine and len(manifest["database"]["sha256"]) == 64
    assert manifest["migrations"] == backup.code_migrations()
    assert {f["path"] for f in manifest["uploads"]["files"]} == {"evidence/2026/01/minutes.pdf",
                                                                 "board-papers/2026/02/paper.pdf"}  # fmt: skip
    assert names == {backup.MANIFEST, backup.DATABASE_FILES[engine], "uploads/evidence/2026/01/minutes.pdf",
                     "uploads/board-papers/2026/02/paper.pdf"}  # fmt: skip


def test_without_a_path_the_backup_goes_to_the_data_directory(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    small_world()
    out = run("backup")
    made = list((tmp_path / "backups").glob("sendhub-*.tar.gz"))
    assert len(made) == 1 and str(made[0]) in out
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    directory = tmp_path / "elsewhere"
    directory.mkdir()
    run("backup", str(directory))
    assert len(list(directory.glob("sendhub-*.tar.gz"))) == 1


@pytest.mark.parametrize("case", ["exists", "no directory"])
def test_a_backup_never_overwrites_or_guesses(tmp_path, case):
    small_world()
    target = tmp_path / "old.tar.gz" if case == "exists" else tmp_path / "missing" / "b.tar.gz"
    if case == "exists":
        target.write_bytes(b"an older backup")
    with pytest.raises(CommandError) as raised:
        run("backup", str(target))
    expected = "already exists: choose another name" if case == "exists" else "There is no directory"
    assert expected in str(raised.value)
    if case == "exists":
        assert target.read_bytes() == b"an older backup"


def test_a_full_disk_leaves_no_partial_backup(tmp_path, monkeypatch):
    small_world()

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup.tarfile, "open", full)
    with pytest.raises(CommandError) as raised:
        run("backup", str(tmp_path / "b.tar.gz"))
    assert str(raised.value).endswith("[Errno 28] No space left on device. No backup was made.")
    assert list(tmp_path.iterdir()) == [tmp_path / "media"]


# Restores that must not happen ------------------------------------------------------------------------------------


@pytest.fixture
def made(tmp_path) -> Path:
    small_world()
    run("backup", str(tmp_path / "good.tar.gz"))
    # The state to protect: something changed since the backup.
    LocalAreaFactory(name="Cumbria", slug="cumbria", la_code="909")
    (media() / "evidence" / "later.pdf").write_bytes(b"%PDF-1.4 later")
    return tmp_path / "good.tar.gz"


def refused(path: Path, *args: str, monkeypatch=None, answer: str | None = None) -> str:
    """Run a restore that must fail; check that nothing changed and return its message."""
    before, uploads = snapshot(), files()
    with pytest.raises(CommandError) as raised:
        run("restore", str(path), *args, answer=answer, monkeypatch=monkeypatch)
    assert differences(before, snapshot()) == [] and files() == uploads
    assert not list(media().glob(".sendhub-*")), "staging left behind"
    return str(raised.value)


def test_a_backup_from_another_version_is_refused(made, tmp_path):
    def future(manifest):
        manifest["migrations"].append(["voice", "9999_from_the_future"])
        manifest["migrations"].remove(["voice", "0001_initial"])
        return manifest

    message = refused(rewrite(made, tmp_path / "future.tar.gz", manifest=future), "--yes")
    assert "other database migrations" in message
    assert "only in the backup: voice.9999_from_the_future" in message
    assert "not in the backup: voice.0001_initial" in message
    assert "Nothing was changed." in message


def test_a_backup_of_the_other_kind_of_database_is_refused(made, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def swap(manifest):
        manifest["database"].update(engine=other, file=backup.DATABASE_FILES[other])
        return manifest

    message = refused(rewrite(made, tmp_path / "other.tar.gz", manifest=swap), "--yes")
    assert f"is a backup of a {other} database" in message


def test_a_damaged_backup_is_refused(made, tmp_path):
    name = "uploads/evidence/2026/01/minutes.pdf"
    damaged = rewrite(made, tmp_path / "damaged.tar.gz", members={name: b"%PDF-1.4 MINUTES"})
    assert "does not match the checksum in its manifest" in refused(damaged, "--yes")
    padded = rewrite(made, tmp_path / "padded.tar.gz", members={name: b"%PDF-1.4 minutes" + b"\0" * 10_000})
    assert "is not the size its manifest gives" in refused(padded, "--yes")
    incomplete = rewrite(made, tmp_path / "incomplete.tar.gz", drop={"uploads/board-papers/2026/02/paper.pdf"})
    assert "is incomplete" in refused(incomplete, "--yes")


@pytest.mark.parametrize("name", ["../outside.txt", "uploads/../../outside.txt", "/etc/cron.d/evil", "extra.txt"])
def test_entries_the_manifest_does_not_list_are_refused(made, tmp_path, name):
    hostile = rewrite(made, tmp_path / "hostile.tar.gz", members={name: b"evil"})
    assert "which its manifest does not list" in refused(hostile, "--yes")
    assert not (tmp_path / "outside.txt").exists()


@pytest.mark.parametrize("path", ["../../outside.txt", "/etc/passwd", "a/./b", "a//b"])
def test_unsafe_paths_in_the_manifest_are_refused(made, tmp_path, path):
    def hostile(manifest):
        manifest["uploads"]["files"].append({"path": path, "size": 4, "sha256": "0" * 64})
        return manifest

    assert "unsafe path" in refused(rewrite(made, tmp_path / "hostile.tar.gz", manifest=hostile), "--yes")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a backup", "not a readable .tar.gz"),
        (None, "has no manifest.json"),
        ("{}", "its manifest.json is not ours"),
    ],
)
def test_files_that_are_not_backups_are_refused(made, tmp_path, content, expected):
    path = tmp_path / "other.tar.gz"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is None:
        rewrite(made, path, drop={backup.MANIFEST})
    else:
        rewrite(made, path, manifest=lambda manifest: {})
    assert expected in refused(path, "--yes")


def test_a_newer_backup_format_is_refused(made, tmp_path):
    newer = rewrite(made, tmp_path / "newer.tar.gz", manifest=lambda m: {**m, "format_version": 2})
    assert "backup format 2" in refused(newer, "--yes")


def test_a_missing_file_is_explained(tmp_path, db):
    missing = tmp_path / "nowhere.tar.gz"
    assert refused(missing, "--yes") == f"No such file: {missing}. Nothing was changed."


def test_feedback_deleted_at_its_writers_request_stays_deleted_after_a_restore(tmp_path):
    from sendhub.voice import access

    small_world()
    feedback = Feedback.objects.get()
    run("backup", str(tmp_path / "b.tar.gz"))
    access.erase_feedback(feedback)  # the writer asks for deletion after the backup was made

    out = run("restore", str(tmp_path / "b.tar.gz"), "--yes")

    assert "Deleted again 1 feedback that its writers asked us to delete" in out
    assert not Feedback.objects.exists()
    assert list(ErasedFeedback.objects.values_list("reference", flat=True)) == [feedback.reference]


def test_restore_asks_first(made, monkeypatch):
    assert refused(made, answer="no", monkeypatch=monkeypatch) == "Restore cancelled. Nothing was changed."

    def no_terminal(prompt=""):
        raise EOFError

    monkeypatch.setattr(builtins, "input", no_terminal)
    assert "run it again with --yes" in refused(made)
    out = run("restore", str(made), answer="restore", monkeypatch=monkeypatch)
    assert "Restored the" in out and not LocalArea.objects.filter(slug="cumbria").exists()
    assert not (media() / "evidence" / "later.pdf").exists()


def test_a_failed_database_restore_changes_nothing(made, tmp_path):
    engine = "sqlite" if connection.vendor == "sqlite" else "postgresql"
    name = backup.DATABASE_FILES[engine]
    garbage = b"this is not a database" * 100

    def matching(manifest):
        import hashlib

        manifest["database"].update(size=len(garbage), sha256=hashlib.sha256(garbage).hexdigest())
        return manifest

    broken = rewrite(made, tmp_path / "broken.tar.gz", manifest=matching, members={name: garbage})
    message = refused(broken, "--yes")
    assert "The uploads were not changed." in message
    assert ("rolled the database back" in message or "integrity check" in message) if engine == "sqlite" else (
        "pg_restore failed" in message and "left as it was" in message
    )


# PostgreSQL tools -------------------------------------------------------------------------------------------------


def test_missing_postgresql_tools_are_explained(monkeypatch, tmp_path, settings):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup, "PG_LIB_DIR", tmp_path)
    with pytest.raises(backup.BackupError) as raised:
        backup.find_pg_tool("pg_dump")
    assert "pg_dump was not found on the PATH or in" in str(raised.value) and "postgresql-client" in str(raised.value)

    for version in ("9.6", "15", "16"):
        tool = tmp_path / version / "bin" / "pg_dump"
        tool.parent.mkdir(parents=True)
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)
    assert backup.find_pg_tool("pg_dump") == str(tmp_path / "16" / "bin" / "pg_dump")  # the newest

    settings.SENDHUB_PG_BIN_DIR = str(tmp_path / "nowhere")
    with pytest.raises(backup.BackupError, match="SENDHUB_PG_BIN_DIR is .*nowhere, but there is no pg_dump there"):
        backup.find_pg_tool("pg_dump")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="pg_dump round trip: runs in the PostgreSQL pass of make test",
)
def test_postgresql_without_pg_dump_changes_nothing(tmp_path, settings):
    small_world()
    settings.SENDHUB_PG_BIN_DIR = str(tmp_path)
    with pytest.raises(CommandError, match="there is no pg_dump there"):
        run("backup", str(tmp_path / "b.tar.gz"))
    assert not (tmp_path / "b.tar.gz").exists() and not list(tmp_path.glob(".sendhub-backup-*"))



# Sizes and checksums ------------------------------------------------------------------------------------------


def test_the_manifest_gives_the_size_and_checksum_of_every_file(tmp_path):
    small_world()
    run("backup", str(tmp_path / "b.tar.gz"))
    with tarfile.open(tmp_path / "b.tar.gz", "r:gz") as archive:
        manifest = json.loads(archive.extractfile(backup.MANIFEST).read())
        members = {m.name: archive.extractfile(m).read() for m in archive if m.name != backup.MANIFEST}
    entries = {manifest["database"]["file"]: manifest["database"]}
    entries.update({f"uploads/{item['path']}": item for item in manifest["uploads"]["files"]})
    assert set(entries) == set(members)
    for name, data in members.items():
        assert entries[name]["size"] == len(data), name
        assert entries[name]["sha256"] == hashlib.sha256(data).hexdigest(), name


@pytest.mark.parametrize("key", ["size", "sha256"])
@pytest.mark.parametrize("entry, named", [("database", None), ("upload", "uploads/evidence/2026/01/minutes.pdf")])
def test_a_manifest_without_a_size_or_checksum_is_refused_naming_the_file(made, tmp_path, key, entry, named):
    def without(manifest):
        if entry == "database":
            target = manifest["database"]
        else:
            target = next(f for f in manifest["uploads"]["files"] if f["path"] == "evidence/2026/01/minutes.pdf")
        del target[key]
        return manifest

    if entry == "database":
        named = manifest_of(made)["database"]["file"]
    message = refused(rewrite(made, tmp_path / "without.tar.gz", manifest=without), "--yes")
    what = "no size" if key == "size" else "no SHA-256 checksum"
    assert f"gives {what} for {named}" in message and "Nothing was changed." in message


@pytest.mark.parametrize("size", ["12", -1, 1.5, True, None])
def test_a_size_that_is_not_a_number_of_bytes_is_refused(made, tmp_path, size):
    def odd(manifest):
        manifest["uploads"]["files"][0]["size"] = size
        return manifest

    assert "gives no size for uploads/" in refused(rewrite(made, tmp_path / "odd.tar.gz", manifest=odd), "--yes")


def test_a_large_entry_without_a_size_is_refused_before_anything_is_written(made, tmp_path, monkeypatch):
    big = b"\0" * (64 * 1024 * 1024)  # compresses to 64 KB; the attack in issue 13 used 1 GiB

    def hide(manifest):
        manifest["uploads"]["files"].append({"path": "evidence/big.bin", "sha256": hashlib.sha256(big).hexdigest()})
        return manifest

    hostile = rewrite(made, tmp_path / "hostile.tar.gz", manifest=hide, members={"uploads/evidence/big.bin": big})
    assert hostile.stat().st_size < 1024 * 1024
    copied = []
    monkeypatch.setattr(backup, "_copy_member", lambda *args, **kwargs: copied.append(args[1].name))
    assert "gives no size for uploads/evidence/big.bin" in refused(hostile, "--yes")
    assert copied == []


def test_an_entry_is_unpacked_only_up_to_its_declared_size(tmp_path):
    data = b"x" * (3 * 1024 * 1024)
    with tarfile.open(tmp_path / "a.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo("uploads/a.bin")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with tarfile.open(tmp_path / "a.tar.gz", "r:gz") as archive:
        member = archive.getmember("uploads/a.bin")
        with pytest.raises(backup.BackupError) as raised:
            backup._copy_member(
                archive, member, tmp_path / "out.bin", path=tmp_path / "a.tar.gz", size=1000, sha256="0" * 64
            )
    assert "uploads/a.bin is longer than the 1,000 bytes its manifest gives" in str(raised.value)
    assert (tmp_path / "out.bin").stat().st_size == 0  # stopped at the first chunk past the size, before writing it


def test_a_backup_that_does_not_fit_on_the_disk_is_refused_before_unpacking(made, monkeypatch):
    real = shutil.disk_usage

    def full(path):
        return real(path)._replace(free=1000)

    monkeypatch.setattr(shutil, "disk_usage", full)
    message = refused(made, "--yes")
    assert "bytes to unpack into" in message and "where only 1,000 bytes are free" in message


def manifest_of(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        return json.loads(archive.extractfile(backup.MANIFEST).read())
