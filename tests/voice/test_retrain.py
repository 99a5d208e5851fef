"""Retraining learns from staff: confirmed themes change what the model predicts for the area."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from sendhub.voice import classifier, training
from sendhub.voice.models import ClassifierModel, Comment, CommentTag

# Local language the seed set never uses: "the Hive" is this area's short breaks service.
CORRECTED = [
    "Can't get a single session at the Hive this summer.",
    "The Hive keeps cancelling our Saturday sessions.",
    "We were promised sessions at the Hive and got nothing.",
    "The Hive has a waiting list as long as my arm.",
    "No sessions at the Hive since Easter.",
    "The Hive sessions were cut from six to two.",
    "Asked about the Hive again, still no sessions.",
    "The Hive is the only thing that keeps us going and now they've cut our sessions.",
]
NEW = "Still no sessions at the Hive for our son."


def comment(area, text, **fields):
    return Comment.objects.create(
        area=area, source=Comment.Source.FEEDBACK, text=text, received_at=datetime(2026, 5, 1, tzinfo=UTC), **fields
    )


@pytest.mark.django_db
def test_a_staff_correction_changes_the_tags_after_retraining(area, other_area, admin_user):
    classifier.clear_cache()
    before = classifier.classify([NEW], area=area)[0]
    assert "short_breaks" not in before.themes  # the seed model does not know the local name

    for text in CORRECTED:
        c = comment(area, text, sentiment="negative", sentiment_confirmed=True)
        CommentTag.objects.create(comment=c, theme="short_breaks", confirmed=True, confirmed_by=admin_user)
        CommentTag.objects.create(comment=c, theme="praise", confidence=0.6, rejected=True)

    model = training.retrain(area)
    assert (model.area, model.is_current, model.confirmed_examples) == (area, True, len(CORRECTED))
    after = classifier.classify([NEW], area=area)[0]
    assert "short_breaks" in after.themes
    # other areas keep the global model
    assert "short_breaks" not in classifier.classify([NEW], area=other_area)[0].themes


@pytest.mark.django_db
def test_confirmed_examples_use_reviews_and_leave_untouched_suggestions_out(area):
    reviewed = comment(area, "Taxi late again", sentiment="negative", sentiment_confirmed=True)
    CommentTag.objects.create(comment=reviewed, theme="transport", confirmed=True)
    CommentTag.objects.create(comment=reviewed, theme="communication", rejected=True)
    CommentTag.objects.create(comment=reviewed, theme="information", confidence=0.4)
    comment(area, "Not reviewed at all", sentiment="neutral")
    [example] = training.confirmed_examples(area)
    assert example.themes["transport"] == 1
    assert example.themes["communication"] == 0
    assert example.themes["information"] is None  # suggested, nobody looked: left out
    assert example.themes["praise"] == 0  # reviewed and nobody added it
    assert example.sentiment == "negative" and example.weight == training.CONFIRMED_WEIGHT


@pytest.mark.django_db
def test_retrain_command_for_one_area_and_for_all(area, capsys, monkeypatch):
    monkeypatch.setattr(
        training,
        "train",
        lambda examples, backend=None: (
            training.load_state(training.seed_state(backend)[0]),
            {"validation_f1": {"transport": 1.0}},
        ),
    )  # the wiring, not the fitting
    c = comment(area, "Taxi late again")
    CommentTag.objects.create(comment=c, theme="transport", confirmed=True)
    call_command("voice_retrain", "--area", "lancashire")
    assert ClassifierModel.objects.filter(area=area, is_current=True).count() == 1
    call_command("voice_retrain")
    out = capsys.readouterr().out
    assert "Global default" in out and "Lancashire" in out
    assert ClassifierModel.objects.filter(area=area, is_current=True).count() == 1
    assert ClassifierModel.objects.filter(area=area).count() == 2
