"""Import a SEN2 return: stream → parse → validate → minimise → store, in one pass and one transaction.

``import_sen2(stream=..., filename=..., area=...)`` returns an ``ImportResult``. The design, and why:

- **One pass, constant memory.** The file is read once with ``iterparse`` (``parser.iter_sen2``) while its
  SHA-256 is computed. Each person is checked (``validate.check_person``), minimised at once (``minimise``) and
  added to a buffer that is written every ``BATCH_PERSONS`` persons, so memory does not grow with the file.
- **A file with any error stores nothing.** Everything happens inside one transaction. At the first error the
  importer stops writing but keeps reading to report *every* problem (the lists kept are capped at
  ``MAX_PROBLEMS`` each, with the total counted); at the end the transaction is rolled back. Reading the file
  twice (validate, then store) would cost a second parse on every good file; rolling back costs only on bad ones.
- **Fast inserts.** Rows are written with one multi-row statement per batch and table: ``executemany`` on
  SQLite, ``COPY`` on PostgreSQL, with primary keys assigned by the importer (from the table's maximum under
  SQLite's write lock; from the identity sequence on PostgreSQL) so that requests can point at persons and
  active plans at requests without reading anything back. Columns come from the models' ``_meta``.
- **Supersede.** When the new return is stored, the area's previous current return for the same collection
  year is marked superseded (``is_current`` false, ``superseded_at`` now) and its person-level rows (persons,
  requests, active plans) are deleted; its ``MeasureValue`` rows stay as history.
- **Minimisation.** Names are never read into the rows; birth date, postcode, UPN and ULN become ages, the
  postcode district and a keyed hash (``settings.SENDHUB_PERSON_KEY``). Logs carry counts and timings only.
"""

from __future__ import annotations

import logging
import operator
import time
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from sendhub.accounts.models import LocalArea
from sendhub.outcomes.models import ActivePlan, EhcRequest, Sen2Person, Sen2Return

from . import minimise
from .codes import code_lists
from .parser import HashingReader, Header, Sen2FileError, iter_sen2
from .validate import ERROR, WARNING, HeaderInfo, check_header, check_person, unknown_items

logger = logging.getLogger(__name__)

BATCH_PERSONS = 5000
MAX_PROBLEMS = 1000


@dataclass
class ImportResult:
    sen2_return: Sen2Return | None = None
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.sen2_return is not None

    @property
    def error_count(self) -> int:
        return self.counts.get("errors", len(self.errors))

    @property
    def warning_count(self) -> int:
        return self.counts.get("warnings", len(self.warnings))


class _Rollback(Exception):
    """Raised inside the transaction to undo everything written for a file with errors."""


class _Problems:
    """Keeps the first ``MAX_PROBLEMS`` errors and warnings and counts them all."""

    def __init__(self):
        self.errors: list[dict] = []
        self.warnings: list[dict] = []
        self.error_count = 0
        self.warning_count = 0

    def extend(self, problems: list[dict]) -> None:
        for item in problems:
            if item["severity"] == ERROR:
                self.error_count += 1
                if len(self.errors) < MAX_PROBLEMS:
                    self.errors.append(item)
            else:
                self.warning_count += 1
                if len(self.warnings) < MAX_PROBLEMS:
                    self.warnings.append(item)


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


class _Writer:
    """Writes rows of the three person-level tables with importer-assigned ids, in batches."""

    def __init__(self, sen2_return_id: int):
        self.vendor = connection.vendor
        self.sen2_return_id = sen2_return_id
        self.models = (Sen2Person, EhcRequest, ActivePlan)
        self.attnames = {m: _fields(m) for m in self.models}
        self.getters = {m: operator.itemgetter(*self.attnames[m]) for m in self.models}
        self.date_positions = {
            m: [i for i, f in enumerate(m._meta.concrete_fields) if f.get_internal_type() == "DateField"]
            for m in self.models
        }
        self.next_id: dict = {}
        if self.vendor != "postgresql":
            with connection.cursor() as cursor:
                for model in self.models:
                    table = model._meta.db_table
                    cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608 # nosec B608 - our own table and column names
                    top = cursor.fetchone()[0]
                    if self.vendor == "sqlite":
                        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                        seq = cursor.fetchone()
                        top = max(top, seq[0] if seq else 0)
                    self.next_id[model] = top + 1

    def ids(self, model, count: int) -> list[int]:
        if count == 0:
            return []
        if self.vendor == "postgresql":
            table = model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                return [row[0] for row in cursor.fetchall()]
        start = self.next_id[model]
        self.next_id[model] = start + count
        return list(range(start, start + count))

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        getter = self.getters[model]
        table = model._meta.db_table
        columns = [model._meta.get_field(a).column if a != "id" else "id" for a in self.attnames[model]]
        column_sql = ", ".join(f'"{c}"' for c in columns)
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f'COPY "{table}" ({column_sql}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(getter(row))
            return
        if self.vendor == "sqlite":
            dates = self.date_positions[model]
            values = []
            for row in rows:
                record = list(getter(row))
                for i in dates:
                    if record[i] is not None:
                        record[i] = record[i].isoformat()
                values.append(record)
            placeholders = ", ".join(["%s"] * len(columns))
            with connection.cursor() as cursor:
                cursor.executemany(f'INSERT INTO "{table}" ({column_sql}) VALUES ({placeholders})', values)  # noqa: S608 # nosec B608 - our own table and column names
            return
        model.objects.bulk_create([model(**{a: row[a] for a in self.attnames[model]}) for row in rows], batch_size=1000)

    def delete_return_rows(self, sen2_return_ids: list[int]) -> None:
        """Delete the person-level rows of the given returns (children first), one statement per table."""
        if not sen2_return_ids:
            return
        marks = ", ".join(["%s"] * len(sen2_return_ids))
        with connection.cursor() as cursor:
            for model in (ActivePlan, EhcRequest, Sen2Person):
                table = model._meta.db_table
                cursor.execute(f'DELETE FROM "{table}" WHERE "sen2_return_id" IN ({marks})', sen2_return_ids)  # noqa: S608 # nosec B608 - our own table and column names


class _Store:
    """Turns checked persons into minimised rows and writes them in batches."""

    def __init__(self, writer: _Writer, info: HeaderInfo, checksum_hint: str):
        self.writer = writer
        self.info = info
        self.key = settings.SENDHUB_PERSON_KEY
        self.checksum_hint = checksum_hint
        self.persons: list[dict] = []
        self.requests: list[tuple[int, list[dict]]] = []  # (index of person in batch, rows)
        self.counts = {"persons": 0, "requests": 0, "active_plans": 0}

    def add(self, checked) -> None:
        reference_date = self.info.reference_date
        birth = checked.birth_date
        key = minimise.person_key(checked.identifier, self.key) if checked.identifier else ""
        age_now = minimise.age_in_years(birth, reference_date)
        person = {
            "sen2_return_id": self.writer.sen2_return_id,
            "position": checked.position,
            "person_key": key,
            "reference": minimise.reference(key, checksum=self.checksum_hint, position=checked.position),
            "sex": checked.sex,
            "ethnicity": checked.ethnicity,
            "postcode_district": checked.postcode_district,
            "age_at_reference_date": age_now,
        }
        # The raw values go no further than this object, which is dropped after this call.
        checked.birth_date = None
        checked.identifier = ""
        index = len(self.persons)
        self.persons.append(person)
        for row in checked.requests:
            row["sen2_return_id"] = self.writer.sen2_return_id
            row["age_at_request"] = minimise.age_in_years(birth, row["received_date"])
            row["age_at_plan_start"] = minimise.age_in_years(birth, row["plan_start_date"])
            for plan in row["active_plans"]:
                plan["sen2_return_id"] = self.writer.sen2_return_id
                plan["age_at_reference_date"] = age_now
        self.requests.append((index, checked.requests))
        if len(self.persons) >= BATCH_PERSONS:
            self.flush()

    def flush(self) -> None:
        if not self.persons:
            return
        writer = self.writer
        person_ids = writer.ids(Sen2Person, len(self.persons))
        for person, pk in zip(self.persons, person_ids, strict=True):
            person["id"] = pk
        requests = []
        for index, rows in self.requests:
            for row in rows:
                row["person_id"] = person_ids[index]
                requests.append(row)
        request_ids = writer.ids(EhcRequest, len(requests))
        plans = []
        for row, pk in zip(requests, request_ids, strict=True):
            row["id"] = pk
            for plan in row["active_plans"]:
                plan["request_id"] = pk
                plans.append(plan)
        for plan, pk in zip(plans, writer.ids(ActivePlan, len(plans)), strict=True):
            plan["id"] = pk
        writer.write(Sen2Person, self.persons)
        writer.write(EhcRequest, requests)
        writer.write(ActivePlan, plans)
        self.counts["persons"] += len(self.persons)
        self.counts["requests"] += len(requests)
        self.counts["active_plans"] += len(plans)
        self.persons, self.requests = [], []


def _file_error(error: Sen2FileError) -> dict:
    item = {"position": 0, "path": "Message", "rule": error.message, "severity": ERROR}
    if error.line:
        item["line"] = error.line
    return item


def import_sen2(*, stream: BinaryIO, filename: str, area: LocalArea, imported_by=None) -> ImportResult:
    """Import one SEN2 XML file for ``area``; a file with any error stores nothing (see the module docstring)."""
    started = time.perf_counter()
    problems = _Problems()
    result = ImportResult()
    reader = HashingReader(stream)
    try:
        with transaction.atomic():
            stored = _import(reader, filename, area, imported_by, problems, started)
            if problems.error_count:
                raise _Rollback
            result.sen2_return = stored
    except _Rollback:
        result.sen2_return = None
    result.errors, result.warnings = problems.errors, problems.warnings
    if result.sen2_return is not None:
        ret = result.sen2_return
        result.counts = {
            "persons": ret.person_count,
            "requests": ret.request_count,
            "active_plans": ret.active_plan_count,
        }
    result.counts.update(errors=problems.error_count, warnings=problems.warning_count)
    result.seconds = time.perf_counter() - started
    logger.info(
        "SEN2 import for area %s: %s persons, %s requests, %s active plans, %s errors, %s warnings in %.2f s",
        area.la_code,
        result.counts.get("persons", 0),
        result.counts.get("requests", 0),
        result.counts.get("active_plans", 0),
        problems.error_count,
        problems.warning_count,
        result.seconds,
    )
    return result


def _import(reader, filename, area, imported_by, problems: _Problems, started: float) -> Sen2Return | None:
    # Serialise imports for one area (a no-op on SQLite, whose writer lock does the same).
    LocalArea.objects.select_for_update().filter(pk=area.pk).first()
    events = iter_sen2(reader)
    header: Header | None = None
    info = HeaderInfo()
    store: _Store | None = None
    sen2_return: Sen2Return | None = None
    unknown_seen: set[str] = set()
    lists = None
    try:
        for item in events:
            if isinstance(item, Header):
                if header is not None or store is not None:
                    problems.extend([{"position": 0, "path": "Message/Header",
                                      "rule": "A second Header, or a Header after the persons, was ignored",
                                      "severity": WARNING}])  # fmt: skip
                    continue
                header = item
                info, header_problems = check_header(header, expected_la=area.la_code)
                problems.extend(header_problems)
                continue
            if lists is None:
                if header is None:
                    _, header_problems = check_header(None)
                    problems.extend(header_problems)
                lists = code_lists(info.year)
                if not problems.error_count:
                    sen2_return = Sen2Return.objects.create(
                        area=area,
                        collection_year=info.year,
                        reference_date=info.reference_date,
                        source_software=info.software[:100],
                        filename=filename[:255],
                        checksum="",
                        imported_by=imported_by,
                        is_current=False,
                    )
                    store = _Store(_Writer(sen2_return.pk), info, reader.head_digest)
            checked = check_person(item, info, lists)
            new_unknown = unknown_items(item) - unknown_seen
            if new_unknown:
                unknown_seen |= new_unknown
                problems.extend([
                    {"position": item.position, "path": f"Message/Persons/Person[{item.position}]",
                     "rule": f"{name} is not an item SEND Hub knows; it was ignored (first seen here)",
                     "severity": WARNING}
                    for name in sorted(new_unknown)
                ])  # fmt: skip
            problems.extend(checked.problems)
            if checked.has_errors or problems.error_count:
                store = None  # stop writing: this file will be rolled back
                continue
            if store is not None:
                store.add(checked)
        reader.drain()
    except Sen2FileError as error:
        problems.extend([_file_error(error)])
        return None
    if lists is None:  # no persons at all
        if header is None:
            _, header_problems = check_header(None)
            problems.extend(header_problems)
        if problems.error_count:
            return None
        sen2_return = Sen2Return.objects.create(
            area=area,
            collection_year=info.year,
            reference_date=info.reference_date,
            source_software=info.software[:100],
            filename=filename[:255],
            checksum="",
            imported_by=imported_by,
            is_current=False,
        )
        store = _Store(_Writer(sen2_return.pk), info, reader.head_digest)
        problems.extend([{"position": 0, "path": "Message/Persons", "rule": "The return has no Person records",
                          "severity": WARNING}])  # fmt: skip
    if problems.error_count or store is None or sen2_return is None:
        return None
    store.flush()
    previous = list(
        Sen2Return.objects.filter(area=area, collection_year=info.year, is_current=True).values_list("pk", flat=True)
    )
    store.writer.delete_return_rows(previous)
    now = timezone.now()
    Sen2Return.objects.filter(pk__in=previous).update(is_current=False, superseded_at=now)
    warnings = list(problems.warnings)
    if problems.warning_count > len(warnings):
        warnings.append({"position": 0, "path": "", "severity": WARNING,
                         "rule": f"… and {problems.warning_count - len(warnings)} more warnings"})  # fmt: skip
    sen2_return.checksum = reader.checksum
    sen2_return.person_count = store.counts["persons"]
    sen2_return.request_count = store.counts["requests"]
    sen2_return.active_plan_count = store.counts["active_plans"]
    sen2_return.warnings = warnings
    sen2_return.is_current = True
    sen2_return.import_seconds = round(time.perf_counter() - started, 3)
    sen2_return.save()
    return sen2_return
