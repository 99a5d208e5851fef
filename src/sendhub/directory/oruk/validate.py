"""Validating an ORUK import: each record against the ORUK schemas (our OpenAPI document's copies, formats
checked), and each value against the column it goes into (``values``), with the problems found and where."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.dateparse import parse_date, parse_time

from sendhub.directory import weblinks
from sendhub.directory.oruk.records import ORDER, Record


@cache
def _validators() -> dict[str, Any]:
    """A jsonschema validator per record kind, on the schemas in our OpenAPI document."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = json.loads(Path(__file__).with_name("openapi.json").read_text(encoding="utf-8"))
    uri = "urn:sendhub:oruk-openapi"
    registry = Registry().with_resource(uri, Resource.from_contents(document, default_specification=DRAFT202012))
    checker = FormatChecker()
    return {
        kind: Draft202012Validator(
            {"$ref": f"{uri}#/components/schemas/{kind}"}, registry=registry, format_checker=checker
        )
        for kind in ORDER
    }


def schema_errors(record: Record) -> list[str]:
    validator = _validators()[record.kind]
    errors = sorted(validator.iter_errors(record.data), key=lambda e: list(e.absolute_path))
    label = f"{record.where} ({record.kind} {record.data.get('id', '?')})"
    return [f"{label}: {e.json_path}: {e.message}" for e in errors[:20]]


# Values -----------------------------------------------------------------------------------------------


class Problems:
    """Errors found while applying records, with where they were."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")


def column_values(
    model: type[models.Model], data: dict[str, Any], names: Iterable[str], where: str, problems: Problems
):
    """``data``'s values for ``names``, converted to ``model``'s field types and checked against its columns.
    Missing or null values become the field's empty value. Returns None when a value does not fit."""
    out: dict[str, Any] = {}
    ok = True
    for name in names:
        f = model._meta.get_field(name)
        raw = data.get(name)
        try:
            out[name] = _convert(f, raw)
        except ValueError as error:
            problems.add(where, f"$.{name}: {error}")
            ok = False
    return out if ok else None


def _clean_text(text: str) -> str:
    # JSON can carry text no database column can hold: NUL (PostgreSQL refuses it) and lone surrogate escapes
    # such as "\ud800" (not encodable as UTF-8 anywhere).
    if "\x00" in text:
        raise ValueError("contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains characters that are not valid Unicode text") from None
    return text


def _convert(f: models.Field, raw: Any) -> Any:
    if raw is None or raw == "":
        if isinstance(f, models.CharField | models.TextField) and not f.null:
            return f.default if isinstance(f.default, str) and f.default else ""
        return None
    if isinstance(f, models.CharField):
        text = _clean_text(str(raw))
        if f.max_length and len(text) > f.max_length:
            raise ValueError(f"is {len(text)} characters long; we hold at most {f.max_length}")
        if isinstance(f, models.URLField) and not weblinks.is_web_url(text):
            # Shown as a link on the public page and republished by our API: a javascript: address would run.
            raise ValueError(f"{text[:60]!r} {weblinks.REFUSAL}")
        return text
    if isinstance(f, models.TextField):
        return _clean_text(str(raw))
    if isinstance(f, models.DateTimeField):
        return None
    if isinstance(f, models.DateField):
        day = parse_date(str(raw)[:10]) if isinstance(raw, str) else None
        if day is None:
            raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)")
        return day
    if isinstance(f, models.TimeField):
        try:
            moment = parse_time(str(raw)) if isinstance(raw, str) else None
        except ValueError:
            moment = None
        if moment is None:
            raise ValueError(f"{raw!r} is not a time (HH:MM:SS)")
        return moment.replace(tzinfo=None)
    if isinstance(f, models.PositiveSmallIntegerField | models.PositiveIntegerField):
        limit = 32767 if isinstance(f, models.PositiveSmallIntegerField) else 2147483647
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw) or not 0 <= raw <= limit:
            raise ValueError(f"{raw!r} is not a whole number from 0 to {limit}")
        return int(raw)
    if isinstance(f, models.FloatField):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ValueError(f"{raw!r} is not a number")
        return float(raw)
    if isinstance(f, models.DecimalField):
        try:
            amount = Decimal(str(raw)).quantize(Decimal(1).scaleb(-f.decimal_places))
        except (InvalidOperation, ValueError):
            raise ValueError(f"{raw!r} is not an amount") from None
        if len(amount.as_tuple().digits) > f.max_digits:
            raise ValueError(f"{raw!r} is too large an amount")
        return amount
    return raw


def as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def today_plus_year(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def postcode(text: str) -> str:
    """A UK postcode normalised to upper case with one space, or "" when it does not look like one."""
    compact = "".join(text.split()).upper()
    if 5 <= len(compact) <= 7 and compact[-3].isdigit() and compact[-2:].isalpha() and compact[0].isalpha():
        return f"{compact[:-3]} {compact[-3:]}"
    return ""
