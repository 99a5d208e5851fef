"""``make load``: the whole load run of issue 7, bounded in users, time and address (127.0.0.1 only).

1. (Re)create a dedicated PostgreSQL database (its name must contain "load": it is dropped first), migrate, load
   the Lancashire demo, scale it to a large county (``sendhub demo scale``), collect the static files and
   ``VACUUM ANALYZE`` (without fresh statistics PostgreSQL plans the bulk-loaded tables as if empty).
2. Start ``sendhub worker`` and gunicorn bound to 127.0.0.1, and wait for ``/healthz``.
3. Warm up, unmeasured: feedback sent from two browsers per gunicorn worker at once (each worker loads the theme
   model on its first comment, seconds), then a short locust run so every worker fills its caches. Then run
   ``locust --headless`` with ``bench/load/locustfile.py`` for the given users and time.
4. Stop everything, print throughput, p50/p95/p99 and the slowest endpoints from locust's CSV (also written as
   Markdown to ``<out>/summary.md``), and exit 1 if the goals are missed (p95 at or over the limit, or any error).

    .venv/bin/python bench/load/run.py                         # the 5-minute run: 100 users
    .venv/bin/python bench/load/run.py --users 10 --time 30s   # a smoke run
    .venv/bin/python bench/load/run.py --reuse-db ...          # skip step 1's rebuild (minutes) after a first run

Everything the run writes (static files, uploads, logs, CSVs) is under ``var/load/``.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))
import pages  # noqa: E402 - beside this file

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sendhub_load"
# Every simulated family posts from 127.0.0.1: raise the per-address limits of the public forms (load_settings).
HIGH_RATE = "100000/m"
RATE_ENV = {name: HIGH_RATE for name in ("SENDHUB_VOICE_POST_RATE", "SENDHUB_VOICE_SUBMISSION_RATE",
                                         "SENDHUB_VOICE_ACCESS_RATE", "SENDHUB_REPORT_RATE")}


@dataclass
class Row:
    name: str
    method: str
    requests: int
    failures: int
    median: float
    p95: float
    p99: float
    maximum: float
    rps: float


def seconds(text: str) -> int:
    """'5m', '30s', '1h30m' or a plain number of seconds, as locust reads --run-time."""
    if text.isdigit():
        return int(text)
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text.strip())
    if not parts or not any(parts.groups()):
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (use e.g. 30s, 5m, 1h)")
    h, m, s = (int(g or 0) for g in parts.groups())
    return h * 3600 + m * 60 + s


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100, help="concurrent simulated users (default 100)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second (default 10)")
    parser.add_argument("--time", default="5m", help="how long the measured run lasts (default 5m)")
    parser.add_argument("--warmup", default="20s", help="unmeasured run first, 0 for none (default 20s)")
    parser.add_argument("--host", default="127.0.0.1", help="127.0.0.1 or localhost; nothing else is accepted")
    parser.add_argument("--port", type=int, default=8765, help="gunicorn's port (default 8765)")
    workers = 2 * cores + 1
    parser.add_argument("--workers", type=int, default=workers, help=f"gunicorn workers (default {workers})")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (default 1: sync)")
    parser.add_argument("--factor", type=float, default=10, help="'sendhub demo scale' factor (default 10)")
    parser.add_argument("--database-url", default=os.environ.get("SENDHUB_LOAD_DATABASE_URL", DEFAULT_DB),
                        help=f"a local PostgreSQL database whose name contains 'load' (default {DEFAULT_DB})")
    parser.add_argument("--reuse-db", action="store_true", help="keep the database from an earlier run")
    parser.add_argument("--p95-ms", type=float, default=300, help="goal: overall p95 below this (default 300)")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "load", help="where files go (default var/load)")
    args = parser.parse_args(argv)
    args.run_seconds = seconds(args.time)
    args.warmup_seconds = seconds(args.warmup) if args.warmup not in {"0", ""} else 0
    if args.users < 1 or args.run_seconds < 1 or args.run_seconds > 3600:
        parser.error("--users must be 1 or more and --time between 1s and 1h")
    try:
        pages.check_host(f"http://{args.host}:{args.port}/")
    except ValueError as exc:
        parser.error(str(exc))
    database = urlsplit(args.database_url)
    if database.hostname not in pages.ALLOWED_HOSTS or "load" not in database.path:
        parser.error("--database-url must be a PostgreSQL database on this machine whose name contains 'load' "
                     "(the run drops and recreates it)")
    return args


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(RATE_ENV)
    env.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="load_settings",
        PYTHONPATH=os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        SENDHUB_DATA_DIR=str(args.out / "data"),
        # Plain HTTP on the loopback: secure-only cookies would never come back, so CSRF would fail everywhere.
        SENDHUB_SECURE_COOKIES="0",
        SENDHUB_DEBUG="0",
        SENDHUB_SECRET_KEY=env.get("SENDHUB_LOAD_SECRET_KEY") or secrets.token_urlsafe(50),
        SENDHUB_BASE_URL=f"http://{args.host}:{args.port}",
    )
    env.pop("SENDHUB_CACHE_URL", None)  # the default per-process cache, as on a single server
    return env


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run(command: list[str], env: dict[str, str], *, timeout: int, log: Path | None = None) -> None:
    started = time.monotonic()
    print("$ " + " ".join(command), flush=True)
    if log is None:
        subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=timeout)
    else:
        with log.open("w") as out:
            subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=timeout, stdout=out,
                           stderr=subprocess.STDOUT)
    print(f"   ({time.monotonic() - started:.1f}s)", flush=True)


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    print(f"   database {name} recreated", flush=True)


def vacuum_analyze(url: str) -> None:
    """Fresh statistics and visibility maps, as autovacuum would leave them after a bulk load has settled."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    print(f"   VACUUM ANALYZE ({time.monotonic() - started:.1f}s)", flush=True)


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    sendhub = str(BIN / "sendhub")
    logs = args.out
    if not args.reuse_db:
        step("Database")
        recreate_database(args.database_url)
    run([sendhub, "migrate", "--noinput"], env, timeout=600, log=logs / "migrate.log")
    if not args.reuse_db:
        step("Lancashire demo, scaled to a large county")
        run([sendhub, "demo", "load"], env, timeout=900, log=logs / "demo-load.log")
        run([sendhub, "demo", "scale", "--factor", f"{args.factor:g}"], env, timeout=1800,
            log=logs / "demo-scale.log")
        print("   " + (logs / "demo-scale.log").read_text().strip().splitlines()[-1], flush=True)
    run([sendhub, "collectstatic", "--noinput"], env, timeout=300, log=logs / "collectstatic.log")
    vacuum_analyze(args.database_url)


def port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no clash
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    print("$ " + " ".join(command) + f"  > {log}", flush=True)
    out = log.open("w")
    # Its own process group, so stopping it also stops the processes it starts (gunicorn's workers).
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen | None, name: str) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    print(f"   stopped {name}", flush=True)


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 90) -> None:
    """Until /healthz answers 200 (database, cache and worker); a page answering 200 will do after ``timeout``."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting: see gunicorn.log")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    print("   /healthz answered 200", flush=True)
                    return
        except urllib.error.HTTPError as exc:
            last = f"{exc.code} {exc.read()[:300]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(1)
    with urllib.request.urlopen(base + "/", timeout=10) as response:  # noqa: S310 - loopback only
        if response.status != 200:
            raise RuntimeError(f"the server is not answering: {last}")
    print(f"   warning: /healthz did not answer 200 ({last}); the home page does, so the run goes on", flush=True)


def warm_workers(base: str, count: int) -> None:
    """Send feedback from ``count`` browsers at once. Each app process loads the theme model on its first comment
    (seconds); a process busy with that takes no other request, so concurrent posts reach every process."""
    import http.cookiejar
    import random
    import threading
    from urllib.parse import urlencode

    url = f"{base}/areas/lancashire/have-your-say/feedback/"
    done: list[bool] = []

    def send(seed: int) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        try:
            with opener.open(url, timeout=60) as response:
                form = pages.find_form(response.read().decode())
            data = urlencode(pages.feedback_answers(form, random.Random(seed)), doseq=True).encode()
            with opener.open(url, data=data, timeout=60) as response:
                done.append(b"Feedback sent" in response.read())
        except OSError as exc:
            print(f"   warm-up post failed: {exc}", flush=True)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    print(f"   {sum(done)} of {count} warm-up feedback posts sent", flush=True)


def locust(args: argparse.Namespace, env: dict[str, str], *, users: int, seconds_: int, prefix: str) -> int:
    command = [
        str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
        "-u", str(users), "-r", str(min(args.spawn_rate, users)), "-t", f"{seconds_}s", "--stop-timeout", "10",
        "--host", f"http://{args.host}:{args.port}", "--csv", str(args.out / prefix),
    ]
    print("$ " + " ".join(command), flush=True)
    with (args.out / f"{prefix}-locust.log").open("w") as log:
        # Bounded even if locust hangs: its own limit, then a margin to stop users and write the CSVs.
        result = subprocess.run(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                timeout=seconds_ + 120)
    return result.returncode


def read_stats(path: Path) -> tuple[Row, list[Row]]:
    rows, total = [], None
    with path.open(newline="") as handle:
        for record in csv.DictReader(handle):
            row = Row(
                name=record["Name"], method=record["Type"], requests=int(record["Request Count"]),
                failures=int(record["Failure Count"]), median=float(record["50%"] or 0),
                p95=float(record["95%"] or 0), p99=float(record["99%"] or 0),
                maximum=float(record["Max Response Time"] or 0), rps=float(record["Requests/s"] or 0),
            )
            if record["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    if total is None:
        raise RuntimeError(f"{path} has no Aggregated row: did locust run?")
    return total, rows


def read_failures(path: Path) -> list[tuple[str, str, int]]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return [(r["Name"], r["Error"], int(r["Occurrences"])) for r in csv.DictReader(handle)]


def cpu_counters() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat (0, 0 where there is none)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


class CpuMeter:
    """CPU seconds used by our processes during the run, by role, sampled from /proc once a second: gunicorn and
    the worker (by process group), locust (by command line) and the PostgreSQL backends serving our database (by
    their process title). What the machine was busy with beyond these was other people's work."""

    def __init__(self, groups: dict[str, int], database: str) -> None:
        import threading

        self.groups, self.database = groups, database
        self.ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.first: dict[int, int] = {}
        self.last: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _role(self, pid: int, pgid: int) -> str | None:
        for role, group in self.groups.items():
            if pgid == group:
                return role
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            return None
        if b"locust" in command and b"locustfile.py" in command:
            return "locust"
        if command.startswith(b"postgres:") and self.database.encode() in command:
            return "postgres"
        return None

    def sample(self, initial: bool = False) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            pid, pgid, used = int(entry.name), int(fields[2]), int(fields[11]) + int(fields[12])
            role = self._role(pid, pgid)
            if role is None:
                continue
            # Processes already running when we start count from there; later ones from their beginning.
            self.first.setdefault(pid, used if initial else 0)
            self.last[pid] = (role, used)

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            self.sample()

    def start(self) -> CpuMeter:
        if Path("/proc/stat").exists():
            self.sample(initial=True)
            self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
            self.sample()
        totals: dict[str, float] = {}
        for pid, (role, used) in self.last.items():
            totals[role] = totals.get(role, 0.0) + (used - self.first.get(pid, 0)) / self.ticks
        return totals


def server_times(log: Path, start: int, end: int) -> list[tuple[str, int, float, float]]:
    """Per view, as the app measured it (sendhub.request log lines written during the measured run):
    (view, requests, p50 ms, p95 ms). Beside locust's times, this tells queueing from work."""
    import json

    durations: dict[str, list[float]] = {}
    with log.open("rb") as handle:
        handle.seek(start)
        for line in handle.read(max(0, end - start)).splitlines():
            if b'"sendhub.request"' not in line:
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            name = f"{record.get('method', '')} {record.get('view') or record.get('route', '?')}"
            durations.setdefault(name, []).append(float(record.get("duration_ms", 0)))
    def rank(values: list[float], share: float) -> float:  # nearest-rank percentile
        return values[max(0, math.ceil(share * len(values)) - 1)]

    rows = []
    for name, values in durations.items():
        values.sort()
        rows.append((name, len(values), rank(values, 0.5), rank(values, 0.95)))
    return sorted(rows, key=lambda r: r[3], reverse=True)


def cpu_line(context: dict, run_seconds: int, requests: int) -> str:
    used = context.get("cpu_seconds") or {}
    if not used:
        return "- CPU by role: not measured (no /proc)"
    ours = sum(used.values())
    parts = ", ".join(f"{role} {secs:.0f} s" for role, secs in sorted(used.items(), key=lambda kv: -kv[1]))
    return (f"- CPU used by this run: {parts}; {ours / run_seconds:.2f} cores on average, "
            f"{1000 * ours / max(1, requests):.0f} CPU ms per request")


def report(args: argparse.Namespace, context: dict) -> bool:
    total, rows = read_stats(args.out / "load_stats.csv")
    failures = read_failures(args.out / "load_failures.csv")
    slowest = sorted(rows, key=lambda r: (r.p95, r.median), reverse=True)[:10]
    ok = total.p95 < args.p95_ms and total.failures == 0
    load_before = context.get("load_before", (0.0, 0.0, 0.0))
    lines = [
        f"- {args.users} users (spawn rate {args.spawn_rate:g}/s) for {args.time}; gunicorn {args.workers} workers x "
        f"{args.threads} thread(s); load average before: {' / '.join(f'{x:.2f}' for x in load_before)}; "
        f"machine CPU busy during the run: {context.get('cpu_busy', 0):.0f}% of {os.cpu_count()} cores",
        f"- throughput **{total.rps:.1f} requests/s** ({total.requests:,} requests), errors **{total.failures}**",
        f"- response time p50 **{total.median:.0f} ms**, p95 **{total.p95:.0f} ms**, p99 **{total.p99:.0f} ms**, "
        f"max {total.maximum:.0f} ms",
        f"- goals (p95 < {args.p95_ms:.0f} ms, no errors): **{'met' if ok else 'NOT met'}**",
        cpu_line(context, args.run_seconds, total.requests),
        "",
        "| slowest endpoints (by p95) | requests | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {r.method} {r.name} | {r.requests:,} | {r.median:.0f} | {r.p95:.0f} | {r.p99:.0f} | "
              f"{r.maximum:.0f} | {r.failures} |" for r in slowest]
    if failures:
        lines += ["", "| errors: endpoint | error | count |", "| --- | --- | ---: |"]
        lines += [f"| {name} | {error} | {count} |" for name, error, count in failures]
    app = context.get("server_times") or []
    if app:
        lines += ["", "| time in the app (request log), slowest 10 by p95 | requests | p50 ms | p95 ms |",
                  "| --- | ---: | ---: | ---: |"]
        lines += [f"| {name} | {n:,} | {p50:.0f} | {p95:.0f} |" for name, n, p50, p95 in app[:10]]
    text = "\n".join(lines)
    (args.out / "summary.md").write_text(text + "\n")
    step("Result")
    print(text, flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if shutil.which("locust", path=str(BIN)) is None or shutil.which("gunicorn", path=str(BIN)) is None:
        print(f"locust and gunicorn must be installed in {BIN} (pip install -e '.[load]')", file=sys.stderr)
        return 2
    if not port_free(args.host, args.port):
        print(f"Port {args.port} on {args.host} is in use: choose another with --port", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("load_*.csv"):
        old.unlink()
    env = environment(args)
    prepare(args, env)

    worker = server = None
    base = f"http://{args.host}:{args.port}"
    context: dict = {}
    try:
        step("Worker and gunicorn")
        worker = start([str(BIN / "sendhub"), "worker"], env, args.out / "worker.log")
        server = start([
            str(BIN / "gunicorn"), "sendhub.wsgi:application", "--bind", f"{args.host}:{args.port}",
            "--workers", str(args.workers), "--threads", str(args.threads), "--no-control-socket",
            "--graceful-timeout", "10", "--timeout", "60",
        ], env, args.out / "gunicorn.log")
        wait_until_up(base, server)
        if args.warmup_seconds:
            step(f"Warm-up ({args.warmup_seconds}s, not measured)")
            warm_workers(base, 2 * args.workers)
            locust(args, env, users=min(args.users, 20), seconds_=args.warmup_seconds, prefix="warmup")
        step(f"Load: {args.users} users for {args.time}")
        context["load_before"] = os.getloadavg()
        print(f"   load average before: {context['load_before']}", flush=True)
        log_start, cpu_start = (args.out / "gunicorn.log").stat().st_size, cpu_counters()
        meter = CpuMeter({"gunicorn": server.pid, "worker": worker.pid},
                         urlsplit(args.database_url).path.lstrip("/")).start()
        locust(args, env, users=args.users, seconds_=args.run_seconds, prefix="load")
        context["cpu_seconds"] = meter.stop()
        cpu_end = cpu_counters()
        context["cpu_busy"] = 100 * (cpu_end[0] - cpu_start[0]) / max(1, cpu_end[1] - cpu_start[1])
        context["server_times"] = server_times(args.out / "gunicorn.log", log_start,
                                               (args.out / "gunicorn.log").stat().st_size)
    finally:
        step("Stopping")
        stop(server, "gunicorn")
        stop(worker, "worker")
    return 0 if report(args, context) else 1


if __name__ == "__main__":
    sys.exit(main())
