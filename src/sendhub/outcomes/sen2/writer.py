"""Writing a return's person-level rows, checking before commit that they link up (see ``importer``), and
deleting them (``delete_person_level_rows``, ``sen2_superseded_rows_delete``).

``Writer`` gives each batch of minimised rows (``rows.PersonRows``) its ids and foreign keys and writes the three
tables with one statement per batch and table: ``COPY`` on PostgreSQL, ``executemany`` on SQLite, ``bulk_create``
elsewhere. ``check_links`` checks, before the import commits, what foreign-key constraints would.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from sendhub.outcomes.models import ActivePlan, EhcRequest, Sen2Person, Sen2Return

from .rows import PERSON_COLUMNS, PLAN_COLUMNS, REQUEST_COLUMNS, PersonRows


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


class _Writer:
    """Writes rows of the three person-level tables with importer-assigned ids, in batches."""

    def __init__(self, sen2_return_id: int):
        self.vendor = connection.vendor
        self.sen2_return_id = sen2_return_id
        self.columns = {Sen2Person: PERSON_COLUMNS, EhcRequest: REQUEST_COLUMNS, ActivePlan: PLAN_COLUMNS}
        for model, columns in self.columns.items():
            if set(columns) != set(_fields(model)):  # a new model field must be given a value by ``rows``
                raise RuntimeError(f"sen2.rows does not fill the columns of {model.__name__}: {sorted(_fields(model))}")
        # Built once: a large import writes thousands of batches.
        self.statements = {model: self._statement(model) for model in self.columns}
        self.next_id: dict = {}
        if self.vendor == "postgresql":
            # Each identity sequence steps by 1,000 (migration 0003), so one ``nextval`` reserves a whole
            # block of ids for this import, safely beside any other session. The step is read, not assumed: with
            # a step of 1 this still works, one id per call (a call per id cost a sixth of a large import).
            self.blocks: dict = {}
            self.free: dict = {model: range(0) for model in self.columns}
            with connection.cursor() as cursor:
                for model in self.columns:
                    cursor.execute(
                        "SELECT seqincrement FROM pg_sequence "
                        "WHERE seqrelid = pg_get_serial_sequence(%s, 'id')::regclass",
                        [model._meta.db_table],
                    )
                    self.blocks[model] = max(1, cursor.fetchone()[0])
        else:
            with connection.cursor() as cursor:
                for model in self.columns:
                    table = model._meta.db_table
                    cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608 # nosec B608 - our own table and column names
                    top = cursor.fetchone()[0]
                    if self.vendor == "sqlite":
                        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                        seq = cursor.fetchone()
                        top = max(top, seq[0] if seq else 0)
                    self.next_id[model] = top + 1

    def ids(self, model, count: int) -> range | list[int]:
        if count == 0:
            return []
        if self.vendor == "postgresql":
            free = self.free[model]
            if len(free) < count:
                block = self.blocks[model]
                wanted = -(-(count - len(free)) // block)  # blocks needed, rounded up
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                        [model._meta.db_table, wanted],
                    )
                    starts = [row[0] for row in cursor.fetchall()]
                ids = [*free, *(i for start in starts for i in range(start, start + block))]
                self.free[model] = ids[count:]
                return ids[:count]
            self.free[model] = free[count:]
            return free[:count]
        start = self.next_id[model]
        self.next_id[model] = start + count
        return range(start, start + count)

    def _statement(self, model) -> str | None:
        """The one statement that writes a batch of ``model``'s rows (``None``: another database, ``bulk_create``)."""
        table = model._meta.db_table
        columns = [model._meta.get_field(name).column for name in self.columns[model]]
        column_sql = ", ".join(f'"{column}"' for column in columns)
        if self.vendor == "postgresql":
            return f'COPY "{table}" ({column_sql}) FROM STDIN'
        if self.vendor == "sqlite":
            placeholders = ", ".join(["%s"] * len(columns))
            return f'INSERT INTO "{table}" ({column_sql}) VALUES ({placeholders})'  # noqa: S608 # nosec B608 - our own table and column names
        return None

    def write(self, model, rows: list[tuple]) -> None:
        if not rows:
            return
        statement = self.statements[model]
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                with cursor.cursor.copy(statement) as copy:
                    write_row = copy.write_row
                    for row in rows:
                        write_row(row)
            return
        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.executemany(statement, rows)
            return
        names = self.columns[model]
        model.objects.bulk_create([model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=1000)

    def write_persons(self, batch: list[PersonRows]) -> tuple[int, int, int]:
        """Give a batch of persons their ids and foreign keys and write them; returns the three row counts."""
        ret = self.sen2_return_id
        request_count = sum(len(requests) for _person, requests in batch)
        plan_count = sum(len(plans) for _person, requests in batch for _request, plans in requests)
        request_ids = iter(self.ids(EhcRequest, request_count))
        plan_ids = iter(self.ids(ActivePlan, plan_count))
        persons, requests, plans = [], [], []
        for person_id, (person, person_requests) in zip(self.ids(Sen2Person, len(batch)), batch, strict=True):
            persons.append((person_id, ret, *person))
            for request, active in person_requests:
                request_id = next(request_ids)
                requests.append((request_id, ret, person_id, *request))
                for plan in active:
                    plans.append((next(plan_ids), ret, request_id, *plan))
        self.write(Sen2Person, persons)
        self.write(EhcRequest, requests)
        self.write(ActivePlan, plans)
        return len(persons), len(requests), len(plans)


class LinkError(RuntimeError):
    """The rows written do not link up: a fault in the importer, never in the file. Nothing is stored."""


def _check_links(sen2_return_id: int, counts: dict[str, int]) -> None:
    """Check, before committing, what foreign-key constraints would, and more: the return has exactly the rows
    written, every request's person and every active plan's request exist *in the same return*.

    The person-level tables have no constraints in the database (see ``outcomes.models``): one set-based query
    per table here costs a few per cent of what a constraint trigger per row cost.
    """
    persons = Sen2Person.objects.filter(sen2_return_id=sen2_return_id)
    requests = EhcRequest.objects.filter(sen2_return_id=sen2_return_id)
    plans = ActivePlan.objects.filter(sen2_return_id=sen2_return_id)
    found = {
        "persons": persons.count(),
        "requests": requests.count(),
        "active_plans": plans.count(),
        "requests without their person": requests.exclude(Exists(persons.filter(pk=OuterRef("person_id")))).count(),
        "active plans without their request": plans.exclude(Exists(requests.filter(pk=OuterRef("request_id")))).count(),
    }
    expected = {**counts, "requests without their person": 0, "active plans without their request": 0}
    if found != expected:
        wrong = ", ".join(
            f"{name} {found[name]} (expected {expected[name]})" for name in found if found[name] != expected[name]
        )
        raise LinkError(f"The SEN2 rows written for return {sen2_return_id} do not link up: {wrong}; none was stored")


def sen2_superseded_rows_delete(*, area_id: int, collection_year: int) -> int:
    """Delete the person-level rows of the area's superseded returns for the year, in one transaction; returns
    the number of rows deleted.

    The importer runs it once the import that superseded a return has committed (``transaction.on_commit``):
    until then the old rows stay, so a failed or killed import takes nothing with it. Every superseded return of
    the year is included, so rows left by a deletion that did not happen (a crash just after a commit) go with
    the next import; the retention rule for superseded returns is the last resort.
    """
    superseded = Sen2Return.objects.filter(
        area_id=area_id, collection_year=collection_year, is_current=False, superseded_at__isnull=False
    )
    with transaction.atomic():
        return delete_person_level_rows(list(superseded.values_list("pk", flat=True)))


def delete_person_level_rows(sen2_return_ids: list[int]) -> int:
    """Delete the persons, requests and active plans of the given returns, one statement per table (children
    first); returns the number of rows deleted.

    The only way these rows are deleted: superseding (the importer), retention, and a return deleted through the
    ORM (``pre_delete``, connected in ``apps.py``; the links to the return are ``DO_NOTHING``). Django's collector
    would load every row of an England-sized return into memory to follow the cascades.
    """
    total = 0
    ids = list(sen2_return_ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            for model in (ActivePlan, EhcRequest, Sen2Person):
                table = connection.ops.quote_name(model._meta.db_table)
                column = connection.ops.quote_name(model._meta.get_field("sen2_return").column)
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)  # noqa: S608 # nosec B608 - our own table and column names
                total += max(cursor.rowcount, 0)
    return total
