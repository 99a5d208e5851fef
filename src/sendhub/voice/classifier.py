"""Tag redacted comments with themes and a sentiment.

``classify(texts, area=None)`` uses the area's current ``ClassifierModel`` for the configured backend
(``settings.SENDHUB_VOICE_BACKEND``: "tfidf", the default, or "embeddings"), or else the current global model,
training and storing the global model from the shipped seed set on first use. Loaded models are kept in this
process, keyed by the model row's id and fingerprint, so a request costs one small query.
"""

from __future__ import annotations

from django.db.models import Q

from sendhub.voice import training
from sendhub.voice.backends import SENTIMENTS, THEMES, Prediction
from sendhub.voice.models import ClassifierModel

__all__ = ["Prediction", "THEMES", "SENTIMENTS", "classify", "current_model", "clear_cache"]

_LOADED: dict[tuple[int, str], object] = {}


def clear_cache() -> None:
    _LOADED.clear()


def _current_row(area, backend: str) -> ClassifierModel:
    area_filter = Q(area__isnull=True) if area is None else (Q(area=area) | Q(area__isnull=True))
    rows = list(
        ClassifierModel.objects.filter(area_filter, backend=backend, is_current=True)
        .order_by("-trained_at", "-pk")
        .only("pk", "area_id", "metrics")
    )
    own = [row for row in rows if area is not None and row.area_id == area.pk]
    if own:
        return own[0]
    if rows:
        return rows[0]
    return training.train_default(backend)


def current_model(area=None, backend: str | None = None):
    """The trained backend object to use for ``area``."""
    name = backend or training.backend_name()
    row = _current_row(area, name)
    key = (row.pk, str(row.metrics.get("fingerprint", "")))
    model = _LOADED.get(key)
    if model is None:
        state = ClassifierModel.objects.values_list("state", flat=True).get(pk=row.pk)
        try:
            model = training.load_state(state)
        except training.OutdatedModel:
            # Stored by an older version of the classifier (e.g. before sentiment had "mixed"): retrain it from
            # the seed set and that area's confirmed tags, as "sendhub voice retrain" would.
            row = training.retrain(row.area, name)
            key = (row.pk, str(row.metrics.get("fingerprint", "")))
            model = training.load_state(row.state)
        if len(_LOADED) > 16:
            _LOADED.clear()
        _LOADED[key] = model
    return model


def classify(texts: list[str], area=None) -> list[Prediction]:
    """Themes (only those above each theme's threshold, with confidences) and a sentiment for each text."""
    texts = [text or "" for text in texts]
    if not texts:
        return []
    return current_model(area).predict(texts)
