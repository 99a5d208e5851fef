"""The evaluation data and the calculations behind docs/voice-evaluation.md (``sendhub voice evaluate``)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sendhub.voice import evaluation, safeguarding, training
from sendhub.voice.backends import THEMES
from sendhub.voice.management.commands.voice_evaluate import END, START, merge


@pytest.fixture(scope="module")
def rows():
    return evaluation.load_jsonl(evaluation.EVALUATION_PATH)


@pytest.fixture(scope="module")
def safeguarding_rows():
    return evaluation.load_jsonl(evaluation.SAFEGUARDING_PATH)


def test_the_evaluation_set_is_large_and_labelled_for_themes_and_the_four_sentiments(rows):
    assert len(rows) >= 600
    assert {r["sentiment"] for r in rows} == {"negative", "mixed", "neutral", "positive"}
    assert all(set(r["themes"]) <= set(THEMES) for r in rows)
    assert sum(1 for r in rows if len(r["themes"]) >= 2) >= 100  # several themes at once
    assert {r["set"] for r in rows} == {"a", "b"}
    assert len({r["text"].lower() for r in rows}) == len(rows)


def test_praise_labels_follow_the_rule(rows):
    """The labels obey the rule the model is held to: praise only on positive or mixed comments."""
    assert not [r["text"] for r in rows if "praise" in r["themes"] and r["sentiment"] not in {"positive", "mixed"}]


def test_the_safeguarding_set_has_enough_positives_and_hard_negatives(safeguarding_rows):
    positives = [r for r in safeguarding_rows if r["concern"]]
    negatives = [r for r in safeguarding_rows if not r["concern"]]
    assert len(positives) >= 150 and len(negatives) >= 300
    assert {r["category"] for r in positives} == set(safeguarding.CATEGORY_LABELS)
    assert {r["kind"] for r in negatives} == {"other_sense", "negated", "past_resolved", "general"}


def test_no_evaluation_comment_is_a_near_duplicate_of_a_training_comment(rows, safeguarding_rows):
    seed = [row["text"] for row in training.load_seed()]
    highest, pairs = evaluation.near_duplicates([r["text"] for r in rows + safeguarding_rows], seed)
    assert pairs == [], pairs[:5]
    assert highest < evaluation.NEAR_DUPLICATE_JACCARD


def test_the_near_duplicate_check_finds_a_reworded_copy():
    training_texts = ["The taxi was late every morning this week and nobody rang us."]
    highest, pairs = evaluation.near_duplicates(
        ["the taxi was late every morning this week and nobody rang", "CAMHS have a two year wait."], training_texts
    )
    assert highest >= 0.5 and [p[0] for p in pairs] == ["the taxi was late every morning this week and nobody rang"]
    # Texts too short for 5-grams are compared exactly.
    assert evaluation.near_duplicates(["N/A"], ["n/a", "No"])[1] == [("N/A", "n/a", 1.0)]


def test_safeguarding_recall_and_false_alarms_meet_the_goal(safeguarding_rows):
    score = evaluation.safeguarding_score(safeguarding_rows, safeguarding.concerns)
    assert score.recall >= 0.98, [r["text"] for r in score.misses]
    assert score.false_positive_rate <= 0.05, [r["text"] for r in score.false_alarms]


def test_theme_scores_and_macro_f1():
    truth = [["transport"], ["transport", "praise"], [], ["information"]]
    predicted = [["transport"], ["praise"], ["transport"], []]
    scores = {s.theme: s for s in evaluation.theme_scores(truth, predicted)}
    assert (scores["transport"].precision, scores["transport"].recall) == (0.5, 0.5)
    assert scores["praise"].f1 == 1.0 and scores["information"].f1 == 0.0 and scores["information"].support == 1
    assert evaluation.macro_f1(list(scores.values())) == pytest.approx((0.5 + 1.0) / len(THEMES))


def test_praise_confusion_counts_praise_on_complaints():
    rows = [
        {"text": "a", "themes": [], "sentiment": "negative"},
        {"text": "b", "themes": ["praise"], "sentiment": "positive"},
        {"text": "c", "themes": ["praise", "transport"], "sentiment": "mixed"},
    ]
    predictions = [
        SimpleNamespace(themes={"praise": 0.9}, sentiment="positive"),
        SimpleNamespace(themes={"praise": 0.9}, sentiment="positive"),
        SimpleNamespace(themes={}, sentiment="negative"),
    ]
    confusion = evaluation.praise_confusion(rows, predictions)
    assert confusion.praise_on_negative == ["a"] and confusion.praise_precision_on_negative == 0.0
    assert (confusion.praise_labelled, confusion.praise_found, confusion.praise_called_negative) == (2, 1, ["c"])


def test_sentiment_confusion_and_accuracy():
    confusion = evaluation.sentiment_confusion(["negative", "mixed", "mixed"], ["negative", "negative", "mixed"])
    assert confusion[("mixed", "negative")] == 1 and confusion[("positive", "positive")] == 0
    assert evaluation.accuracy(["a", "b"], ["a", "c"]) == 0.5


def test_the_learning_curve_holds_out_the_same_comments_whatever_the_number_of_corrections():
    rows = [{"text": str(i)} for i in range(100)]
    pool, test = evaluation.learning_curve_split(rows, held_out=30, seed=1)
    assert len(test) == 30 and len(pool) == 70 and not {r["text"] for r in pool} & {r["text"] for r in test}
    assert evaluation.learning_curve_split(rows, held_out=30, seed=1) == (pool, test)


def test_the_document_keeps_its_hand_written_parts():
    document = f"# Title\nwritten by hand\n{START}\nold figures\n{END}\nmore by hand\n"
    merged = merge(document, "new figures")
    assert merged == f"# Title\nwritten by hand\n{START}\nnew figures\n{END}\nmore by hand\n"
    assert merge("", "figures") == f"{START}\nfigures\n{END}\n"
