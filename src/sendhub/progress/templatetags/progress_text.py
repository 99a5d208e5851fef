"""Template filters for the plain words administrators write for the public progress page."""

from __future__ import annotations

import re

from django import template

register = template.Library()

_BLANK_LINE = re.compile(r"\n\s*\n")


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split text at blank lines, so each paragraph gets GOV.UK's body style (``linebreaks`` gives bare <p>s)."""
    return [piece.strip() for piece in _BLANK_LINE.split((text or "").replace("\r\n", "\n")) if piece.strip()]
