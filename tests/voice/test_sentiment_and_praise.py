"""Sentiment is first-class and a complaint is never praise (issue 17).

The model is the default backend trained once per test session on the seed set (``training.seed_state``).
"""

from __future__ import annotations

import numpy as np
import pytest

from sendhub.voice import backends, redaction, training
from sendhub.voice.backends import SENTIMENTS, adjust_sentiment, apply_rules

# The issue's complaint and 20 like it: waiting for an EHC plan and nobody answering.
TIMELINESS_COMPLAINTS = [
    "We have waited 31 weeks for the EHC plan and nobody returns my calls",
    "It's been 28 weeks since the assessment started and the caseworker never rings back.",
    "Week 35 and still no final plan. I've left five voicemails and had no reply.",
    "The EHCP is three months past the deadline and nobody answers my emails about it.",
    "we r on week 30 of the ehc assessment and no one phones back",
    "40 weeks waiting for the plan and not one update from the council.",
    "Our annual review was in March, the amended plan still hasn't come and my emails are ignored.",
    "The plan is 4 months late. I ring every week, they say someone will call me, nobody ever does.",
    "Thank you for asking, but we're 9 months into the EHC needs assessment and nobody keeps us informed.",
    "Still no draft plan at 26 weeks and the SEN officer doesn't reply to anything.",
    "We applied for the EHCP last January and I have had to chase every single step, no one gets back to me.",
    "The 20 week deadline came and went, and when I asked why nobody could be bothered to answer.",
    "Waiting 8 months for the plan, three different caseworkers, not one of them has returned a call.",
    "Great, another week with no EHC plan and another unanswered email.",
    "The final plan is overdue and the council's phone line just rings out.",
    "Been waitin on the EHCP since September, nobody rings back, nowt.",
    "The assessment is way over the legal timescale and I can't get anyone at the SEND team to reply.",
    "I've been told 'next week' about the plan for two months and nobody calls when they say they will.",
    "Our son's plan is 12 weeks late and the caseworker has stopped answering my calls.",
    "No plan after 38 weeks and my complaint about the delay hasn't even been acknowledged.",
    "Annual review paperwork is five months overdue and the team never respond to my messages.",
]


@pytest.fixture(scope="module")
def model():
    return training.load_state(training.seed_state("tfidf")[0])


def predict(model, texts):
    return model.predict([redaction.redact(text).text for text in texts])


def test_the_issues_complaint_is_timeliness_and_communication_and_negative(model):
    [prediction] = predict(model, [TIMELINESS_COMPLAINTS[0]])
    assert {"ehc_timeliness", "communication"} <= set(prediction.themes)
    assert "praise" not in prediction.themes
    assert prediction.sentiment == "negative"


@pytest.mark.parametrize("text", TIMELINESS_COMPLAINTS)
def test_waiting_complaints_are_timeliness_or_communication_negative_and_never_praise(model, text):
    [prediction] = predict(model, [text])
    assert {"ehc_timeliness", "communication"} & set(prediction.themes), prediction.themes
    assert prediction.sentiment == "negative"
    assert "praise" not in prediction.themes


def test_every_sentiment_is_one_of_the_four(model):
    predictions = predict(model, ["Thanks!", "", "Where is the Local Offer?", "School are fab, the taxi is a shambles"])
    assert {p.sentiment for p in predictions} <= set(SENTIMENTS)
    assert SENTIMENTS == ["negative", "mixed", "neutral", "positive"]


def test_the_rule_blocks_praise_the_model_would_give_to_a_negative_comment(model, monkeypatch):
    """The theme model scores praise high on this comment; when the sentiment model says negative (and the
    "named praise beside a complaint is mixed" rescue is switched off), the rule removes praise. Without the rule
    this test fails."""
    monkeypatch.setattr(backends, "RESCUE_PRAISE", 2.0)  # probabilities never reach it: no rescue to mixed
    text = "Thank you, the staff are amazing!"
    features = model.features([text])
    assert model.theme_probabilities(features)["praise"][0] >= model.thresholds["praise"]
    classes = list(model.sentiment_model.classes_)
    negative = np.zeros((1, len(classes)))
    negative[0, classes.index("negative")] = 1.0
    monkeypatch.setattr(model.sentiment_model, "predict_proba", lambda _features: negative)
    [prediction] = model.predict([text])
    assert prediction.sentiment == "negative"
    assert "praise" not in prediction.themes


def test_named_praise_beside_a_complaint_is_mixed_not_negative():
    text = "The driver is lovely, the transport office never rings back."
    assert adjust_sentiment("negative", text, praise=0.9) == "mixed"
    assert adjust_sentiment("negative", text, praise=0.1) == "negative"  # the praise theme is unlikely
    assert adjust_sentiment("negative", "Thank you, but the office never rings back.", praise=0.9) == "negative"
    assert adjust_sentiment("negative", "The staff are not helpful and never ring back.", praise=0.9) == "negative"


@pytest.mark.parametrize("sentiment", ["negative", "neutral"])
def test_praise_is_only_for_positive_or_mixed_comments(sentiment):
    themes = {"praise": 0.9, "transport": 0.8}
    text = "The driver is brilliant"
    assert apply_rules(themes, sentiment, text) == {"transport": 0.8}
    assert apply_rules(themes, "positive", text) == themes
    assert apply_rules(themes, "mixed", text) == themes


def test_praise_names_what_it_praises():
    assert "praise" not in apply_rules({"praise": 0.9}, "positive", "Everything is a battle.")
    assert "praise" not in apply_rules({"praise": 0.9}, "positive", "Driver shouts at the kids.")
    assert "praise" in apply_rules({"praise": 0.9}, "positive", "The driver is lovely with him.")


@pytest.mark.parametrize(
    ("text", "model_says", "expected"),
    [
        ("Thank you, but it is week 26 and I have had no update whatsoever.", "mixed", "negative"),
        ("Thanks for the survey, however nobody has ever rung me back.", "mixed", "negative"),
        ("No disrespect to the staff, but the review has been postponed three times.", "mixed", "negative"),
        ("Great, another letter saying nothing. Cheers.", "positive", "negative"),
        ("Oh wonderful, another new caseworker.", "positive", "negative"),
        ("Brilliant, how will we know.", "positive", "negative"),
        # Real praise, and real mixed comments, are left alone.
        ("The driver is lovely but the office never rings back.", "mixed", "mixed"),
        ("Great news, he got a place at the special school.", "positive", "positive"),
        ("Thank you to the SENCO, who has been brilliant.", "positive", "positive"),
    ],
)
def test_politeness_and_sarcasm_are_not_praise(text, model_says, expected):
    assert adjust_sentiment(model_says, text) == expected


def test_polite_and_sarcastic_complaints_are_negative_without_praise(model):
    texts = [
        "Great, another letter saying nothing.",
        "Thank you for the survey, but nobody has answered my emails since June.",
        "Fantastic, another exclusion letter.",
    ]
    for text, prediction in zip(texts, predict(model, texts), strict=True):
        assert prediction.sentiment == "negative", text
        assert "praise" not in prediction.themes, text


@pytest.mark.django_db
def test_a_model_stored_by_an_older_version_is_retrained_on_first_use(area):
    import pickle

    from sendhub.voice import classifier
    from sendhub.voice.models import ClassifierModel

    classifier.clear_cache()
    old = ClassifierModel.objects.create(
        backend="tfidf",
        training_size=1,
        metrics={"fingerprint": "old"},
        state=pickle.dumps({"version": 1, "backend": "tfidf", "model": None}),
        is_current=True,
    )
    [prediction] = classifier.classify(["Thank you, the taxi driver is brilliant."], area=area)
    assert prediction.sentiment in SENTIMENTS
    current = ClassifierModel.objects.get(is_current=True)
    assert current.pk != old.pk and current.area is None
