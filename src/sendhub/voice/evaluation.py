"""Measure the comment classifier and the safeguarding detector on the labelled evaluation sets.

The figures in ``docs/voice-evaluation.md`` come from here (``sendhub voice evaluate --write``), so they can be
reproduced. Pure calculations (scores, near-duplicates, the learning curve's sampling) take plain lists and have
their own tests; ``report`` puts them together and trains the models it measures.

Data (``tests/data``):

- ``voice_evaluation.jsonl``: parent comments labelled with themes and a sentiment. Set "a" (the first 320) and
  set "b" (written for issue 17: dialect, sarcasm, polite complaints, several themes at once) were written by hand,
  apart from the training data, which is generated from separately written fragments
  (``sendhub/voice/data/build_seed.py``). ``near_duplicates`` checks that no evaluation comment is close to a
  training comment.
- ``voice_safeguarding.jsonl``: comments that should raise a safeguarding concern (``concern: true``) and hard
  negatives that should not ("harm" in other senses, negated phrases, past concerns that are over).
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sendhub.voice.backends import SENTIMENTS, THEMES

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
EVALUATION_PATH = DATA / "voice_evaluation.jsonl"
SAFEGUARDING_PATH = DATA / "voice_safeguarding.jsonl"
NEAR_DUPLICATE_JACCARD = 0.5
LEARNING_CURVE_STEPS = (0, 50, 200)
NEGATIVE_THEMES = [t for t in THEMES if t != "praise"]


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# Themes and sentiment ----------------------------------------------------------------------------------------


@dataclass
class ThemeScore:
    theme: str
    support: int
    precision: float
    recall: float
    f1: float


def theme_scores(truth: list[Iterable[str]], predicted: list[Iterable[str]]) -> list[ThemeScore]:
    """Precision, recall and F1 of each theme over paired lists of true and predicted theme sets."""
    truth_sets = [set(t) for t in truth]
    predicted_sets = [set(p) for p in predicted]
    scores = []
    for theme in THEMES:
        tp = sum(1 for t, p in zip(truth_sets, predicted_sets, strict=True) if theme in t and theme in p)
        fp = sum(1 for t, p in zip(truth_sets, predicted_sets, strict=True) if theme not in t and theme in p)
        fn = sum(1 for t, p in zip(truth_sets, predicted_sets, strict=True) if theme in t and theme not in p)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        scores.append(ThemeScore(theme, tp + fn, precision, recall, f1))
    return scores


def macro_f1(scores: list[ThemeScore]) -> float:
    return sum(s.f1 for s in scores) / len(scores) if scores else 0.0


def sentiment_confusion(truth: list[str], predicted: list[str]) -> dict[tuple[str, str], int]:
    """(true, predicted) -> count, for every pair of sentiments."""
    counts = Counter(zip(truth, predicted, strict=True))
    return {(t, p): counts.get((t, p), 0) for t in SENTIMENTS for p in SENTIMENTS}


def accuracy(truth: list, predicted: list) -> float:
    return sum(1 for t, p in zip(truth, predicted, strict=True) if t == p) / len(truth) if truth else 0.0


@dataclass
class PraiseConfusion:
    """How praise and complaints are confused."""

    negative_comments: int  # comments labelled negative
    praise_on_negative: list[str]  # ... of them tagged "praise" (must be empty)
    praise_labelled: int  # comments labelled praise
    praise_found: int  # ... of them tagged praise
    praise_called_negative: list[str]  # comments labelled praise whose predicted sentiment is negative
    complaint_themes_on_positive: list[str]  # comments labelled positive given a complaint theme and no praise

    @property
    def praise_precision_on_negative(self) -> float:
        """1.0 when no negative comment is tagged praise."""
        return 1.0 - len(self.praise_on_negative) / self.negative_comments if self.negative_comments else 1.0


def praise_confusion(rows: list[dict], predictions: list) -> PraiseConfusion:
    negative = [(r, p) for r, p in zip(rows, predictions, strict=True) if r["sentiment"] == "negative"]
    praised = [(r, p) for r, p in zip(rows, predictions, strict=True) if "praise" in r["themes"]]
    positive = [(r, p) for r, p in zip(rows, predictions, strict=True) if r["sentiment"] == "positive"]
    return PraiseConfusion(
        negative_comments=len(negative),
        praise_on_negative=[r["text"] for r, p in negative if "praise" in p.themes],
        praise_labelled=len(praised),
        praise_found=sum(1 for r, p in praised if "praise" in p.themes),
        praise_called_negative=[r["text"] for r, p in praised if p.sentiment == "negative"],
        complaint_themes_on_positive=[
            r["text"] for r, p in positive if "praise" not in p.themes and p.sentiment == "negative"
        ],
    )


# Safeguarding ------------------------------------------------------------------------------------------------


@dataclass
class SafeguardingScore:
    positives: int
    hard_negatives: int
    misses: list[dict]  # positives with no concern found
    false_alarms: list[dict]  # hard negatives with a concern found, with what was found
    by_category: dict[str, tuple[int, int]] = field(default_factory=dict)  # category -> (found, of)
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)  # hard-negative kind -> (flagged, of)

    @property
    def recall(self) -> float:
        return 1.0 - len(self.misses) / self.positives if self.positives else 0.0

    @property
    def false_positive_rate(self) -> float:
        return len(self.false_alarms) / self.hard_negatives if self.hard_negatives else 0.0


def safeguarding_score(rows: list[dict], detect: Callable[[str], list[str]]) -> SafeguardingScore:
    positives = [r for r in rows if r["concern"]]
    negatives = [r for r in rows if not r["concern"]]
    found = {id(r): detect(r["text"]) for r in rows}
    by_category: dict[str, list[int]] = {}
    for row in positives:
        tally = by_category.setdefault(row.get("category") or "", [0, 0])
        tally[0] += bool(found[id(row)])
        tally[1] += 1
    by_kind: dict[str, list[int]] = {}
    for row in negatives:
        tally = by_kind.setdefault(row.get("kind") or "", [0, 0])
        tally[0] += bool(found[id(row)])
        tally[1] += 1
    return SafeguardingScore(
        positives=len(positives),
        hard_negatives=len(negatives),
        misses=[r for r in positives if not found[id(r)]],
        false_alarms=[{**r, "found": found[id(r)]} for r in negatives if found[id(r)]],
        by_category={k: (v[0], v[1]) for k, v in sorted(by_category.items())},
        by_kind={k: (v[0], v[1]) for k, v in sorted(by_kind.items())},
    )


# Keeping training and evaluation apart -----------------------------------------------------------------------


def near_duplicates(
    evaluation: list[str], training: list[str], *, n: int = 5, threshold: float = NEAR_DUPLICATE_JACCARD
) -> tuple[float, list[tuple[str, str, float]]]:
    """The highest character ``n``-gram Jaccard similarity between any evaluation and training text, and every
    pair at or above ``threshold`` (texts lower-cased, spaces squeezed)."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    def clean(texts: list[str]) -> list[str]:
        return [" ".join(t.lower().split()) for t in texts]

    vectoriser = CountVectorizer(analyzer="char", ngram_range=(n, n), binary=True, lowercase=False)
    try:
        vectoriser.fit(clean(evaluation) + clean(training))
    except ValueError:  # every text is shorter than n characters
        jaccard = np.zeros((len(evaluation), len(training)))
    else:
        a = vectoriser.transform(clean(evaluation)).astype(np.int32)
        b = vectoriser.transform(clean(training)).astype(np.int32)
        shared = (a @ b.T).toarray()
        sizes_a = np.asarray(a.sum(axis=1)).ravel()
        sizes_b = np.asarray(b.sum(axis=1)).ravel()
        union = sizes_a[:, None] + sizes_b[None, :] - shared
        jaccard = np.divide(shared, union, out=np.zeros(shared.shape), where=union > 0)
    # Texts shorter than n characters have no n-grams: compare those exactly.
    short_training = {text: j for j, text in enumerate(clean(training)) if len(text) < n}
    for i, text in enumerate(clean(evaluation)):
        if text in short_training:
            jaccard[i, short_training[text]] = 1.0
    pairs = [
        (evaluation[i], training[j], float(jaccard[i, j]))
        for i, j in zip(*np.nonzero(jaccard >= threshold), strict=True)
    ]
    return (float(jaccard.max()) if jaccard.size else 0.0), pairs


# Learning from staff -----------------------------------------------------------------------------------------


def learning_curve_split(rows: list[dict], *, held_out: int, seed: int) -> tuple[list[dict], list[dict]]:
    """A new area's comments split into a pool staff correct from and a fixed held-out set to measure on."""
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    return shuffled[held_out:], shuffled[:held_out]


def learning_curve(
    rows: list[dict],
    *,
    steps: tuple[int, ...] = LEARNING_CURVE_STEPS,
    repeats: int = 2,
    held_out: int = 90,
    backend: str = "tfidf",
) -> list[tuple[int, float, float]]:
    """Macro-F1 on a new area's held-out comments after 0, 50, 200 staff corrections: (corrections, mean, min).

    The area's comments are ``rows`` (evaluation set "b", written in words and dialect the training set does not
    use). Each repeat holds out ``held_out`` of them, then retrains as ``training.retrain`` does, on the seed set plus
    the first n of the rest as staff-confirmed examples (weighted ``training.CONFIRMED_WEIGHT``)."""
    from sendhub.voice import redaction, training

    seed_examples = training.seed_examples()
    results: dict[int, list[float]] = {n: [] for n in steps}
    base_model = None
    for repeat in range(repeats):
        pool, test = learning_curve_split(rows, held_out=held_out, seed=repeat)
        texts = [redaction.redact(r["text"]).text for r in test]
        for n in steps:
            if n == 0:
                if base_model is None:
                    base_model, _ = training.train(seed_examples, backend)
                model = base_model
            else:
                staff = [
                    training.row_to_example(
                        {**r, "text": redaction.redact(r["text"]).text},
                        weight=training.CONFIRMED_WEIGHT,
                        source="staff",
                    )
                    for r in pool[:n]
                ]
                model, _ = training.train(seed_examples + staff, backend)
            predictions = model.predict(texts)
            results[n].append(macro_f1(theme_scores([r["themes"] for r in test], [p.themes for p in predictions])))
    return [(n, sum(v) / len(v), min(v)) for n, v in results.items()]


# The report --------------------------------------------------------------------------------------------------


@dataclass
class Report:
    rows: list[dict]
    training_size: int
    themes: list[ThemeScore]
    sentiment_accuracy: float
    confusion: dict[tuple[str, str], int]
    praise: PraiseConfusion
    safeguarding: SafeguardingScore
    max_jaccard: float
    near_duplicate_pairs: list[tuple[str, str, float]]
    train_seconds: float
    tag_seconds_10k: float
    thresholds: dict[str, float]
    curve: list[tuple[int, float, float]] = field(default_factory=list)
    by_set: dict[str, float] = field(default_factory=dict)

    @property
    def macro_f1(self) -> float:
        return macro_f1(self.themes)


def report(*, backend: str = "tfidf", with_learning_curve: bool = True) -> Report:
    from sendhub.voice import redaction, safeguarding, training

    rows = load_jsonl(EVALUATION_PATH)
    seed = training.seed_examples()
    started = time.perf_counter()
    model, _ = training.train(seed, backend)
    train_seconds = time.perf_counter() - started
    texts = [redaction.redact(r["text"]).text for r in rows]
    predictions = model.predict(texts)
    themes = theme_scores([r["themes"] for r in rows], [p.themes for p in predictions])
    by_set = {}
    for name in sorted({r.get("set", "a") for r in rows}):
        pairs = [(r, p) for r, p in zip(rows, predictions, strict=True) if r.get("set", "a") == name]
        by_set[name] = macro_f1(theme_scores([r["themes"] for r, _ in pairs], [p.themes for _, p in pairs]))
    many = (texts * (10_000 // len(texts) + 1))[:10_000]
    started = time.perf_counter()
    for i in range(0, len(many), 1000):
        model.predict(many[i : i + 1000])
    tag_seconds = time.perf_counter() - started
    max_jaccard, pairs = near_duplicates([r["text"] for r in rows], [e.text for e in seed])
    return Report(
        rows=rows,
        training_size=len(seed),
        themes=themes,
        sentiment_accuracy=accuracy([r["sentiment"] for r in rows], [p.sentiment for p in predictions]),
        confusion=sentiment_confusion([r["sentiment"] for r in rows], [p.sentiment for p in predictions]),
        praise=praise_confusion(rows, predictions),
        safeguarding=safeguarding_score(load_jsonl(SAFEGUARDING_PATH), safeguarding.concerns),
        max_jaccard=max_jaccard,
        near_duplicate_pairs=pairs,
        train_seconds=train_seconds,
        tag_seconds_10k=tag_seconds,
        thresholds=dict(getattr(model, "thresholds", {})),
        curve=learning_curve([r for r in rows if r.get("set") == "b"], backend=backend) if with_learning_curve else [],
        by_set=by_set,
    )


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def markdown(result: Report) -> str:
    """``docs/voice-evaluation.md``: data, themes, sentiment, praise, safeguarding, learning curve and speed."""
    lines: list[str] = []
    for section in (_md_data, _md_themes, _md_sentiment, _md_praise, _md_safeguarding, _md_curve, _md_speed):
        lines += section(result)
    return "\n".join(lines)


def _md_data(result: Report) -> list[str]:
    rows = result.rows
    sentiments = Counter(r["sentiment"] for r in rows)
    sg = result.safeguarding
    return [
        "Figures from here to the end marker are generated by `sendhub voice evaluate --write` (module",
        "`sendhub.voice.evaluation`): do not edit them by hand; rerun it after changing the model, the seed set or the",
        "evaluation data.",
        "",
        "## Data",
        "",
        f"- Training: {result.training_size:,} generated comments (`src/sendhub/voice/data/seed_comments.jsonl`, "
        "built by `build_seed.py` from separately written fragments).",
        f"- Evaluation: {len(rows)} hand-written parent comments (`tests/data/voice_evaluation.jsonl`): "
        + ", ".join(f"{sentiments[s]} {s}" for s in SENTIMENTS)
        + f"; set a {sum(1 for r in rows if r.get('set', 'a') == 'a')}, set b "
        f"{sum(1 for r in rows if r.get('set') == 'b')} (dialect, sarcasm, polite complaints, several themes).",
        f"- Kept apart: the highest character 5-gram Jaccard similarity between any evaluation comment and any "
        f"training comment is {result.max_jaccard:.2f} (limit {NEAR_DUPLICATE_JACCARD}; "
        f"{len(result.near_duplicate_pairs)} pairs at or above it).",
        f"- Safeguarding: {sg.positives} comments that must be flagged and {sg.hard_negatives} hard negatives "
        "(`tests/data/voice_safeguarding.jsonl`).",
        "",
    ]


def _md_themes(result: Report) -> list[str]:
    lines = [
        "## Themes",
        "",
        f"Macro-F1 over the {len(THEMES)} themes: **{result.macro_f1:.3f}** "
        f"(set a {result.by_set.get('a', 0):.3f}, set b {result.by_set.get('b', 0):.3f}).",
        "",
        "| Theme | Comments | Precision | Recall | F1 | Threshold |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    return lines + [
        f"| {s.theme} | {s.support} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | "
        f"{result.thresholds.get(s.theme, 0):.2f} |"
        for s in result.themes
    ]


def _md_sentiment(result: Report) -> list[str]:
    lines = [
        "",
        "## Sentiment",
        "",
        f"Accuracy: **{result.sentiment_accuracy:.3f}**. Rows: labelled; columns: predicted.",
        "",
        "| | " + " | ".join(SENTIMENTS) + " |",
        "|---|" + "---:|" * len(SENTIMENTS),
    ]
    return lines + [
        f"| {t} | " + " | ".join(str(result.confusion[(t, p)]) for p in SENTIMENTS) + " |" for t in SENTIMENTS
    ]


def _md_praise(result: Report) -> list[str]:
    praise = result.praise
    lines = [
        "",
        "## Praise and complaints",
        "",
        f"- Comments labelled negative: {praise.negative_comments}; "
        f"tagged praise: **{len(praise.praise_on_negative)}** "
        f"(precision of praise on negative comments {praise.praise_precision_on_negative:.3f}).",
        f"- Comments labelled praise: {praise.praise_labelled}; tagged praise: {praise.praise_found}.",
        f"- Comments labelled praise but read as negative ({len(praise.praise_called_negative)}):",
    ]
    lines += [f"  - {text}" for text in praise.praise_called_negative] or ["  - none"]
    lines += [f"- Comments labelled positive but read as negative ({len(praise.complaint_themes_on_positive)}):"]
    lines += [f"  - {text}" for text in praise.complaint_themes_on_positive] or ["  - none"]
    if praise.praise_on_negative:
        lines += ["- Negative comments tagged praise:"] + [f"  - {text}" for text in praise.praise_on_negative]
    return lines


def _md_safeguarding(result: Report) -> list[str]:
    sg = result.safeguarding
    lines = [
        "",
        "## Safeguarding",
        "",
        f"Recall: **{sg.recall:.3f}** ({sg.positives - len(sg.misses)} of {sg.positives}); false-positive rate on "
        f"hard negatives: **{_pct(sg.false_positive_rate)}** ({len(sg.false_alarms)} of {sg.hard_negatives}).",
        "",
        "| Category | Found | Of |",
        "|---|---:|---:|",
    ]
    lines += [f"| {k} | {found} | {of} |" for k, (found, of) in sg.by_category.items()]
    lines += ["", "| Hard negatives | Flagged | Of |", "|---|---:|---:|"]
    lines += [f"| {k} | {flagged} | {of} |" for k, (flagged, of) in sg.by_kind.items()]
    lines += ["", f"Every miss ({len(sg.misses)}):", ""]
    lines += [f"- ({r.get('category')}) {r['text']}" for r in sg.misses] or ["- none"]
    lines += ["", f"Every false alarm ({len(sg.false_alarms)}):", ""]
    lines += [f"- ({r.get('kind')}; found {', '.join(r['found'])}) {r['text']}" for r in sg.false_alarms] or ["- none"]
    return lines + [
        "",
        "The hard negatives were written before the detector was changed for issue 17, but the detector's phrases, "
        "exclusions and negation rules were then tuned while looking at them, so these figures are in-sample: expect "
        "a lower figure on comments nobody has seen.",
    ]


def _md_curve(result: Report) -> list[str]:
    if not result.curve:
        return []
    lines = [
        "",
        "## Learning from staff corrections",
        "",
        "Macro-F1 on a new area's comments (evaluation set b, in words the seed set does not use), measured on 90 "
        "of them held out, after staff correct 0, 50 or 200 of the others (retrained as `retrain` does; mean and "
        "lowest of 2 random splits).",
        "",
        "| Corrections | Macro-F1 (mean) | Lowest |",
        "|---:|---:|---:|",
    ]
    return lines + [f"| {n} | {mean:.3f} | {low:.3f} |" for n, mean, low in result.curve]


def _md_speed(result: Report) -> list[str]:
    return [
        "",
        "## Speed",
        "",
        f"Training on the seed set: {result.train_seconds:.1f} s. Tagging 10,000 comments (evaluation texts repeated, "
        f"in batches of 1,000): {result.tag_seconds_10k:.1f} s. `bench/voice_classify.py` times redaction, "
        "safeguarding and tagging of 10,000 generated comments (goal: under 20 s).",
        "",
    ]
