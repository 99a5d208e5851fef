"""Shared training for the backends: one-vs-rest logistic regression per theme and a sentiment model on features.

Per-theme thresholds are tuned on a held-out fifth of the training data (the threshold that maximises that
theme's F1), then the models are refitted on everything.
"""

from __future__ import annotations

import numpy as np

from sendhub.voice.backends import SENTIMENTS, THEMES, Example, Prediction

THRESHOLD_GRID = np.round(np.arange(0.15, 0.86, 0.05), 2)
DEFAULT_THRESHOLD = 0.5


def _logistic(c: float, dual: bool):
    from sklearn.linear_model import LogisticRegression

    # liblinear's dual solver is fast when there are more features than examples (TF-IDF); primal otherwise.
    return LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear", dual=dual)


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = float(np.sum(truth & predicted))
    fp = float(np.sum(~truth & predicted))
    fn = float(np.sum(truth & ~predicted))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


class OneVsRest:
    """One binary logistic regression per class, probabilities normalised (liblinear has no multinomial)."""

    def __init__(self, c: float, dual: bool):
        self.c, self.dual = c, dual

    def fit(self, features, labels, sample_weight=None):
        labels = np.asarray(labels)
        self.classes_ = np.array(sorted(set(labels)))
        self.models = [
            _logistic(self.c, self.dual).fit(features, labels == label, sample_weight=sample_weight)
            for label in self.classes_
        ]
        return self

    def predict_proba(self, features):
        scores = np.column_stack([model.predict_proba(features)[:, 1] for model in self.models])
        return scores / np.clip(scores.sum(axis=1, keepdims=True), 1e-12, None)


class LinearHeads:
    """Theme and sentiment heads over a feature matrix."""

    theme_c = 10.0
    sentiment_c = 10.0
    dual = True

    def fit(self, features, examples: list[Example], seed: int = 7) -> dict:
        rng = np.random.default_rng(seed)
        n = len(examples)
        weights = np.array([e.weight for e in examples])
        validation = np.zeros(n, dtype=bool)
        validation[rng.permutation(n)[: max(1, n // 5)]] = True
        self.theme_models: dict[str, object] = {}
        self.thresholds: dict[str, float] = {}
        validation_f1: dict[str, float] = {}
        for theme in THEMES:
            labels = np.array([-1 if e.themes.get(theme) is None else int(e.themes[theme]) for e in examples])
            known = labels >= 0
            if len(set(labels[known])) < 2:
                continue
            train_rows = known & ~validation
            check_rows = known & validation
            threshold = DEFAULT_THRESHOLD
            if len(set(labels[train_rows])) == 2 and labels[check_rows].sum() > 0:
                model = _logistic(self.theme_c, self.dual).fit(
                    features[train_rows], labels[train_rows], sample_weight=weights[train_rows]
                )
                scores = model.predict_proba(features[check_rows])[:, 1]
                truth = labels[check_rows].astype(bool)
                best = max(THRESHOLD_GRID, key=lambda t: (_f1(truth, scores >= t), -abs(t - 0.5)))
                threshold = float(best)
                validation_f1[theme] = round(_f1(truth, scores >= threshold), 3)
            self.theme_models[theme] = _logistic(self.theme_c, self.dual).fit(
                features[known], labels[known], sample_weight=weights[known]
            )
            self.thresholds[theme] = threshold
        sentiment_rows = np.array([e.sentiment in SENTIMENTS for e in examples])
        self.sentiment_model = OneVsRest(self.sentiment_c, self.dual).fit(
            features[sentiment_rows],
            [e.sentiment for e, keep in zip(examples, sentiment_rows, strict=True) if keep],
            sample_weight=weights[sentiment_rows],
        )
        return {"thresholds": self.thresholds, "validation_f1": validation_f1}

    def predict_features(self, features) -> list[Prediction]:
        n = features.shape[0]
        if n == 0:
            return []
        theme_scores = {theme: model.predict_proba(features)[:, 1] for theme, model in self.theme_models.items()}
        sentiment_probs = self.sentiment_model.predict_proba(features)
        classes = list(self.sentiment_model.classes_)
        predictions = []
        for i in range(n):
            themes = {
                theme: round(float(scores[i]), 3)
                for theme, scores in theme_scores.items()
                if scores[i] >= self.thresholds[theme]
            }
            best = int(np.argmax(sentiment_probs[i]))
            predictions.append(
                Prediction(
                    themes=dict(sorted(themes.items(), key=lambda item: -item[1])),
                    sentiment=classes[best],
                    sentiment_confidence=round(float(sentiment_probs[i][best]), 3),
                )
            )
        return predictions
