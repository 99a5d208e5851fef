"""Writes: importing a GIAS extract."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from sendhub.establishments.gias import GiasFileError, extract_date_from_filename, read_extract
from sendhub.establishments.models import Establishment, GiasExtract


@dataclass
class GiasImportResult:
    extract: GiasExtract
    already_imported: bool = False
    new: int = 0
    changed: int = 0
    unchanged: int = 0


def gias_extract_import(*, data: bytes, filename: str, extract_date: date | None = None,
                        imported_by=None) -> GiasImportResult:
    """Import a GIAS "establishment fields" extract; idempotent.

    A file already imported (same SHA-256) changes nothing. Extracts must come in date order: an older extract
    than the newest one held would rewrite history backwards, so it is refused. For each establishment, a version
    is opened when it is first seen or when any of its details differ from its current version (which is closed
    at the extract's date); establishments missing from the extract are left as they were, so a URN named by an
    old return still resolves. Raises ``GiasFileError`` (nothing stored) for a file with any problem.
    """
    checksum = hashlib.sha256(data).hexdigest()
    held = GiasExtract.objects.filter(checksum=checksum).first()
    if held is not None:
        return GiasImportResult(extract=held, already_imported=True)
    extract_date = extract_date or extract_date_from_filename(filename)
    if extract_date is None:
        raise GiasFileError([
            f"{filename}: the file name holds no date (GIAS names it edubasealldataYYYYMMDD.csv); "
            "give the date the extract was made with --date YYYY-MM-DD"
        ])
    newest = GiasExtract.objects.order_by("-extract_date").first()
    if newest is not None and extract_date <= newest.extract_date:
        raise GiasFileError([
            f"{filename}: an extract of {newest.extract_date:%d %B %Y} is already imported; extracts are imported "
            f"in date order, so this one of {extract_date:%d %B %Y} was not (nothing changed)"
        ])
    facts = read_extract(data, source=filename)
    with transaction.atomic():
        extract = GiasExtract.objects.create(filename=filename[:255], extract_date=extract_date, checksum=checksum,
                                             row_count=len(facts), imported_by=imported_by)
        current = {e.urn: e for e in Establishment.objects.filter(valid_to__isnull=True)}
        to_create: list[Establishment] = []
        to_close: list[int] = []
        unchanged = 0
        for fact in facts:
            held_version = current.get(fact.urn)
            if held_version is not None and _fingerprint(held_version) == fact.fingerprint():
                unchanged += 1
                continue
            if held_version is not None:
                to_close.append(held_version.pk)
            to_create.append(Establishment(
                **{k: v for k, v in fact.__dict__.items()},
                # The first version of an establishment stands for every earlier date too: returns older than the
                # first extract still resolve their URNs.
                valid_from=extract_date if held_version is not None else None,
                extract=extract,
            ))
        for start in range(0, len(to_close), 900):
            Establishment.objects.filter(pk__in=to_close[start:start + 900]).update(valid_to=extract_date)
        Establishment.objects.bulk_create(to_create, batch_size=2000)
        extract.new_count = len(to_create) - len(to_close)
        extract.changed_count = len(to_close)
        extract.save(update_fields=["new_count", "changed_count"])
    return GiasImportResult(extract=extract, new=extract.new_count, changed=extract.changed_count,
                            unchanged=unchanged)


def _fingerprint(version: Establishment) -> tuple:
    return (version.la_code, version.name, version.type_name, version.type_group, version.status, version.phase,
            version.ukprn, version.open_date, version.close_date, version.postcode, version.resourced_provision)
