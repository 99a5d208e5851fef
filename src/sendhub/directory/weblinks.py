"""Web addresses in the directory: only ``http`` and ``https`` are kept, shown as links or published.

A listing's website is rendered as a link on the public page and republished by our ORUK API, so a
``javascript:`` (or ``data:``, ``file:``, ``vbscript:`` ...) address in it would run script on our page or on our
consumers' pages. Imports refuse such addresses, the listing form refuses them, and the page and the API leave out
any that are already stored (from before the imports checked them).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

WEB_SCHEMES = ("http", "https")
REFUSAL = "is not a web address: only addresses starting http:// or https:// are accepted"


def is_web_url(value: object) -> bool:
    """Whether ``value`` is an absolute http(s) address with a host."""
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        # urlsplit drops tabs and newlines as browsers do, so "java\tscript:" is read as "javascript:".
        parts = urlsplit(value.strip())
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def web_url_or_blank(value: str | None) -> str:
    """``value`` when it is an http(s) address, otherwise "" (so it is neither linked nor published)."""
    return value if value and is_web_url(value) else ""


def validate_web_url(value: str) -> None:
    """A form validator: refuse any address that is not http(s) (Django's own also allows ftp)."""
    if value and not is_web_url(value):
        raise ValidationError("Enter a website address that starts with https:// or http://", code="scheme")
