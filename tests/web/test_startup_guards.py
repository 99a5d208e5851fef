"""Issue 13, items 8 and 9: the development secret key never runs with DEBUG off, `/healthz` tells only allowed
callers its details, and uploads are spooled in a private directory that every start sweeps of leftovers."""

from __future__ import annotations

import os
import runpy
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from sendhub.web.uploads import STALE_AFTER, prepare_upload_temp_dir, sweep

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "src" / "sendhub" / "settings.py"


# The development secret key ------------------------------------------------------------------------------------


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """``environment(**variables)``: the settings module run afresh with only these of its secret-key variables."""

    def settings_with(**variables: str) -> dict:
        for name in ("SENDHUB_SECRET_KEY", "SENDHUB_DEBUG", "SENDHUB_ALLOW_DEV_SECRET"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("SENDHUB_DATA_DIR", str(tmp_path))
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return settings_with


@pytest.mark.parametrize("variables", [{}, {"SENDHUB_ALLOW_DEV_SECRET": "0"}, {"SENDHUB_DEBUG": "0"}])
def test_the_development_key_is_refused_with_debug_off(environment, variables):
    with pytest.raises(ImproperlyConfigured, match="SENDHUB_SECRET_KEY is not set") as refused:
        environment(**variables)
    assert "SENDHUB_DEBUG=1" in str(refused.value), "the message says how to run a development server"


@pytest.mark.parametrize(
    "variables",
    [
        {"SENDHUB_DEBUG": "1"},  # make demo, runserver on a laptop
        {"SENDHUB_ALLOW_DEV_SECRET": "1"},  # the test suite and the benchmarks
        {"SENDHUB_SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz"},
    ],
)
def test_the_settings_load_in_development_tests_and_production(environment, variables):
    assert environment(**variables)["SECRET_KEY"]


# /healthz ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_gives_others_only_the_status(client):
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    response = outsider.get(reverse("web:healthz"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "sqlite" not in response.content.decode() and "worker" not in response.content.decode()
    assert "checks" in client.get(reverse("web:healthz")).json(), "127.0.0.1 is allowed by default"


@pytest.mark.django_db
def test_healthz_failure_keeps_its_code_but_not_its_reason_for_others(monkeypatch):
    from django.db import OperationalError, connection

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = Client(REMOTE_ADDR="203.0.113.9").get(reverse("web:healthz"))
    assert response.status_code == 503 and response.json() == {"status": "fail"}


@pytest.mark.django_db
def test_healthz_details_for_allowed_monitors_behind_the_proxy(settings):
    settings.SENDHUB_HEALTH_ALLOW = ["127.0.0.1", "::1", "10.1.0.0/16"]
    settings.SENDHUB_TRUSTED_PROXIES = ["10.0.0.2"]
    monitor = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.1.4.7")
    assert monitor.get("/healthz").json()["checks"]["database"]["status"] == "ok"
    # A browser that writes an allowed address itself is still the address nginx saw.
    forged = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.9")
    assert forged.get("/healthz").json() == {"status": "ok"}
    # The proxy itself is not a monitor just because the header is missing... unless it is in the list.
    assert "checks" not in Client(REMOTE_ADDR="10.0.0.2").get("/healthz").json()


# Uploads ------------------------------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_uploads_are_spooled_in_our_private_directory():
    directory = Path(django_settings.FILE_UPLOAD_TEMP_DIR)
    assert directory.parent == Path(django_settings.DATA_DIR)
    assert mode(directory) == 0o700, "made private when the app started"
    big = SimpleUploadedFile("return.xml", b"<Person/>" * (django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE // 8))
    request = RequestFactory().post("/upload", {"sen2": big})
    spooled = Path(request.FILES["sen2"].temporary_file_path())
    assert spooled.parent == directory
    request.FILES["sen2"].close()


def test_the_sweep_removes_only_old_files_and_tightens_the_directory(tmp_path):
    directory = tmp_path / "upload-tmp"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    old, fresh = directory / "abandoned.upload.xml", directory / "in-progress.upload.xml"
    old.write_bytes(b"<Person/>")
    fresh.write_bytes(b"<Person/>")
    long_ago = time.time() - STALE_AFTER.total_seconds() - 60
    os.utime(old, (long_ago, long_ago))
    (directory / "a-directory").mkdir()

    assert prepare_upload_temp_dir(directory) == directory

    assert not old.exists() and fresh.exists() and (directory / "a-directory").is_dir()
    assert mode(directory) == 0o700
    assert sweep(directory) == 0
    assert sweep(tmp_path / "never-made") == 0


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import django
    django.setup()
    if sys.argv[1] == "upload":
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import RequestFactory
        body = b"<Person><Forename>Jo</Forename><UPN>A123456789012</UPN></Person>" * 50000
        request = RequestFactory().post("/upload", {"sen2": SimpleUploadedFile("return.xml", body)})
        print(request.FILES["sen2"].temporary_file_path(), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # the worker dies mid-request: Django never deletes the file
    """
)


def run_child(step: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DJANGO_SETTINGS_MODULE="tests.settings", SENDHUB_DATA_DIR=str(data_dir), SENDHUB_LOG_LEVEL="WARNING",
               PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]))
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", CHILD, step], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
        check=False,
    )


def test_an_upload_left_by_a_killed_worker_is_private_and_swept_at_the_next_start(tmp_path):
    killed = run_child("upload", tmp_path)
    assert killed.returncode == -9, killed.stderr
    left = Path(killed.stdout.strip())
    assert left.exists() and left.parent == tmp_path / "upload-tmp", "not in the shared temporary directory"
    assert mode(left.parent) == 0o700

    restarted = run_child("start", tmp_path)
    assert restarted.returncode == 0, restarted.stderr
    assert left.exists(), "a file this recent may be another worker's upload in progress"

    long_ago = time.time() - STALE_AFTER.total_seconds() - 60
    os.utime(left, (long_ago, long_ago))
    restarted = run_child("start", tmp_path)
    assert restarted.returncode == 0, restarted.stderr
    assert not left.exists()
