"""One identity per email address, for signing in, lockout, rate limits and the audit log.

Signing in finds the account whatever the letter case, so anything that counts failures must count them against
the same string, or ``Pfa.lead@…``, ``pFa.lead@…`` and ``PFA.lead@…`` each get a fresh allowance of guesses. Every
address is therefore normalised the same way before any of them sees it: surrounding spaces removed, Unicode NFKC
(full-width and other look-alike forms become plain letters) and lower case.
"""

from __future__ import annotations

import unicodedata

from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def normalise_email(email: str) -> str:
    """The address as every part of SEND Hub compares it: stripped, NFKC and lower case.

    NFKC runs again after lower-casing because lower-casing can leave a character that NFKC would write another way.
    """
    text = unicodedata.normalize("NFKC", email).strip()
    return unicodedata.normalize("NFKC", text.lower())


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """django-axes' ``AXES_USERNAME_CALLABLE``: the normalised address it counts failures and lockouts against."""
    if credentials:
        typed = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        typed = data.get("username")
    if typed is None:
        return None
    return normalise_email(str(typed))


def identity_key(email: str) -> str:
    """A keyed hash of the normalised address: what the sign-in slowdown stores, so no table of typed (perhaps
    mistyped, perhaps someone else's) addresses builds up."""
    return salted_hmac("sendhub.accounts.sign-in-identity", normalise_email(email), algorithm="sha256").hexdigest()
