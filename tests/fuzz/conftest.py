"""Shared set-up for the fuzz suite: the hypothesis profile, the world of objects and people, and the database
fingerprint that proves a refused request stored nothing.

Profiles (``SENDHUB_FUZZ_PROFILE``): ``fuzz`` (the default, and CI's) is derandomized, so every run sends the
same inputs and the suite stays deterministic and inside its time budget; ``fuzz-deep`` is random, with ten
times the examples, for a hunt by hand (``SENDHUB_FUZZ_PROFILE=fuzz-deep pytest tests/fuzz``).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connection
from hypothesis import HealthCheck, Phase, settings

# The permission matrix's world and people (fixtures are found by name in this module's namespace).
from tests.test_permissions import _no_second_factor, other_editor_user, superuser, world  # noqa: F401

_HEALTH_CHECKS = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
    # Each test drives hypothesis from inside its body, after its fixtures have built the world once.
    HealthCheck.function_scoped_fixture,
    HealthCheck.differing_executors,
]
settings.register_profile(
    "fuzz",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=_HEALTH_CHECKS,
    # Shrinking is kept (a short failing input is worth the seconds); "explain" re-runs examples for little gain.
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
)
settings.register_profile(
    "fuzz-deep",
    parent=settings.get_profile("fuzz"),
    derandomize=False,
)
PROFILE = os.environ.get("SENDHUB_FUZZ_PROFILE", "fuzz")
SCALE = 10 if PROFILE == "fuzz-deep" else 1


def fuzz_settings(max_examples: int) -> settings:
    """The profile's settings with this test's example count (kept small: the suite has a time budget)."""
    return settings(settings.get_profile(PROFILE), max_examples=max_examples * SCALE)


# Database fingerprint ---------------------------------------------------------------------------------------

# Tables a refused request may legitimately write: the session (Django rotates and saves it on every request
# that touches it), django-axes' record of failed sign-ins and django-otp's count of wrong codes on a device
# (both are how lockout works), SEND Hub's per-account sign-in slowdown (it counts refused sign-ins across
# addresses, so a refused sign-in must write it), and the audit trail, which records refused sign-ins on purpose.
UNTRACKED_TABLES = frozenset({
    "django_session",
    "accounts_signinthrottle",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "otp_totp_totpdevice",
    "accounts_auditevent",
})


def _tables() -> list[str]:
    return sorted(
        t for t in connection.introspection.table_names() if t not in UNTRACKED_TABLES and not t.startswith("sqlite_")
    )


def db_fingerprint() -> dict[str, str]:
    """Every table's row count and a digest of its rows: equal fingerprints mean nothing was stored or changed.

    The test world holds a few hundred rows, so reading them all is cheap; the digest also sees updates that
    leave counts alone (history tables would miss changes to models without history)."""
    quote = connection.ops.quote_name
    tables = _tables()
    result: dict[str, str] = {}
    with connection.cursor() as cursor:
        counts_sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
        cursor.execute(counts_sql)
        counts = cursor.fetchone()
        for table, count in zip(tables, counts, strict=True):
            if not count:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from introspection
            digest = hashlib.sha256()
            for row in sorted(repr(r) for r in cursor.fetchall()):
                digest.update(row.encode("utf-8", "surrogatepass"))
            result[table] = f"{count}:{digest.hexdigest()[:16]}"
    return result


def fingerprint_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    changed = {t for t in set(before) | set(after) if before.get(t) != after.get(t)}
    return sorted(f"{t}: {before.get(t, '0')} -> {after.get(t, '0')}" for t in changed)


def media_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# Outcomes per case, printed after the run with SENDHUB_FUZZ_STATS=1: a form whose examples are all refused is
# only being fuzzed at its front door, so the table shows which forms the plausible values get through.
STATS: dict[str, Counter] = defaultdict(Counter)


def pytest_terminal_summary(terminalreporter):
    if not os.environ.get("SENDHUB_FUZZ_STATS") or not STATS:
        return
    terminalreporter.section("fuzz outcomes per case")
    for case in sorted(STATS):
        counts = ", ".join(f"{outcome}: {n}" for outcome, n in sorted(STATS[case].items()))
        terminalreporter.write_line(f"{case}: {counts}")
