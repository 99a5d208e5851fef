"""Train the comment classifier: the shipped seed set, plus each area's staff-confirmed tags.

``retrain(area)`` builds a new current ``ClassifierModel`` for the area from the seed comments
(``data/seed_comments.jsonl``) and the area's reviewed comments: a theme a person confirmed or added counts as
present, a theme a person rejected as absent, and on a comment someone reviewed, a theme nobody suggested as
absent; a suggestion left untouched is left out of that theme's training. A confirmed sentiment counts too.
Staff examples weigh ``CONFIRMED_WEIGHT`` times a seed example, so the model learns the area's own language.

The default (global) model is trained from the seed set on first use. The trained seed state is kept per
process, so a test database rolled back between tests does not retrain.
"""

from __future__ import annotations

import json
import pickle
import uuid
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from sendhub.voice.backends import SENTIMENTS, THEMES, Example, get_backend
from sendhub.voice.models import ClassifierModel, Comment

SEED_PATH = Path(__file__).with_name("data") / "seed_comments.jsonl"
CONFIRMED_WEIGHT = 3.0
STATE_VERSION = 2
_SEED_STATES: dict[str, tuple[bytes, dict]] = {}


def backend_name() -> str:
    return getattr(settings, "SENDHUB_VOICE_BACKEND", "tfidf") or "tfidf"


@cache
def load_seed(path: Path = SEED_PATH) -> tuple[dict, ...]:
    with path.open(encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


def row_to_example(row: dict, weight: float = 1.0, source: str = "seed") -> Example:
    present = set(row.get("themes", []))
    return Example(
        text=row["text"],
        themes={theme: int(theme in present) for theme in THEMES},
        sentiment=row.get("sentiment") if row.get("sentiment") in SENTIMENTS else None,
        weight=weight,
        source=source,
    )


def seed_examples() -> list[Example]:
    return [row_to_example(row) for row in load_seed()]


def confirmed_examples(area) -> list[Example]:
    """Examples from the area's comments that a person has reviewed (tags confirmed/rejected, sentiment)."""
    comments = (
        Comment.objects.filter(area=area)
        .filter(Q(tags__confirmed=True) | Q(tags__rejected=True) | Q(sentiment_confirmed=True))
        .distinct()
        .prefetch_related("tags")
    )
    examples = []
    for comment in comments:
        tags = list(comment.tags.all())
        reviewed = any(tag.confirmed or tag.rejected for tag in tags)
        themes: dict[str, int | None] = {theme: (0 if reviewed else None) for theme in THEMES}
        if reviewed:
            for tag in tags:
                themes[tag.theme] = 0 if tag.rejected else (1 if tag.confirmed else None)
        sentiment = comment.sentiment if comment.sentiment_confirmed and comment.sentiment in SENTIMENTS else None
        examples.append(
            Example(text=comment.text, themes=themes, sentiment=sentiment, weight=CONFIRMED_WEIGHT, source="staff")
        )
    return examples


def dump_state(backend) -> bytes:
    return pickle.dumps({"version": STATE_VERSION, "backend": backend.name, "model": backend}, protocol=5)


class OutdatedModel(ValueError):
    """A stored model written by an older version of the classifier."""


def load_state(state: bytes):
    # The state was written by this module into our own database (never user input), so unpickling it is safe.
    data = pickle.loads(bytes(state))  # noqa: S301 # nosec B301
    if data.get("version") != STATE_VERSION:
        raise OutdatedModel("Stored classifier model is from an older version: run 'sendhub voice retrain'.")
    return data["model"]


def train(examples: list[Example], backend: str | None = None):
    backend_cls = get_backend(backend or backend_name())
    return backend_cls.train(examples)


def _save(area, backend: str, state: bytes, metrics: dict, training_size: int, confirmed: int) -> ClassifierModel:
    metrics = {**metrics, "fingerprint": uuid.uuid4().hex}
    with transaction.atomic():
        ClassifierModel.objects.filter(area=area, backend=backend, is_current=True).update(is_current=False)
        return ClassifierModel.objects.create(
            area=area,
            backend=backend,
            training_size=training_size,
            confirmed_examples=confirmed,
            metrics=metrics,
            state=state,
            is_current=True,
        )


def seed_state(backend: str | None = None) -> tuple[bytes, dict]:
    """The pickled model trained on the seed set alone (trained once per process)."""
    name = backend or backend_name()
    if name not in _SEED_STATES:
        model, metrics = train(seed_examples(), name)
        _SEED_STATES[name] = (dump_state(model), metrics)
    return _SEED_STATES[name]


def train_default(backend: str | None = None) -> ClassifierModel:
    """A new current global model (no area) trained on the seed set."""
    name = backend or backend_name()
    state, metrics = seed_state(name)
    return _save(None, name, state, metrics, training_size=len(load_seed()), confirmed=0)


def retrain(area=None, backend: str | None = None) -> ClassifierModel:
    """Train and store a new current model for ``area`` (or the global default when ``area`` is None)."""
    name = backend or backend_name()
    if area is None:
        return train_default(name)
    staff = confirmed_examples(area)
    if not staff:
        state, metrics = seed_state(name)
    else:
        model, metrics = train(seed_examples() + staff, name)
        state = dump_state(model)
    return _save(area, name, state, metrics, training_size=len(load_seed()) + len(staff), confirmed=len(staff))
