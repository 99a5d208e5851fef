"""Turn django-simple-history records into the "History" shown on each page: who, when, before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.db import models

_SKIP_FIELDS = {"version", "updated_at", "created_at", "id", "area"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str | None
    what: str
    summary: str
    changes: list[Change] = field(default_factory=list)


def _display(model: type[models.Model], field_name: str, value) -> str:
    try:
        model_field = model._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - an m2m through field or a removed field: show as it is
        model_field = None
    if value is None:
        return ""
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list):  # m2m: list of through-row dicts
        # Each row holds both ends of the link (e.g. {"action": 3, "finding": 7}): take the far end's id.
        key = model_field.m2m_reverse_field_name() if model_field is not None else None
        ids = sorted(
            str(v.get(key, next(iter(v.values())))) if isinstance(v, dict) else str(v) for v in value
        )
        return ", ".join(_related_labels(model_field, ids)) if model_field is not None else ", ".join(ids)
    if model_field is not None and model_field.is_relation and model_field.many_to_one:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"(deleted #{value})"
    return str(value)


def _related_labels(model_field, ids: list[str]) -> list[str]:
    related = model_field.related_model._default_manager.filter(pk__in=ids)
    return sorted(str(obj) for obj in related)


def _label(model: type[models.Model], field_name: str) -> str:
    try:
        name = str(model._meta.get_field(field_name).verbose_name)
        return name[:1].upper() + name[1:]
    except Exception:  # noqa: BLE001
        return field_name.replace("_", " ").capitalize()


def entries_for(instance: models.Model, *, label: str | None = None, limit: int = 50) -> list[HistoryEntry]:
    """History of one object, newest first, each entry listing what changed from the record before."""
    model = type(instance)
    records = list(islice(instance.history.select_related("history_user").order_by("-history_date", "-pk"), limit + 1))
    what = label or str(model._meta.verbose_name).capitalize()
    entries: list[HistoryEntry] = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(entries) == limit:
            break
        who = newer.history_user.full_name if newer.history_user else None
        if newer.history_type == "+" or older is None:
            entries.append(HistoryEntry(newer.history_date, who, what, "Created"))
            continue
        if newer.history_type == "-":
            entries.append(HistoryEntry(newer.history_date, who, what, "Deleted"))
            continue
        delta = newer.diff_against(older, excluded_fields=list(_SKIP_FIELDS & {f.name for f in model._meta.fields}))
        changes = [
            Change(_label(model, c.field), _display(model, c.field, c.old), _display(model, c.field, c.new))
            for c in delta.changes
            if c.field not in _SKIP_FIELDS
        ]
        if changes:
            entries.append(HistoryEntry(newer.history_date, who, what, "Changed", changes))
    return entries


def merged(*groups: list[HistoryEntry], limit: int = 50) -> list[HistoryEntry]:
    """Several objects' histories as one timeline, newest first."""
    combined = [entry for group in groups for entry in group]
    combined.sort(key=lambda e: e.when, reverse=True)
    return combined[:limit]
