"""Writes that span the outcomes pipeline: import a SEN2 return, then compute its measures, as one step."""

from __future__ import annotations

from typing import BinaryIO

from django.db import transaction

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
