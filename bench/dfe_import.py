"""Benchmark: import DfE's "Education, health and care plans" release (issue 14: keep today's import speed).

Times two things per repeat and prints the best of each: reading every CSV of the release into DfeValue rows
without storing them (the parser alone, in CPU seconds, steadier on a busy machine), and the whole
``import_release`` into a fresh SQLite database (or DATABASE_URL: point it at a scratch database; the imported
release is deleted after each repeat).

    .venv/bin/python bench/dfe_import.py [PATH] [--repeat 3]

PATH defaults to ../shared/data/dfe-ehcp-plans-2025.zip (never copied into the repository).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

os.environ.setdefault("SENDHUB_DATA_DIR", tempfile.mkdtemp(prefix="sendhub-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")
# A throwaway key: production settings refuse the development key, and nothing here is signed or kept.
os.environ.setdefault("SENDHUB_SECRET_KEY", secrets.token_urlsafe(50))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from sendhub.outcomes import dfe  # noqa: E402
from sendhub.outcomes.models import DfeRelease  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dfe-ehcp-plans-2025.zip"


def read_only(path: Path) -> tuple[float, int]:
    """CPU seconds of this process to parse every file into rows (nothing stored), and how many rows.

    CPU time rather than wall time: on a machine shared with other work it varies far less.
    """
    started = time.process_time()
    with ExitStack() as stack:
        sources, _ = dfe._sources(path, stack)
        release = DfeRelease(pk=0)
        summary = dfe.ImportSummary()
        count = sum(1 for source in sources for _ in dfe._values(source, release, summary, False))
    return time.process_time() - started, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--read-only", action="store_true", help="Time the parser only (no database writes)")
    args = parser.parse_args()
    path = Path(args.path)
    if not path.exists():
        print(f"{path}: not found", file=sys.stderr)
        return 1
    call_command("migrate", verbosity=0)
    reads, imports = [], []
    for _ in range(args.repeat):
        seconds, rows = read_only(path)
        reads.append(seconds)
        if args.read_only:
            continue
        started = time.perf_counter()
        release = dfe.import_release(path)
        imports.append(time.perf_counter() - started)
        release.delete()
    print(f"{path.name}: {rows:,} values")
    print(f"read only (CPU):    best {min(reads):.2f} s of {args.repeat} ({', '.join(f'{s:.2f}' for s in reads)})")
    if imports:
        each = ", ".join(f"{s:.2f}" for s in imports)
        print(f"full import (wall): best {min(imports):.2f} s of {args.repeat} ({each})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
