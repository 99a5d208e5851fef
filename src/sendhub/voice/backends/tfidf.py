"""Default backend: TF-IDF features and logistic regression.

Features: word 1-2 grams with negation scope (after "not", "never", "no", "nobody", "n't" ... every word up to the
next punctuation mark or "but" is marked, so "never rings back" and "always rings back" look different), and
character 2-5 grams within words (tolerant of typos, dialect spellings and missing apostrophes). Light
(scikit-learn only), offline, fast on a CPU.
"""

from __future__ import annotations

import re

import numpy as np

from sendhub.voice.backends import POLITE, SARCASM, Example, Prediction
from sendhub.voice.backends.base import LinearHeads

_TOKEN = re.compile(r"[a-z0-9']+|[.,;:!?]")
_NEGATORS = frozenset(
    "not no never nobody noone nothing nowt none neither nor without cannot hardly barely".split()
)
_SCOPE_END = frozenset([*".,;:!?", *"but however although though".split()])
_APOSTROPHES = re.compile(r"[‘’`´]")


def negation_scope(text: str) -> str:
    """Lower-cased words with those in a negation's scope prefixed ``not_``: "nobody rings back" ->
    "nobody not_rings not_back"."""
    words, negated = [], False
    for token in _TOKEN.findall(_APOSTROPHES.sub("'", (text or "").lower())):
        if token in _SCOPE_END:
            negated = False
            words.append(token)
            continue
        if negated:
            words.append("not_" + token)
        else:
            words.append(token)
        if token in _NEGATORS or token.endswith("n't") or token in {"dont", "doesnt", "didnt", "wont", "cant",
                                                                     "isnt", "wasnt", "havent", "hasnt", "never"}:
            negated = True
    return " ".join(words)


_CONTRAST = frozenset("but however although though whereas yet".split())
# Domain words for the themes (written from the SEND Code of Practice's vocabulary, not from comments): a marker per
# theme word family found in a sentence, and "lex_ehc_late" when a sentence names the EHC process and a delay, so a
# short "week 30 odd" or "plan's overdue" is recognised even in words the training comments never used.
LEXICON = {
    "ehc": r"\behc\w*|\bplan\b|\bplan's\b|assessment|annual\s+review|\bdraft\b|\bfinal\b|\bpanel\b|\bla\b|council",
    "late": r"\b(?:week|wk)s?\s*\d+|\d+\s*(?:weeks?|wks?|months?)\b|overdue|\blate\b|delay\w*|deadline|"
    r"timescales?|still\s+(?:no|not|waiting|nothing|nowt)|waiting|waited|extension|postponed|months?\s+(?:in|on|late)|"
    r"(?:a|over\s+a)\s+year|since\s+last|took\s+(?:\w+\s+)?(?:weeks|months|ages|forever)",
    "contact": r"ring\w*\s+back|call\w*\s+back|calls?\b|return\w*\s+(?:my\s+)?(?:calls?|emails?)|repl\w+|respon\w+|"
    r"answer\w*|e-?mails?|phone\w*|voicemail|listen\w*|ignor\w+|updates?|chas\w+|contact\w*|acknowledg\w+|"
    r"fobbed|in\s+touch|get\s+hold|hear\s+back|heard\s+back|passed\s+(?:about|around|from)|nobody\s+(?:rang|phoned|"
    r"wrote|told|tells|explained)|not\s+told|told\s+us|kept\s+(?:us\s+)?informed",
    "school": r"school|class|teachers?|senco|\bta\b|exclu\w+|timetable|detentions?|isolation|attendance|lessons?|"
    r"head\s*teacher|the\s+head\b|lunchtimes?|playground|bull(?:ied|ying)|mainstream|nursery|primary|secondary|"
    r"sent\s+home|send\s+(?:him|her)\s+home",
    "info": r"website|local\s+offer|information|\binfo\b|find\s+out|found\s+out|didn'?t\s+know|no\s+idea|"
    r"entitled|leaflets?|guide|jargon|signpost\w*|where\s+to\s+(?:look|go|find)|nobody\s+(?:tells|told)\s+you|"
    r"links?\b|explained?\s+(?:how|what|the\s+process)",
    "quality": r"section\s+[a-k]\b|vague|outcomes?|provision|quantif\w+|specif\w+|wrong|cop(?:ied|y)|mistakes?|"
    r"errors?|generic|woolly|waffle|doesn'?t\s+(?:mention|say|describe)|written",
    "health": r"camhs|\bsalt\b|speech|\bot\b|occupational|physio\w*|paediatric\w*|adhd|autism\s+(?:assessment|"
    r"pathway)|diagnos\w+|waiting\s+list|referr\w+|clinic|hospital|\bgp\b|\bnhs\b|wheelchair|audiology|therap\w+",
    "moving": r"transition|mov(?:e|es|ed|ing)\s+(?:up|on|to|from)|post[\s-]?1[69]|college|adult\w*|\b1[6-9]\b|"
    r"year\s+[679]\b|high\s+school|preparing\s+for\s+adulthood|\bpfa\b|leav\w+\s+school",
    "travel": r"taxi|\bbus\b|minibus|driver|escort|transport|travel|pick[\s-]?up|route|passenger",
    "breaks": r"respite|short\s+breaks?|holiday\s+(?:club|scheme)s?|\bclubs?\b|direct\s+payments?|\bpas?\b|"
    r"carer'?s?\s+assessment|overnight|night\s+off|a\s+break\b",
    "places": r"special\s+school|specialist|\bplaces?\b|placement|resource\s+base|\bunit\b|out\s+of\s+(?:area|county)|"
    r"independent|consult\w+|\bfull\b",
}
_LEXICON = {name: re.compile(pattern) for name, pattern in LEXICON.items()}
_SENTENCES = re.compile(r"[.!?;]+")


def theme_cues(text: str) -> str:
    """``lex_<family>`` for each family of domain words in each sentence, and ``lex_ehc_late`` (the EHC process
    and a delay in one sentence) and ``lex_contact_not`` (contact words with a negation)."""
    lowered = _APOSTROPHES.sub("'", (text or "").lower())
    found = []
    for sentence in _SENTENCES.split(lowered):
        names = {name for name, pattern in _LEXICON.items() if pattern.search(sentence)}
        found += sorted(names)
        if {"ehc", "late"} <= names:
            found.append("lex_ehc_late")
        if "contact" in names and re.search(r"\b(?:no|not|never|nobody|nowt|nothing|zero)\b|n't\b", sentence):
            found.append("lex_contact_not")
    return " ".join(word if word.startswith("lex_") else "lex_" + word for word in found)


def contrast_clauses(text: str) -> str:
    """Words before the last "but"/"however" prefixed ``pre_``, words after it ``post_``; empty without one.

    "The driver is lovely but the office never rings back" and "Thank you, but nobody rings back" differ in
    what comes before the contrast: a named thing praised (mixed) or politeness (still a complaint)."""
    tokens = negation_scope(text).split()
    cut = max((i for i, token in enumerate(tokens) if token in _CONTRAST), default=-1)
    if cut < 0:
        return ""
    before = [t for t in tokens[:cut] if t not in _SCOPE_END]
    after = [t for t in tokens[cut + 1 :] if t not in _SCOPE_END]
    return " ".join(["pre_" + t for t in before] + ["post_" + t for t in after])


def cues(text: str) -> str:
    """Marker words for politeness before a complaint and for sarcasm (``cue_polite``, ``cue_sarcasm``)."""
    lowered = _APOSTROPHES.sub("'", (text or "").lower())
    found = []
    if POLITE.search(lowered):
        found.append("cue_polite")
    if SARCASM.search(lowered):
        found.append("cue_sarcasm")
    return " ".join(found)


_WORDS = r"[^\s.,;:!?]+"  # tokens of the negation-scoped text: words and not_words, no punctuation
_MARKERS = r"\S+"  # tokens of the marker texts (pre_/post_ words, cue_ and lex_ markers)


def _vectoriser(
    *,
    negation: bool = True,
    contrast: bool = True,
    lexicon: bool = True,
    char_range: tuple[int, int] = (2, 5),
    char_min_df: int = 2,
):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    words = (
        TfidfVectorizer(
            preprocessor=negation_scope, token_pattern=_WORDS, ngram_range=(1, 2), sublinear_tf=True, min_df=1
        )
        if negation
        else TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, strip_accents="unicode")
    )
    parts = [("words", words)]
    if contrast:
        parts += [
            (
                "contrast",
                TfidfVectorizer(preprocessor=contrast_clauses, token_pattern=_MARKERS, sublinear_tf=True, min_df=2),
            ),
            (
                "cues",
                TfidfVectorizer(preprocessor=cues, token_pattern=_MARKERS, use_idf=False, norm=None, binary=True),
            ),
        ]
    if lexicon:
        parts.append(
            (
                "lexicon",
                TfidfVectorizer(preprocessor=theme_cues, token_pattern=_MARKERS, use_idf=False, norm=None, binary=True),
            )
        )
    parts.append(
        (
            "chars",
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=char_range, sublinear_tf=True, min_df=char_min_df,
                strip_accents="unicode", dtype=np.float32,
            ),
        )
    )
    return FeatureUnion(parts)


class TfidfBackend(LinearHeads):
    name = "tfidf"
    # Feature options (see docs/voice-evaluation.md and the decisions for the figures of each).
    negation = True
    contrast = True
    lexicon = True
    char_range = (3, 5)
    char_min_df = 2

    @classmethod
    def train(cls, examples: list[Example]) -> tuple[TfidfBackend, dict]:
        backend = cls()
        backend.vectoriser = _vectoriser(
            negation=cls.negation,
            contrast=cls.contrast,
            lexicon=cls.lexicon,
            char_range=cls.char_range,
            char_min_df=cls.char_min_df,
        )
        features = backend.vectoriser.fit_transform([e.text for e in examples])
        metrics = backend.fit(features, examples)
        return backend, metrics

    def features(self, texts: list[str]):
        return self.vectoriser.transform(texts)

    def predict(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        return self.predict_features(self.vectoriser.transform(texts), texts)
