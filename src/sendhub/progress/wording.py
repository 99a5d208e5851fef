"""Hints for staff writing the public page's plain words: readability, and anything that looks personal.

Hints never block saving: an administrator may have good reason for a long word, and the redaction rules can
mistake a place for a name. They are shown beside the form and after saving.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sendhub.progress import readability
from sendhub.voice.redaction import redact

_SHOWN = 6  # words listed in a hint: enough to act on without a wall of text
# The public page explains SEND and EHC plans at the top, so the words under it need not.
PAGE_EXPLAINS = frozenset({"SEND", "EHC"})
# Names of groups that the redaction rules take for people ("Parent Carer Forum": "carer" then a capital word).
SAFE_PHRASES = ("Parent Carer Forum", "Parent Carer Forums")


def looks_personal(text: str, safe_phrases: Iterable[str] = ()) -> bool:
    """Whether the text seems to hold a person's name or contact details (``voice.redaction``).

    Organisation names are masked first: they are public, and "the Parent Carer Forum" is not a person.
    """
    masked = text or ""
    for phrase in sorted({*SAFE_PHRASES, *safe_phrases}, key=len, reverse=True):
        if phrase.strip():
            masked = re.sub(re.escape(phrase.strip()), "partners", masked, flags=re.IGNORECASE)
    return bool(redact(masked).kinds)


@dataclass(frozen=True)
class Hint:
    """The score line and what to change, for one piece of text."""

    score: str
    messages: list[str] = field(default_factory=list)

    @property
    def is_easy(self) -> bool:
        return not self.messages


def _listed(words: tuple[str, ...]) -> str:
    shown = ", ".join(words[:_SHOWN])
    return shown + (", \u2026" if len(words) > _SHOWN else "")


def score_line(result: readability.Readability) -> str:
    if not result.words:
        return _("No words yet.")
    if result.reading_ease is None:
        return _("Too short for a reading score.")
    return _("Reading ease %(ease).0f out of 100 (aim for 60 or more); reading age about %(age)d.") % {
        "ease": result.reading_ease,
        "age": result.reading_age,
    }


def hint_for(text: str, safe_phrases: Iterable[str] = ()) -> Hint:
    """What would make ``text`` easier for a reader aged 9 to 11, and whether it seems to name a person."""
    result = readability.check(text, known_abbreviations=PAGE_EXPLAINS)
    messages: list[str] = []
    for problem in result.problems:
        if problem == readability.HARD_TO_READ:
            messages.append(_("This may be hard to read. Use shorter sentences and everyday words."))
        elif problem == readability.LONG_SENTENCES:
            messages.append(
                _("Sentences have %(average)s words on average. Aim for %(most)d or fewer.")
                % {"average": f"{result.average_sentence_words:g}", "most": readability.MAX_AVERAGE_SENTENCE_WORDS}
            )
        elif problem == readability.LONG_SENTENCE:
            messages.append(
                _("One sentence has %(words)d words. Try splitting it in two.")
                % {"words": result.longest_sentence_words}
            )
        elif problem == readability.LONG_WORDS:
            messages.append(
                ngettext(
                    "A long word could be simpler: %(words)s.",
                    "Some long words could be simpler: %(words)s.",
                    len(result.long_words),
                )
                % {"words": _listed(result.long_words)}
            )
        elif problem == readability.ABBREVIATIONS:
            messages.append(
                _("Explain short forms the first time you use them: %(words)s.")
                % {"words": _listed(result.abbreviations)}
            )
    if looks_personal(text, safe_phrases):
        messages.append(
            _("This may include personal details (a name, email address, phone number or address). Take them out.")
        )
    return Hint(score_line(result), messages)
