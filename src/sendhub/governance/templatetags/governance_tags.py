"""Tag colours for the board's statuses (the shared ``govuk_tag`` knows only the plan's own statuses)."""

from django import template
from django.utils.html import format_html

register = template.Library()

_COLOURS = {
    # meeting status
    "scheduled": "blue",
    "held": "green",
    "cancelled": "grey",
    # minutes status
    "none": "grey",
    "draft": "yellow",
    "approved": "green",
    # action arising status
    "open": "blue",
    "done": "green",
}


@register.simple_tag
def board_tag(value: str, label: str) -> str:
    """A coloured GOV.UK tag; the text always says the status, the colour only repeats it."""
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', _COLOURS.get(value, "grey"), label)
