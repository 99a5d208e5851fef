"""Every row of every table, to prove that a restore (or a crash) left the database exactly as it was."""

from __future__ import annotations

import json

from django.apps import apps
from django.db import connection


def _plain(value: object) -> object:
    """Hashable and comparable: bytes for binary columns, canonical JSON text for PostgreSQL's jsonb."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def table_names() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def model_tables() -> set[str]:
    """The tables of every installed model, including the many-to-many link tables Django makes."""
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def snapshot() -> dict[str, list[tuple]]:
    """{table: its rows, sorted on every column}, with the sequences that will number the next rows."""
    state: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            width = len(connection.introspection.get_table_description(cursor, table))
            order = ", ".join(str(i) for i in range(1, width + 1))
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY {order}")  # noqa: S608
            state[table] = [tuple(_plain(v) for v in row) for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
            state["(sqlite_sequence)"] = list(cursor.fetchall())
        else:
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")
            state["(sequences)"] = list(cursor.fetchall())
    return state


def differences(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    """The tables whose rows differ, with a count of rows only on each side (empty when identical)."""
    problems = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table), after.get(table)
        if old == new:
            continue
        if old is None or new is None:
            problems.append(f"{table}: {'missing after' if new is None else 'new table'}")
            continue
        only_old = len(set(old) - set(new))
        only_new = len(set(new) - set(old))
        problems.append(f"{table}: {only_old} rows only before, {only_new} rows only after ({len(old)} -> {len(new)})")
    return problems
