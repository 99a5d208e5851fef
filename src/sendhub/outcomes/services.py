"""Writes that span the outcomes pipeline: import a SEN2 return, then compute its measures, as one step."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO

from django.db import transaction

from sendhub.accounts.models import LocalArea

if TYPE_CHECKING:
    from sendhub.outcomes.sen2.importer import ImportResult
    from sendhub.outcomes.sen2.pending import KeptFile


def sen2_import(
    *,
    stream: BinaryIO,
    filename: str,
    area: LocalArea,
    imported_by=None,
    progress: Callable[[int], None] | None = None,
    allow_shrink: bool = False,
) -> ImportResult:
    """Import a SEN2 XML file for ``area`` and compute every measure from it.

    Returns the importer's result (the new Sen2Return, warnings, or the errors that stopped it). A file with
    errors stores nothing; a newer return for the same collection year supersedes the older one, whose
    measure values are kept as history (its person-level rows are deleted once the new one has committed).
    A return with no persons, or fewer than half those of the current return, is refused (``result.shrink``)
    unless ``allow_shrink``. ``progress`` (optional) is called with the persons written so far.
    """
    from sendhub.outcomes.computation import recompute_measures
    from sendhub.outcomes.sen2.importer import import_sen2

    # One transaction for the rows and their measures: committed separately, a crash between the two left the new
    # return current (and the previous one superseded) with no measures at all.
    with transaction.atomic():
        result = import_sen2(
            stream=stream,
            filename=filename,
            area=area,
            imported_by=imported_by,
            progress=progress,
            allow_shrink=allow_shrink,
        )
        if result.sen2_return is not None:
            recompute_measures(result.sen2_return)
            _add_placement_warnings(result)
    return result


def _add_placement_warnings(result: ImportResult) -> None:
    """Show the import's caller the warnings computing the measures put on the return (URNs GIAS does not know,
    no GIAS extract at all), as the importer's own warnings are shown."""
    from sendhub.outcomes.computation import PLACEMENT_WARNING_PATH

    placement = [w for w in result.sen2_return.warnings if w.get("path") == PLACEMENT_WARNING_PATH]
    result.warnings = [*result.warnings, *placement]
    result.counts["warnings"] = result.counts.get("warnings", 0) + len(placement)


def sen2_import_kept(*, kept: KeptFile, area: LocalArea, imported_by=None) -> ImportResult:
    """Import, as its administrator confirmed it, a SEN2 file kept by the upload page (``sen2.pending``) because
    it has far fewer persons than the current return.

    The confirmation covers the counts that were shown: if the area's current return for the year has changed
    since (another upload), the file is checked as any other and may be refused again with the new counts. The
    kept file is deleted unless it is refused again.
    """
    from sendhub.outcomes.models import Sen2Return
    from sendhub.outcomes.sen2 import pending

    current = (
        Sen2Return.objects.filter(area=area, collection_year=kept.collection_year, is_current=True)
        .values_list("pk", flat=True)
        .first()
    )
    with pending.open_kept(kept) as stream:
        result = sen2_import(
            stream=stream,
            filename=kept.filename,
            area=area,
            imported_by=imported_by,
            allow_shrink=current == kept.current_return_id,
        )
    if result.shrink is None:
        pending.discard(kept)
    return result
