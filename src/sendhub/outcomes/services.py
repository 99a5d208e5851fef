"""Writes that span the outcomes pipeline: import a SEN2 return, then compute its measures, as one step."""

from __future__ import annotations

from typing import BinaryIO

from django.db import connection, transaction

from sendhub.accounts.models import LocalArea


def sen2_import(*, stream: BinaryIO, filename: str, area: LocalArea, imported_by=None, progress=None):
    """Import a SEN2 XML file for ``area`` and compute every measure from it.

    Returns the importer's result (the new Sen2Return, warnings, or the errors that stopped it). A file with
    errors stores nothing; a newer return for the same collection year supersedes the older one, whose
    measure values are kept as history. ``progress`` (optional) is called with the persons written so far.
    """
    from sendhub.outcomes.computation import recompute_measures
    from sendhub.outcomes.sen2.importer import import_sen2

    # One transaction for the rows and their measures: committed separately, a crash between the two left the new
    # return current (and the previous one superseded) with no measures at all.
    with transaction.atomic():
        result = import_sen2(stream=stream, filename=filename, area=area, imported_by=imported_by, progress=progress)
        if result.sen2_return is not None:
            recompute_measures(result.sen2_return)
    return result


def delete_person_level_rows(sen2_return_ids: list[int]) -> int:
    """Delete the persons, requests and active plans of the given returns, one statement per table (children
    first); returns the number of rows deleted.

    The only way these rows are deleted: superseding (the importer), retention, and a return deleted through the
    ORM (``pre_delete``, connected in ``apps.py``; the links to the return are ``DO_NOTHING``). Django's collector
    would load every row of an England-sized return into memory to follow the cascades.
    """
    from sendhub.outcomes.models import ActivePlan, EhcRequest, Sen2Person

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
