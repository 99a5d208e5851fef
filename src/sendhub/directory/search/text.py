"""Words of listings and queries, normalised alike: lower case, stop words dropped, light stemming and SEND
synonyms folded to one canonical word ("ASD", "autistic" -> autism). Pure functions, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

STOPWORDS = frozenset(
    """a an and are as at be by can do for from has have how i in into is it its me my near nearby of on or our
    so that the their them there they this to us we what when where which who with within you your mile miles km
    kilometre kilometres""".split()
)

# Words read as one canonical word, in listings and in queries alike.
CANONICAL = {
    "asd": "autism",
    "asc": "autism",
    "autistic": "autism",
    "asperger": "autism",
    "aspergers": "autism",
    "autism": "autism",
    "adhd": "adhd",
    "add": "adhd",
    "dyslexic": "dyslexia",
    "dyspraxic": "dyspraxia",
    "dcd": "dyspraxia",
    "salt": "speech",
    "slt": "speech",
    "slcn": "speech",
    "semh": "mental",
    "pmld": "learning",
    "sld": "learning",
    "mld": "learning",
    "downs": "down",
    "deaf": "hearing",
    "blind": "vision",
    "visual": "vision",
    "respite": "break",
    "mum": "parent",
    "mums": "parent",
    "dad": "parent",
    "dads": "parent",
    "kids": "child",
    "kid": "child",
    "children": "child",
    "physio": "physiotherapy",
    "ot": "occupational",
    "hi": "hearing",
    "vi": "vision",
}

# Words a visitor may mistype: always in the spelling vocabulary, preferred when a correction is ambiguous.
DOMAIN_WORDS = """autism adhd dyslexia dyspraxia dyscalculia epilepsy cerebral palsy down syndrome hearing vision
speech language communication sensory physical learning disability disabilities mental health anxiety support
group parent carer family sibling short break therapy occupational physiotherapy swimming play youth club
holiday transport education school college employment advice information training wellbeing behaviour social
emotional adulthood independence tribunal ehcp ehc needs special educational drop-in coffee morning session
toddler nursery playgroup sleep toileting feeding sign makaton""".split()

_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """A light English stemmer for plurals and -ing: groups->group, therapies->therapy, classes->class,
    meetings->meet, swimming->swim. Short words are left alone."""
    w = word
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) >= 6:
        w = w[:-3]
        if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
            w = w[:-1]
    return w


def normalise_word(word: str) -> str:
    word = word.lower()
    if word in CANONICAL:
        return CANONICAL[word]
    stemmed = stem(word)
    return CANONICAL.get(stemmed, stemmed)


def words(text: str) -> list[str]:
    """The normalised words of a text, stop words dropped, in order (repeats kept)."""
    return [normalise_word(w) for w in _WORD.findall((text or "").lower()) if w not in STOPWORDS]


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def listing_words(name: str, *texts: str) -> tuple[list[str], list[str]]:
    """The distinct normalised words of a listing's name, and of its other texts (each once, in order)."""
    return unique(words(name)), unique(w for text in texts for w in words(text))


def search_text_of(name_words: Iterable[str], other_words: Iterable[str]) -> str:
    """``search_text`` from a listing's words: its name's words, a bar, then every other word."""
    return f" {' '.join(name_words)} | {' '.join(other_words)} "


def build_search_text(name: str, *texts: str) -> str:
    """The ``search_text`` of a listing: its name's words, a bar, then every other word (each once)."""
    return search_text_of(*listing_words(name, *texts))


def term_text(names: Iterable[tuple[str, str]]) -> str:
    """The words of a listing's taxonomy terms: each term's name and its code (hyphens as spaces)."""
    return " ".join(f"{name} {code.replace('-', ' ')}" for name, code in names)
