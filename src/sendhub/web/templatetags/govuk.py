"""Template helpers for GOV.UK tags used across apps (RAG, status)."""

from django import template
from django.utils.html import format_html

register = template.Library()

_TAG_COLOURS = {
    # RAG
    "on_track": "green",
    "at_risk": "yellow",
    "off_track": "red",
    # action status
    "not_started": "grey",
    "in_progress": "blue",
    "complete": "green",
    "cancelled": "grey",
    # finding status
    "open": "blue",
    "sufficient_progress": "green",
    "not_sufficient_progress": "red",
    "superseded": "grey",
    "closed": "green",
}


@register.simple_tag
def govuk_tag(value: str, label: str) -> str:
    """A coloured GOV.UK tag whose colour follows the value; the text always says the value."""
    colour = _TAG_COLOURS.get(value or "", "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label or "Not set")


@register.filter
def get_item(mapping: dict, key: str):
    """Look a key up in a dict from a template (Django templates cannot index by a variable)."""
    return mapping.get(key, 0) if mapping else 0
