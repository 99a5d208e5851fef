"""Template filters for monitoring packs: dates and numbers as people read them (see ``reports.wording``)."""

from __future__ import annotations

from django import template

from sendhub.reports import wording

register = template.Library()


@register.filter
def longdate(value):
    return wording.long_date(value)


@register.filter
def count(value):
    return wording.count(value)


@register.filter
def measure(value, unit: str = ""):
    return wording.number(value, unit)


@register.filter
def signed(value, unit: str = ""):
    return wording.change(value, unit)
