"""A SEN2 import killed mid-way (SIGKILL: no clean-up code runs) loses nothing, and importing again works.

The import runs as `sendhub sen2 import FILE --area CODE -v 2` in a child process on the test database (a file
for SQLite, the test database for PostgreSQL), over an area that already has an imported return. The test waits
until the child is well under way (it reports having written half the persons, and another connection holds a
transaction that has written to the database), kills it, and checks that the previous return, its person-level
rows and its measures are exactly as they were; then the same command run again imports the file.

A second test watches a whole import and checks there is never a moment at which the new return is current
without its measures (they are stored in the import's transaction), so no crash can leave it that way.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from sendhub.outcomes.models import ActivePlan, EhcRequest, MeasureValue, Sen2Person, Sen2Return
from sendhub.outcomes.sen2.generate import generate_sen2

pytestmark = pytest.mark.django_db(transaction=True)

LARGE_PERSONS = 20000  # a few seconds of work for the child: time enough to catch it half-way
TIMEOUT = 180
LEFTOVER_SECONDS = 15


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sen2")
    paths = {"previous": folder / "previous.xml", "large": folder / "large.xml"}
    with paths["previous"].open("w", encoding="utf-8") as out:
        generate_sen2(out, persons=1500, year=2025, seed=5, la="888")
    with paths["large"].open("w", encoding="utf-8") as out:
        generate_sen2(out, persons=LARGE_PERSONS, year=2025, seed=6, la="888")
    return paths


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(tmp_path: Path) -> dict[str, str]:
    """The production settings module on the test database, with the parent's key for linking persons."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="sendhub.settings",
        DATABASE_URL=database_url(),
        SENDHUB_DATA_DIR=str(tmp_path / "child-data"),
        SENDHUB_PERSON_KEY=settings.SENDHUB_PERSON_KEY,
        SENDHUB_LOG_LEVEL="WARNING",
    )
    return env


def import_command(path: Path) -> list[str]:
    # -v 2: a progress line on stderr every 5,000 persons written.
    return [sys.executable, "-m", "sendhub.cli", "sen2", "import", str(path), "--area", "888", "-v", "2"]


def start_import(path: Path, tmp_path: Path) -> subprocess.Popen:
    """The import in its own session (so that any process it starts can be found), its output in files (so that
    a process it leaves behind cannot hold our pipes open)."""
    with (tmp_path / "import.out").open("w") as out, (tmp_path / "import.err").open("w") as err:
        return subprocess.Popen(  # noqa: S603 - our own command
            import_command(path), env=child_env(tmp_path), stdout=out, stderr=err, text=True, start_new_session=True
        )


def output(tmp_path: Path) -> str:
    return "".join((tmp_path / name).read_text() for name in ("import.out", "import.err") if (tmp_path / name).exists())


def survivors(group: int) -> bool:
    """Whether any process of the killed import's session is still running."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def persons_written(tmp_path: Path) -> int:
    """How many persons the child reports having written so far (its ``-v 2`` progress lines)."""
    path = tmp_path / "import.err"
    if not path.exists():
        return 0
    counts = re.findall(r"Written ([\d,]+) persons so far", path.read_text())
    return max((int(count.replace(",", "")) for count in counts), default=0)


def child_has_written() -> bool:
    """Whether another connection has an open transaction that has written to the database."""
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        journal, wal = Path(f"{name}-journal"), Path(f"{name}-wal")
        return (journal.exists() and journal.stat().st_size > 0) or (wal.exists() and wal.stat().st_size > 0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_xid IS NOT NULL"
        )
        return cursor.fetchone()[0] > 0


def wait_for_no_other_transaction() -> None:
    """PostgreSQL rolls a dead client's transaction back when it notices the closed connection."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + 60
    while child_has_written():
        assert time.monotonic() < deadline, "the killed import's transaction is still open after 60 s"
        time.sleep(0.1)


def state(area) -> dict[str, list]:
    """Every outcomes row of the area's returns, in a comparable form."""
    returns = Sen2Return.objects.filter(area=area)
    return {
        "returns": list(returns.order_by("pk").values_list()),
        "persons": list(Sen2Person.objects.filter(sen2_return__in=returns).order_by("pk").values_list()),
        "requests": list(EhcRequest.objects.filter(sen2_return__in=returns).order_by("pk").values_list()),
        "plans": list(ActivePlan.objects.filter(sen2_return__in=returns).order_by("pk").values_list()),
        "measures": list(MeasureValue.objects.filter(area=area).order_by("pk").values_list()),
    }


def kill_when(process: subprocess.Popen, ready, what: str, tmp_path: Path) -> None:
    """SIGKILL the import process (only it, as the kernel's OOM killer would) once ``ready()``, then check that
    nothing it started outlives it for long: a leftover process could keep its database connection open."""
    deadline = time.monotonic() + TIMEOUT
    while not ready():
        if process.poll() is not None:
            pytest.fail(f"the import ended (exit {process.returncode}) before {what}:\n{output(tmp_path)}")
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"the import did not reach the point of {what} within {TIMEOUT} s")
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=TIMEOUT)
    assert process.returncode == -signal.SIGKILL, f"the import was not killed (exit {process.returncode})"
    deadline = time.monotonic() + LEFTOVER_SECONDS
    while survivors(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if survivors(process.pid):
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"a process started by the killed import was still running {LEFTOVER_SECONDS} s later")


def import_previous(returns) -> Sen2Return:
    call_command("sen2_import", str(returns["previous"]), "--area", "888", stdout=open(os.devnull, "w"))  # noqa: SIM115
    previous = Sen2Return.objects.get()
    assert previous.is_current and previous.person_count == 1500
    assert MeasureValue.objects.filter(sen2_return=previous).exists()
    return previous


def retry_succeeds(returns, tmp_path: Path, area, previous: Sen2Return, *, half_done: int = 0) -> None:
    """Running the same command again imports the file; the previous return (and ``half_done`` returns left by a
    killed import) are superseded as usual."""
    done = subprocess.run(  # noqa: S603 - our own command
        import_command(returns["large"]), env=child_env(tmp_path), capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, f"the retry failed:\n{done.stdout}\n{done.stderr}"
    assert f"{LARGE_PERSONS} persons" in done.stdout
    current = Sen2Return.objects.get(area=area, collection_year=2025, is_current=True)
    assert current.pk != previous.pk and current.person_count == LARGE_PERSONS
    assert Sen2Person.objects.filter(sen2_return=current).count() == LARGE_PERSONS
    assert EhcRequest.objects.filter(sen2_return=current).count() == current.request_count
    assert ActivePlan.objects.filter(sen2_return=current).count() == current.active_plan_count
    assert MeasureValue.objects.filter(sen2_return=current).exists()
    previous.refresh_from_db()
    assert not previous.is_current and previous.superseded_at is not None
    # Nothing else is left over from the killed attempt: no stray return, no person-level rows but the new ones.
    assert Sen2Return.objects.filter(area=area).count() == 2 + half_done
    assert Sen2Person.objects.count() == LARGE_PERSONS


def test_import_killed_mid_way_leaves_the_previous_return_intact(area, returns, tmp_path):
    previous = import_previous(returns)
    before = state(area)

    process = start_import(returns["large"], tmp_path)

    def well_under_way() -> bool:
        return persons_written(tmp_path) >= LARGE_PERSONS // 2 and child_has_written()

    kill_when(process, well_under_way, "having written half the persons to the database", tmp_path)
    wait_for_no_other_transaction()

    assert state(area) == before, "the killed import changed the area's returns, SEN2 rows or measures"
    previous.refresh_from_db()
    assert previous.is_current and previous.superseded_at is None
    retry_succeeds(returns, tmp_path, area, previous)


def test_the_new_return_is_never_current_without_its_measures(area, returns, tmp_path):
    """The rows and the measures are committed together, so there is no moment at which a crash could leave the
    area's current return without measures (and the previous one superseded)."""
    previous = import_previous(returns)
    process = start_import(returns["large"], tmp_path)

    def committed_without_measures() -> bool:
        new = Sen2Return.objects.filter(area=area, is_current=True).exclude(pk=previous.pk).first()
        return new is not None and not MeasureValue.objects.filter(sen2_return=new).exists()

    deadline = time.monotonic() + TIMEOUT
    seen = False
    while process.poll() is None and not seen:
        seen = committed_without_measures()
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"the import did not finish within {TIMEOUT} s")
        time.sleep(0.005)
    process.wait(timeout=TIMEOUT)
    assert not seen, "the new return was current before its measures were stored"
    assert process.returncode == 0, output(tmp_path)
    current = Sen2Return.objects.get(area=area, collection_year=2025, is_current=True)
    assert current.pk != previous.pk and MeasureValue.objects.filter(sen2_return=current).exists()
