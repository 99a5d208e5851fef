"""How easy a piece of plain-English text is to read: a hint for staff, never a rule that blocks saving.

Pure Python (no Django), so every threshold is tested on small sentences. The scores are the standard Flesch
formulas over word, sentence and syllable counts:

* Flesch reading ease = 206.835 - 1.015 x (words per sentence) - 84.6 x (syllables per word): higher is easier;
  60 and above is plain English, 80 and above is easy.
* Flesch-Kincaid grade = 0.39 x (words per sentence) + 11.8 x (syllables per word) - 15.59, a US school grade;
  the UK reading age is the grade plus 5. The public progress page aims at a reading age of 9 to 11.

Syllables are counted with a rule of thumb (groups of vowels, less a silent final "e" or "ed"), which is right
for most everyday words and close enough for the rest: the result is a hint, so a simple, explainable count beats
a dictionary that would have to be shipped and kept up to date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Hints, chosen for a reading age of 9 to 11 (GOV.UK's and the Plain English Campaign's usual guidance).
MAX_AVERAGE_SENTENCE_WORDS = 20
MAX_SENTENCE_WORDS = 30
LONG_WORD_SYLLABLES = 4
LONG_WORD_LETTERS = 13
MIN_READING_EASE = 60.0
# Below this many words the Flesch formulas say little (a four-word title of two-syllable words scores "very
# hard"), so short texts get no score, only the word-level hints.
MIN_WORDS_TO_SCORE = 12
# Short forms families already know; any other is hinted at unless the text explains it ("(EHC)", "EHC means").
KNOWN_ABBREVIATIONS = frozenset({"NHS", "GP", "UK", "OK", "TV"})

LONG_SENTENCES = "long_sentences"
LONG_SENTENCE = "long_sentence"
LONG_WORDS = "long_words"
HARD_TO_READ = "hard_to_read"
ABBREVIATIONS = "abbreviations"

_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019-][A-Za-z0-9]+)*")
# A sentence ends at . ! or ? followed by a space or the end, or at a line break (lists, headings).
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+|\n+")
_ABBREVIATION = re.compile(r"^[A-Z]{2,6}s?$")
# "makes", "improved", "make" lose a beat; "boxes", "wanted" and "table" do not.
_SILENT_ENDING = re.compile(r"(?:[^laeiouysxzh]es|[^laeiouytd]ed|[^laeiouy]e)$")
_VOWEL_GROUP = re.compile(r"[aeiouy]{1,2}")


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    average_sentence_words: float
    longest_sentence_words: int
    long_words: tuple[str, ...]  # distinct, in the order they are first used
    abbreviations: tuple[str, ...]  # distinct short forms (EHC, ICB) that the text does not explain
    reading_ease: float | None  # None for text too short to score
    reading_age: int | None

    @property
    def problems(self) -> tuple[str, ...]:
        """What to hint at, most important first; empty when the text reads easily (or is empty)."""
        if not self.words:
            return ()
        found = []
        if self.reading_ease is not None and self.reading_ease < MIN_READING_EASE:
            found.append(HARD_TO_READ)
        if self.average_sentence_words > MAX_AVERAGE_SENTENCE_WORDS:
            found.append(LONG_SENTENCES)
        elif self.longest_sentence_words > MAX_SENTENCE_WORDS:
            found.append(LONG_SENTENCE)
        if self.long_words:
            found.append(LONG_WORDS)
        if self.abbreviations:
            found.append(ABBREVIATIONS)
        return tuple(found)

    @property
    def is_easy(self) -> bool:
        return not self.problems


def words_in(text: str) -> list[str]:
    return _WORD.findall(text or "")


def sentences_in(text: str) -> list[str]:
    """The text's sentences (pieces with at least one word)."""
    return [piece.strip() for piece in _SENTENCE_END.split(text or "") if _WORD.search(piece)]


def syllables(word: str) -> int:
    """Syllables in one word by rule of thumb; numbers and short words count as one, hyphenated parts add up."""
    if "-" in word:
        return sum(syllables(part) for part in word.split("-") if part)
    letters = re.sub(r"[^a-z]", "", word.lower())
    if not letters:
        return 1  # a number: "20" reads as one beat often enough for a hint
    if len(letters) <= 3:
        return 1
    letters = _SILENT_ENDING.sub(lambda m: m.group(0)[0], letters)
    letters = letters.removeprefix("y")
    return max(1, len(_VOWEL_GROUP.findall(letters)))


def is_long_word(word: str) -> bool:
    if _ABBREVIATION.match(word):
        return False  # short forms are hinted at separately
    return syllables(word) >= LONG_WORD_SYLLABLES or len(word) >= LONG_WORD_LETTERS


def _distinct(items: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.casefold(), item)
    return tuple(seen.values())


def reading_ease(words: int, sentences: int, syllable_count: int) -> float:
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllable_count / words)


def reading_age(words: int, sentences: int, syllable_count: int) -> int:
    """UK reading age in years (the Flesch-Kincaid grade plus 5), never below 5."""
    grade = 0.39 * (words / sentences) + 11.8 * (syllable_count / words) - 15.59
    return max(5, round(grade + 5))


def is_explained(abbreviation: str, text: str) -> bool:
    """True when the text spells the short form out or says what it is: "education, health and care (EHC)",
    "EHC (education, health and care)", "EHC means ...", "An EHC plan is a ..."."""
    short = re.escape(abbreviation)
    patterns = (
        rf"\({short}\)",
        rf"\b{short}\s*\(",
        rf"\b{short}\s+(?:means|stands\s+for)\b",
        rf"\b{short}(?:\s+\w+)?\s+(?:is|are)\s+(?:a|an|the)\b",
    )
    return any(re.search(pattern, text) for pattern in patterns)


def unexplained_abbreviations(words: list[str], text: str, known: frozenset[str] | set[str] = frozenset()) -> tuple:
    found = [w for w in words if _ABBREVIATION.match(w)]
    familiar = KNOWN_ABBREVIATIONS | set(known)
    return _distinct(
        [w for w in found if w not in familiar and w.removesuffix("s") not in familiar and not is_explained(w, text)]
    )


def check(text: str, *, known_abbreviations: frozenset[str] | set[str] = frozenset()) -> Readability:
    """Measure ``text``; ``.problems`` says what would make it easier to read.

    ``known_abbreviations``: short forms the reader has already been told about (e.g. "SEND", which the public
    page explains at the top).
    """
    text = text or ""
    pieces = sentences_in(text)
    counts = [len(words_in(piece)) for piece in pieces]
    all_words = words_in(text)
    words, sentences = len(all_words), max(1, len(pieces))
    if not words:
        return Readability(0, 0, 0, 0.0, 0, (), (), None, None)
    syllable_count = sum(syllables(word) for word in all_words)
    scored = words >= MIN_WORDS_TO_SCORE
    return Readability(
        words=words,
        sentences=len(pieces),
        syllables=syllable_count,
        average_sentence_words=round(words / sentences, 1),
        longest_sentence_words=max(counts, default=0),
        long_words=_distinct([word for word in all_words if is_long_word(word)]),
        abbreviations=unexplained_abbreviations(all_words, text, known_abbreviations),
        reading_ease=round(reading_ease(words, sentences, syllable_count), 1) if scored else None,
        reading_age=reading_age(words, sentences, syllable_count) if scored else None,
    )
