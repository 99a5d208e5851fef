"""Default backend: TF-IDF features (word 1-2 grams and character 3-5 grams) and logistic regression.

Light (scikit-learn only), offline, fast on a CPU; character n-grams make it tolerant of typos and missing
apostrophes.
"""

from __future__ import annotations

from sendhub.voice.backends import Example, Prediction
from sendhub.voice.backends.base import LinearHeads


def _vectoriser():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, strip_accents="unicode"),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, strip_accents="unicode"
                ),
            ),
        ]
    )


class TfidfBackend(LinearHeads):
    name = "tfidf"

    @classmethod
    def train(cls, examples: list[Example]) -> tuple[TfidfBackend, dict]:
        backend = cls()
        backend.vectoriser = _vectoriser()
        features = backend.vectoriser.fit_transform([e.text for e in examples])
        metrics = backend.fit(features, examples)
        return backend, metrics

    def predict(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        return self.predict_features(self.vectoriser.transform(texts))
