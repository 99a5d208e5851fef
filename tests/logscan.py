"""Scanning log output for personal data: the fixtures' people, SEN2 children's names, emails and postcodes.

The suite writes every log record, through the production formatter and filters, to
``test-artefacts/suite-log-<database>.jsonl``; at the end of the run :func:`personal_data_in` reads it and the run
fails if anything personal got through.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from sendhub.outcomes.sen2.generate import FORENAMES_F, FORENAMES_M, SURNAMES

# Everyone the shared fixtures create (tests/conftest.py) and the demo's sign-in accounts' style of address.
FIXTURE_NAMES = ("Ada Administrator", "Eddie Editor", "Fran Forum", "Mo Monitor", "Vic Viewer", "Otto Outsider",
                 "Jo Bloggs")
_NAMES = re.compile(r"\b(?:" + "|".join(map(re.escape, FIXTURE_NAMES)) + r")\b")
# A generated SEN2 child's "Forename Surname" (single words like "Grace" or "Hall" are ordinary English).
_CHILD = re.compile(
    r"\b(?:" + "|".join(FORENAMES_M + FORENAMES_F) + r") (?:" + "|".join(SURNAMES) + r")\b"
)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}[0-9][A-Z0-9]?) ?[0-9][A-Z]{2}\b")
# Log lines may mention the placeholders that replaced personal data, and DfE's published ids of SEN2 items.
_ALLOWED = re.compile(r"\[(?:EMAIL|POSTCODE|PHONE|NAME)\]")


def personal_data_in(lines: Iterable[str]) -> list[str]:
    """Each offending line (shortened), with what was found in it."""
    found = []
    for line in lines:
        text = _ALLOWED.sub("", line)
        for label, pattern in (("name", _NAMES), ("child's name", _CHILD), ("email", _EMAIL),
                               ("postcode", _POSTCODE)):
            match = pattern.search(text)
            if match:
                found.append(f"{label} {match.group(0)!r} in: {line[:300]}")
                break
    return found


def as_production_writes(handler: logging.Handler) -> logging.Handler:
    """``handler`` with the production log pipeline: JSON lines, the request id, personal data scrubbed."""
    from sendhub.logs import PersonalDataFilter, RequestIdFilter, SendHubJsonFormatter

    handler.setFormatter(SendHubJsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(PersonalDataFilter())
    return handler
