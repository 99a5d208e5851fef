"""Spelling: each query word becomes a *concept*, its canonical word plus close spellings from the indexed
vocabulary (edit distance 1 for words of 5+ letters, 2 for 8+), so "austism", "autisim" and "dislexia" find
autism and dyslexia."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache

from sendhub.directory.models import Service
from sendhub.directory.search.text import DOMAIN_WORDS, normalise_word, unique, words

# v2: (words, how many listings hold each); a new name so an old cached list is never read as the new form.
VOCAB_KEY = "directory:search:vocabulary:v2"


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass
class _Vocabulary:
    words: frozenset[str]
    by_delete: dict[str, set[str]]
    frequency: dict[str, int] = field(default_factory=dict)  # word -> published listings holding it

    @classmethod
    def build(cls, indexed: Iterable[str]) -> _Vocabulary:
        all_words = {normalise_word(w) for w in DOMAIN_WORDS} | set(indexed)
        by_delete: dict[str, set[str]] = {}
        for w in all_words:
            if len(w) >= 4:
                for d in _deletes(w):
                    by_delete.setdefault(d, set()).add(w)
        return cls(frozenset(all_words), by_delete)

    def close(self, word: str) -> list[str]:
        """Known words within edit distance 1 (any word of 5+ letters), or 2 (8+ letters, if none at 1)."""
        if len(word) < 5 or word in self.words:
            return []
        found: set[str] = set(self.by_delete.get(word, ()))  # word has one letter too many
        for d in _deletes(word):
            if d in self.words:  # one letter too few in... the word has an extra letter
                found.add(d)
            found.update(v for v in self.by_delete.get(d, ()) if _one_edit(word, v))  # substitution/transpose
        if not found and len(word) >= 8:
            pool = [w for w in self.words if w[:1] == word[:1] and abs(len(w) - len(word)) <= 2]
            found.update(difflib.get_close_matches(word, pool, n=2, cutoff=0.8))
        domain = {normalise_word(w) for w in DOMAIN_WORDS}
        return sorted(found, key=lambda w: (w not in domain, w))[:3]


def _one_edit(a: str, b: str) -> bool:
    if len(a) != len(b):
        return True  # reached through a single delete of each: an insert/delete pair within distance 2
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]])


_vocabulary_memo: dict = {}


def vocabulary() -> _Vocabulary:
    """The indexed words, with how many published listings hold each, cached for 10 minutes (a new word becomes
    correctable within that time)."""
    cached = cache.get(VOCAB_KEY)
    if cached is None:
        counts: dict[str, int] = {}
        for text in Service.objects.filter(is_published=True).values_list("search_text", flat=True).iterator(5000):
            for word in set(text.split()):
                counts[word] = counts.get(word, 0) + 1
        counts.pop("|", None)
        words_list = sorted(counts)
        cached = (words_list, [counts[w] for w in words_list])
        cache.set(VOCAB_KEY, cached, 600)
    words_list, frequencies = cached
    key = (len(words_list), hash(tuple(words_list)), hash(tuple(frequencies)))
    if _vocabulary_memo.get("key") != key:
        _vocabulary_memo.clear()
        vocab = _Vocabulary.build(words_list)
        vocab.frequency = dict(zip(words_list, frequencies, strict=True))
        _vocabulary_memo.update(key=key, value=vocab)
    return _vocabulary_memo["value"]


@dataclass
class Concept:
    """One query word: the listing words that count as a match for it, and how many listings hold one of them
    (fewer is more specific: "autism" says more about what is wanted than "support")."""

    word: str
    alternatives: list[str]
    corrected: bool = False
    frequency: int = 0


def query_concepts(text: str) -> list[Concept]:
    concepts: list[Concept] = []
    query_words = unique(words(text))
    vocab = vocabulary() if query_words else None
    for word in query_words:
        alternatives = [word]
        corrected = False
        if len(word) >= 5 and word not in vocab.words:
            close = vocab.close(word)
            if close:
                alternatives = unique([*close, word])
                corrected = True
        frequency = sum(vocab.frequency.get(alt, 0) for alt in alternatives)
        concepts.append(Concept(word, alternatives, corrected, frequency))
    return concepts[:8]


def specificity_ranks(concepts: list[Concept]) -> list[int]:
    """Each concept's rank by specificity: 0 for the most common word, n-1 for the rarest (ties: the earlier
    word of the query ranks higher). ``filters.specificity_expression`` gives each rank a bit."""
    order = sorted(range(len(concepts)), key=lambda i: (-concepts[i].frequency, -i))
    ranks = [0] * len(concepts)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks
