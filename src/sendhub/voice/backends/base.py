"""Shared training for the backends: one logistic regression per theme and a sentiment model on features.

Per theme (``LinearHeads.fit``):

1. Out-of-fold scores: the theme's model is trained on four fifths of the examples and scores the fifth it did not
   see, five times over (stratified folds), so every example has an honest score.
2. Calibration: a one-feature logistic regression (Platt scaling) maps those scores to probabilities, so "0.7"
   means about 70% of comments scored so carry the theme, whatever the theme.
3. Threshold: the calibrated probability that maximises the theme's F1 over the out-of-fold scores.
4. The final model is trained on everything; predictions are calibrated, then cut at the theme's threshold.

Sentiment (negative, mixed, neutral, positive) is a one-vs-rest logistic regression. ``apply_rules`` then removes
"praise" from any comment whose sentiment is neither positive nor mixed.
"""

from __future__ import annotations

import numpy as np

from sendhub.voice.backends import SENTIMENTS, THEMES, Example, Prediction, adjust_sentiment, apply_rules

THRESHOLD_GRID = np.round(np.arange(0.15, 0.86, 0.05), 2)
DEFAULT_THRESHOLD = 0.5
FOLDS = 5


def _logistic(c: float, dual: bool):
    from sklearn.linear_model import LogisticRegression

    # liblinear's dual solver is fast when there are more features than examples (TF-IDF); primal otherwise.
    return LogisticRegression(
        C=c, class_weight="balanced", max_iter=2000, solver="liblinear", dual=dual, tol=1e-3, random_state=0
    )


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = float(np.sum(truth & predicted))
    fp = float(np.sum(~truth & predicted))
    fn = float(np.sum(truth & ~predicted))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def _folds(labels: np.ndarray, seed: int) -> np.ndarray:
    """A fold number for each example, stratified by label (positives spread evenly over the folds)."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(labels), dtype=int)
    for value in (0, 1):
        rows = np.flatnonzero(labels == value)
        rng.shuffle(rows)
        fold[rows] = np.arange(len(rows)) % FOLDS
    return fold


class Calibration:
    """Platt scaling of a model's decision values: probability = sigmoid(a * score + b)."""

    def __init__(self, a: float = 1.0, b: float = 0.0):
        self.a, self.b = a, b

    @classmethod
    def fit(cls, scores: np.ndarray, truth: np.ndarray) -> Calibration:
        from sklearn.linear_model import LogisticRegression

        if len(set(truth.tolist())) < 2:
            return cls()
        model = LogisticRegression(C=1e4, solver="lbfgs").fit(scores.reshape(-1, 1), truth.astype(int))
        return cls(float(model.coef_[0][0]), float(model.intercept_[0]))

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.a * scores + self.b)))


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
    calibrate = True

    def fit(self, features, examples: list[Example], seed: int = 7) -> dict:
        weights = np.array([e.weight for e in examples])
        self.theme_models: dict[str, object] = {}
        self.calibrations: dict[str, Calibration] = {}
        self.thresholds: dict[str, float] = {}
        validation_f1: dict[str, float] = {}
        for theme in THEMES:
            labels = np.array([-1 if e.themes.get(theme) is None else int(e.themes[theme]) for e in examples])
            known = np.flatnonzero(labels >= 0)
            y = labels[known]
            if len(set(y.tolist())) < 2:
                continue
            x, w = features[known], weights[known]
            threshold, calibration = DEFAULT_THRESHOLD, Calibration()
            if min(int(y.sum()), int((1 - y).sum())) >= FOLDS:
                fold = _folds(y, seed)
                scores = np.zeros(len(y))
                for k in range(FOLDS):
                    held = fold == k
                    model = _logistic(self.theme_c, self.dual).fit(x[~held], y[~held], sample_weight=w[~held])
                    scores[held] = model.decision_function(x[held])
                truth = y.astype(bool)
                calibration = Calibration.fit(scores, truth) if self.calibrate else Calibration()
                probabilities = calibration(scores)
                threshold = float(
                    max(THRESHOLD_GRID, key=lambda t: (_f1(truth, probabilities >= t), -abs(t - 0.5)))
                )
                validation_f1[theme] = round(_f1(truth, probabilities >= threshold), 3)
            self.theme_models[theme] = _logistic(self.theme_c, self.dual).fit(x, y, sample_weight=w)
            self.calibrations[theme] = calibration
            self.thresholds[theme] = threshold
        sentiment_rows = np.array([e.sentiment in SENTIMENTS for e in examples])
        self.sentiment_model = OneVsRest(self.sentiment_c, self.dual).fit(
            features[sentiment_rows],
            [e.sentiment for e, keep in zip(examples, sentiment_rows, strict=True) if keep],
            sample_weight=weights[sentiment_rows],
        )
        return {"thresholds": self.thresholds, "validation_f1": validation_f1, "folds": FOLDS}

    def theme_probabilities(self, features) -> dict[str, np.ndarray]:
        """Calibrated probability of each theme for each row, before thresholds and rules."""
        return {
            theme: self.calibrations[theme](model.decision_function(features))
            for theme, model in self.theme_models.items()
        }

    def predict_features(self, features, texts: list[str] | None = None) -> list[Prediction]:
        n = features.shape[0]
        if n == 0:
            return []
        theme_scores = self.theme_probabilities(features)
        sentiment_probs = self.sentiment_model.predict_proba(features)
        classes = list(self.sentiment_model.classes_)
        best = np.argmax(sentiment_probs, axis=1)
        predictions = []
        for i in range(n):
            sentiment = classes[best[i]]
            if texts is not None:
                praise = float(theme_scores["praise"][i]) if "praise" in theme_scores else 0.0
                sentiment = adjust_sentiment(sentiment, texts[i], praise)
            themes = {
                theme: round(float(scores[i]), 3)
                for theme, scores in theme_scores.items()
                if scores[i] >= self.thresholds[theme]
            }
            predictions.append(
                Prediction(
                    themes=dict(
                        sorted(
                            apply_rules(themes, sentiment, None if texts is None else texts[i]).items(),
                            key=lambda item: -item[1],
                        )
                    ),
                    sentiment=sentiment,
                    sentiment_confidence=round(float(sentiment_probs[i][best[i]]), 3),
                )
            )
        return predictions
