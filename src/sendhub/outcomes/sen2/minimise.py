"""Data minimisation for SEN2 persons: pure functions, no Django.

SEND Hub never stores a name, date of birth, full postcode, UPN or ULN. It keeps instead:

- ``person_key``: an HMAC-SHA256 of the UPN (or else the ULN) under a secret key from settings, so the same child
  links across returns without the identifier being recoverable by anyone without the key;
- ``reference``: a short pseudonymous code shown on case rows (``P-`` and 8 hex digits of the key);
- ages in whole years at each event;
- the postcode district (outward code) only.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL_POSTCODE = re.compile(rf"({_OUTWARD}) ?([0-9][A-Z]{{2}})")
_OUTWARD_ONLY = re.compile(_OUTWARD)
_SPACES = re.compile(r"\s+")


def normalise_identifier(value: str | None) -> str:
    """A UPN or ULN as compared: upper case, without spaces."""
    return _SPACES.sub("", value or "").upper()


def person_key(identifier: str | None, key: str | bytes) -> str:
    """HMAC-SHA256 (hex) of the normalised UPN/ULN under ``key``; ``""`` when there is no identifier."""
    ident = normalise_identifier(identifier)
    if not ident:
        return ""
    secret = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.new(secret, ident.encode("utf-8"), hashlib.sha256).hexdigest()


def reference(person_key: str = "", *, checksum: str = "", position: int = 0) -> str:
    """A short pseudonymous reference such as ``P-7F3A9C2B``.

    From the person key when there is one (stable across returns); otherwise from the return's checksum and the
    person's position in it (stable within that return only).
    """
    digest = person_key or hashlib.sha256(f"{checksum}:{position}".encode()).hexdigest()
    return "P-" + digest[:8].upper()


def age_in_years(birth: date | None, on: date | None) -> int | None:
    """Whole years from ``birth`` to ``on`` (a birthday on 29 February counts from 1 March in other years).

    ``None`` when either date is missing or ``on`` is before ``birth``.
    """
    if birth is None or on is None or on < birth:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def postcode_district(postcode: str | None) -> str:
    """The district (outward code) of a UK postcode: ``"PR1 2HE"`` → ``"PR1"``; ``""`` when not a postcode.

    Accepts any case and spacing, and an outward code on its own.
    """
    value = _SPACES.sub(" ", (postcode or "").strip().upper())
    match = _FULL_POSTCODE.fullmatch(value)
    if match:
        return match.group(1)
    if _OUTWARD_ONLY.fullmatch(value):
        return value
    return ""
